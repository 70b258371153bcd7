"""Hypervolume against closed forms and a pure-Python sweep; Pareto fronts against brute force;
search runs against the CLI's `hwgpt search --json` for the same arguments."""

import random

import numpy as np
import pytest

import hwgpt
from conftest import cli_json


def sweep_hv_2d(points, reference):
    """Independent 2-D reference: sort by f1, add each strip between consecutive f1 values."""
    inside = sorted(p for p in points if p[0] < reference[0] and p[1] < reference[1])
    area, best_f2 = 0.0, reference[1]
    for i, (f1, f2) in enumerate(inside):
        best_f2 = min(best_f2, f2)
        right = inside[i + 1][0] if i + 1 < len(inside) else reference[0]
        area += (right - f1) * (reference[1] - best_f2)
    return area


def test_hypervolume_closed_forms():
    assert hwgpt.hypervolume([[1.0, 2.0]], [4.0, 5.0]) == 9.0                      # one box
    assert hwgpt.hypervolume([[1, 3], [2, 2], [3, 1]], [4, 4]) == 6.0               # staircase 1+2+3
    assert hwgpt.hypervolume([[0, 0, 1], [1, 1, 0]], [2, 2, 2]) == 5.0              # 4 + 2 - overlap 1
    assert hwgpt.hypervolume([[0.5] * 4], [1.0] * 4) == 0.5 ** 4
    assert hwgpt.hypervolume(np.zeros((0, 2)), [1.0, 1.0]) == 0.0
    # Points on or beyond the reference and dominated points add nothing.
    assert hwgpt.hypervolume([[1, 3], [2, 2], [3, 1], [4, 0], [2.5, 2.5]], [4, 4]) == 6.0


def test_hypervolume_matches_a_pure_python_sweep():
    rng = random.Random(3)
    for n in (1, 5, 50, 300):
        points = [[rng.random(), rng.random()] for _ in range(n)]
        assert hwgpt.hypervolume(points, [1.1, 1.1]) == pytest.approx(sweep_hv_2d(points, [1.1, 1.1]), rel=1e-12)


def test_hypervolume_rejects_bad_shapes():
    with pytest.raises(ValueError, match="points has 1 dimensions; expected a 2-D array"):
        hwgpt.hypervolume([1.0, 2.0], [3.0, 3.0])
    with pytest.raises(ValueError, match="reference"):
        hwgpt.hypervolume([[1.0, 2.0]], [3.0, 3.0, 3.0])


def test_pareto_front_matches_brute_force():
    rng = np.random.default_rng(1)
    points = rng.integers(0, 6, size=(60, 3)).astype(float)
    def dominated(i):
        return any((points[j] <= points[i]).all() and (points[j] < points[i]).any() for j in range(len(points)))
    assert hwgpt.pareto_front(points) == [i for i in range(len(points)) if not dominated(i)]


def test_search_equals_the_cli_run(api):
    objectives = ["perplexity", "latency@a100"]
    run = api.search(objectives=objectives, algorithm="nsga2", budget=200, seed=3)
    cli = cli_json("search", "--scale", "s", "--objectives", ",".join(objectives), "--algorithm", "nsga2",
                   "--budget", 200, "--seed", 3)
    assert run["hypervolume"] == cli["final_hypervolume"]
    assert run["ideal"] == cli["bounds"]["ideal"] and run["nadir"] == cli["bounds"]["nadir"]
    assert [run["archs"][i] for i in run["front"]] == [p["description"] for p in cli["front"]]
    assert [list(run["values"][i]) for i in run["front"]] == [p["objectives"] for p in cli["front"]]
    assert run["values"].shape == (200, 2) and len(run["hv_curve"]) == 200
    assert run["hv_curve"][-1] == run["hypervolume"]


def test_search_values_are_benchmark_queries_and_hypervolume_recomputes(api):
    run = api.search(objectives="perplexity,latency@h100", algorithm="rs", budget=50, seed=1)
    archs = run["archs"]
    assert (run["values"][:, 0] == api.benchmark.query_batch(archs, "perplexity")).all()
    assert (run["values"][:, 1] == api.benchmark.query_batch(archs, "latency_ms", "h100")).all()
    ideal, nadir = np.array(run["ideal"]), np.array(run["nadir"])
    normalised = (run["values"] - ideal) / (nadir - ideal)
    assert hwgpt.hypervolume(normalised, [1.1, 1.1]) == pytest.approx(run["hypervolume"], rel=1e-12)


def test_search_is_seeded(api):
    a = api.search(objectives=["perplexity", "energy@a100"], algorithm="morea", budget=80, seed=4,
                   options={"morea_population_size": 30})
    b = api.search(objectives=["perplexity", "energy@a100"], algorithm="morea", budget=80, seed=4,
                   options={"morea_population_size": 30})
    assert a["archs"] == b["archs"] and (a["values"] == b["values"]).all()


def test_search_errors_name_the_input(api):
    with pytest.raises(ValueError, match="unknown"):
        api.search(algorithm="simulated-annealing", budget=10)
    with pytest.raises(ValueError, match="unknown device 'tpu'"):
        api.search(objectives=["perplexity", "latency@tpu"], budget=10)


def test_search_options_are_the_cli_options(api):
    run = api.search(objectives=["perplexity", "latency@a100"], budget=120, seed=2, options={"population_size": 20})
    cli = cli_json("search", "--scale", "s", "--objectives", "perplexity,latency@a100", "--budget", 120, "--seed", 2,
                   "--population", 20)
    assert run["hypervolume"] == cli["final_hypervolume"]
    default = api.search(objectives=["perplexity", "latency@a100"], budget=120, seed=2)
    assert default["archs"] != run["archs"]
    with pytest.raises(ValueError, match="search: unknown optimizer option 'population'; expected one of: "):
        api.search(budget=10, options={"population": 20})
    with pytest.raises(ValueError, match=r"search: options.gp_max_points is -1; expected a non-negative integer"):
        api.search(budget=10, options={"gp_max_points": -1})
