#!/usr/bin/env bash
# One-command check of this machine's GPU against the benchmark (docs/PROFILING.md, "GPU check"):
# profiles 50 seeded scale-s archs at batch 8 x 1024 with PyTorch (~2-3 minutes), fits nothing,
# prints the Kendall tau of its latencies with the shipped a100/h100 surrogates and its energy per
# call with the window used. Without a GPU (or without PyTorch) it says so and exits 0.
#   PYTHON   the interpreter with your CUDA build of PyTorch (default: python3)
#   further arguments go to `python -m hwgpt.gpu_check` (--count, --db, --device, --compare, ...)
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-python3}"
# The installed hwgpt wheel if that interpreter has one, else this build's package.
if ! "$python" -c "import hwgpt" 2>/dev/null && [ -d build/python/hwgpt ]; then
  export PYTHONPATH="$PWD/build/python${PYTHONPATH:+:$PYTHONPATH}"
fi
# PyTorch is imported before hwgpt: the order that worked on the first H200 check, before the
# module's link fix made the other order work too (docs/PROFILING.md, "GPU runs, second session").
exec "$python" -c '
import runpy, sys
try:
    import torch  # noqa: F401
except ImportError:
    pass  # gpu_check says that PyTorch is missing
sys.argv[0] = "gpu_check"
runpy.run_module("hwgpt.gpu_check", run_name="__main__")' "$@"
