"""Rank statistics (python/hwgpt/rank.py) against closed forms and a known population value, and
scripts/kendall_tau.py on small tables."""

import math
import random
import subprocess
import sys

from conftest import REPO
from hwgpt.rank import bootstrap_interval, kendall_tau, ranks, spearman


def test_ranks_share_the_mean_rank_of_ties():
    assert ranks([10, 30, 20, 30]) == [1, 3.5, 2, 3.5]


def test_spearman_equals_the_closed_form_without_ties():
    rng = random.Random(3)
    x = list(range(12))
    y = x[:]
    rng.shuffle(y)
    n = len(x)
    closed = 1 - 6 * sum((a - b) ** 2 for a, b in zip(x, y)) / (n * (n * n - 1))
    assert abs(spearman(x, y) - closed) < 1e-12
    assert spearman([1, 2, 3], [3, 2, 1]) == -1.0
    assert math.isnan(spearman([1, 1, 1], [1, 2, 3]))


def test_bootstrap_of_a_perfect_ranking_is_a_point():
    x = [1.0, 2.0, 3.0, 5.0, 8.0]
    assert bootstrap_interval(kendall_tau, [x, [2 * v for v in x]], resamples=200) == (1.0, 1.0)


def test_bootstrap_interval_covers_the_population_tau():
    # Bivariate normal with correlation r: the population tau is 2/pi * asin(r) (Greiner). A 95 %
    # percentile interval from n = 20 should cover it in most of 80 independent samples.
    r, n = 0.7, 20
    truth = 2 / math.pi * math.asin(r)
    rng = random.Random(11)
    covered = 0
    for trial in range(80):
        x = [rng.gauss(0, 1) for _ in range(n)]
        y = [r * a + math.sqrt(1 - r * r) * rng.gauss(0, 1) for a in x]
        lo, hi = bootstrap_interval(kendall_tau, [x, y], resamples=300, seed=trial)
        assert lo <= kendall_tau(x, y) <= hi
        covered += lo <= truth <= hi
    assert 0.85 <= covered / 80 <= 1.0


def test_kendall_tau_script_reports_intervals_and_the_paired_difference(tmp_path):
    archs = [f"gpt-t-{i}" for i in range(8)]
    tables = {"ref.csv": list(range(8)), "a.csv": [0, 2, 1, 3, 5, 4, 7, 6], "b.csv": list(range(8))}
    for name, values in tables.items():
        (tmp_path / name).write_text("arch,perplexity\n" + "".join(f"{a},{v}\n" for a, v in zip(archs, values)))
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "kendall_tau.py"),
                           *(str(tmp_path / n) for n in tables)], capture_output=True, text=True, check=True)
    lines = done.stdout.splitlines()
    assert lines[0] == "gpt-t-0,0.0000,0.0000,0.0000"
    assert lines[8].startswith("a.csv: n 8  kendall_tau_b 0.7857 [")  # 3 of 28 pairs swapped
    assert lines[9].startswith("b.csv: n 8  kendall_tau_b 1.0000 [1.000, 1.000]  spearman 1.0000 [1.000, 1.000]")
    assert lines[10].startswith("tau difference (B - A): 0.2143 [")


def test_measurement_drift_script_finds_a_session_effect(tmp_path):
    # 400 archs whose measured values carry a slow drift (a sine over the profiling order) on top of
    # a perfect prediction: neighbours' residuals track each arch's, and the oracle recovers the
    # ranking; with the drift shuffled away from the order, the correlation vanishes.
    import json
    rng = random.Random(5)
    def rows(order_effect):
        out = []
        for i in range(400):
            truth = math.exp(rng.uniform(0, 1))
            drift = 0.1 * math.sin(i / 40.0) if order_effect else 0.1 * math.sin(rng.uniform(0, 10))
            out.append({"arch": f"gpt-s-{i}", "metric": "energy_mj", "device": "x", "value": truth,
                        "measured": truth * math.exp(drift)})
        return out
    script = str(REPO / "scripts" / "measurement_drift.py")
    found = []
    for effect in (True, False):
        path = tmp_path / f"q{effect}.json"
        path.write_text(json.dumps(rows(effect)))
        line = subprocess.run([sys.executable, script, str(path), "10"], capture_output=True, text=True,
                              check=True).stdout
        found.append(float(line.split("correlation ")[1].split(";")[0]))
        tau_alone, tau_oracle = (float(t.split(" ")[0]) for t in line.split("test tau ")[1].split(", ")[:2])
        if effect:
            assert tau_oracle > tau_alone
    assert found[0] > 0.9 and abs(found[1]) < 0.2
