"""The original HW-GPT-Bench API shape over hwgpt's C++ benchmark.

    from hwgpt.api import HWGPT
    api = HWGPT(search_space="s", use_supernet_surrogate=False)
    arch = api.sample_arch()                  # {"sample_embed_dim": 768, "sample_n_layer": 11, ...}
    api.set_arch(arch)
    results = api.query()                     # metric -> value, or metric -> device -> value
    api.query(metric="latencies", device="a100")

Metric names of the original and what answers them (units are ours, see docs/TUTORIAL.md):
  perplexity, accuracy         surrogates (device-free)
  latencies                    latency_ms per device, ms (the original's unit)
  energies                     energy_mj per device, mJ per call (the original: mWh; 1 mWh = 3600 mJ)
  float16_memory               memory_mb on the devices measured under float16 autocast (rtx2080), MB
  bfloat16_memory              memory_mb on the devices measured under bfloat16 autocast (a100), MB
  flops, params                exact, closed form (our model: tied embedding, GELU MLP)
Our own metric names (latency_ms, energy_mj, memory_mb, kv_cache_mb, …; `api.metrics()`) work too.
Everything is validated in C++; bad input raises ValueError with a message naming it.
"""

import json

import numpy as np

from . import _hwgpt

# The original API's device names; ours for the same devices are listed as their aliases
# (`hwgpt devices`), e.g. cpu_xeon_silver = cpu_mlgpu.
ORIGINAL_DEVICES = (
    "a100", "a40", "h100", "rtx2080", "rtx3080", "a6000", "v100", "P100",
    "cpu_xeon_silver", "cpu_xeon_gold", "cpu_amd_7502", "cpu_amd_7513", "cpu_amd_7452",
)

# Original metric name -> (our metric, dtype the device must have been measured in, or None).
ORIGINAL_METRICS = {
    "perplexity": ("perplexity", None),
    "accuracy": ("accuracy", None),
    "latencies": ("latency_ms", None),
    "energies": ("energy_mj", None),
    "float16_memory": ("memory_mb", "float16"),
    "bfloat16_memory": ("memory_mb", "bfloat16"),
    "flops": ("flops", None),
    "params": ("params", None),
}


def hypervolume(points, reference):
    """Exact hypervolume of `points` (n x d, minimised) up to `reference` (length d)."""
    return _hwgpt.hypervolume(np.asarray(points, dtype=float), np.asarray(reference, dtype=float))


def sample_archs(search_space, count, seed):
    """`count` arch dicts drawn with `seed`: the archs `hwgpt space sample -n COUNT --seed SEED` prints."""
    return _hwgpt.sample_archs(search_space, count, seed)


class HWGPT:
    """The benchmark of one search space ("t", "s", "m", "l"), loaded once.

    use_supernet_surrogate is accepted for compatibility: perplexity here always comes from the
    surrogate fitted on supernet evaluations (evaluating a supernet is `hwgpt eval`).
    seed fixes the sequence of sample_arch() calls without a seed of their own.
    """

    def __init__(self, search_space="s", use_supernet_surrogate=False, seed=0, data_dir=None):
        self.search_space = search_space
        self.use_supernet_surrogate = bool(use_supernet_surrogate)
        self.benchmark = _hwgpt.Benchmark(search_space, data_dir)
        self._seed = seed
        self._draws = 0
        self._arch = None
        self._metrics = {m["name"]: m for m in self.benchmark.metrics()}
        self._devices = {d["name"]: d for d in self.benchmark.devices()}
        self._device_of_alias = {}
        for d in self._devices.values():
            self._device_of_alias[d["name"]] = d["name"]
            for alias in d["aliases"]:
                self._device_of_alias[alias] = d["name"]

    # ---- architectures -------------------------------------------------------------------------

    def sample_arch(self, seed=None):
        """A random arch dict. With `seed`, the first arch of `hwgpt space sample --seed SEED`;
        without, the next draw of this object's own seeded sequence."""
        if seed is not None:
            return _hwgpt.sample_archs(self.search_space, 1, seed)[0]
        self._draws += 1
        return _hwgpt.sample_archs(self.search_space, 1, self._seed, self._draws - 1)[0]

    def set_arch(self, arch):
        """Sets the arch that query() answers for: a dict with the original's keys or a canonical
        string. Validated now (ValueError naming the bad key or field)."""
        self._arch = _hwgpt.arch_dict(arch, self.search_space)

    def get_arch(self):
        return None if self._arch is None else dict(self._arch)

    def arch_string(self, arch=None):
        """Canonical string (gpt-s-…-True) of `arch`, or of the arch set by set_arch()."""
        return _hwgpt.arch_string(self._current(arch), self.search_space)

    # ---- catalogue -----------------------------------------------------------------------------

    def metrics(self):
        """Our metric names with unit, source and devices (as `hwgpt metrics --json`)."""
        return list(self._metrics.values())

    def devices(self, metric=None):
        """Device names for `metric` (original or ours; default: latencies), original names first
        where a device has one."""
        our, dtype = self._resolve_metric(metric or "latencies")
        return [self._display_name(d) for d in self._metric_devices(our, dtype)]

    # ---- queries -------------------------------------------------------------------------------

    def query(self, metric=None, device=None, mode="mean", q=None, seed=None, archs=None):
        """Metric -> value for device-free metrics, metric -> device -> value for hardware ones.

        metric: a name or list of names (default: every original metric this space has).
        device: a name or list (default: every device that has the metric; in spaces with the
                original's devices, only those: our own, e.g. epyc-2vcpu, by name).
        mode:   "mean" (default), "quantile" with q in (0, 1), or "sample" with seed (reproducible).
        archs:  a list of arch dicts/strings or a 2-D array of feature-map rows; values are then
                NumPy arrays, one entry per arch (predicted without the GIL). Default: the set arch.
        """
        names = self._metric_names(metric)
        devices = None if device is None else ([device] if isinstance(device, str) else list(device))
        batch = archs is not None
        target = archs if batch else self._current(None)
        if batch and not isinstance(archs, np.ndarray):
            target = list(archs)  # a generator would be used up by the first metric
        results = {}
        for name in names:
            our, dtype = self._resolve_metric(name)
            if not self._metrics[our]["devices"]:
                results[name] = self._ask(target, batch, our, "", mode, q, seed)
                continue
            available = self._metric_devices(our, dtype)
            if devices is None:
                # The original's API answers for the original's devices: where the space has them,
                # devices we profiled ourselves (another model variant and workload) are asked for
                # by name only, so one dict never mixes the two.
                original = [d for d in available if self._devices[d]["model_variant"] == "original"]
                chosen = [self._display_name(d) for d in (original or available)]
            else:
                chosen = [d for d in devices if self._device_of_alias.get(d) in available]
                missing = [d for d in devices if self._device_of_alias.get(d) not in available]
                # An unknown device is always an error; a known one without this metric only when
                # the metric was asked for by name (metric=None gives what the device has).
                for d in missing:
                    if metric is not None or d not in self._device_of_alias:
                        self._no_model(name, our, dtype, d, available)
                if not chosen:
                    continue
            results[name] = {d: self._ask(target, batch, our, d, mode, q, seed) for d in chosen}
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

    hypervolume = staticmethod(hypervolume)

    # ---- helpers -------------------------------------------------------------------------------

    def _current(self, arch):
        if arch is not None:
            return arch
        if self._arch is None:
            raise ValueError("no arch set: call set_arch(arch) first, or pass archs=[...] for a batch")
        return self._arch

    def _ask(self, target, batch, metric, device, mode, q, seed):
        if batch:
            return self.benchmark.query_batch(target, metric, device, mode, q, seed)
        value = self.benchmark.query(target, metric, device, mode, q, seed)
        # Counts (params, flops) are exact integers below 2^53: give them as int, as the original.
        return int(value) if self._metrics[metric]["unit"] == "count" else value

    def _metric_names(self, metric):
        if metric is None:
            return [n for n, (our, dtype) in ORIGINAL_METRICS.items()
                    if our in self._metrics and (dtype is None or self._metric_devices(our, dtype))]
        return [metric] if isinstance(metric, str) else list(metric)

    def _resolve_metric(self, name):
        our, dtype = ORIGINAL_METRICS.get(name, (name, None))
        if our not in self._metrics:
            known = ", ".join(list(ORIGINAL_METRICS) + list(self._metrics))
            raise ValueError(f"unknown metric '{name}' for search space '{self.search_space}'; expected one of: {known}")
        return our, dtype

    def _metric_devices(self, our, dtype):
        return [d for d in self._metrics[our]["devices"] if dtype is None or self._devices[d]["dtype"] == dtype]

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
