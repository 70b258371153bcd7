#!/usr/bin/python3
# The Python block of docs/TUTORIAL.md's section 7 (python/tests/test_tutorial.py checks that the
# two agree): an optimizer of your own, scored exactly as the built-in ones and placed in the
# tutorial's study folder. Run from the repository root after the study:
#   PYTHONPATH=build/python /usr/bin/python3 examples/own_optimizer.py

import random

import numpy as np

import hwgpt

for seed in (1, 2):
    problem = hwgpt.Problem("s", ["perplexity", "latency@a100"], budget=200, algorithm="my-ls", seed=seed)
    rng = random.Random(seed)
    archs = problem.sample(20)
    values = list(problem.evaluate(archs))
    while problem.remaining:
        # Mutate a random member of the current Pareto front.
        front = hwgpt.pareto_front(np.array(values))
        child = problem.mutate(archs[rng.choice(list(front))], seed=rng.randrange(2**32))
        archs.append(child)
        values.append(problem.evaluate(child))
    print("my-ls seed", seed, "hypervolume", problem.hypervolume, "evaluations", problem.evaluations)
    print("saved as", problem.save("tutorial-out/study"))
