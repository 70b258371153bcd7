#!/usr/bin/env bash
# Builds hwgpt against the libtorch of a CUDA build of PyTorch (a pip/conda torch), for
# `--compute cuda` in train, eval and profile, into BUILD_DIR (default build-cuda):
#   scripts/build_cuda.sh [BUILD_DIR] [extra cmake arguments]
#   PYTHON  the interpreter whose torch to build against (default: python3); the Python module
#           is built for it too, with its pybind11 where it has one.
# The other dependencies are scripts/setup.sh's (its apt packages; a machine without them can pass
# their locations as cmake arguments). Ran on an H200 with torch 2.11.0+cu130 (docs/PROFILING.md,
# "GPU runs"); Debian's libtorch-dev is CPU-only, so the default build never has CUDA.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-python3}"
build="${1:-build-cuda}"
[ $# -gt 0 ] && shift
torch_prefix=$("$python" -c 'import torch; print(torch.utils.cmake_prefix_path)')
"$python" -c 'import torch, sys; sys.exit(0 if torch.version.cuda else "this PyTorch has no CUDA: nothing to build for")'
pybind=()
if dir=$("$python" -m pybind11 --cmakedir 2>/dev/null); then pybind=(-Dpybind11_DIR="$dir"); fi
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$torch_prefix" \
  -DPython_EXECUTABLE="$(command -v "$python")" "${pybind[@]}" -DHWGPT_BUILD_BENCHMARKS=OFF "$@"
grep -q 'HWGPT_TORCH_CUDA=1' "$build/build.ninja" || echo "build_cuda: warning: CMake did not report CUDA (CAFFE2_USE_CUDA) for this libtorch"
cmake --build "$build" --target hwgpt_full hwgpt_python model_test train_test
echo "build_cuda: $build/hwgpt-full; GPU tests: $build/tests/model_test --gtest_filter='ComputeDevice*'"
