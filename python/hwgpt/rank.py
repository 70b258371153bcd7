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
