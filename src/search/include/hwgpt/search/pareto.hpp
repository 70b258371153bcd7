// Pareto dominance for minimisation: dominance tests, non-dominated sorting, front extraction and
// NSGA-II's crowding distance. Points are row-major: point i is values[i*d .. i*d+d).
// Nothing here normalises or reorders objectives; callers pass what they want minimised.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace hwgpt::search {

// Row-major view of n points in d objectives.
struct PointSet {
  std::span<const double> values;  // size n*d
  std::size_t dimension = 0;       // d >= 1
  std::size_t size() const { return dimension == 0 ? 0 : values.size() / dimension; }
  std::span<const double> operator[](std::size_t i) const { return values.subspan(i * dimension, dimension); }
};

// a dominates b: a <= b in every objective and a < b in at least one.
bool dominates(std::span<const double> a, std::span<const double> b);
// a weakly dominates b: a <= b in every objective.
bool weakly_dominates(std::span<const double> a, std::span<const double> b);

// Front index of every point (0 = non-dominated, 1 = non-dominated once front 0 is removed, …).
// Deb et al.'s fast non-dominated sort, O(d·n²) time, O(n²) worst-case memory; for d = 2 the
// O(n log n) sweep of Jensen (2003). Equal points share a front. Throws ValueError when values.size() is not a multiple of d.
std::vector<std::size_t> nondominated_ranks(PointSet points);

// The fronts themselves: fronts[k] lists the indices of rank k, ascending.
std::vector<std::vector<std::size_t>> nondominated_fronts(PointSet points);

// Indices (ascending) of the non-dominated points. O(n log n) for d = 2 (sort and sweep), otherwise
// the first front of nondominated_ranks(). Duplicates of a non-dominated point are all kept.
std::vector<std::size_t> pareto_front_indices(PointSet points);

// Crowding distance of each point of `front` (indices into `points`), as in NSGA-II (Deb et al.
// 2002): per objective, the boundary points get +infinity, inner points the normalised gap between
// their neighbours, summed over objectives. An objective with zero range adds nothing.
std::vector<double> crowding_distance(PointSet points, std::span<const std::size_t> front);

}  // namespace hwgpt::search
