"""Benchmark your own optimizer: an arch problem of the benchmark that your Python code proposes
archs to, evaluated, counted, normalised and recorded exactly as the eight built-in algorithms'
runs are (the same C++ recorder), so its hypervolume curve is comparable and its run can join a
study folder and its HTML report.

    import hwgpt
    problem = hwgpt.Problem("s", ["perplexity", "latency@h100"], budget=500, algorithm="my-ls", seed=1)
    arch = problem.sample(seed=1)[0]
    while problem.remaining:
        values = problem.evaluate([arch])        # objectives as minimised, one row per arch
        ...
    problem.result()                             # as HWGPT.search(): archs, values, front, hv_curve, ...
    problem.save("study-out")                    # runs/<id>.csv/.json + summary rows; then `hwgpt report`
"""

import numpy as np

from . import _hwgpt
from .api import Benchmark


class Problem:
    """The problem of `space` with `objectives` (named as in HWGPT.search() and `hwgpt search`:
    perplexity, latency@h100, energy@a100, memory@a100, max:params, …) and a budget of full
    evaluations. `algorithm` and `seed` name the run (files, report legend)."""

    def __init__(self, space="s", objectives=("perplexity", "latency@h100"), budget=500, algorithm="mine", seed=0,
                 data_dir=None, benchmark=None):
        if isinstance(objectives, str):
            objectives = objectives.split(",")
        self.benchmark = benchmark if benchmark is not None else Benchmark(space, data_dir)
        self.space = self.benchmark.space
        self._run = _hwgpt.UserRun(self.benchmark, list(objectives), budget, algorithm, seed)
        self._draws = 0

    # ---- what the optimizer sees ---------------------------------------------------------------

    @property
    def objectives(self):
        return self._run.objectives

    @property
    def ideal(self):
        """Per objective, the value normalised to 0 (at the space's smallest arch; fixed, never from data)."""
        return np.array(self._run.ideal)

    @property
    def nadir(self):
        """Per objective, the value normalised to 1 (at the space's largest arch)."""
        return np.array(self._run.nadir)

    @property
    def budget(self):
        return self._run.budget

    @property
    def remaining(self):
        """Evaluations left in the budget."""
        return self._run.remaining

    @property
    def evaluations(self):
        return self._run.evaluations

    @property
    def hypervolume(self):
        """Hypervolume of the normalised front so far (reference 1.1 in every objective)."""
        return self._run.hypervolume

    @property
    def hv_curve(self):
        return self._run.hv_curve

    @property
    def label(self):
        """The study's name for this problem, e.g. arch-s-perplexity+latency@h100."""
        return self._run.label

    def sample(self, count=1, seed=None):
        """`count` random arch dicts of the space (free: sampling costs no evaluation). Without a
        seed, the next draws of the problem's own stream (fixed by its seed)."""
        if seed is not None:
            return _hwgpt.sample_archs(self.space, count, seed)
        self._draws += 1
        return _hwgpt.sample_archs(self.space, count, self._run.seed, self._draws - 1)

    def mutate(self, arch, seed):
        """`arch` with one choice changed, as the built-in optimizers mutate (free)."""
        return _hwgpt.mutate_arch(arch, self.space, seed)

    def evaluate(self, archs):
        """Objectives of `archs` (a list of dicts/strings, a 2-D feature-map array, or one arch), as
        minimised (max: objectives negated), one row per arch; one arch gives one row (1-D). Each
        arch costs one evaluation, repeats included, as in the built-in runs; a batch larger than
        the remaining budget raises ValueError and evaluates nothing."""
        single = isinstance(archs, (str, dict))
        values = self._run.evaluate(archs)
        return values[0] if single else values

    def normalise(self, values):
        """(values - ideal) / (nadir - ideal) per objective, as the hypervolume sees them."""
        return self._run.normalise(np.atleast_2d(np.asarray(values, dtype=float)))

    # ---- the run ---------------------------------------------------------------------------------

    def result(self):
        """The run as HWGPT.search() returns one: archs, values, front, hv_curve, hypervolume,
        ideal, nadir, objectives, problem, algorithm, seed, budget, duration_s."""
        return self._run.result()

    def save(self, study_folder):
        """Writes the run into a study folder (`hwgpt study` output, or a new folder) beside the
        built-in algorithms' runs: runs/<label>__<algorithm>__seed<seed>.csv and .json, rows in
        summary.csv and hv_curves.csv. `hwgpt report --study FOLDER` then shows it with them, and a
        resumed `hwgpt study` keeps it. Returns the run's id."""
        return self._run.save(str(study_folder))
