#!/usr/bin/python3
"""Kendall's tau-b between the perplexity columns of two `hwgpt eval` CSVs, joined on arch.

Usage: scripts/kendall_tau.py A.csv B.csv   (prints the pairs and tau-b; stdlib only)
"""
import csv
import importlib.util
import os
import sys


def read(path):
    with open(path) as f:
        return {row["arch"]: float(row["perplexity"]) for row in csv.DictReader(f)}


# Kendall's tau-b of the product (python/hwgpt/rank.py, plain Python), loaded as a file.
_spec = importlib.util.spec_from_file_location(
    "rank", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python", "hwgpt", "rank.py"))
_rank = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_rank)
tau_b = _rank.kendall_tau


def main():
    a, b = read(sys.argv[1]), read(sys.argv[2])
    archs = [k for k in a if k in b]
    for k in archs:
        print(f"{k},{a[k]:.4f},{b[k]:.4f}")
    print(f"n {len(archs)}  kendall_tau_b {tau_b([a[k] for k in archs], [b[k] for k in archs]):.4f}")


if __name__ == "__main__":
    main()
