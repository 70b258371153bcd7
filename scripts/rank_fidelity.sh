#!/usr/bin/env bash
# Rank fidelity of the t supernet (docs/VALIDITY.md): trains N sampled t archs stand-alone with the
# supernet's token budget, evaluates them and their supernet-inherited weights on the nas-eval
# split, and prints Kendall's tau between the two perplexity rankings. Resumable: finished archs
# are skipped (hwgpt eval --out skips rows already present; train resumes checkpoints).
#   scripts/rank_fidelity.sh SUPERNET_CHECKPOINT OUT_DIR [N (8)] [SEED (7)] [STEPS (2000)]
# SUPERNET_CHECKPOINT '-' trains and evaluates the stand-alone models only.
set -euo pipefail
hwgpt=${HWGPT:-"$(cd "$(dirname "$0")/.." && pwd)/build/hwgpt"}
supernet=$1 out=$2 n=${3:-8} seed=${4:-7} steps=${5:-2000}
corpus=${HWGPT_CORPUS:-$(dirname "$0")/../../shared/data/corpora/tinyshakespeare.txt}
export OMP_WAIT_POLICY=passive
mkdir -p "$out"
"$hwgpt" space sample --scale t -n "$n" --seed "$seed" --unique > "$out/archs.txt"
i=0
while read -r arch; do
  i=$((i + 1))
  if ! grep -q "^$arch," "$out/standalone.csv" 2>/dev/null; then
    "$hwgpt" train --corpus "$corpus" --arch "$arch" --checkpoint "$out/standalone-$i.hwgpt" --steps "$steps" \
      --threads "${HWGPT_THREADS:-1}" --eval-every 0 --checkpoint-every 250 --log-every 250
    echo "$arch" > "$out/arch-$i.txt"
    "$hwgpt" eval --checkpoint "$out/standalone-$i.hwgpt" --corpus "$corpus" --archs "$out/arch-$i.txt" \
      --out "$out/standalone.csv" --threads "${HWGPT_THREADS:-1}"
  fi
done < "$out/archs.txt"
[ "$supernet" = "-" ] && exit 0
"$hwgpt" eval --checkpoint "$supernet" --corpus "$corpus" --archs "$out/archs.txt" --out "$out/supernet.csv" \
  --threads "${HWGPT_THREADS:-1}"
/usr/bin/python3 "$(dirname "$0")/kendall_tau.py" "$out/standalone.csv" "$out/supernet.csv"
