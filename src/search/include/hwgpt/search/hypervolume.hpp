// Exact hypervolume for minimisation: the measure of the region dominated by a point set and
// bounded above by a reference point. Points not strictly below the reference in every objective
// contribute nothing (they are ignored, as in pagmo and moocore).
//   d = 1: min distance to the reference;  d = 2: sort and sweep, O(n log n);
//   d = 3: sweep over z with a balanced-tree staircase (Beume et al. 2009), O(n log n);
//   d = 4: sweep over the last objective, each point's exclusive 3-D contribution to the front
//          so far in linear time (the HV4D+ idea of Guerreiro & Fonseca 2018), O(n^2);
//   d >= 5: sweep over the last objective, each point's exclusive (d-1)-D contribution as its box
//           minus the hypervolume of its limit set (the WFG recursion of While, Bradstreet &
//           Barone 2012), the limit set first filtered to its non-dominated points; exponential
//           in d in the worst case, as every exact method.
// Also exclusive contributions and an incremental archive whose HV after every insertion is the
// HV-versus-evaluations curve of a run.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "hwgpt/search/pareto.hpp"

namespace hwgpt::search {

// Throws ValueError when reference.size() != points.dimension or a value is NaN.
double hypervolume(PointSet points, std::span<const double> reference);

// Exclusive contribution of each point: HV(all) − HV(all without it). Duplicated points therefore
// contribute 0. O(n) hypervolume computations of limit sets (O(n log n) in total for d = 2).
std::vector<double> hypervolume_contributions(PointSet points, std::span<const double> reference);

// HV(points ∪ {candidate}) − HV(points): the improvement one new point brings (0 when it is weakly
// dominated or not below the reference). One hypervolume of a limit set.
double hypervolume_improvement(std::span<const double> candidate, PointSet points, std::span<const double> reference);

// The hypervolume after each of the first 1, 2, …, n points, in order: a run's HV curve. Uses
// HypervolumeArchive, so 10^4 points cost about one hypervolume computation of the final front.
std::vector<double> hypervolume_curve(PointSet points, std::span<const double> reference);

// A growing non-dominated archive with its hypervolume kept exact after each insertion.
// d = 2: O(log n) amortised per insertion. d >= 3: a dominated point costs O(n·d); a new
// non-dominated point costs one (d)-dimensional hypervolume of its limit set.
class HypervolumeArchive {
 public:
  // Throws ValueError when the reference is empty or has NaN.
  explicit HypervolumeArchive(std::vector<double> reference);
  ~HypervolumeArchive();
  HypervolumeArchive(HypervolumeArchive&&) noexcept;
  HypervolumeArchive& operator=(HypervolumeArchive&&) noexcept;

  // Adds one point (size = dimension, else ValueError). Returns the hypervolume gained (its
  // exclusive contribution at insertion; 0 when weakly dominated or not below the reference).
  double add(std::span<const double> point);
  double hypervolume() const { return hypervolume_; }
  std::size_t dimension() const { return reference_.size(); }
  // The current non-dominated points below the reference, row-major, in no particular order.
  std::vector<double> points() const;

 private:
  std::vector<double> reference_;
  double hypervolume_ = 0.0;
  std::vector<double> points_;  // d >= 3: row-major non-dominated points
  struct Staircase;             // d == 2
  std::unique_ptr<Staircase> staircase_;
};

}  // namespace hwgpt::search
