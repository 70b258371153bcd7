"""A quick check of a GPU against the benchmark (scripts/gpu_check.sh): profiles ~50 seeded archs
of scale s at the original's workload (batch 8 x 1024, bfloat16 autocast on a GPU) with PyTorch
(hwgpt.torch_profile), fits
nothing, and prints the rank correlation (Kendall tau) of the measured latencies with the shipped
surrogates of a100 and h100, and the energy per call with the window it was measured over.
Without a GPU it says so and exits 0.

    python3 -m hwgpt.gpu_check [--count 50] [--db gpu-check.db] [--device NAME]

`--compute cpu --scale t --batch 1 --seq 64 --compare epyc-2vcpu` runs the same steps on a CPU
(the tests do, on a few archs).
"""

import argparse
import statistics
import sys
import time

from . import _hwgpt
from .rank import kendall_tau


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m hwgpt.gpu_check", description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", default="s")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--seq", type=int, default=1024)
    parser.add_argument("--compute", default="cuda")
    parser.add_argument("--dtype", default=None,
                        help="float32, bfloat16 or float16 (default: bfloat16 autocast on a GPU, as the original's "
                             "a100/h100 latencies; float32 on a CPU)")
    parser.add_argument("--device", default=None, help="the GPU's name in the store (default: gpu-check)")
    parser.add_argument("--db", default="gpu-check.db")
    parser.add_argument("--compare", default="a100,h100", help="devices whose shipped latency surrogates to rank against")
    args = parser.parse_args(argv)
    try:
        import torch
    except ImportError:
        print("gpu_check: PyTorch is not installed: nothing to check (install a CUDA build of PyTorch)")
        return 0
    if args.compute.startswith("cuda") and not torch.cuda.is_available():
        print(f"gpu_check: no GPU: torch {torch.__version__} sees no CUDA device (CUDA build: {torch.version.cuda}); "
              "nothing to check")
        return 0
    from . import torch_profile
    from .api import Benchmark

    dtype = args.dtype or ("bfloat16" if args.compute.startswith("cuda") else "float32")
    archs = [_hwgpt.arch_string(a, args.scale) for a in _hwgpt.sample_archs(args.scale, args.count, args.seed)]
    name = args.device or ("gpu-check" if args.compute.startswith("cuda") else "cpu-check")
    start = time.perf_counter()
    # A short protocol: 2 warm-up calls, 5-20 repeats, at most 2 s an arch; one energy window of
    # >= 5 counter updates (NVML: ~0.5 s).
    report = torch_profile.profile(args.scale, archs, args.db, device=name, compute=args.compute,
                                   batch=args.batch, seq=args.seq, warmup=2, min_repeats=5, max_repeats=20,
                                   max_seconds=2.0, decode_tokens=0, energy_updates=5, energy_window=0.5,
                                   energy_windows=1, dtype=dtype,
                                   run_uid=f"{name}/{args.scale}/gpu-check-b{args.batch}-t{args.seq}-{dtype}")
    seconds = time.perf_counter() - start
    rows = _hwgpt.store_samples(args.db, args.scale, "latency_ms", name)
    measured = [statistics.median(rows[a][0]) for a in archs]
    print(f"gpu_check: {len(archs)} archs of scale {args.scale} at batch {args.batch} x {args.seq}, {dtype}, on {args.compute} "
          f"in {seconds:.0f} s (run {report['run_uid']} in {args.db})")
    print(f"  latency: median {statistics.median(measured):.3f} ms, range {min(measured):.3f}-{max(measured):.3f} ms")
    bench = Benchmark(args.scale)
    for device in [d for d in args.compare.split(",") if d]:
        predicted = list(bench.query_batch(archs, "latency_ms", device))
        print(f"  Kendall tau with the shipped latency surrogate of {device}: {kendall_tau(measured, predicted):.3f}")
    energies = _hwgpt.store_samples(args.db, args.scale, "energy_mj", name)
    if energies:
        per_call = [rows_[1] for rows_ in energies.values()]
        print(f"  energy per call: median {statistics.median(per_call):.1f} mJ over {len(per_call)} archs "
              f"(one window per arch of >= 5 counter updates and >= 0.5 s; meter {report['energy']})")
    else:
        print(f"  energy: not measured ({report['energy']})")
    for failure in report["energy_failures"][:3]:
        print(f"  no energy for {failure}")
    if report["energy_stopped"]:
        print(f"  energy stopped: {report['energy_stopped']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
