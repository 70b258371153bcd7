#include "hv4d.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>

#include "staircase_2d.hpp"

namespace hwgpt::search::detail {
namespace {

struct Point3 {
  double x, y, z;
};

// The 3-D non-dominated front of the projections swept so far, held twice: sorted by z and
// sorted by (x, y), as copies (the scans stream through memory; an insert moves at most the front).
class Front3d {
 public:
  // Empties the front for a new reference point, keeping the buffers' capacity (the 5-D sweep
  // computes a 4-D hypervolume per point).
  void reset(double rx, double ry, double rz) {
    rx_ = rx, ry_ = ry, rz_ = rz;
    by_z_.clear();
    by_x_.clear();
    staircase_.reset(rx, ry);
  }

  // Exclusive 3-D hypervolume of p with respect to the front; -1 when a point of the front weakly
  // dominates p. Leaves a hint for insert(p): where p goes in z order, and which front points p
  // dominates: the upward scan meets every one above p.z (one beyond the point that covers p's
  // box would be dominated by that point, so not in the front); at p.z itself insert() searches.
  double contribution(const Point3& p) {
    if (!staircase_at_height_of(p)) return -1;
    double uncovered = (rx_ - p.x) * (ry_ - p.y) - staircase_.area();
    double volume = 0, last_z = p.z;
    const auto first_above =
        std::upper_bound(by_z_.begin(), by_z_.end(), p.z, [](double z, const Point3& q) { return z < q.z; });
    hint_.z_at = static_cast<std::size_t>(first_above - by_z_.begin());
    hint_.equal_z = first_above != by_z_.begin() && std::prev(first_above)->z == p.z;
    hint_.dominated = 0;
    auto q = first_above;
    bool covered = false;
    for (; q != by_z_.end(); ++q) {
      volume += uncovered * (q->z - last_z);
      last_z = q->z;
      if (q->x <= p.x && q->y <= p.y) {  // the rest of p's box is covered above q.z
        covered = true;
        if (q->x == p.x && q->y == p.y) ++hint_.dominated, ++q;  // p's own column, higher: p dominates it
        break;
      }
      hint_.dominated += q->x >= p.x && q->y >= p.y;
      uncovered -= staircase_.insert(std::max(q->x, p.x), std::max(q->y, p.y));
    }
    hint_.z_end = static_cast<std::size_t>(q - by_z_.begin());
    return covered ? volume : volume + uncovered * (rz_ - last_z);
  }

  // Replaces the front by `base` (mutually non-dominated points) and returns its 3-D hypervolume:
  // a sweep over z with a staircase, O(b log b) instead of b one-contribution problems.
  double assign(std::span<const Point3> base) {
    by_z_.assign(base.begin(), base.end());
    std::sort(by_z_.begin(), by_z_.end(), [](const Point3& a, const Point3& b) { return a.z < b.z; });
    by_x_.assign(base.begin(), base.end());
    std::sort(by_x_.begin(), by_x_.end(), by_xy);
    staircase_.reset(rx_, ry_);
    double volume = 0;
    for (std::size_t i = 0; i < by_z_.size(); ++i) {
      staircase_.insert(by_z_[i].x, by_z_[i].y);
      const double next_z = i + 1 < by_z_.size() ? by_z_[i + 1].z : rz_;
      volume += staircase_.area() * (next_z - by_z_[i].z);
    }
    return volume;
  }

  // Adds p (not dominated by the front), right after contribution(p), and drops the points it
  // weakly dominates: they lie after p in both orders (q.z >= p.z, and (x, y) >= p's).
  void insert(const Point3& p) {
    const auto dominated = [&](const Point3& q) { return p.x <= q.x && p.y <= q.y && p.z <= q.z; };
    // In x order the points p dominates lie from the first (x, y) >= p's on (one with p's (x, y)
    // lies above p in z: one at or below would dominate p). Every point left there after the
    // removals is greater than p, so p goes at that offset.
    const auto x_from = std::lower_bound(by_x_.begin(), by_x_.end(), p, by_xy);
    const auto x_offset = x_from - by_x_.begin();
    if (hint_.equal_z) {  // rare: search both orders' tails
      const auto z_at = std::lower_bound(by_z_.begin(), by_z_.end(), p.z,
                                         [](const Point3& q, double z) { return q.z < z; });
      by_z_.erase(std::remove_if(z_at, by_z_.end(), dominated), by_z_.end());
      by_z_.insert(std::upper_bound(by_z_.begin(), by_z_.end(), p.z, [](double z, const Point3& q) { return z < q.z; }),
                   p);
      by_x_.erase(std::remove_if(x_from, by_x_.end(), dominated), by_x_.end());
      by_x_.insert(by_x_.begin() + x_offset, p);
      return;
    }
    if (hint_.dominated > 0) {  // exactly hint_.dominated points, within the scanned z range
      const auto z_first = by_z_.begin() + static_cast<std::ptrdiff_t>(hint_.z_at);
      const auto z_last = by_z_.begin() + static_cast<std::ptrdiff_t>(hint_.z_end);
      by_z_.erase(std::remove_if(z_first, z_last, dominated), z_last);
      auto in = x_from, out = x_from;  // in x order from p's place: stop once all are found
      for (std::size_t found = 0; found < hint_.dominated; ++in) {
        if (dominated(*in))
          ++found;
        else
          *out++ = *in;
      }
      by_x_.erase(std::move(in, by_x_.end(), out), by_x_.end());
    }
    by_z_.insert(by_z_.begin() + static_cast<std::ptrdiff_t>(hint_.z_at), p);
    by_x_.insert(by_x_.begin() + x_offset, p);
  }

 private:
  static bool by_xy(const Point3& a, const Point3& b) { return a.x != b.x ? a.x < b.x : a.y < b.y; }

  // Step 1: the staircase, inside p's xy box, of the front's points with q.z <= p.z (their xy
  // quadrants clipped to the box), built in one pass in x order: a clipped point is a stair when
  // it is lower than every stair left of it. False when one of them weakly dominates p.
  bool staircase_at_height_of(const Point3& p) {
    stairs_.clear();
    double lowest = ry_;
    for (const Point3& q : by_x_) {
      // Points above p.z get y = +inf (a select, not a branch: about half the points are above,
      // in no predictable order); then only a new stair takes the branch.
      const double y = q.z <= p.z ? std::max(q.y, p.y) : std::numeric_limits<double>::infinity();
      if (y >= lowest) continue;
      if (q.x <= p.x && q.y <= p.y) return false;
      const double x = std::max(q.x, p.x);
      if (!stairs_.empty() && stairs_.back().first == x)
        stairs_.back().second = y;  // same column (x ties clip to p.x): the lower one
      else
        stairs_.emplace_back(x, y);
      lowest = y;
      // A stair at p.y right of p.x: no later point (larger x) can be lower after clipping, nor
      // dominate p (the ones with x <= p.x came first).
      if (y == p.y) break;
    }
    staircase_.swap_in_sorted(stairs_);
    return true;
  }

  double rx_ = 0, ry_ = 0, rz_ = 0;
  struct Hint {             // what contribution(p) learnt for insert(p)
    std::size_t z_at = 0;     // the first point above p.z in by_z_
    std::size_t z_end = 0;    // the end of the upward scan
    std::size_t dominated = 0;  // points of by_z_[z_at, z_end) that p dominates
    bool equal_z = true;      // points at p.z exist (p may dominate some of them)
  } hint_;
  std::vector<Point3> by_z_, by_x_;
  std::vector<std::pair<double, double>> stairs_;
  FlatStaircase2d staircase_{0, 0};
};

// The sweep over `order` (ascending 4th value), from the front `front` holds with its 3-D
// hypervolume `section` at the 4th value of the first point in `order`.
template <typename Order>
double sweep(Front3d& front, double section, const std::vector<double>& points, std::size_t n, Order order,
             std::span<const double> reference) {
  double volume = 0;
  for (std::size_t j = 0; j < n; ++j) {
    const double* p = &points[4 * order(j)];
    const Point3 projection{p[0], p[1], p[2]};
    const double added = front.contribution(projection);
    if (added >= 0) {
      section += added;
      if (j + 1 < n) front.insert(projection);  // the last point's insert would serve nothing
    }
    const double next_w = j + 1 < n ? points[4 * order(j + 1) + 3] : reference[3];
    volume += section * (next_w - p[3]);
  }
  return volume;
}

thread_local Front3d front;  // reused by every sweep of the thread: not re-entrant, nor needs to be

}  // namespace

double hypervolume_4d(const std::vector<double>& points, std::span<const double> reference) {
  const std::size_t n = points.size() / 4;
  // Sweep order: ascending 4th value; among equal ones, ascending x + y + z, so a point comes
  // before every point it dominates (which is then found dominated at once, never inserted; the
  // limit sets of the 5-D sweep share one 4th value in many of their points).
  struct Key {
    double w, sum;
    std::uint32_t index;
    bool operator<(const Key& o) const { return w != o.w ? w < o.w : sum < o.sum; }
  };
  thread_local std::vector<Key> order;  // reused
  order.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double* p = &points[4 * i];
    order[i] = {p[3], p[0] + p[1] + p[2], static_cast<std::uint32_t>(i)};
  }
  std::sort(order.begin(), order.end());
  front.reset(reference[0], reference[1], reference[2]);
  return sweep(front, 0.0, points, n, [&](std::size_t j) { return order[j].index; }, reference);
}

double hypervolume_4d_presorted(const std::vector<double>& points, std::size_t base,
                                std::span<const double> reference) {
  const std::size_t n = points.size() / 4;
  front.reset(reference[0], reference[1], reference[2]);
  if (base < 2) return sweep(front, 0.0, points, n, [](std::size_t j) { return j; }, reference);
  thread_local std::vector<Point3> base_points;
  base_points.resize(base);
  for (std::size_t i = 0; i < base; ++i) base_points[i] = {points[4 * i], points[4 * i + 1], points[4 * i + 2]};
  const double section = front.assign(base_points);
  // The base's slab, up to the next point's 4th value, then the sweep from that point on.
  const double next_w = base < n ? points[4 * base + 3] : reference[3];
  const double volume = section * (next_w - points[3]);
  return volume + sweep(front, section, points, n - base, [base](std::size_t j) { return base + j; }, reference);
}

}  // namespace hwgpt::search::detail
