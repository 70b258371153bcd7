// Private to the search module. Staircase2d: the non-dominated set of 2-D points (minimisation)
// below a reference point, with its dominated area kept up to date on every insertion in
// O(log n) amortised time. It is the 2-D archive of HypervolumeArchive and the sweep structure
// of the 3-D hypervolume (Beume et al. 2009, "On the complexity of computing the hypervolume
// indicator", IEEE TEC 13(5)).
#pragma once

#include <map>

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

}  // namespace hwgpt::search::detail
