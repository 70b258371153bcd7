#!/usr/bin/env bash
# Data-parallel training speed: 1 process vs 2 MPI ranks (busy-polling, Open MPI's default) vs 2
# ranks with mpi_yield_when_idle, one thread each, scale t, default batch 12x64, k = 2 (4 sub-
# networks per step), STEPS steps from scratch. Prints wall and CPU time (user + sys of the whole
# process tree, mpirun included) and tokens per wall second and per CPU second, with the 1-minute
# load average before each run (docs/BENCHMARKS.md, "Data-parallel training over MPI").
#   bench/mpi_scaling.sh [CORPUS (../shared/data/corpora/tinyshakespeare.txt)] [STEPS (40)] [REPS (2)]
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/data/corpora/tinyshakespeare.txt}
steps=${2:-40}
reps=${3:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMP_WAIT_POLICY=passive OMP_NUM_THREADS=1
train=(build/hwgpt train --corpus "$corpus" --checkpoint "$work/ck.pt" --steps "$steps" --threads 1
       --eval-every 0 --log-every "$steps" --checkpoint-every 100000)
mpi=(mpirun --allow-run-as-root --oversubscribe -np 2 -x OMP_NUM_THREADS -x OMP_WAIT_POLICY)
tokens=$((steps * 12 * 64 * 4))
for rep in $(seq "$reps"); do
  for mode in np1 np2 np2yield; do
    rm -f "$work/ck.pt"
    load=$(cut -d' ' -f1 /proc/loadavg)
    case $mode in
      np1) cmd=("${train[@]}") ;;
      np2) cmd=("${mpi[@]}" "${train[@]}") ;;
      np2yield) cmd=("${mpi[@]}" --mca mpi_yield_when_idle 1 "${train[@]}") ;;
    esac
    /usr/bin/time -f "%e %U %S" -o "$work/time" "${cmd[@]}" >/dev/null 2>&1
    read -r wall user sys <"$work/time"
    echo "rep $rep $mode load1 $load wall_s $wall cpu_s $(echo "$user + $sys" | bc)" \
         "tokens/s $(echo "$tokens / $wall" | bc) tokens/cpu-s $(echo "$tokens / ($user + $sys)" | bc)"
  done
done
