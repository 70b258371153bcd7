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
  // dominates p.
  double contribution(const Point3& p) {
    if (!staircase_at_height_of(p)) return -1;
    double uncovered = (rx_ - p.x) * (ry_ - p.y) - staircase_.area();
    double volume = 0, last_z = p.z;
    const auto first_above =
        std::upper_bound(by_z_.begin(), by_z_.end(), p.z, [](double z, const Point3& q) { return z < q.z; });
    for (auto q = first_above; q != by_z_.end(); ++q) {
      volume += uncovered * (q->z - last_z);
      last_z = q->z;
      if (q->x <= p.x && q->y <= p.y) return volume;  // the rest of p's box is covered above q.z
      uncovered -= staircase_.insert(std::max(q->x, p.x), std::max(q->y, p.y));
    }
    return volume + uncovered * (rz_ - last_z);
  }

  // Adds p (not dominated by the front) and drops the points it weakly dominates: they lie after
  // p in both orders (q.z >= p.z, and (x, y) >= p's).
  void insert(const Point3& p) {
    const auto dominated = [&](const Point3& q) { return p.x <= q.x && p.y <= q.y && p.z <= q.z; };
    const auto z_at = std::lower_bound(by_z_.begin(), by_z_.end(), p.z,
                                       [](const Point3& q, double z) { return q.z < z; });
    const auto z_end = std::remove_if(z_at, by_z_.end(), dominated);
    if (z_end != by_z_.end()) {
      by_z_.erase(z_end, by_z_.end());
      const auto x_at = std::lower_bound(by_x_.begin(), by_x_.end(), p, by_xy);
      by_x_.erase(std::remove_if(x_at, by_x_.end(), dominated), by_x_.end());
    }
    by_z_.insert(std::upper_bound(by_z_.begin(), by_z_.end(), p.z, [](double z, const Point3& q) { return z < q.z; }),
                 p);
    by_x_.insert(std::upper_bound(by_x_.begin(), by_x_.end(), p, by_xy), p);
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
    staircase_.assign_sorted(stairs_);
    return true;
  }

  double rx_ = 0, ry_ = 0, rz_ = 0;
  std::vector<Point3> by_z_, by_x_;
  std::vector<std::pair<double, double>> stairs_;
  FlatStaircase2d staircase_{0, 0};
};

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
  thread_local std::vector<Key> order;  // reused, as is the front: not re-entrant, nor needs to be
  order.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double* p = &points[4 * i];
    order[i] = {p[3], p[0] + p[1] + p[2], static_cast<std::uint32_t>(i)};
  }
  std::sort(order.begin(), order.end());
  thread_local Front3d front;
  front.reset(reference[0], reference[1], reference[2]);
  double section = 0, volume = 0;
  for (std::size_t j = 0; j < n; ++j) {
    const double* p = &points[4 * order[j].index];
    const Point3 projection{p[0], p[1], p[2]};
    const double added = front.contribution(projection);
    if (added >= 0) {
      section += added;
      front.insert(projection);
    }
    const double next_w = j + 1 < n ? order[j + 1].w : reference[3];
    volume += section * (next_w - p[3]);
  }
  return volume;
}

}  // namespace hwgpt::search::detail
