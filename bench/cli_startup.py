#!/usr/bin/python3
"""Wall time of whole `hwgpt` processes (start-up included): the commands a shell loop or script
calls thousands of times. Median and 90th percentile over --runs runs each, for hwgpt (torch-free)
and, for comparison, the same command in hwgpt-full (which maps libtorch, XGBoost, MPI and curl).

    /usr/bin/python3 bench/cli_startup.py [--build build] [--runs 30]
"""

import argparse
import pathlib
import statistics
import subprocess
import time


def wall_times(command, runs):
    subprocess.run(command, check=True, capture_output=True)  # warm the page cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    build = pathlib.Path(args.build)
    arch = subprocess.run([build / "hwgpt", "space", "sample", "--scale", "s", "-n", "1", "--seed", "7"],
                          check=True, capture_output=True, text=True).stdout.strip()
    cases = {
        "query --scale s --metric latency_ms --device h100": ["query", "--scale", "s", "--arch", arch, "--metric",
                                                              "latency_ms", "--device", "h100"],
        "space validate A": ["space", "validate", arch],
        "query --metric perplexity": ["query", "--scale", "s", "--arch", arch, "--metric", "perplexity"],
    }
    print(f"{'command':52} {'binary':11} {'median ms':>9} {'p90 ms':>8}  ({args.runs} runs)")
    for name, tail in cases.items():
        for binary in ("hwgpt", "hwgpt-full"):
            t = sorted(wall_times([str(build / binary), *tail], args.runs))
            print(f"{name:52} {binary:11} {statistics.median(t):9.1f} {t[int(0.9 * (len(t) - 1))]:8.1f}")


if __name__ == "__main__":
    main()
