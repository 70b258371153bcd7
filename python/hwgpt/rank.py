"""Rank statistics of the package, in plain Python (no NumPy, no extension): importable from a
file path by stdlib-only scripts (scripts/kendall_tau.py)."""


def kendall_tau(x, y):
    """Kendall's tau-b of two equally long sequences (pairs tied in both count as neither)."""
    n = len(x)
    concordant = discordant = ties_x = ties_y = 0
    for i in range(n):
        for j in range(i + 1, n):
            dx, dy = x[i] - x[j], y[i] - y[j]
            if dx == 0 and dy == 0:
                continue
            if dx == 0:
                ties_x += 1
            elif dy == 0:
                ties_y += 1
            elif (dx > 0) == (dy > 0):
                concordant += 1
            else:
                discordant += 1
    denominator = ((concordant + discordant + ties_x) * (concordant + discordant + ties_y)) ** 0.5
    return (concordant - discordant) / denominator if denominator else float("nan")


def ranks(values):
    """1-based ranks of `values`; tied values share the mean of their ranks."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def spearman(x, y):
    """Spearman's rho: Pearson's correlation of the ranks (ties at their mean rank); nan when a
    sequence is constant."""
    rx, ry = ranks(x), ranks(y)
    n = len(rx)
    mx, my = sum(rx) / n, sum(ry) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    sxx = sum((a - mx) ** 2 for a in rx)
    syy = sum((b - my) ** 2 for b in ry)
    return sxy / (sxx * syy) ** 0.5 if sxx and syy else float("nan")


def bootstrap_interval(statistic, columns, resamples=10000, level=0.95, seed=1):
    """Percentile bootstrap interval of statistic(*columns): rows (the i-th element of every
    column together, e.g. one architecture) are drawn with replacement `resamples` times; resamples
    whose statistic is undefined (nan) are skipped. Returns (low, high)."""
    import math
    import random

    rng = random.Random(seed)
    n = len(columns[0])
    values = []
    for _ in range(resamples):
        rows = [rng.randrange(n) for _ in range(n)]
        v = statistic(*[[c[i] for i in rows] for c in columns])
        if not math.isnan(v):
            values.append(v)
    values.sort()
    if not values:
        return float("nan"), float("nan")
    tail = (1 - level) / 2
    return (values[int(math.floor(tail * (len(values) - 1)))],
            values[int(math.ceil((1 - tail) * (len(values) - 1)))])
