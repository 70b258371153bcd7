#!/usr/bin/env bash
# The README's test command: set up (idempotent), build, run every test through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
# libgomp reads this at load time; spinning threads slow everything on a 2-core machine.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
scripts/setup.sh
ctest --test-dir build --output-on-failure -j "${HWGPT_JOBS:-2}"
