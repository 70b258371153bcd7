#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ (clang-14; ASan + UBSan; torch-free modules only) in
# build-fuzz/ and runs each for a bounded time on a scratch copy of its seed corpus (fuzz/corpus/
# is never written). Prints one line per target: executions, executions/s, new corpus files,
# crashes; exits non-zero when a target crashed, leaving the input under build-fuzz/runs/<target>/.
#   scripts/fuzz.sh [SECONDS_PER_TARGET (default 10)] [TARGET ...]   (default: every target)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then
  for d in fuzz/corpus/*/; do targets+=("$(basename "$d")"); done
fi

# 1) build (the compiler is fixed at the first configure of build-fuzz)
CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DHWGPT_FUZZ=ON -DHWGPT_WITH_TORCH=OFF -DHWGPT_BUILD_PYTHON=OFF \
  -DHWGPT_BUILD_TESTS=OFF -DHWGPT_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build build-fuzz -j "${HWGPT_JOBS:-2}"

# 2) run: leaks are errors; UBSan already halts (-fno-sanitize-recover=all)
export ASAN_OPTIONS="detect_leaks=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:${UBSAN_OPTIONS:-}"
# Scratch files of the targets (a file per input for the file-based parsers), in memory if possible.
HWGPT_FUZZ_SCRATCH="$(mktemp -d /dev/shm/hwgpt-fuzz.XXXXXX 2>/dev/null || mktemp -d)"
export HWGPT_FUZZ_SCRATCH
trap 'rm -rf "$HWGPT_FUZZ_SCRATCH"' EXIT
failed=0
printf '%-22s %10s %10s %8s %8s\n' target executions exec/s corpus+ crashes
for t in "${targets[@]}"; do
  work="build-fuzz/runs/$t"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/crashes"
  status=0
  "build-fuzz/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/crashes/" "$work/corpus" "fuzz/corpus/$t" >"$work/log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -1)
  crashes=$(find "$work/crashes" -type f | wc -l)
  printf '%-22s %10s %10s %8s %8s\n' "$t" "${runs:-?}" "${rate:-?}" "$(find "$work/corpus" -type f | wc -l)" "$crashes"
  if ((status != 0 || crashes != 0)); then
    failed=1
    echo "fuzz: $t failed (exit $status); log: $work/log" >&2
    grep -m1 -A30 -E '==ERROR|runtime error|fuzz invariant|uncaught exception|deadly signal' "$work/log" >&2 || tail -30 "$work/log" >&2
  fi
done
exit "$failed"
