// Private to the search module. Staircase2d: the non-dominated set of 2-D points (minimisation)
// below a reference point, with its dominated area kept up to date on every insertion in
// O(log n) amortised time. It is the 2-D archive of HypervolumeArchive and the sweep structure
// of the 3-D hypervolume (Beume et al. 2009, "On the complexity of computing the hypervolume
// indicator", IEEE TEC 13(5)).
// FlatStaircase2d is the same structure in a sorted vector: insertion is O(log n) comparisons
// plus the elements moved (O(n) worst case), which is faster for the small staircases of the
// limit sets in the d >= 4 sweep (4-D, 10^4 sphere points: 331 -> 251 ms) but gives up the
// O(n log n) bound, so the top-level 3-D algorithm and the archive keep the tree.
#pragma once

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

namespace hwgpt::search::detail {

class Staircase2d {
 public:
  Staircase2d(double ref_x, double ref_y) : ref_x_(ref_x), ref_y_(ref_y) {}

  // Inserts (x, y), which must be strictly below the reference in both coordinates. Returns the
  // area gained (0 when an existing point weakly dominates it); dominated points are removed.
  double insert(double x, double y) {
    auto it = points_.lower_bound(x);  // first point with x' >= x
    if (it != points_.end() && it->first == x && it->second <= y) return 0.0;
    double level = ref_y_;  // staircase height just left of the new point's column
    if (it != points_.begin()) {
      const double pred_y = std::prev(it)->second;
      if (pred_y <= y) return 0.0;
      level = pred_y;
    }
    // Columns [x, next x) rise from `level` to y; every removed point's column likewise.
    double gained = 0.0, column_x = x;
    while (it != points_.end() && it->second >= y) {
      gained += (it->first - column_x) * (level - y);
      column_x = it->first;
      level = it->second;
      it = points_.erase(it);
    }
    const double next_x = it != points_.end() ? it->first : ref_x_;
    gained += (next_x - column_x) * (level - y);
    points_.emplace_hint(it, x, y);
    area_ += gained;
    return gained;
  }

  double area() const { return area_; }
  const std::map<double, double>& points() const { return points_; }  // x -> y, y decreasing

 private:
  double ref_x_, ref_y_;
  double area_ = 0.0;
  std::map<double, double> points_;
};

// Same contract as Staircase2d, stored as a sorted vector (see above).
class FlatStaircase2d {
 public:
  FlatStaircase2d(double ref_x, double ref_y) : ref_x_(ref_x), ref_y_(ref_y) {}

  // Inserts (x, y), which must be strictly below the reference in both coordinates. Returns the
  // area gained (0 when an existing point weakly dominates it); dominated points are removed.
  double insert(double x, double y) {
    // First point with x' >= x.
    auto it = std::lower_bound(points_.begin(), points_.end(), x,
                               [](const std::pair<double, double>& p, double v) { return p.first < v; });
    if (it != points_.end() && it->first == x && it->second <= y) return 0.0;
    double level = ref_y_;  // staircase height just left of the new point's column
    if (it != points_.begin()) {
      const double pred_y = std::prev(it)->second;
      if (pred_y <= y) return 0.0;
      level = pred_y;
    }
    // Columns [x, next x) rise from `level` to y; every removed point's column likewise.
    double gained = 0.0, column_x = x;
    auto end = it;
    while (end != points_.end() && end->second >= y) {
      gained += (end->first - column_x) * (level - y);
      column_x = end->first;
      level = end->second;
      ++end;
    }
    const double next_x = end != points_.end() ? end->first : ref_x_;
    gained += (next_x - column_x) * (level - y);
    if (end != it) {  // reuse the first removed slot, erase the rest
      *it = {x, y};
      points_.erase(it + 1, end);
    } else {
      points_.insert(it, {x, y});
    }
    area_ += gained;
    return gained;
  }

  // Empties it for another reference point, keeping the vector's capacity.
  void reset(double ref_x, double ref_y) {
    ref_x_ = ref_x, ref_y_ = ref_y, area_ = 0.0;
    points_.clear();
  }
  // Replaces the contents by `stairs`: x strictly ascending, y strictly descending, every point
  // strictly below the reference (a staircase built by the caller in one pass). The buffers are
  // swapped, not copied: `stairs` gets the old contents (the caller clears it before its next use).
  void swap_in_sorted(std::vector<std::pair<double, double>>& stairs) {
    points_.swap(stairs);
    area_ = 0.0;
    for (std::size_t i = 0; i < points_.size(); ++i) {
      const double next_x = i + 1 < points_.size() ? points_[i + 1].first : ref_x_;
      area_ += (next_x - points_[i].first) * (ref_y_ - points_[i].second);
    }
  }
  double area() const { return area_; }
  const std::vector<std::pair<double, double>>& points() const { return points_; }  // x ascending, y descending

 private:
  double ref_x_, ref_y_;
  double area_ = 0.0;
  std::vector<std::pair<double, double>> points_;
};

}  // namespace hwgpt::search::detail
