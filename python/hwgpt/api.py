"""The original HW-GPT-Bench API (`hwgpt.api.HWGPT`) over hwgpt's C++ benchmark, as a drop-in:
the original's calls, argument order, return shapes and units.

    from hwgpt.api import HWGPT
    api = HWGPT(search_space="s", use_supernet_surrogate=False)
    api.set_arch(api.sample_arch())
    api.query()                                   # latencies/energies per device, flops, params, memory
    api.query(metric="energies")                  # {"energies": {"a100": mWh, ...}}
    api.query(device="rtx2080")                   # {"latencies": {...}, "energies": {...}}
    api.query(metric="perplexity", predictor="mlp")

Original metric names, what answers them and their units (the original's):
  perplexity, accuracy      surrogates fitted on supernet evaluations (device-free)
  latencies                 latency_ms per device, ms
  energies                  energy_mj per device converted to mWh (1 mWh = 3600 mJ)
  float16_memory            memory_mb of rtx2080 (measured under float16 autocast), MB, a number
  bfloat16_memory           memory_mb of a100 (measured under bfloat16 autocast), MB, a number
  flops, params             exact, closed form (our model: tied embedding, GELU MLP), int
Our own metric names (latency_ms, energy_mj, memory_mb, kv_cache_mb, ...; `api.metrics()`) answer
in our units under their own keys. The richer API for new code is hwgpt.Benchmark (docs/PYTHON.md
says where the two differ). Everything is validated in C++; bad input raises ValueError naming it.
"""

import json
import os
import pathlib

import numpy as np

from . import _hwgpt

# The original API's device list (HWGPT.device_list), in its order; ours for the same devices are
# their aliases (`hwgpt devices`), e.g. cpu_xeon_silver = cpu_mlgpu.
ORIGINAL_DEVICES = (
    "a100", "a40", "h100", "rtx2080", "rtx3080", "a6000", "v100", "P100",
    "cpu_xeon_silver", "cpu_xeon_gold", "cpu_amd_7502", "cpu_amd_7513", "cpu_amd_7452",
)

# Original metric name -> (our metric, dtype the device was measured in or None, factor from our
# unit to the original's).
MJ_PER_MWH = 3600.0
ORIGINAL_METRICS = {
    "perplexity": ("perplexity", None, 1.0),
    "accuracy": ("accuracy", None, 1.0),
    "latencies": ("latency_ms", None, 1.0),
    "energies": ("energy_mj", None, 1.0 / MJ_PER_MWH),
    "float16_memory": ("memory_mb", "float16", 1.0),
    "bfloat16_memory": ("memory_mb", "bfloat16", 1.0),
    "flops": ("flops", None, 1.0),
    "params": ("params", None, 1.0),
}
# The original's query() without arguments: its surrogate metrics per device, then its "true"
# metrics, each a number (memory too: the original answers it whatever the device).
DEFAULT_HARDWARE = ("latencies", "energies")
DEFAULT_TRUE = ("flops", "params", "float16_memory", "bfloat16_memory")
SUPERNET_METRICS = ("perplexity", "accuracy")
MEMORY_METRICS = ("float16_memory", "bfloat16_memory")

# The original's `predictor` argument: "mlp" asks its MLP surrogate, any other value evaluates
# the supernet. Here "mlp" asks the shipped surrogate of the metric (the model validation chose:
# boosted trees, an MLP, a GP or an ensemble; docs/SURROGATES.md).
PREDICTORS = ("mlp",)


def default_data_dir():
    """The folder whose surrogates/ the benchmark loads: $HWGPT_DATA_DIR, else the surrogates the
    installed package carries (hwgpt/data), else None (the build's source tree, data/)."""
    env = os.environ.get("HWGPT_DATA_DIR")
    if env:
        return env
    bundled = pathlib.Path(__file__).resolve().parent / "data"
    return str(bundled) if (bundled / "surrogates").is_dir() else None


class Benchmark(_hwgpt.Benchmark):
    """The benchmark of one space: analytic metrics and the shipped surrogates, loaded once.
    data_dir: a folder holding surrogates/<space>/ (default: default_data_dir())."""

    def __init__(self, space="s", data_dir=None):
        super().__init__(space, data_dir if data_dir is not None else default_data_dir())


def hypervolume(points, reference):
    """Exact hypervolume of `points` (n x d, minimised) up to `reference` (length d)."""
    return _hwgpt.hypervolume(np.asarray(points, dtype=float), np.asarray(reference, dtype=float))


def sample_archs(search_space, count, seed):
    """`count` arch dicts drawn with `seed`: the archs `hwgpt space sample -n COUNT --seed SEED` prints."""
    return _hwgpt.sample_archs(search_space, count, seed)


def store_import(db, folder, file_filter=""):
    """Imports the original HW-GPT-Bench raw data (a CSV folder, as ../shared/data/hwgpt-bench)
    into the measurement store `db` (created when missing); `hwgpt store import` does the same.
    Resumable: files already imported are skipped. Returns counts of files and rows."""
    return _hwgpt.store_import(str(db), str(folder), file_filter)


def original_arch(arch, search_space):
    """An arch (dict or string) as the original's sample_config returns it: per-layer lists of
    length sample_n_layer, sample_layer_indices 0..L-1 and sample_bias "True" or "False"."""
    d = _hwgpt.arch_dict(arch, search_space)
    d["sample_layer_indices"] = list(range(d["sample_n_layer"]))
    d["sample_bias"] = "True" if d["sample_bias"] else "False"
    return d


class HWGPT:
    """The benchmark of one search space ("s", "m", "l"; also "t" and the _wide spaces), loaded once.

    use_supernet_surrogate: as the original, query() without a metric adds perplexity and accuracy
        (the original evaluated its supernet for them; here the surrogates fitted on supernet
        evaluations answer, as for predictor="mlp").
    base_path: accepted for the original's calls; it pointed at the original's checkout for its
        checkpoints, while hwgpt's surrogates ship with the package (data_dir moves them).
    seed: fixes the sequence of sample_arch() calls without a seed of their own.
    data_dir: a folder with surrogates/<space>/ (default: default_data_dir()).
    db: a measurement store (`hwgpt store import` or hwgpt.store_import output) for the ground
        truth calls get_gt_latencies, get_gt_energies, get_gt_agnostic and query_gt_all_archs.
    """

    def __init__(self, search_space="s", use_supernet_surrogate=True, base_path=".", seed=0, data_dir=None,
                 db=None):
        self.search_space = search_space
        self.search_space_name = search_space
        self.use_supernet_surrogate = _flag(use_supernet_surrogate, "use_supernet_surrogate")
        self.base_path = base_path
        self.benchmark = Benchmark(search_space, data_dir)
        self.db = None if db is None else str(db)
        if self.db is not None and not os.path.isfile(self.db):
            raise ValueError(f"db '{self.db}' does not exist; {_STORE_HOWTO}")
        self.device_list = list(ORIGINAL_DEVICES)
        self.config = None
        self._seed = seed
        self._draws = 0
        self._metrics = {m["name"]: m for m in self.benchmark.metrics()}
        self._devices = {d["name"]: d for d in self.benchmark.devices()}
        self._device_of_alias = {}
        for d in self._devices.values():
            self._device_of_alias[d["name"]] = d["name"]
            for alias in d["aliases"]:
                self._device_of_alias[alias] = d["name"]
        self._truth = {}

    # ---- architectures -------------------------------------------------------------------------

    def sample_arch(self, seed=None):
        """A random arch in the original's shape (see original_arch). With `seed`, the first arch
        of `hwgpt space sample --seed SEED`; without, the next draw of this object's own sequence."""
        if seed is None:
            self._draws += 1
            d = _hwgpt.sample_archs(self.search_space, 1, self._seed, self._draws - 1)[0]
        else:
            d = _hwgpt.sample_archs(self.search_space, 1, seed)[0]
        self.config = original_arch(d, self.search_space)
        return dict(self.config)

    def set_arch(self, arch):
        """Sets the arch that query() answers for: a dict with the original's keys (sample_bias a
        bool or "True"/"False"; sample_layer_indices optional) or a canonical string. Validated
        now (ValueError naming the bad key or field)."""
        self.config = original_arch(arch, self.search_space)

    def get_arch(self):
        return None if self.config is None else dict(self.config)

    def arch_string(self, arch=None):
        """Canonical string (gpt-s-…-True) of `arch`, or of the arch set by set_arch()."""
        return _hwgpt.arch_string(self._current(arch), self.search_space)

    # ---- catalogue -----------------------------------------------------------------------------

    def metrics(self):
        """Our metric names with unit, source and devices (as `hwgpt metrics --json`)."""
        return list(self._metrics.values())

    def devices(self, metric=None):
        """Device names for `metric` (original or ours; default: latencies), original names where
        a device has one."""
        our, dtype, _ = self._resolve_metric(metric or "latencies")
        return [self._display_name(d) for d in self._metric_devices(our, dtype)]

    # ---- queries -------------------------------------------------------------------------------

    def query(self, device=None, metric=None, predictor="mlp", mode="mean", q=None, seed=None, archs=None):
        """The original's query(device, metric, predictor), plus our modes and batches.

        Without arguments: latencies and energies on the original's 13 devices, flops, params,
        float16_memory and bfloat16_memory (and perplexity, accuracy with use_supernet_surrogate).
        device only: latencies and energies on that device (those it has). metric only: that metric
        on the original's devices. Hardware metrics map device -> value; device-free ones and the
        memory metrics are a number.
        metric, device: a name or a list of names; our own devices (epyc-2vcpu, cpu_p100) by name.
        predictor: "mlp" (the shipped surrogates); the original's other choice, evaluating the
                supernet, is `hwgpt eval` in the full build and raises ValueError here.
        mode:   "mean" (default), "quantile" with q in (0, 1), or "sample" with seed (reproducible;
                the original drew a fresh Gaussian sample on every call).
        archs:  a list of arch dicts/strings or a 2-D array of feature-map rows; values are then
                NumPy arrays, one entry per arch (predicted without the GIL). Default: the set arch.
        """
        if predictor not in PREDICTORS:
            raise ValueError(
                f"predictor '{predictor}'; expected 'mlp' (the shipped surrogate of each metric). The original "
                "evaluates its supernet for any other predictor: in hwgpt that is `hwgpt eval --checkpoint FILE` "
                "(the full build, with libtorch)")
        batch = archs is not None
        target = archs if batch else self._current(None)
        if batch and not isinstance(archs, np.ndarray):
            target = list(archs)  # a generator would be used up by the first metric
        devices = None if device is None else ([device] if isinstance(device, str) else list(device))
        results = {}
        for name in self._metric_names(metric, devices):
            our, dtype, factor = self._resolve_metric(name)
            if name in MEMORY_METRICS:
                results[name] = self._memory(name, our, dtype, target, batch, mode, q, seed)
            elif not self._metrics[our]["devices"]:
                results[name] = self._ask(target, batch, our, "", mode, q, seed, factor)
            else:
                chosen = self._chosen_devices(name, our, dtype, devices, named=metric is not None)
                if chosen:
                    results[name] = {d: self._ask(target, batch, our, d, mode, q, seed, factor) for d in chosen}
        return results

    def search(self, objectives=("perplexity", "latency@a100"), algorithm="nsga2", budget=500, seed=1,
               options=None):
        """One seeded optimizer run on this space (the run of `hwgpt search --objectives … --seed`).
        options: optimizer options by name, as a study config's "options" (population_size,
        gp_max_points, mutation_probability, …; docs/SEARCH.md).
        Returns archs (canonical strings, in evaluation order), values (n x k, as minimised:
        max: objectives negated), front (indices of the non-dominated archs), hv_curve and
        hypervolume (normalised objectives, reference 1.1), ideal/nadir (the normalisation)."""
        if isinstance(objectives, str):
            objectives = objectives.split(",")
        return _hwgpt.search(self.benchmark, list(objectives), algorithm, budget, seed, json.dumps(options or {}))

    def problem(self, objectives=("perplexity", "latency@a100"), budget=500, algorithm="mine", seed=0):
        """The arch problem of this space for an optimizer of your own (see hwgpt.Problem)."""
        from .problem import Problem
        return Problem(self.search_space, objectives, budget, algorithm, seed, benchmark=self.benchmark)

    hypervolume = staticmethod(hypervolume)

    # ---- ground truth (a measurement store) -----------------------------------------------------

    def get_gt_latencies(self, device, arch_str):
        """The measured latency samples (ms) of `arch_str` on `device`, as a list."""
        samples, mean = self._truth_row("latency_ms", device, arch_str)
        return list(samples) if samples else [mean]

    def get_gt_energies(self, device, arch_str):
        """The measured energy of `arch_str` on `device` in mWh: the per-call samples (a list) where
        they were recorded (GPUs), else their mean (a float; the original's CPUs)."""
        samples, mean = self._truth_row("energy_mj", device, arch_str)
        if samples:
            return [s / MJ_PER_MWH for s in samples]
        return mean / MJ_PER_MWH

    def get_gt_agnostic(self, arch_str, metric):
        """A device-free measurement of `arch_str`: perplexity, accuracy, flops, params (the
        original's profiled model, DeepSpeed counts), float16_memory or bfloat16_memory (MB)."""
        return self._truth_table(metric)[_hwgpt.arch_string(arch_str, self.search_space)]

    def query_gt_all_archs(self, metric, device=None):
        """{arch string: measurement} for every arch of the store: latencies and energies per
        `device` (as get_gt_latencies/get_gt_energies), the others as get_gt_agnostic."""
        if metric == "latencies":
            return {a: (list(s) if s else [m]) for a, (s, m) in self._samples("latency_ms", device).items()}
        if metric == "energies":
            return {a: ([v / MJ_PER_MWH for v in s] if s else m / MJ_PER_MWH)
                    for a, (s, m) in self._samples("energy_mj", device).items()}
        return dict(self._truth_table(metric))

    # ---- helpers -------------------------------------------------------------------------------

    def _current(self, arch):
        if arch is not None:
            return arch
        if self.config is None:
            raise ValueError("no arch set: call set_arch(arch) first, or pass archs=[...] for a batch")
        return self.config

    def _ask(self, target, batch, metric, device, mode, q, seed, factor=1.0):
        if batch:
            return self.benchmark.query_batch(target, metric, device, mode, q, seed) * factor
        value = self.benchmark.query(target, metric, device, mode, q, seed)
        # Counts (params, flops) are exact integers below 2^53: give them as int, as the original.
        return int(value) if self._metrics[metric]["unit"] == "count" else value * factor

    def _metric_names(self, metric, devices):
        if metric is not None:
            return [metric] if isinstance(metric, str) else list(metric)
        if devices is not None:
            return [n for n in DEFAULT_HARDWARE if ORIGINAL_METRICS[n][0] in self._metrics]
        names = list(DEFAULT_HARDWARE) + list(DEFAULT_TRUE)
        if self.use_supernet_surrogate:
            names += list(SUPERNET_METRICS)
        return [n for n in names if self._has(n)]

    def _has(self, name):
        our, dtype, _ = ORIGINAL_METRICS[name]
        return our in self._metrics and (not self._metrics[our]["devices"] or bool(self._metric_devices(our, dtype)))

    def _resolve_metric(self, name):
        our, dtype, factor = ORIGINAL_METRICS.get(name, (name, None, 1.0))
        if our not in self._metrics:
            known = ", ".join(list(ORIGINAL_METRICS) + list(self._metrics))
            raise ValueError(f"unknown metric '{name}' for search space '{self.search_space}'; expected one of: {known}")
        return our, dtype, factor

    def _metric_devices(self, our, dtype):
        return [d for d in self._metrics[our]["devices"] if dtype is None or self._devices[d]["dtype"] == dtype]

    def _chosen_devices(self, name, our, dtype, devices, named):
        available = self._metric_devices(our, dtype)
        if devices is None:
            # The original's device list where the space has those devices; devices we profiled
            # ourselves (another model variant and workload) and cpu_p100 are asked for by name.
            names = [self._display_name(d) for d in available]
            original = [n for n in ORIGINAL_DEVICES if n in names]  # in the original's order
            return original or names
        chosen = [d for d in devices if self._device_of_alias.get(d) in available]
        # An unknown device is always an error; a known one without this metric only when the
        # metric was asked for by name (no metric: what the device has).
        for d in devices:
            if self._device_of_alias.get(d) not in available and (named or d not in self._device_of_alias):
                self._no_model(name, our, dtype, d, available)
        return chosen

    def _memory(self, name, our, dtype, target, batch, mode, q, seed):
        # The original answers float16/bfloat16 memory with one model whatever the device: the
        # device measured under that autocast dtype (rtx2080, a100).
        devices = self._metric_devices(our, dtype)
        if len(devices) != 1:
            raise ValueError(f"no model of {name} in search space '{self.search_space}': expected one device "
                             f"measured under {dtype} autocast, found {len(devices)}")
        return self._ask(target, batch, our, devices[0], mode, q, seed)

    def _display_name(self, device):
        for alias in self._devices[device]["aliases"]:
            if alias in ORIGINAL_DEVICES:
                return alias
        return device

    def _no_model(self, name, our, dtype, device, available):
        if device not in self._device_of_alias:
            known = ", ".join(sorted(self._device_of_alias))
            raise ValueError(f"unknown device '{device}' for search space '{self.search_space}'; known: {known}")
        listed = ", ".join(self._display_name(d) for d in available) or "none"
        reason = f" (measured under {dtype} autocast)" if dtype else ""
        raise ValueError(f"no model of {name} for device '{device}': {our}{reason} exists for {listed} only")

    # Ground truth: one table per (metric, device), read from the store on first use.
    def _store(self):
        if self.db is None:
            raise ValueError(f"ground truth needs a measurement store: HWGPT(..., db=PATH); {_STORE_HOWTO}")
        return self.db

    def _samples(self, metric, device):
        if device is None:
            raise ValueError(f"{metric} ground truth needs a device, e.g. device='a100'")
        key = (metric, device)
        if key not in self._truth:
            self._truth[key] = _hwgpt.store_samples(self._store(), self.search_space, metric, device)
        return self._truth[key]

    def _truth_row(self, metric, device, arch_str):
        table = self._samples(metric, device)
        key = _hwgpt.arch_string(arch_str, self.search_space)
        if key not in table:
            raise KeyError(f"{key} has no {metric} measurement on {device} in the store '{self.db}'")
        return table[key]

    def _truth_table(self, metric):
        if metric in self._truth:
            return self._truth[metric]
        if metric in SUPERNET_METRICS:
            rows = _hwgpt.store_perplexities(self._store(), self.search_space)
            column = 0 if metric == "perplexity" else 1
            table = {a: v[column] for a, v in rows.items() if v[column] is not None}
        elif metric in MEMORY_METRICS:
            device = "rtx2080" if metric == "float16_memory" else "a100"
            table = {a: m for a, (_, m) in self._samples("memory_mb", device).items()}
        elif metric in ("flops", "params"):
            # DeepSpeed's counts of the original's profiled model, recorded with every GPU's run.
            table = {a: m for a, (_, m) in self._samples(metric, "a100").items()}
        else:
            raise ValueError(f"unsupported ground-truth metric '{metric}'; expected latencies, energies, perplexity, "
                             "accuracy, flops, params, float16_memory or bfloat16_memory")
        self._truth[metric] = table
        return table


_STORE_HOWTO = ("make one from the original's raw data with hwgpt.store_import('hwgpt.db', 'path/to/hwgpt-bench') "
                "or `hwgpt store import --db hwgpt.db --from path/to/hwgpt-bench`")


def _flag(value, key):
    """A bool argument: a bool, or the strings "True"/"False" read as the word says (the original's
    scripts pass str(bool) around, and bool("False") is True); anything else is a ValueError."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if value in ("True", "False"):
        return value == "True"
    raise ValueError(f"{key} is {value!r} ({type(value).__name__}); expected a bool or the string 'True' or 'False'")
