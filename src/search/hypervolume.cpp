// Exact hypervolume (see hypervolume.hpp for the algorithms and their costs).
#include "hwgpt/search/hypervolume.hpp"

#include <algorithm>
#include <limits>
#include <cmath>
#include <numeric>
#include <string>

#include "hwgpt/core/error.hpp"
#include "hv4d.hpp"
#include "staircase_2d.hpp"

namespace hwgpt::search {
namespace {

// Row-major points of dimension d, all strictly below the reference (filtered on entry).
using Points = std::vector<double>;

void check_reference(std::span<const double> reference, std::size_t dimension) {
  if (reference.size() != dimension)
    throw ValueError("hypervolume reference point has " + std::to_string(reference.size()) +
                     " values; expected the points' dimension " + std::to_string(dimension));
  for (double r : reference)
    if (std::isnan(r)) throw ValueError("hypervolume reference point has a NaN value");
}

bool below(const double* p, std::span<const double> reference) {
  for (std::size_t k = 0; k < reference.size(); ++k)
    if (!(p[k] < reference[k])) return false;
  return true;
}

Points filter_below(PointSet points, std::span<const double> reference) {
  Points out;
  out.reserve(points.values.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    const double* p = points.values.data() + i * points.dimension;
    for (std::size_t k = 0; k < points.dimension; ++k)
      if (std::isnan(p[k])) throw ValueError("hypervolume point " + std::to_string(i) + " has a NaN value");
    if (below(p, reference)) out.insert(out.end(), p, p + points.dimension);
  }
  return out;
}

double box_volume(const double* p, std::span<const double> reference) {
  double v = 1.0;
  for (std::size_t k = 0; k < reference.size(); ++k) v *= reference[k] - p[k];
  return v;
}

double hv_2d(Points& pts, std::span<const double> reference) {
  const std::size_t n = pts.size() / 2;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return pts[2 * a] != pts[2 * b] ? pts[2 * a] < pts[2 * b] : pts[2 * a + 1] < pts[2 * b + 1];
  });
  double volume = 0.0, best_y = reference[1];
  for (std::size_t i : order) {
    const double x = pts[2 * i], y = pts[2 * i + 1];
    if (y < best_y) {
      volume += (reference[0] - x) * (best_y - y);
      best_y = y;
    }
  }
  return volume;
}

// 3-D sweep over z (points visited in `order`, ascending z) with a Staircase2d (tree, O(log n)
// per point) or FlatStaircase2d (vector; faster on the small staircases of limit sets).
template <typename Staircase>
double hv_3d_ordered(const Points& pts, std::span<const std::size_t> order, std::span<const double> reference) {
  const std::size_t n = order.size();
  Staircase staircase(reference[0], reference[1]);
  double volume = 0.0;
  for (std::size_t j = 0; j < n; ++j) {
    const std::size_t i = order[j];
    staircase.insert(pts[3 * i], pts[3 * i + 1]);
    const double next_z = j + 1 < n ? pts[3 * order[j + 1] + 2] : reference[2];
    volume += staircase.area() * (next_z - pts[3 * i + 2]);
  }
  return volume;
}

double hv_3d(const Points& pts, std::span<const double> reference) {
  const std::size_t n = pts.size() / 3;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return pts[3 * a + 2] < pts[3 * b + 2]; });
  return hv_3d_ordered<detail::Staircase2d>(pts, order, reference);
}

double hv_any(Points& pts, std::span<const double> reference);

// Reused buffers of one sweep (below).
struct SweepScratch {
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::vector<std::size_t> axis;  // per coordinate k: the lowest limit point above p in k alone
  std::vector<double> axis_value;  // the axis point's value on k
  std::vector<char> covered;      // per front point: p weakly dominates it
  std::vector<std::size_t> candidates;  // front points that may give a non-dominated limit point
  std::vector<std::pair<double, std::size_t>> by_sum;
  Points limit_candidates;
};

// One pass over the front for the new point p: is p weakly dominated (the return value); for each
// coordinate k p's "axis" point on k, the front point whose limit point max(q, p) lies above p in
// k alone with the lowest k-th value; the front points p weakly dominates (scratch.covered); and
// as candidates for the limit set the front points no axis point found so far dominates (the axis
// test of nondominated_limit_set, against the axis points as they stand, so a superset).
template <std::size_t kDm>
bool scan_front(const Points& front, std::size_t dm_runtime, const double* p, SweepScratch& scratch) {
  const std::size_t dm = kDm ? kDm : dm_runtime;
  const std::size_t m = front.size() / dm;
  scratch.axis.assign(dm, SweepScratch::kNone);
  scratch.axis_value.assign(dm, std::numeric_limits<double>::infinity());
  scratch.covered.resize(m);
  scratch.candidates.clear();
  for (std::size_t q = 0; q < m; ++q) {
    const double* f = &front[q * dm];
    std::size_t below_or_equal = 0, above = 0, k_above = 0, p_below = 0, beyond_axis = 0;
    for (std::size_t k = 0; k < dm; ++k) {
      below_or_equal += f[k] <= p[k];
      p_below += p[k] <= f[k];
      beyond_axis += f[k] >= scratch.axis_value[k];
      if (f[k] > p[k]) ++above, k_above = k;
    }
    if (below_or_equal == dm) return true;
    scratch.covered[q] = p_below == dm;
    if (above == 1 && f[k_above] < scratch.axis_value[k_above]) {
      scratch.axis[k_above] = q;
      scratch.axis_value[k_above] = f[k_above];
      beyond_axis = 0;  // it is the axis point now (and was not dominated by the previous one)
    }
    if (beyond_axis == 0) scratch.candidates.push_back(q);
  }
  return false;
}

// The non-dominated points of p's limit set {max(q, p) : q in front} (one of equal points), into
// `limit`. Limit sets are mostly dominated (5-D sphere, 1000 points: 25 of 318 limit points on
// average), so the hypervolume that follows sees few points. Two filters:
//  1. p's axis point on k (scan_front) dominates every limit point whose k-th value is at least as
//     high (all its other values are >= p's): an O(d) test that removes about three quarters;
//  2. the rest in ascending order of their coordinate sum (a point can only be weakly dominated by
//     one with a smaller or equal sum), each checked against those kept so far.
// kDm is the dimension when known at compile time (loops unroll, tests are branch-free), else 0.
template <std::size_t kDm>
void nondominated_limit_set(const Points& front, std::size_t dm_runtime, const double* p, SweepScratch& scratch,
                            Points& limit) {
  const std::size_t dm = kDm ? kDm : dm_runtime;
  Points& candidates = scratch.limit_candidates;
  candidates.clear();
  auto& by_sum = scratch.by_sum;
  by_sum.clear();
  for (const std::size_t q : scratch.candidates) {
    const double* f = &front[q * dm];
    bool dominated = false, is_axis = false;
    for (std::size_t k = 0; k < dm; ++k) {
      dominated |= f[k] >= scratch.axis_value[k];
      is_axis |= scratch.axis[k] == q;
    }
    if (dominated && !is_axis) continue;  // by an axis point; those themselves are kept (once)
    double sum = 0;
    for (std::size_t k = 0; k < dm; ++k) {
      const double l = std::max(f[k], p[k]);
      candidates.push_back(l);
      sum += l;
    }
    by_sum.emplace_back(sum, by_sum.size());
  }
  std::sort(by_sum.begin(), by_sum.end());
  limit.clear();
  for (const auto& [sum, i] : by_sum) {
    const double* l = &candidates[i * dm];
    bool dominated = false;
    for (std::size_t q = 0; q < limit.size() / dm && !dominated; ++q) {
      bool below_or_equal = true;
      for (std::size_t k = 0; k < dm; ++k) below_or_equal &= limit[q * dm + k] <= l[k];
      dominated = below_or_equal;
    }
    if (!dominated) limit.insert(limit.end(), l, l + dm);
  }
}

// d >= 5. Sweep the last objective upwards; between consecutive values the slab's cross-section
// is the (d-1)-D hypervolume of the projections seen so far, which grows by each new projection's
// exclusive contribution: its box minus the hypervolume of its limit set (WFG), filtered to its
// non-dominated points first. The projected set is kept non-dominated so limit sets stay small.
// kD is d when known at compile time (5: 4-D limit sets, the case that matters), else 0.
template <std::size_t kD>
double hv_sweep(const Points& pts, std::span<const double> reference) {
  const std::size_t d = kD ? kD : reference.size(), dm = d - 1;
  const std::size_t n = pts.size() / d;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return pts[d * a + dm] < pts[d * b + dm]; });
  const auto sub_reference = reference.first(dm);
  Points front, limit;  // row-major (d-1)-D non-dominated projections; p's limit set
  SweepScratch scratch;
  double section = 0.0, volume = 0.0;
  for (std::size_t j = 0; j < n; ++j) {
    const double* p = &pts[d * order[j]];
    if (!scan_front<kD ? kD - 1 : 0>(front, dm, p, scratch)) {
      nondominated_limit_set<kD ? kD - 1 : 0>(front, dm, p, scratch, limit);
      section += box_volume(p, sub_reference) - hv_any(limit, sub_reference);
      std::size_t kept = 0;  // drop the projections p weakly dominates, append p
      for (std::size_t q = 0; q < front.size() / dm; ++q) {
        if (scratch.covered[q]) continue;
        if (kept != q) std::copy_n(&front[q * dm], dm, &front[kept * dm]);
        ++kept;
      }
      front.resize(kept * dm);
      front.insert(front.end(), p, p + dm);
    }
    const double next_z = j + 1 < n ? pts[d * order[j + 1] + dm] : reference[dm];
    volume += section * (next_z - p[dm]);
  }
  return volume;
}

double hv_any(Points& pts, std::span<const double> reference) {
  const std::size_t d = reference.size();
  if (pts.empty()) return 0.0;
  if (d == 1) return reference[0] - *std::min_element(pts.begin(), pts.end());
  if (d == 2) return hv_2d(pts, reference);
  if (d == 3) return hv_3d(pts, reference);
  if (d == 4) return detail::hypervolume_4d(pts, reference);
  if (d == 5) return hv_sweep<5>(pts, reference);
  return hv_sweep<0>(pts, reference);
}

// Exclusive contribution of p with respect to `others` (row-major, all below the reference).
double exclusive(const double* p, const Points& others, std::span<const double> reference) {
  const std::size_t d = reference.size();
  // A weakly dominated point adds exactly nothing; say so without rounding noise.
  for (std::size_t q = 0; q < others.size() / d; ++q)
    if (weakly_dominates({&others[q * d], d}, {p, d})) return 0.0;
  Points limit;
  limit.reserve(others.size());
  for (std::size_t q = 0; q < others.size() / d; ++q)
    for (std::size_t k = 0; k < d; ++k) limit.push_back(std::max(others[q * d + k], p[k]));
  return box_volume(p, reference) - hv_any(limit, reference);
}

}  // namespace

double hypervolume(PointSet points, std::span<const double> reference) {
  check_reference(reference, points.dimension);
  Points pts = filter_below(points, reference);
  return hv_any(pts, reference);
}

std::vector<double> hypervolume_contributions(PointSet points, std::span<const double> reference) {
  check_reference(reference, points.dimension);
  const std::size_t d = points.dimension, n = points.size();
  Points all = filter_below(points, reference);  // validates NaN
  std::vector<double> contributions(n, 0.0);
  Points others;
  for (std::size_t i = 0; i < n; ++i) {
    const double* p = points.values.data() + i * d;
    if (!below(p, reference)) continue;
    others.clear();
    for (std::size_t j = 0; j < n; ++j) {
      const double* q = points.values.data() + j * d;
      if (j != i && below(q, reference)) others.insert(others.end(), q, q + d);
    }
    contributions[i] = exclusive(p, others, reference);
  }
  return contributions;
}

double hypervolume_improvement(std::span<const double> candidate, PointSet points, std::span<const double> reference) {
  check_reference(reference, points.dimension);
  if (candidate.size() != points.dimension)
    throw ValueError("hypervolume candidate has " + std::to_string(candidate.size()) + " values; expected " +
                     std::to_string(points.dimension));
  for (double v : candidate)
    if (std::isnan(v)) throw ValueError("hypervolume candidate has a NaN value");
  if (!below(candidate.data(), reference)) return 0.0;
  return exclusive(candidate.data(), filter_below(points, reference), reference);
}

std::vector<double> hypervolume_curve(PointSet points, std::span<const double> reference) {
  check_reference(reference, points.dimension);
  HypervolumeArchive archive({reference.begin(), reference.end()});
  std::vector<double> curve;
  curve.reserve(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    archive.add(points[i]);
    curve.push_back(archive.hypervolume());
  }
  return curve;
}

struct HypervolumeArchive::Staircase : detail::Staircase2d {
  using detail::Staircase2d::Staircase2d;
};

HypervolumeArchive::HypervolumeArchive(std::vector<double> reference) : reference_(std::move(reference)) {
  if (reference_.empty()) throw ValueError("hypervolume archive needs a reference point with at least 1 value");
  check_reference(reference_, reference_.size());
  if (reference_.size() == 2) staircase_ = std::make_unique<Staircase>(reference_[0], reference_[1]);
}
HypervolumeArchive::~HypervolumeArchive() = default;
HypervolumeArchive::HypervolumeArchive(HypervolumeArchive&&) noexcept = default;
HypervolumeArchive& HypervolumeArchive::operator=(HypervolumeArchive&&) noexcept = default;

double HypervolumeArchive::add(std::span<const double> point) {
  const std::size_t d = reference_.size();
  if (point.size() != d)
    throw ValueError("hypervolume archive point has " + std::to_string(point.size()) +
                     " values; expected " + std::to_string(d));
  for (double v : point)
    if (std::isnan(v)) throw ValueError("hypervolume archive point has a NaN value");
  if (!below(point.data(), reference_)) return 0.0;
  if (staircase_) {
    const double gained = staircase_->insert(point[0], point[1]);
    hypervolume_ = staircase_->area();
    return gained;
  }
  const std::size_t m = points_.size() / d;
  for (std::size_t q = 0; q < m; ++q)
    if (weakly_dominates({&points_[q * d], d}, point)) return 0.0;
  const double gained = exclusive(point.data(), points_, reference_);
  std::size_t kept = 0;
  for (std::size_t q = 0; q < m; ++q) {
    if (weakly_dominates(point, {&points_[q * d], d})) continue;
    std::copy_n(&points_[q * d], d, &points_[kept * d]);
    ++kept;
  }
  points_.resize(kept * d);
  points_.insert(points_.end(), point.begin(), point.end());
  hypervolume_ += gained;
  return gained;
}

std::vector<double> HypervolumeArchive::points() const {
  if (!staircase_) return points_;
  std::vector<double> out;
  for (const auto& [x, y] : staircase_->points()) {
    out.push_back(x);
    out.push_back(y);
  }
  return out;
}

}  // namespace hwgpt::search
