"""hwgpt: a hardware-aware benchmark for GPT-style architectures (Python API).

    from hwgpt.api import HWGPT               # the original HW-GPT-Bench calls, units and shapes
    api = HWGPT(search_space="s", use_supernet_surrogate=False)
    api.set_arch(api.sample_arch())
    api.query()                                # {"latencies": {"a100": ms, ...}, "energies": {...: mWh}, ...}

    import hwgpt                               # the richer API for new code: our names and units
    bench = hwgpt.Benchmark("s")
    bench.query(arch, "latency_ms", "a100", mode="quantile", q=0.9)
    problem = hwgpt.Problem("s", ["perplexity", "latency@h100"], budget=500)   # your own optimizer

The compiled part is hwgpt._hwgpt (C++ via pybind11); it loads no libtorch. docs/PYTHON.md is
the reference and docs/TUTORIAL.md walks through it.
"""

from . import _hwgpt
from ._hwgpt import arch_dict, arch_string, encode, mutate_arch, pareto_front, space_info, space_names
from .api import HWGPT, Benchmark, default_data_dir, hypervolume, sample_archs, store_import
from .problem import Problem

__all__ = [
    "HWGPT",
    "Benchmark",
    "Problem",
    "arch_dict",
    "arch_string",
    "default_data_dir",
    "encode",
    "hypervolume",
    "mutate_arch",
    "pareto_front",
    "sample_archs",
    "space_info",
    "space_names",
    "store_import",
]
