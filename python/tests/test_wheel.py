"""The wheel as a user gets it: scripts/build_wheel.sh builds dist/hwgpt-*.whl, pip installs it
into a fresh venv (--system-site-packages for Debian's numpy, --no-index: nothing downloaded), and
from an empty temporary folder, with no PYTHONPATH, HWGPT_DATA_DIR or source tree in reach, the
original HW-GPT-Bench README example and the calls of its baseline objectives run unchanged. Their
answers must equal the build tree's API on the same archs (which test_api.py checks against the
CLI), in the original's units: energies in mWh = our mJ / 3600, memory a number."""

import json
import os
import pathlib
import re
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
ORIGINAL = pathlib.Path(__file__).resolve().parent / "original"
BUILD = pathlib.Path(os.environ.get("HWGPT_BUILD_DIR", REPO / "build"))


def clean_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "HWGPT_"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    env = dict(os.environ, HWGPT_WHEEL_DIR=str(dist), HWGPT_WHEEL_BUILD_DIR=str(BUILD / "wheel-build"))
    subprocess.run([str(REPO / "scripts" / "build_wheel.sh")], check=True, env=env, cwd=REPO,
                   stdout=subprocess.DEVNULL)
    wheels = list(dist.glob("hwgpt-*.whl"))
    assert len(wheels) == 1, wheels
    assert re.fullmatch(r"hwgpt-\d+\.\d+\.\d+-cp3\d+-cp3\d+-linux_x86_64\.whl", wheels[0].name)
    v = root / "venv"
    subprocess.run(["/usr/bin/python3", "-m", "venv", "--system-site-packages", str(v)], check=True, env=clean_env())
    subprocess.run([str(v / "bin" / "pip"), "install", "--no-index", "--quiet", str(wheels[0])], check=True,
                   env=clean_env())
    return v


def run_in(venv, script, cwd):
    """Runs `script` with the venv's interpreter from `cwd` (an empty folder), environment clean."""
    done = subprocess.run([str(venv / "bin" / "python"), str(script)], cwd=cwd, env=clean_env(),
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_installed_package_is_the_venvs_and_carries_its_surrogates(venv, tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("import json, sys, hwgpt\n"
                     "json.dump({'file': hwgpt.__file__, 'data': hwgpt.default_data_dir(),\n"
                     "           'maps': open('/proc/self/maps').read()}, sys.stdout)\n")
    out = json.loads(run_in(venv, probe, tmp_path))
    assert out["file"].startswith(str(venv))
    assert out["data"].startswith(str(venv)) and out["data"].endswith("hwgpt/data")
    for library in ("libtorch", "libxgboost", "libmpi", "libcurl", "libpcre2"):
        assert library not in out["maps"]
    for scale in ("t", "s", "m", "l"):
        assert list(pathlib.Path(out["data"], "surrogates", scale).glob("*.hsur"))


def test_original_readme_example_runs_unchanged(venv, tmp_path):
    text = run_in(venv, ORIGINAL / "readme_example.py", tmp_path)
    lines = dict(line.split(":  ", 1) for line in text.strip().splitlines())
    results = eval(lines["Results"])  # the dicts print as Python literals
    energy, rtx2080, ppl = eval(lines["Energy"]), eval(lines["RTX2080"]), eval(lines["Perplexity MLP"])
    devices = ["a100", "a40", "h100", "rtx2080", "rtx3080", "a6000", "v100", "P100", "cpu_xeon_silver",
               "cpu_xeon_gold", "cpu_amd_7502", "cpu_amd_7513", "cpu_amd_7452"]
    # The original's shapes: per-device dicts in its device order, numbers for the true metrics.
    assert list(results) == ["latencies", "energies", "flops", "params", "float16_memory", "bfloat16_memory"]
    assert list(results["latencies"]) == devices and list(results["energies"]) == devices
    assert all(isinstance(results[k], int) for k in ("flops", "params"))
    assert all(isinstance(results[k], float) for k in ("float16_memory", "bfloat16_memory"))
    assert energy == {"energies": results["energies"]}
    assert rtx2080 == {"latencies": {"rtx2080": results["latencies"]["rtx2080"]},
                       "energies": {"rtx2080": results["energies"]["rtx2080"]}}
    assert list(ppl) == ["perplexity"] and 10 < ppl["perplexity"] < 200
    # Units: GPU energy per call is well under 100 mWh at s (the original's surrogates answer
    # 0.3-20 mWh; in mJ the same would be 1,000-70,000).
    assert all(0.05 < results["energies"][d] < 100 for d in devices[:8])


def test_baseline_objectives_run_unchanged_and_agree_with_the_build_tree(venv, tmp_path):
    out = json.loads(run_in(venv, ORIGINAL / "baseline_objectives.py", tmp_path))
    assert out["config"]["sample_bias"] == "True"
    sys.path.insert(0, str(BUILD / "python"))
    import hwgpt
    arch = dict(out["config"], sample_bias=True)
    bench = hwgpt.Benchmark("s", data_dir=str(REPO / "data"))
    assert out["perplexity"] == out["perplexity_3d"] == out["perplexity_memory"] == bench.query(arch, "perplexity")
    assert out["hw_metric"] == pytest.approx(bench.query(arch, "energy_mj", "v100") / 3600, rel=1e-12)
    assert out["hw_metrics_3d"][0] == bench.query(arch, "latency_ms", "a100")
    assert out["hw_metrics_3d"][1] == pytest.approx(bench.query(arch, "energy_mj", "h100") / 3600, rel=1e-12)
    assert out["float16_memory"] == bench.query(arch, "memory_mb", "rtx2080")
