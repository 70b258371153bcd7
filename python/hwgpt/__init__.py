"""hwgpt: a hardware-aware benchmark for GPT-style architectures (Python API).

    import hwgpt
    api = hwgpt.HWGPT(search_space="s")       # also: from hwgpt.api import HWGPT
    api.set_arch(api.sample_arch())
    api.query()                                # {"perplexity": ..., "latencies": {"a100": ...}, ...}
    api.query(metric="latencies", device="a100", mode="quantile", q=0.9)

The compiled part is hwgpt._hwgpt (C++ via pybind11); HWGPT in hwgpt/api.py gives it the original
HW-GPT-Bench API shape. docs/TUTORIAL.md walks through it.
"""

from . import _hwgpt
from ._hwgpt import Benchmark, arch_dict, arch_string, encode, pareto_front, space_info, space_names
from .api import HWGPT, hypervolume, sample_archs

__all__ = [
    "HWGPT",
    "Benchmark",
    "arch_dict",
    "arch_string",
    "encode",
    "hypervolume",
    "pareto_front",
    "sample_archs",
    "space_info",
    "space_names",
]
