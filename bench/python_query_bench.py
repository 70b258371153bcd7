#!/usr/bin/python3
"""Query speed of the Python API (docs/BENCHMARKS.md, "Python API"), next to bench/benchmark_bench.cpp.
Run from the repository root after the build:
    OMP_WAIT_POLICY=passive PYTHONPATH=build/python /usr/bin/python3 bench/python_query_bench.py
Prints CPU time per call (time.process_time; the machine is shared, so wall time is noisier),
the best of 5 repetitions of each case.
"""

import threading
import time

import numpy as np

import hwgpt
from hwgpt.api import HWGPT


def cpu_per_call(function, calls, repetitions=5):
    best = float("inf")
    for _ in range(repetitions):
        start = time.process_time()
        for _ in range(calls):
            function()
        best = min(best, (time.process_time() - start) / calls)
    return best


def main_thread_rate_during(function):
    """Iterations per second of a pure-Python loop in the main thread while `function` runs in
    another thread: high when `function` releases the GIL, near zero (only the interpreter's
    switch-interval slices) when it holds it."""
    done = []
    worker = threading.Thread(target=lambda: (function(), done.append(True)))
    count, start = 0, time.perf_counter()
    worker.start()
    while not done:
        count += 1
    worker.join()
    return count / (time.perf_counter() - start)


def main():
    load = cpu_per_call(lambda: HWGPT("s"), 20)
    api = HWGPT("s")
    archs = hwgpt.sample_archs("s", 1000, 1)
    strings = [hwgpt.arch_string(a, "s") for a in archs]
    features = hwgpt.encode(archs, "s", "feature-map")
    api.set_arch(archs[0])
    bench = api.benchmark
    rows = [
        ("load scale s: HWGPT('s')", load, None),
        ("one query, string arch, latency_ms@a100 (Benchmark.query)",
         cpu_per_call(lambda: bench.query(strings[0], "latency_ms", "a100"), 20000), 1),
        ("one query, original shape: query(metric='latencies', device='a100')",
         cpu_per_call(lambda: api.query(metric="latencies", device="a100"), 20000), 1),
        ("every metric of every device: query() (35 values)", cpu_per_call(api.query, 2000), 35),
        ("batch of 1,000 strings, latency_ms@a100", cpu_per_call(lambda: bench.query_batch(strings, "latency_ms", "a100"), 50), 1000),
        ("batch of 1,000 dicts, latency_ms@a100", cpu_per_call(lambda: bench.query_batch(archs, "latency_ms", "a100"), 50), 1000),
        ("batch of 1,000 feature-map rows (NumPy), latency_ms@a100",
         cpu_per_call(lambda: bench.query_batch(features, "latency_ms", "a100"), 50), 1000),
        ("batch of 1,000 feature-map rows (NumPy), perplexity", cpu_per_call(lambda: bench.query_batch(features, "perplexity"), 50), 1000),
        ("batch of 1,000 feature-map rows (NumPy), params (analytic)", cpu_per_call(lambda: bench.query_batch(features, "params"), 50), 1000),
    ]
    big = np.tile(features, (100, 1))
    released = main_thread_rate_during(lambda: bench.query_batch(big, "perplexity"))
    held = main_thread_rate_during(lambda: [hwgpt.encode(big, "s") for _ in range(3)])
    print(f"{'case':<72} {'CPU per call':>14} {'values/s':>12}")
    for name, seconds, values in rows:
        rate = f"{values / seconds:,.0f}" if values else ""
        shown = f"{seconds * 1e3:.3f} ms" if seconds >= 1e-3 else f"{seconds * 1e6:.2f} us"
        print(f"{name:<72} {shown:>14} {rate:>12}")
    print(f"GIL: a main-thread Python loop ran {released / 1e6:.1f} M iterations/s during query_batch of "
          f"100,000 rows (GIL released) and {held / 1e6:.1f} M/s during encode (GIL held)")


if __name__ == "__main__":
    main()
