#!/usr/bin/python3
"""Rank agreement between the perplexity columns of `hwgpt eval` CSVs, joined on arch.

Usage: scripts/kendall_tau.py REFERENCE.csv A.csv [B.csv]   (stdlib only)

Prints the joined pairs, then for A (and B) against REFERENCE: n, Kendall's tau-b and Spearman's
rho, each with a percentile bootstrap 95 % interval over archs (10,000 resamples, seed 1). With B,
also the paired difference tau(B) - tau(A) on the same resamples (archs in all three files), the
way to say whether B ranks like REFERENCE better than A does.
"""
import csv
import importlib.util
import os
import sys


def read(path):
    with open(path) as f:
        return {row["arch"]: float(row["perplexity"]) for row in csv.DictReader(f)}


# The product's rank statistics (python/hwgpt/rank.py, plain Python), loaded as a file.
_spec = importlib.util.spec_from_file_location(
    "rank", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python", "hwgpt", "rank.py"))
_rank = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_rank)
tau_b = _rank.kendall_tau


def report(name, ref, other):
    tau, rho = tau_b(ref, other), _rank.spearman(ref, other)
    t_lo, t_hi = _rank.bootstrap_interval(tau_b, [ref, other])
    r_lo, r_hi = _rank.bootstrap_interval(_rank.spearman, [ref, other])
    print(f"{name}: n {len(ref)}  kendall_tau_b {tau:.4f} [{t_lo:.3f}, {t_hi:.3f}]  "
          f"spearman {rho:.4f} [{r_lo:.3f}, {r_hi:.3f}]")


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    tables = [read(p) for p in sys.argv[1:]]
    archs = [k for k in tables[0] if all(k in t for t in tables[1:])]
    for k in archs:
        print(",".join([k] + [f"{t[k]:.4f}" for t in tables]))
    ref = [tables[0][k] for k in archs]
    columns = [[t[k] for k in archs] for t in tables[1:]]
    for path, column in zip(sys.argv[2:], columns):
        report(os.path.basename(path), ref, column)
    if len(columns) == 2:
        diff = lambda r, a, b: tau_b(r, b) - tau_b(r, a)
        lo, hi = _rank.bootstrap_interval(diff, [ref] + columns)
        print(f"tau difference (B - A): {diff(ref, *columns):.4f} [{lo:.3f}, {hi:.3f}]")


if __name__ == "__main__":
    main()
