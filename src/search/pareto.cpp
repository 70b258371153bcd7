// Non-dominated sorting, Pareto fronts and crowding distance (see pareto.hpp).
#include "hwgpt/search/pareto.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <string>

#include "hwgpt/core/error.hpp"

namespace hwgpt::search {
namespace {

void check_shape(PointSet points) {
  if (points.dimension == 0)
    throw ValueError("point set has dimension 0; expected at least 1 objective");
  if (points.values.size() % points.dimension != 0)
    throw ValueError("point set has " + std::to_string(points.values.size()) +
                     " values, not a multiple of its dimension " + std::to_string(points.dimension));
}

// 2-D non-dominated sorting in O(n log n) (Jensen 2003): in (f0, f1) order a point joins the first
// front whose latest member has a larger f1; those latest f1 values stay sorted, so a binary
// search finds it. Exact duplicates share their representative's front.
std::vector<std::vector<std::size_t>> fronts_2d(PointSet points) {
  const std::size_t n = points.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto pa = points[a], pb = points[b];
    return pa[0] != pb[0] ? pa[0] < pb[0] : (pa[1] != pb[1] ? pa[1] < pb[1] : a < b);
  });
  std::vector<std::vector<std::size_t>> fronts;
  std::vector<double> last_f1;  // non-decreasing over fronts
  std::size_t previous = n, previous_front = 0;
  for (std::size_t i : order) {
    const auto p = points[i];
    std::size_t k;
    if (previous != n && points[previous][0] == p[0] && points[previous][1] == p[1]) {
      k = previous_front;
    } else {
      k = static_cast<std::size_t>(std::upper_bound(last_f1.begin(), last_f1.end(), p[1]) - last_f1.begin());
      if (k == fronts.size()) {
        fronts.emplace_back();
        last_f1.push_back(p[1]);
      }
      last_f1[k] = p[1];
    }
    fronts[k].push_back(i);
    previous = i;
    previous_front = k;
  }
  for (auto& f : fronts) std::sort(f.begin(), f.end());
  return fronts;
}

}  // namespace

bool dominates(std::span<const double> a, std::span<const double> b) {
  bool strictly = false;
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (a[k] > b[k]) return false;
    if (a[k] < b[k]) strictly = true;
  }
  return strictly;
}

bool weakly_dominates(std::span<const double> a, std::span<const double> b) {
  for (std::size_t k = 0; k < a.size(); ++k)
    if (a[k] > b[k]) return false;
  return true;
}

std::vector<std::vector<std::size_t>> nondominated_fronts(PointSet points) {
  check_shape(points);
  if (points.dimension == 2) return fronts_2d(points);
  const std::size_t n = points.size();
  std::vector<std::vector<std::size_t>> dominated_by_me(n);
  std::vector<std::size_t> num_dominating(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      if (dominates(points[i], points[j])) {
        dominated_by_me[i].push_back(j);
        ++num_dominating[j];
      } else if (dominates(points[j], points[i])) {
        dominated_by_me[j].push_back(i);
        ++num_dominating[i];
      }
    }
  }
  std::vector<std::vector<std::size_t>> fronts;
  std::vector<std::size_t> current;
  for (std::size_t i = 0; i < n; ++i)
    if (num_dominating[i] == 0) current.push_back(i);
  while (!current.empty()) {
    std::vector<std::size_t> next;
    for (std::size_t i : current)
      for (std::size_t j : dominated_by_me[i])
        if (--num_dominating[j] == 0) next.push_back(j);
    std::sort(next.begin(), next.end());
    fronts.push_back(std::move(current));
    current = std::move(next);
  }
  return fronts;
}

std::vector<std::size_t> nondominated_ranks(PointSet points) {
  const auto fronts = nondominated_fronts(points);
  std::vector<std::size_t> ranks(points.size(), 0);
  for (std::size_t k = 0; k < fronts.size(); ++k)
    for (std::size_t i : fronts[k]) ranks[i] = k;
  return ranks;
}

std::vector<std::size_t> pareto_front_indices(PointSet points) {
  check_shape(points);
  if (points.dimension != 2) {
    auto fronts = nondominated_fronts(points);
    return fronts.empty() ? std::vector<std::size_t>{} : std::move(fronts[0]);
  }
  // 2-D: sort by (f0, f1); a point is non-dominated iff its f1 is below every f1 seen before it,
  // or it equals the last kept point exactly (duplicates are kept together).
  const std::size_t n = points.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto pa = points[a], pb = points[b];
    return pa[0] != pb[0] ? pa[0] < pb[0] : (pa[1] != pb[1] ? pa[1] < pb[1] : a < b);
  });
  std::vector<std::size_t> front;
  double best_y = std::numeric_limits<double>::infinity();
  for (std::size_t i : order) {
    const auto p = points[i];
    if (p[1] < best_y) {
      front.push_back(i);
      best_y = p[1];
    } else if (!front.empty() && p[0] == points[front.back()][0] && p[1] == points[front.back()][1]) {
      front.push_back(i);
    }
  }
  std::sort(front.begin(), front.end());
  return front;
}

std::vector<double> crowding_distance(PointSet points, std::span<const std::size_t> front) {
  check_shape(points);
  const std::size_t m = front.size();
  std::vector<double> distance(m, 0.0);
  if (m <= 2) {
    std::fill(distance.begin(), distance.end(), std::numeric_limits<double>::infinity());
    return distance;
  }
  std::vector<std::size_t> order(m);
  for (std::size_t k = 0; k < points.dimension; ++k) {
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return points[front[a]][k] < points[front[b]][k];
    });
    const double lo = points[front[order.front()]][k], hi = points[front[order.back()]][k];
    distance[order.front()] = distance[order.back()] = std::numeric_limits<double>::infinity();
    if (hi <= lo) continue;
    for (std::size_t i = 1; i + 1 < m; ++i)
      distance[order[i]] += (points[front[order[i + 1]]][k] - points[front[order[i - 1]]][k]) / (hi - lo);
  }
  return distance;
}

}  // namespace hwgpt::search
