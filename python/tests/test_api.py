"""The Python API against independent truth: the C++ CLI's answers for the same archs (`hwgpt query
--json`, `hwgpt space sample`, `hwgpt space encode`), round trips of arch dicts and strings, seeded
reproducibility, and the exact text of error messages."""

import csv
import functools
import gzip
import pathlib
import sys

import numpy as np
import pytest

import hwgpt
from hwgpt.api import HWGPT, ORIGINAL_DEVICES
from conftest import cli_json, run_cli

KEYS = {"sample_embed_dim", "sample_n_layer", "sample_mlp_ratio", "sample_n_head", "sample_bias"}
# HWGPT.sample_arch() answers in the original's shape: its layer indices and a string bias.
ORIGINAL_KEYS = KEYS | {"sample_layer_indices"}


@functools.lru_cache(maxsize=None)
def cli_sample(n, seed, scale="s"):
    return run_cli("space", "sample", "--scale", scale, "-n", n, "--seed", seed).split()


# ---- the original's call shape ---------------------------------------------------------------

def test_module_and_original_import_path_are_the_same_class():
    import hwgpt.api
    assert hwgpt.HWGPT is hwgpt.api.HWGPT


def test_import_loads_no_libtorch():
    # The extension links only torch-free modules: nothing named libtorch is mapped in this process.
    with open("/proc/self/maps") as maps:
        assert "libtorch" not in maps.read()
    assert "torch" not in sys.modules


def test_original_calls_return_the_original_shape(api):
    arch = api.sample_arch()
    assert set(arch) == ORIGINAL_KEYS
    assert arch["sample_bias"] in ("True", "False")
    assert arch["sample_layer_indices"] == list(range(arch["sample_n_layer"]))
    api.set_arch(arch)
    # use_supernet_surrogate (the original's default, True) adds perplexity and accuracy.
    results = api.query()
    assert list(results) == ["latencies", "energies", "flops", "params", "float16_memory", "bfloat16_memory",
                             "perplexity", "accuracy"]
    for scalar in ("perplexity", "accuracy", "float16_memory", "bfloat16_memory"):
        assert isinstance(results[scalar], float)
    for count in ("flops", "params"):
        assert isinstance(results[count], int)
    # The original's 13 device names (ours as aliases) in its order; cpu_p100 has no API name.
    assert list(results["latencies"]) == list(ORIGINAL_DEVICES)
    assert list(results["energies"]) == list(ORIGINAL_DEVICES)
    one = api.query(metric="latencies", device="a100")
    assert one == {"latencies": {"a100": results["latencies"]["a100"]}}
    # The original's positional order: query(device, metric, predictor).
    assert api.query("a100", "latencies", "mlp") == one
    assert api.query(metric="perplexity", predictor="mlp") == {"perplexity": results["perplexity"]}
    assert HWGPT("s", False).query(archs=[arch], metric="perplexity")["perplexity"][0] == results["perplexity"]
    assert list(HWGPT("s", use_supernet_surrogate="False", base_path="/nonexistent").query(archs=[arch])) == \
        list(results)[:-2]
    # Our own profiled device (another model variant and workload) answers when asked by name.
    ours = api.query(metric="latencies", device="epyc-2vcpu")["latencies"]["epyc-2vcpu"]
    assert 50 < ours < 5000  # ms for one 1 x 256 pass on the VM (111-646 ms measured)


def test_device_alone_asks_latencies_and_energies_it_has(api):
    api.set_arch(api.sample_arch(seed=3))
    results = api.query(device="rtx2080")
    assert list(results) == ["latencies", "energies"]
    assert set(results["latencies"]) == set(results["energies"]) == {"rtx2080"}
    # cpu_p100 (no API name) has latencies only: energies are left out, not an error.
    assert list(api.query(device="cpu_p100")) == ["latencies"]


def test_memory_is_a_number_whatever_the_device_as_in_the_original(api):
    api.set_arch(api.sample_arch(seed=3))
    fp16 = api.query(metric="float16_memory")["float16_memory"]
    assert fp16 == api.benchmark.query(api.get_arch(), "memory_mb", "rtx2080")
    assert api.query(metric="float16_memory", device="a100") == {"float16_memory": fp16}
    assert api.query(metric="bfloat16_memory")["bfloat16_memory"] == api.benchmark.query(api.get_arch(), "memory_mb", "a100")


def test_energies_are_mwh_and_energy_mj_stays_ours(api):
    api.set_arch(api.sample_arch(seed=4))
    mj = api.query(metric="energy_mj", device="a100")["energy_mj"]["a100"]
    assert api.query(metric="energies", device="a100")["energies"]["a100"] == pytest.approx(mj / 3600, rel=1e-15)
    batch = api.query(metric="energies", device="a100", archs=[api.get_arch()] * 2)["energies"]["a100"]
    assert batch[0] == pytest.approx(mj / 3600, rel=1e-15)


# ---- values equal the CLI's --------------------------------------------------------------------

CASES = [("perplexity", ""), ("accuracy", ""), ("latency_ms", "a100"), ("latency_ms", "cpu_p100"),
         ("energy_mj", "cpu_xeon_gold"), ("memory_mb", "rtx2080"), ("kv_cache_mb", "")]
MEAN = ("mean", {})
QUANTILE = ("quantile:0.9", {"mode": "quantile", "q": 0.9})
SAMPLE = ("sample:3", {"mode": "sample", "seed": 3})
# Every case in mean mode, the three kinds of surrogate in the other modes (each CLI call loads
# libtorch, ~0.4 s CPU, so the grid is kept small).
GRID = [(m, d, MEAN) for m, d in CASES] + [(m, d, mode) for m, d in CASES[:5:2] for mode in (QUANTILE, SAMPLE)]


@pytest.mark.parametrize("metric,device,how", GRID)
def test_query_equals_cli_json(tmp_path, api, metric, device, how):
    cli_mode, kwargs = how
    archs = cli_sample(4, 11)
    listing = tmp_path / "archs.txt"
    listing.write_text("\n".join(archs) + "\n")
    args = ["query", "--scale", "s", "--archs", listing, "--metric", metric, "--mode", cli_mode]
    if device:
        args += ["--device", device]
    expected = [row["value"] for row in cli_json(*args)]
    assert list(api.benchmark.query_batch(archs, metric, device, **kwargs)) == expected
    for arch, value in zip(archs, expected):
        assert api.benchmark.query(arch, metric, device, **kwargs) == value


def test_original_metric_names_equal_our_metrics_on_the_cli(api):
    arch = cli_sample(1, 7)[0]
    api.set_arch(arch)
    results = api.query()
    def cli(metric, device=""):
        args = ["query", "--scale", "s", "--arch", arch, "--metric", metric] + (["--device", device] if device else [])
        return cli_json(*args)["value"]
    assert results["perplexity"] == cli("perplexity")
    assert results["latencies"]["cpu_xeon_silver"] == cli("latency_ms", "cpu_mlgpu")
    assert results["energies"]["h100"] == pytest.approx(cli("energy_mj", "h100") / 3600, rel=1e-15)
    assert results["bfloat16_memory"] == cli("memory_mb", "a100")
    assert results["float16_memory"] == cli("memory_mb", "rtx2080")
    assert results["params"] == cli("params")
    assert results["flops"] == cli("flops")


# ---- architectures ---------------------------------------------------------------------------

def test_sample_arch_with_seed_is_the_cli_sample(api):
    assert api.arch_string(api.sample_arch(seed=7)) == cli_sample(1, 7)[0]
    assert [hwgpt.arch_string(a, "s") for a in hwgpt.sample_archs("s", 5, 1)] == cli_sample(5, 1)


def test_unseeded_sample_arch_replays_with_the_same_object_seed():
    a, b = HWGPT("s", seed=5), HWGPT("s", seed=5)
    draws_a = [a.sample_arch() for _ in range(5)]
    assert draws_a == [b.sample_arch() for _ in range(5)]
    assert len({hwgpt.arch_string(d, "s") for d in draws_a}) == 5
    assert draws_a != [HWGPT("s", seed=6).sample_arch() for _ in range(5)]


def test_arch_dict_and_string_round_trip():
    for text in cli_sample(50, 2):
        d = hwgpt.arch_dict(text, "s")
        assert set(d) == KEYS
        assert isinstance(d["sample_bias"], bool)
        assert len(d["sample_mlp_ratio"]) == len(d["sample_n_head"]) == d["sample_n_layer"]
        assert hwgpt.arch_string(d, "s") == text
        assert hwgpt.arch_dict(hwgpt.arch_string(d, "s"), "s") == d


def test_lists_padded_to_the_maximum_layer_count_are_accepted():
    d = hwgpt.arch_dict("gpt-s-10-192-2-2-2-2-2-2-2-2-2-2-4-4-4-4-4-4-4-4-4-4-True", "s")
    padded = dict(d, sample_mlp_ratio=d["sample_mlp_ratio"] + [3, 3], sample_n_head=d["sample_n_head"] + [8, 8])
    assert hwgpt.arch_dict(padded, "s") == d


def test_numpy_integers_and_feature_maps_are_accepted(api):
    archs = hwgpt.sample_archs("s", 20, 4)
    strings = [hwgpt.arch_string(a, "s") for a in archs]
    features = hwgpt.encode(archs, "s", "feature-map")
    assert features.shape == (20, 3 + 2 * 12)
    # The CLI's encoding of the first arch.
    assert list(features[0]) == [float(x) for x in run_cli("space", "encode", "--arch", strings[0]).split()]
    by_strings = api.benchmark.query_batch(strings, "perplexity")
    assert (api.benchmark.query_batch(features, "perplexity") == by_strings).all()
    assert (api.benchmark.query_batch(features.astype(np.int64), "perplexity") == by_strings).all()
    assert (api.benchmark.query_batch(archs, "perplexity") == by_strings).all()
    d = dict(archs[0], sample_embed_dim=np.int64(archs[0]["sample_embed_dim"]), sample_bias=np.bool_(archs[0]["sample_bias"]))
    assert hwgpt.arch_string(d, "s") == strings[0]


def test_batch_query_in_original_shape_matches_single_queries(api):
    archs = hwgpt.sample_archs("s", 6, 9)
    batch = api.query(metric=["perplexity", "latencies"], device=["a100", "cpu_amd_7513"], archs=iter(archs))
    for i, arch in enumerate(archs):
        api.set_arch(arch)
        single = api.query(metric=["perplexity", "latencies"], device=["a100", "cpu_amd_7513"])
        assert batch["perplexity"][i] == single["perplexity"]
        assert batch["latencies"]["cpu_amd_7513"][i] == single["latencies"]["cpu_amd_7513"]


# ---- modes -----------------------------------------------------------------------------------

def test_sample_mode_is_seeded_and_independent_of_batching(api):
    archs = cli_sample(8, 21)
    first = api.benchmark.query_batch(archs, "perplexity", mode="sample", seed=1)
    assert (first == api.benchmark.query_batch(archs, "perplexity", mode="sample", seed=1)).all()
    assert (first != api.benchmark.query_batch(archs, "perplexity", mode="sample", seed=2)).any()
    assert first[5] == api.benchmark.query(archs[5], "perplexity", mode="sample", seed=1)


def test_quantiles_are_ordered(api):
    archs = cli_sample(10, 5)
    low = api.benchmark.query_batch(archs, "latency_ms", "a100", mode="quantile", q=0.05)
    high = api.benchmark.query_batch(archs, "latency_ms", "a100", mode="quantile", q=0.95)
    assert (low < high).all()


# ---- errors name the input -------------------------------------------------------------------

def error_of(call):
    with pytest.raises(ValueError) as info:
        call()
    return str(info.value)


def test_bad_arch_dicts_raise_with_the_key_and_value(api):
    good = api.sample_arch(seed=1)
    # The original's strings are read as the word says (its model read "False" as a bias).
    api.set_arch(dict(good, sample_bias="False"))
    assert api.arch_string().endswith("-False") and api.get_arch()["sample_bias"] == "False"
    api.set_arch(dict(good, sample_bias="True"))
    assert api.arch_string().endswith("-True")
    assert "sample_bias is 'false' (str); expected a bool or the string 'True' or 'False'" in error_of(
        lambda: api.set_arch(dict(good, sample_bias="false")))
    assert "sample_bias is 1 (int); expected a bool" in error_of(lambda: api.set_arch(dict(good, sample_bias=1)))
    n = good["sample_n_layer"]
    api.set_arch(dict(good, sample_layer_indices=list(range(n))))
    assert "sample_layer_indices is [0, 2" in error_of(
        lambda: api.set_arch(dict(good, sample_layer_indices=[0] + list(range(2, n + 1)))))
    assert "sample_layer_indices is 'all' (str); expected a list" in error_of(
        lambda: api.set_arch(dict(good, sample_layer_indices="all")))
    assert "use_supernet_surrogate is 'no' (str)" in error_of(lambda: HWGPT("s", use_supernet_surrogate="no"))
    assert "predictor 'supernet'; expected 'mlp'" in error_of(lambda: api.query(metric="perplexity", predictor="supernet"))
    missing = {k: v for k, v in good.items() if k != "sample_n_head"}
    assert "arch dict lacks 'sample_n_head'" in error_of(lambda: api.set_arch(missing))
    assert "unknown key 'n_layer'" in error_of(lambda: api.set_arch(dict(good, n_layer=3)))
    assert "sample_embed_dim is 1.5 (float); expected an integer" in error_of(
        lambda: api.set_arch(dict(good, sample_embed_dim=1.5)))
    short = dict(good, sample_mlp_ratio=good["sample_mlp_ratio"][:-1])
    assert f"sample_mlp_ratio has {good['sample_n_layer'] - 1} entries; expected sample_n_layer = " in error_of(
        lambda: api.set_arch(short))
    assert "expected one of 10, 11, 12" in error_of(lambda: api.set_arch(dict(good, sample_n_layer=13)))
    # Validation is the C++ one: the message names the field and lists the space's choices.
    assert "192, 384, 768" in error_of(lambda: api.set_arch(dict(good, sample_embed_dim=100)))
    assert "(bias) is 'true'; expected True or False" in error_of(
        lambda: api.set_arch("gpt-s-10-192-2-2-2-2-2-2-2-2-2-2-4-4-4-4-4-4-4-4-4-4-true"))


def test_bad_feature_rows_raise_with_the_row_and_entry(api):
    features = hwgpt.encode(hwgpt.sample_archs("s", 3, 1), "s")
    features[1, 1] = 10          # fewer layers than the row has entries for
    features[1, 2 + 11] = 3
    features[1, 2 + 12 + 11] = 8
    message = error_of(lambda: api.benchmark.query_batch(features, "perplexity"))
    assert message.startswith("archs row 1: feature-map entry") and "expected -1" in message
    one_hot = hwgpt.encode(hwgpt.sample_archs("s", 2, 1), "s", "one-hot")
    assert "feature-map row has 80 entries; expected 3 + 2 * 12 = 27" in error_of(
        lambda: api.benchmark.query_batch(one_hot, "perplexity"))


def test_bad_queries_raise_with_the_name(api):
    api.set_arch(api.sample_arch(seed=1))
    assert "no model of energies for device 'cpu_p100': energy_mj exists for" \
        in error_of(lambda: api.query(metric="energies", device="cpu_p100"))
    assert "unknown metric 'latency'" in error_of(lambda: api.query(metric="latency"))
    assert "unknown device 'tpu'" in error_of(lambda: api.query(metric="latencies", device="tpu"))
    assert "mode='quantile' needs q" in error_of(lambda: api.query(metric="perplexity", mode="quantile"))
    assert "q is 1.500000; expected 0 < q < 1" in error_of(lambda: api.query(metric="perplexity", mode="quantile", q=1.5))
    assert "seed = 3 is only used with mode='sample'" in error_of(lambda: api.query(metric="perplexity", seed=3))
    assert "mode 'median'; expected mean, quantile (with q) or sample (with seed)" in error_of(
        lambda: api.query(metric="perplexity", mode="median"))
    assert "no arch set" in error_of(lambda: HWGPT("s").query())
    assert "search space 'xl'; expected a built-in space" in error_of(lambda: HWGPT("xl"))


def test_t_scale_answers_its_own_metrics():
    api = HWGPT("t")
    api.set_arch("gpt-t-3-128-2-3-4-1-2-4-True")
    results = api.query()
    # t's only devices are ours: the default answers for them (this VM's profile).
    assert results["latencies"] == {"epyc-2vcpu": cli_json(
        "query", "--scale", "t", "--arch", "gpt-t-3-128-2-3-4-1-2-4-True", "--metric", "latency_ms",
        "--device", "epyc-2vcpu")["value"]}
    assert "energies" not in results          # no energy meter on that VM: omitted rather than invented
    assert results["params"] == cli_json("query", "--scale", "t", "--arch", "gpt-t-3-128-2-3-4-1-2-4-True",
                                         "--metric", "params")["value"] == 446752


def test_broken_surrogate_file_raises_runtime_error_naming_it(tmp_path):
    folder = tmp_path / "surrogates" / "s"
    folder.mkdir(parents=True)
    (folder / "perplexity.hsur").write_bytes(b"not a surrogate file")
    with pytest.raises(RuntimeError) as info:
        HWGPT("s", data_dir=str(tmp_path))
    assert "perplexity.hsur" in str(info.value)


def test_without_surrogates_only_exact_metrics_are_answered(tmp_path):
    api = HWGPT("s", data_dir=str(tmp_path))
    api.set_arch("gpt-s-10-192-2-2-2-2-2-2-2-2-2-2-4-4-4-4-4-4-4-4-4-4-True")
    assert set(api.query()) == {"flops", "params"}
    assert "ground truth needs a measurement store: HWGPT(..., db=PATH); make one" in error_of(
        lambda: api.get_gt_latencies("a100", api.arch_string()))
    assert "unknown metric 'perplexity'" in error_of(lambda: api.query(metric="perplexity"))


@pytest.mark.parametrize("scale", ["t", "s", "m", "l"])
def test_our_device_answers_at_every_scale(scale):
    """This VM (epyc-2vcpu) is profiled at every scale: asked by name, it answers latency, cached
    decoding and memory, and the largest arch of a scale takes longer than the smallest."""
    info = cli_json("space", "info", "--scale", scale)
    api = HWGPT(scale)
    latency = {}
    for which in ("smallest_arch", "largest_arch"):
        api.set_arch(info[which])
        latency[which] = api.query(metric="latencies", device="epyc-2vcpu")["latencies"]["epyc-2vcpu"]
        assert latency[which] == cli_json("query", "--scale", scale, "--arch", info[which], "--metric",
                                          "latency_ms", "--device", "epyc-2vcpu")["value"]
    assert 0 < latency["smallest_arch"] < latency["largest_arch"]
    assert "epyc-2vcpu" in api.devices("latencies")


# ---- ground truth from a measurement store ---------------------------------------------------

SHARED = pathlib.Path(__file__).resolve().parents[3] / "shared" / "data" / "hwgpt-bench"


def csv_rows(name):
    """The raw CSV (independent of the store's importer), as arch -> row dict."""
    with gzip.open(SHARED / name, "rt") as f:
        return {row["arch"]: row for row in csv.DictReader(f)}


@pytest.fixture(scope="module")
def truth_db(tmp_path_factory):
    if not SHARED.is_dir():
        pytest.skip("the original's raw data (../shared/data/hwgpt-bench) is not here")
    db = tmp_path_factory.mktemp("truth") / "hwgpt.db"
    for name in ("hw_a100_s", "hw_cpu_mlgpu_s", "perplexity_s", "memory_rtx2080_s", "memory_a100_s"):
        assert hwgpt.store_import(db, SHARED, name)["files_imported"] == 1
    assert hwgpt.store_import(db, SHARED, "hw_a100_s")["files_already_present"] == 1  # resumable: a no-op
    return db


def test_ground_truth_calls_answer_from_the_store_in_the_original_units(truth_db):
    api = HWGPT("s", db=truth_db)
    a100, cpu = csv_rows("hw_a100_s.csv.gz"), csv_rows("hw_cpu_mlgpu_s.csv.gz")
    ppl, mem = csv_rows("perplexity_s.csv.gz"), csv_rows("memory_rtx2080_s.csv.gz")
    floats = lambda field: [float(x) for x in field.split(";")]
    for arch in list(a100)[:25]:
        assert api.get_gt_latencies("a100", arch) == floats(a100[arch]["latency_ms"])
        # GPU energy: the 50 per-call samples, mWh (the store holds mJ).
        assert api.get_gt_energies("a100", arch) == pytest.approx(floats(a100[arch]["energy_mwh"]), rel=1e-12)
        # CPU energy: only the mean was recorded, a float; the API name resolves to cpu_mlgpu.
        assert api.get_gt_energies("cpu_xeon_silver", arch) == pytest.approx(float(cpu[arch]["energy_mean_mwh"]), rel=1e-12)
        assert api.get_gt_agnostic(arch, "perplexity") == float(ppl[arch]["perplexity"])
        assert api.get_gt_agnostic(arch, "accuracy") == float(ppl[arch]["accuracy"])
        assert api.get_gt_agnostic(arch, "float16_memory") == float(mem[arch]["memory_mb"])
        assert api.get_gt_agnostic(arch, "params") == float(a100[arch]["params"])
    every = api.query_gt_all_archs("latencies", "a100")
    assert set(every) == set(a100) and len(every) > 7000
    assert set(api.query_gt_all_archs("perplexity")) == set(ppl)
    unmeasured = next(a for a in (hwgpt.arch_string(d, "s") for d in hwgpt.sample_archs("s", 50, 77)) if a not in a100)
    with pytest.raises(KeyError, match="has no latency_ms measurement on a100"):
        api.get_gt_latencies("a100", unmeasured)
    assert "device 'tpu' is not in the store" in error_of(lambda: api.get_gt_latencies("tpu", next(iter(a100))))


def test_the_module_exports_its_entry_point_alone():
    """The extension's only exported function is PyInit__hwgpt: the static archives it links (and
    a libstdc++ linked in statically, whose GNU_UNIQUE symbols the dynamic linker would unify
    with the process's libstdc++.so) stay inside it. With them exported, `import hwgpt` before
    `import torch` crashed inside torch on an H200 (python/CMakeLists.txt, --exclude-libs)."""
    import shutil
    import subprocess
    if shutil.which("nm") is None:
        pytest.skip("no nm (binutils) here")
    listing = subprocess.run(["nm", "-D", "--defined-only", hwgpt._hwgpt.__file__],
                             check=True, capture_output=True, text=True).stdout.splitlines()
    functions = [fields[-1] for fields in (line.split() for line in listing) if fields[-2] == "T"]
    assert functions == ["PyInit__hwgpt"]
