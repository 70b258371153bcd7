// Exact hypervolume (see hypervolume.hpp for the algorithms and their costs).
#include "hwgpt/search/hypervolume.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
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

// The (d-1)-D projections swept so far that no other one dominates, one column per coordinate
// (column k at values[k * stride]), in ascending order of the last: each new point scans all of
// them in loops without branches that the compiler vectorises.
struct Columns {
  std::vector<double> values;
  std::size_t stride = 0, size = 0;
  const double* column(std::size_t k) const { return values.data() + k * stride; }
  double* column(std::size_t k) { return values.data() + k * stride; }
};

// Reused buffers of one sweep (below).
struct SweepScratch {
  // Per front point, counts held as doubles (exact small integers): without AVX, GCC vectorises
  // a double comparison into a double sum but not into an integer one.
  std::vector<double> above;   // how many coordinates lie above p's
  std::vector<double> k_sum;   // the sum of those coordinates' indices (the one when above == 1)
  std::vector<double> below;   // how many lie below p's (0: p weakly dominates it)
  std::vector<double> beyond;  // how many reach their axis value (0: a limit-set candidate)
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::vector<std::size_t> axis;     // per coordinate k: the lowest front point above p in k alone
  std::vector<double> axis_value;    // its k-th value
  std::vector<std::size_t> candidates;  // front points that may give a non-dominated limit point
  std::vector<std::pair<double, std::size_t>> by_sum;
  Points limit_candidates;
  Columns kept;  // the non-dominated limit points found so far, by column
};

// One scan of the front for the new point p: is p weakly dominated (the return value); which
// front points p weakly dominates (scratch.below == 0); for each coordinate k p's "axis" point,
// the front point whose limit point max(q, p) lies above p in k alone with the lowest k-th
// value; and as candidates for the limit set the front points no axis point dominates.
template <std::size_t kDm>
bool scan_front(const Columns& front, std::size_t dm_runtime, const double* p, SweepScratch& s) {
  const std::size_t dm = kDm ? kDm : dm_runtime;
  const std::size_t m = front.size;
  s.above.resize(m);
  s.k_sum.resize(m);
  s.below.resize(m);
  // Local restrict pointers: the three counts are distinct arrays, which lets the loops vectorise.
  double* __restrict above = s.above.data();
  double* __restrict k_sum = s.k_sum.data();
  double* __restrict below = s.below.data();
  if constexpr (kDm != 0) {  // one pass, the coordinates unrolled
    // p and the columns in locals: GCC honours restrict on the local output pointers only so far,
    // and would otherwise reload p after every store (or version the loop and run it scalar).
    std::array<double, kDm> pv;
    std::array<const double*, kDm> columns;
    for (std::size_t k = 0; k < kDm; ++k) pv[k] = p[k], columns[k] = front.column(k);
    for (std::size_t q = 0; q < m; ++q) {
      double up = 0, up_k = 0, down = 0;
      for (std::size_t k = 0; k < kDm; ++k) {
        const double v = columns[k][q];
        up += v > pv[k] ? 1.0 : 0.0;
        up_k += v > pv[k] ? static_cast<double>(k) : 0.0;
        down += v < pv[k] ? 1.0 : 0.0;
      }
      above[q] = up, k_sum[q] = up_k, below[q] = down;
    }
  } else {  // column by column
    for (std::size_t q = 0; q < m; ++q) above[q] = 0, k_sum[q] = 0, below[q] = 0;
    for (std::size_t k = 0; k < dm; ++k) {
      const double* f = front.column(k);
      const double pk = p[k];
      const auto ki = static_cast<double>(k);
      for (std::size_t q = 0; q < m; ++q) {
        above[q] += f[q] > pk ? 1.0 : 0.0;
        k_sum[q] += f[q] > pk ? ki : 0.0;
        below[q] += f[q] < pk ? 1.0 : 0.0;
      }
    }
  }
  s.axis.assign(dm, SweepScratch::kNone);
  s.axis_value.assign(dm, std::numeric_limits<double>::infinity());
  for (std::size_t q = 0; q < m; ++q) {
    if (above[q] > 1) continue;
    if (above[q] == 0) return true;
    const auto k = static_cast<std::size_t>(k_sum[q]);
    const double v = front.column(k)[q];
    if (v < s.axis_value[k]) s.axis_value[k] = v, s.axis[k] = q;
  }
  // A limit point whose k-th value reaches the axis value on k is dominated by the axis point's
  // (its other values are all >= p's), unless it is the axis point itself.
  s.beyond.assign(m, 0);
  double* __restrict beyond = s.beyond.data();
  for (std::size_t k = 0; k < dm; ++k) {
    const double* f = front.column(k);
    const double a = s.axis_value[k];
    for (std::size_t q = 0; q < m; ++q) beyond[q] += f[q] >= a ? 1.0 : 0.0;
  }
  for (std::size_t k = 0; k < dm; ++k)
    if (s.axis[k] != SweepScratch::kNone) beyond[s.axis[k]] = 0;
  s.candidates.resize(m);  // in the front's order, without branches
  std::size_t count = 0;
  for (std::size_t q = 0; q < m; ++q) {
    s.candidates[count] = q;
    count += beyond[q] == 0;
  }
  s.candidates.resize(count);
  return false;
}

// Whether one of the points weakly dominates l. Two points per step with SSE2 (every x86-64 CPU
// has it; GCC does not vectorise this loop itself), else one.
template <std::size_t kDm>
bool any_weakly_dominates(const Columns& points, std::size_t dm_runtime, const double* l) {
  const std::size_t dm = kDm ? kDm : dm_runtime;
  std::size_t j = 0;
#if defined(__SSE2__)
  for (; j + 2 <= points.size; j += 2) {
    __m128d below_or_equal = _mm_cmple_pd(_mm_loadu_pd(points.column(0) + j), _mm_set1_pd(l[0]));
    for (std::size_t k = 1; k < dm; ++k)
      below_or_equal =
          _mm_and_pd(below_or_equal, _mm_cmple_pd(_mm_loadu_pd(points.column(k) + j), _mm_set1_pd(l[k])));
    if (_mm_movemask_pd(below_or_equal) != 0) return true;
  }
#endif
  for (; j < points.size; ++j) {
    bool below_or_equal = true;
    for (std::size_t k = 0; k < dm; ++k) below_or_equal &= points.column(k)[j] <= l[k];
    if (below_or_equal) return true;
  }
  return false;
}

// The non-dominated points of p's limit set {max(q, p) : q in front} (one of equal points), into
// `limit`, row-major. Limit sets are mostly dominated (5-D sphere, 1000 points: 25 of 318 limit
// points on average), so the hypervolume that follows sees few points. The candidates (scan_front:
// the axis test removed about three quarters) are checked against those kept so far, in an order
// where a point's dominators come before it: ascending coordinate sum (a point can only be weakly
// dominated by one with a smaller or equal sum). With `keep_last_order` (the front and so the
// candidates in ascending last value) only the candidates whose limit point takes p's last value
// are sorted so, and the others follow in their order: `limit` comes out in ascending last value
// (a later point with an equal last value may go unfound as a dominator; the hypervolume that
// follows allows that). Returns how many of the kept points take p's last value (with
// `keep_last_order`: the first ones). kDm is the dimension when known at compile time, else 0.
template <std::size_t kDm>
std::size_t nondominated_limit_set(const Columns& front, std::size_t dm_runtime, const double* p, bool keep_last_order,
                            SweepScratch& s, Points& limit) {
  const std::size_t dm = kDm ? kDm : dm_runtime;
  Points& candidates = s.limit_candidates;
  candidates.clear();
  auto& by_sum = s.by_sum;
  by_sum.clear();
  std::size_t at_p_last = 0;  // how many candidates' limit points take p's last value
  for (const std::size_t q : s.candidates) {
    double sum = 0;
    for (std::size_t k = 0; k < dm; ++k) {
      const double l = std::max(front.column(k)[q], p[k]);
      candidates.push_back(l);
      sum += l;
    }
    at_p_last += front.column(dm - 1)[q] <= p[dm - 1];
    by_sum.emplace_back(sum, by_sum.size());
  }
  std::sort(by_sum.begin(), keep_last_order ? by_sum.begin() + static_cast<std::ptrdiff_t>(at_p_last) : by_sum.end());
  Columns& kept = s.kept;
  kept.stride = by_sum.size();
  kept.size = 0;
  kept.values.resize(dm * kept.stride);
  limit.clear();
  std::size_t kept_at_p_last = 0;
  for (const auto& [sum, i] : by_sum) {
    const double* l = &candidates[i * dm];
    if (any_weakly_dominates<kDm>(kept, dm, l)) continue;
    for (std::size_t k = 0; k < dm; ++k) kept.column(k)[kept.size] = l[k];
    ++kept.size;
    kept_at_p_last += l[dm - 1] == p[dm - 1];
    limit.insert(limit.end(), l, l + dm);
  }
  return kept_at_p_last;
}

// d >= 5. Sweep the last objective upwards; between consecutive values the slab's cross-section
// is the (d-1)-D hypervolume of the projections seen so far, which grows by each new projection's
// exclusive contribution: its box minus the hypervolume of its limit set (WFG), filtered to its
// non-dominated points first. The projected set is kept non-dominated so limit sets stay small,
// and in ascending last value, so for d = 5 the filtered limit set comes out in the order the
// 4-D sweep needs (no sort there), its points at p's 4th value first (one 3-D sweep for them).
// kD is d when known at compile time (5: 4-D limit sets, the case that matters), else 0.
template <std::size_t kD>
double hv_sweep(const Points& pts, std::span<const double> reference) {
  const std::size_t d = kD ? kD : reference.size(), dm = d - 1;
  const std::size_t n = pts.size() / d;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return pts[d * a + dm] < pts[d * b + dm]; });
  const auto sub_reference = reference.first(dm);
  Columns front;  // never more than n points
  front.stride = n;
  front.values.resize(dm * n);
  Points limit;  // p's non-dominated limit set, row-major
  SweepScratch scratch;
  double section = 0.0, volume = 0.0;
  for (std::size_t j = 0; j < n; ++j) {
    const double* p = &pts[d * order[j]];
    if (!scan_front<kD ? kD - 1 : 0>(front, dm, p, scratch)) {
      double covered;
      if (dm == 4) {  // the front is in ascending 4th value, and so are the candidates' limit points
        const std::size_t base = nondominated_limit_set<kD ? kD - 1 : 0>(front, dm, p, true, scratch, limit);
        covered = detail::hypervolume_4d_presorted(limit, base, sub_reference);
      } else {
        nondominated_limit_set<kD ? kD - 1 : 0>(front, dm, p, false, scratch, limit);
        covered = hv_any(limit, sub_reference);
      }
      section += box_volume(p, sub_reference) - covered;
      // Drop the projections p weakly dominates (none before the first one moves).
      const auto first_covered = std::find(scratch.below.begin(), scratch.below.begin() + front.size, 0.0);
      auto kept = static_cast<std::size_t>(first_covered - scratch.below.begin());
      for (std::size_t q = kept; q < front.size; ++q) {
        if (scratch.below[q] == 0) continue;
        for (std::size_t k = 0; k < dm; ++k) front.column(k)[kept] = front.column(k)[q];
        ++kept;
      }
      // Insert p where it keeps the last column ascending.
      const double* last = front.column(dm - 1);
      const auto at = static_cast<std::size_t>(std::upper_bound(last, last + kept, p[dm - 1]) - last);
      for (std::size_t k = 0; k < dm; ++k) {
        double* c = front.column(k);
        std::copy_backward(c + at, c + kept, c + kept + 1);
        c[at] = p[k];
      }
      front.size = kept + 1;
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
