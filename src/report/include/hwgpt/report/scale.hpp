// Axis scales for the report's charts: "nice" tick positions (1, 2 or 5 times a power of ten, as
// in Heckbert, "Nice numbers for graph labels", Graphics Gems 1990), the linear map from data to
// pixels, and tick labels. Linear scales only: every quantity the report plots spans less than
// two decades in the built-in spaces.
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace hwgpt::report {

struct Ticks {
  double low = 0, high = 1;   // the axis range: data range widened to whole steps
  double step = 0.2;          // distance between ticks, 1, 2 or 5 · 10^k
  std::vector<double> values; // low, low + step, …, high
};

// Ticks covering [data_low, data_high] with about `target_count` (>= 2) ticks. A degenerate range
// (low == high) is widened to low ± max(|low| · 0.1, 1e-9). Throws ValueError for NaN or
// infinite bounds, for data_low > data_high or target_count < 2.
Ticks nice_ticks(double data_low, double data_high, int target_count = 6);

// 1, 2, 5 or 10 times a power of ten near `x` (> 0): rounded to the nearest when `round`, else
// the smallest such number >= x.
double nice_number(double x, bool round);

// Maps [domain_low, domain_high] linearly onto [range_low, range_high] (range_high may be below
// range_low, as for a y axis growing upwards on screen).
class LinearScale {
 public:
  LinearScale(double domain_low, double domain_high, double range_low, double range_high);
  double operator()(double v) const { return range_low_ + (v - domain_low_) * factor_; }
  double invert(double pixel) const { return domain_low_ + (pixel - range_low_) / factor_; }

 private:
  double domain_low_, range_low_, factor_;
};

// Label of a tick at `value` on an axis with the given step: as many decimals as the step needs
// (step 0.05 -> "0.15"), "-0" printed as "0"; on axes reaching 1e6 in magnitude (value, step or
// `axis_magnitude`, the axis' largest |end|, axis_extent()) with an SI suffix, the same for every tick of the
// axis (1.6e9 with step 2e8 -> "1.6G"; -8e5 on an axis to -1.8e6 -> "-0.8M").
std::string format_tick(double value, double step, double axis_magnitude = 0);

// The largest |end| of a tick range, for format_tick.
inline double axis_extent(const Ticks& t) { return std::max(std::fabs(t.low), std::fabs(t.high)); }

}  // namespace hwgpt::report
