#!/usr/bin/python3
"""Kendall's tau-b between the perplexity columns of two `hwgpt eval` CSVs, joined on arch.

Usage: scripts/kendall_tau.py A.csv B.csv   (prints the pairs and tau-b; stdlib only)
"""
import csv
import math
import sys


def read(path):
    with open(path) as f:
        return {row["arch"]: float(row["perplexity"]) for row in csv.DictReader(f)}


def tau_b(x, y):
    concordant = discordant = ties_x = ties_y = 0
    for i in range(len(x)):
        for j in range(i + 1, len(x)):
            dx, dy = x[i] - x[j], y[i] - y[j]
            if dx == 0 and dy == 0:
                continue
            if dx == 0:
                ties_x += 1
            elif dy == 0:
                ties_y += 1
            elif dx * dy > 0:
                concordant += 1
            else:
                discordant += 1
    denom = math.sqrt((concordant + discordant + ties_x) * (concordant + discordant + ties_y))
    return (concordant - discordant) / denom if denom else float("nan")


def main():
    a, b = read(sys.argv[1]), read(sys.argv[2])
    archs = [k for k in a if k in b]
    for k in archs:
        print(f"{k},{a[k]:.4f},{b[k]:.4f}")
    print(f"n {len(archs)}  kendall_tau_b {tau_b([a[k] for k in archs], [b[k] for k in archs]):.4f}")


if __name__ == "__main__":
    main()
