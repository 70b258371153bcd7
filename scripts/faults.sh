#!/usr/bin/env bash
# The long fault-injection run of docs/RELIABILITY.md: the FaultInjection tests of cli_test with
# more trials. Each trial SIGKILLs `hwgpt train|eval|profile|study` 1-3 times at seeded random
# moments, resumes, and compares with an uninterrupted run (tests/cli/fault_test.cpp).
#   scripts/faults.sh [TRIALS_PER_COMMAND (20)] [SEED (1)]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/tests/cli_test ] || { echo "faults: build/tests/cli_test is missing; run scripts/setup.sh first" >&2; exit 1; }
export OMP_WAIT_POLICY=passive
export HWGPT_FAULT_TRIALS="${1:-20}" HWGPT_FAULT_SEED="${2:-1}"
echo "faults: $HWGPT_FAULT_TRIALS trials per command, seed $HWGPT_FAULT_SEED" >&2
start=$(date +%s)
build/tests/cli_test --gtest_filter='FaultInjection.*' --gtest_brief=1
echo "faults: passed in $(( $(date +%s) - start )) s" >&2
