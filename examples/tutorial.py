#!/usr/bin/python3
# The Python blocks of docs/TUTORIAL.md, in order (python/tests/test_tutorial.py checks that the
# two agree). Run from the repository root:
#   PYTHONPATH=build/python /usr/bin/python3 examples/tutorial.py

import hwgpt
from hwgpt.api import HWGPT

api = HWGPT(search_space="s")
arch = api.sample_arch(seed=7)
print(arch)
api.set_arch(arch)
print(api.arch_string())
results = api.query()
print(sorted(results))
print("perplexity", results["perplexity"], "params", results["params"])
print("latency on a100 (ms)", results["latencies"]["a100"])

print(api.query(metric="latencies", device="a100"))
print(api.query(metric="energies", device="cpu_xeon_gold", mode="quantile", q=0.9))
print(api.query(metric="perplexity", mode="sample", seed=1))

print(api.query(metric="bfloat16_memory"))
try:
    api.query(metric="energies", device="cpu_p100")
except ValueError as error:
    print("ValueError:", error)

archs = hwgpt.sample_archs("s", 1000, seed=1)
batch = api.query(metric=["perplexity", "latencies"], device="a100", archs=archs)
print(batch["perplexity"].shape, batch["latencies"]["a100"].mean())
features = hwgpt.encode(archs, "s", "feature-map")
same = api.query(metric="perplexity", archs=features)["perplexity"]
print((same == batch["perplexity"]).all())

run = api.search(objectives=["perplexity", "latency@a100"], algorithm="nsga2", budget=300, seed=1)
print("hypervolume", run["hypervolume"], "front size", len(run["front"]))
for i in run["front"][:3]:
    print(run["values"][i], run["archs"][i])
print(hwgpt.hypervolume([[1.0, 2.0], [2.0, 1.0]], [3.0, 3.0]))
