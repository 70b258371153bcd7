// Private to the search module: the exact 4-D hypervolume (hypervolume.cpp's d = 4 case).
#pragma once

#include <span>
#include <vector>

namespace hwgpt::search::detail {

// Hypervolume of row-major 4-D points, every one strictly below `reference` (size 4).
//
// Sweep over the 4th objective: between consecutive 4th values the slab's cross-section is the
// 3-D hypervolume of the projections seen so far, which each new point grows by its exclusive
// 3-D contribution to the current 3-D front (the HV4D+ idea of Guerreiro & Fonseca, IEEE TEC
// 22(3), 2018: the 4-D problem as n one-contribution problems in 3-D, each in linear time).
// One contribution, of p to a front kept sorted both by x and by z:
//  1. at height z = p.z the points below (q.z <= p.z) cover part of p's xy box; scanned in x order
//     and clipped to the box they form its staircase with no sort (and reveal p as dominated);
//  2. upwards in z each further point cuts the still uncovered area (a flat staircase insert),
//     until one covers the whole box (q.x <= p.x and q.y <= p.y) or z reaches the reference.
// O(n·m) for n points and fronts of at most m points, against O(n·m log m) for a limit-set 3-D
// hypervolume per point (the previous method).
double hypervolume_4d(const std::vector<double>& points, std::span<const double> reference);

// The same for points already in ascending order of the 4th objective (no sort), of which the
// first `base` share one 4th value and are mutually non-dominated (their 3-D hypervolume is then
// one sweep). After those, a weakly dominated point may come before its dominator (an equal 4th
// value): it is inserted and dropped again.
double hypervolume_4d_presorted(const std::vector<double>& points, std::size_t base, std::span<const double> reference);

}  // namespace hwgpt::search::detail
