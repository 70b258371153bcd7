#!/usr/bin/python3
"""How much of a surrogate's error follows the order in which the archs were measured.

Usage:
  hwgpt query --scale S --archs ROWS.txt --metric M --device D --db STORE --json > Q.json
  scripts/measurement_drift.py Q.json [HALF_WINDOW (50)]

ROWS.txt lists the archs in the order the device measured them (for the original's data: the rows
of hw_<device>_<scale>.csv.gz). For each arch, r = log(measured) - log(predicted); its
neighbours' mean residual is the mean r of the archs measured within HALF_WINDOW rows before and
after it, leaving the arch itself out. Prints the residuals' spread, the correlation of r with its
neighbours' mean (0 if errors are independent of when an arch was measured), and the Kendall tau
of the test archs (the surrogate split: seed 1, 20 % by the hash of the arch string) of the
prediction alone and of prediction x exp(neighbours' mean): the second uses when each test arch was
measured, which no model of the arch can know, so the gap between the two is measurement drift
(clock, temperature or power state of a session), not something better surrogates could learn.
stdlib and the product's python/hwgpt/rank.py only.
"""
import importlib.util
import json
import math
import os
import struct
import sys

# The product's rank statistics (python/hwgpt/rank.py, plain Python), loaded as a file.
_spec = importlib.util.spec_from_file_location(
    "rank", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python", "hwgpt", "rank.py"))
_rank = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_rank)
kendall_tau_b = _rank.kendall_tau


def fnv1a(h, data):
    for byte in data:
        h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def is_test(arch, seed=1, test_fraction=0.2):
    """hwgpt::surrogate::split_of (src/surrogate/dataset.cpp) with the default options."""
    h = fnv1a(fnv1a(0xCBF29CE484222325, struct.pack("<Q", seed)), arch.encode())
    return (h >> 11) * 2.0**-53 < test_fraction


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    rows = json.load(open(sys.argv[1]))
    half = int(sys.argv[2]) if len(sys.argv) == 3 else 50
    measured = [r["measured"] for r in rows]
    predicted = [r["value"] for r in rows]
    resid = [math.log(m) - math.log(p) for m, p in zip(measured, predicted)]
    n = len(resid)
    prefix = [0.0]
    for v in resid:
        prefix.append(prefix[-1] + v)
    neighbours = []
    for i in range(n):
        a, b = max(0, i - half), min(n, i + half + 1)
        neighbours.append((prefix[b] - prefix[a] - resid[i]) / (b - a - 1))
    mean_r = sum(resid) / n
    mean_n = sum(neighbours) / n
    cov = sum((r - mean_r) * (q - mean_n) for r, q in zip(resid, neighbours))
    sd_r = math.sqrt(sum((r - mean_r) ** 2 for r in resid))
    sd_n = math.sqrt(sum((q - mean_n) ** 2 for q in neighbours))
    test = [i for i, r in enumerate(rows) if is_test(r["arch"])]
    truth = [measured[i] for i in test]
    alone = kendall_tau_b([predicted[i] for i in test], truth)
    with_drift = kendall_tau_b([predicted[i] * math.exp(neighbours[i]) for i in test], truth)
    print(f"{rows[0]['metric']}@{rows[0]['device']}: {n} archs, residual SD {sd_r / math.sqrt(n):.4f}, "
          f"SD of neighbours' mean {sd_n / math.sqrt(n):.4f}, correlation {cov / (sd_r * sd_n):.3f}; "
          f"test tau {alone:.4f} (prediction), {with_drift:.4f} (x neighbours' drift), {len(test)} test archs")


if __name__ == "__main__":
    main()
