#!/usr/bin/env bash
# Builds the torch-free modules and their tests with AddressSanitizer + UndefinedBehaviorSanitizer
# in build-asan/ (libtorch is not instrumented, so -DHWGPT_WITH_TORCH=OFF) and runs them through
# CTest (Debug: assertions on; -O1). LeakSanitizer is on; UBSan halts on the first error (-fno-sanitize-recover=all).
#   HWGPT_CMAKE_ARGS  extra CMake arguments (CI passes -DHWGPT_WERROR=ON)
#   HWGPT_JOBS        parallel build and test jobs (default 2)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck disable=SC2086  # HWGPT_CMAKE_ARGS is a list of arguments
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DHWGPT_SANITIZE=ON -DHWGPT_BUILD_PYTHON=OFF \
  -DHWGPT_WITH_TORCH=OFF -DHWGPT_BUILD_BENCHMARKS=OFF ${HWGPT_CMAKE_ARGS:-} >/dev/null
cmake --build build-asan -j "${HWGPT_JOBS:-2}"
export ASAN_OPTIONS="detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:${UBSAN_OPTIONS:-}"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
# EhviBeatsRandomSearchOnZdtAndDtlz alone takes 158 s under ASan (2 cores): a quality test of
# EHVI's results whose code paths the other BayesianOptimizers and Ehvi2d tests run too.
ctest --test-dir build-asan --output-on-failure -j "${HWGPT_JOBS:-2}" \
  -E '^BayesianOptimizers.EhviBeatsRandomSearchOnZdtAndDtlz$'
