#!/usr/bin/env bash
# Rank fidelity of the t supernet (docs/VALIDITY.md): trains N sampled t archs stand-alone with the
# supernet's token budget, evaluates them and their supernet-inherited weights on the nas-eval
# split, and prints Kendall's tau and Spearman's rho between the two perplexity rankings with
# bootstrap 95 % intervals (scripts/kendall_tau.py).
#   scripts/rank_fidelity.sh SUPERNET_CHECKPOINT OUT_DIR [N (8)] [SEED (7)] [STEPS (2000)]
# SUPERNET_CHECKPOINT '-' trains and evaluates the stand-alone models only; A,B,C evaluates each
# arch with the few-shot supernet of its embedding width (hwgpt eval --checkpoint A,B,C). Run it again with
# another supernet and the same OUT_DIR to reuse the stand-alone models (its table goes to
# OUT_DIR/supernet-<checkpoint name>.csv).
# Resumable: an arch whose row exists is skipped, an interrupted training resumes from its
# checkpoint. HWGPT_JOBS=J (1) trains J archs at a time as separate processes, one thread each
# (a 2-core VM: J=2); HWGPT=path picks the binary (build/hwgpt); HWGPT_TRAIN_SEED=S (1) seeds the
# stand-alone runs (use another OUT_DIR: a second seed measures how far stand-alone rankings
# themselves agree, the ceiling for any proxy).
set -euo pipefail
hwgpt=${HWGPT:-"$(cd "$(dirname "$0")/.." && pwd)/build/hwgpt"}
supernet=$1 out=$2 n=${3:-8} seed=${4:-7} steps=${5:-2000}
corpus=${HWGPT_CORPUS:-$(cd "$(dirname "$0")/../../shared/data/corpora" 2>/dev/null && pwd)/tinyshakespeare.txt}
threads=${HWGPT_THREADS:-1} train_seed=${HWGPT_TRAIN_SEED:-1}
export OMP_WAIT_POLICY=passive hwgpt out corpus steps threads train_seed
mkdir -p "$out"
"$hwgpt" space sample --scale t -n "$n" --seed "$seed" --unique > "$out/archs.txt"

# Stand-alone arch i (1-based line of archs.txt): train, then evaluate into its own CSV.
# Exported into `bash -c`, which does not inherit -e: without it a killed training would go on to
# evaluate its unfinished checkpoint and record that as the arch's stand-alone result.
train_one() {
  set -euo pipefail
  local i=$1 arch
  arch=$(sed -n "${i}p" "$out/archs.txt")
  grep -q "^$arch," "$out/standalone-$i.csv" 2>/dev/null && return 0
  "$hwgpt" train --corpus "$corpus" --arch "$arch" --checkpoint "$out/standalone-$i.hwgpt" --steps "$steps" \
    --seed "$train_seed" --threads "$threads" --eval-every 0 --checkpoint-every 250 --log-every 250
  echo "$arch" > "$out/arch-$i.txt"
  "$hwgpt" eval --checkpoint "$out/standalone-$i.hwgpt" --corpus "$corpus" --archs "$out/arch-$i.txt" \
    --out "$out/standalone-$i.csv" --threads "$threads"
}
export -f train_one
seq 1 "$n" | xargs -P "${HWGPT_JOBS:-1}" -I{} bash -c 'train_one {}'
# One row per arch (an arch evaluated twice, e.g. by a run interrupted and started again, is kept once).
for i in $(seq 1 "$n"); do cat "$out/standalone-$i.csv"; done | awk -F, 'NR == 1 || ($1 != "arch" && !seen[$1]++)' \
  > "$out/standalone.csv"
[ "$supernet" = "-" ] && exit 0
# A few-shot set (A,B,C: one supernet per embedding width, `hwgpt train --embed-dim`) is named
# after its first file, with "-set".
name=$(basename "${supernet%%,*}"); name=${name%.*}
[[ $supernet == *,* ]] && name+="-set"
table="$out/supernet-$name.csv"
"$hwgpt" eval --checkpoint "$supernet" --corpus "$corpus" --archs "$out/archs.txt" --out "$table" --threads "$threads"
/usr/bin/python3 "$(dirname "$0")/kendall_tau.py" "$out/standalone.csv" "$table"
