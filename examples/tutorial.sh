#!/usr/bin/env bash
# Every command of docs/TUTORIAL.md after the set-up step, in order (python/tests/test_tutorial.py
# checks that the two agree and runs this script). Run from the repository root after
# scripts/setup.sh; writes only under tutorial-out/.
set -euo pipefail

mkdir -p tutorial-out
build/hwgpt metrics --scale s
build/hwgpt devices --scale s

A=$(build/hwgpt space sample --scale s -n 1 --seed 7)
echo "$A"
build/hwgpt analyze --arch "$A"
build/hwgpt query --scale s --arch "$A" --metric perplexity
build/hwgpt query --scale s --arch "$A" --metric latency_ms --device a100 --json
build/hwgpt query --scale s --arch "$A" --metric energy_mj --device cpu_xeon_gold --mode quantile:0.9
build/hwgpt query --scale s --arch "$A" --metric latency_ms --device h100 --mode sample:1

build/hwgpt space sample --scale s -n 5 --seed 1 > tutorial-out/archs.txt
build/hwgpt query --scale s --archs tutorial-out/archs.txt --metric perplexity

PYTHONPATH=build/python /usr/bin/python3 examples/tutorial.py

build/hwgpt search --scale s --objectives perplexity,latency@a100 --algorithm nsga2 --budget 300 --seed 1 --out tutorial-out/nsga2

cat > tutorial-out/study.json <<'EOF'
{
  "space": "s",
  "objective_sets": [["perplexity", "latency@a100"]],
  "algorithms": ["rs", "ls", "nsga2", "morea"],
  "seeds": [1, 2],
  "budget": 200,
  "threads": 2,
  "output": "tutorial-out/study"
}
EOF
build/hwgpt study --config tutorial-out/study.json
cat tutorial-out/study/summary.csv
head -n 5 tutorial-out/study/attainment.csv

build/hwgpt report --study tutorial-out/study --png tutorial-out/study/png
ls tutorial-out/study/png | head -n 3

PYTHONPATH=build/python /usr/bin/python3 examples/own_optimizer.py
build/hwgpt report --study tutorial-out/study
grep -c my-ls tutorial-out/study/summary.csv
