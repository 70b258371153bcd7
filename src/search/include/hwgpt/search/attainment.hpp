// Empirical attainment function (EAF) for 2 objectives (minimisation), after Fonseca, Guerreiro,
// López-Ibáñez & Paquete (2011). A point z is attained by a run when some point of the run weakly
// dominates it; the k-th attainment surface bounds the region attained by at least k of the runs
// (k = 1: best case, k = runs: worst case, k = ceil(runs/2): median).
#pragma once

#include <array>
#include <cstddef>
#include <vector>

namespace hwgpt::search {

using Point2 = std::array<double, 2>;

// The minimal points of the k-th attainment surface of `runs` (each a list of 2-D points), sorted
// by increasing first objective (and so decreasing second). Throws ValueError unless
// 1 <= k <= runs.size(). O(N·R) for N points over R runs.
std::vector<Point2> attainment_surface(const std::vector<std::vector<Point2>>& runs, std::size_t k);

// How many runs attain `z` (weakly dominate it); the EAF at z times runs.size().
std::size_t attainment_count(const std::vector<std::vector<Point2>>& runs, Point2 z);

}  // namespace hwgpt::search
