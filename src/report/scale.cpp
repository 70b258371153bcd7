// Nice ticks, the linear scale and tick labels (see scale.hpp).
#include "hwgpt/report/scale.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "hwgpt/core/error.hpp"

namespace hwgpt::report {

double nice_number(double x, bool round) {
  const double exponent = std::floor(std::log10(x));
  const double power = std::pow(10.0, exponent);
  const double fraction = x / power;  // in [1, 10)
  double nice;
  if (round)
    nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
  else
    nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

Ticks nice_ticks(double data_low, double data_high, int target_count) {
  if (!std::isfinite(data_low) || !std::isfinite(data_high))
    throw ValueError("axis range [" + std::to_string(data_low) + ", " + std::to_string(data_high) +
                     "] is not finite; expected finite bounds");
  if (data_low > data_high)
    throw ValueError("axis range [" + std::to_string(data_low) + ", " + std::to_string(data_high) +
                     "] has low above high");
  if (target_count < 2) throw ValueError("tick count " + std::to_string(target_count) + "; expected at least 2");
  if (data_low == data_high) {
    const double pad = std::max(std::fabs(data_low) * 0.1, 1e-9);
    data_low -= pad;
    data_high += pad;
  }
  const double range = nice_number(data_high - data_low, false);
  Ticks t;
  t.step = nice_number(range / (target_count - 1), true);
  // The small tolerance keeps 0.3 / 0.1 = 2.9999999999999996 from adding a whole extra step.
  t.low = std::floor(data_low / t.step + 1e-9) * t.step;
  t.high = std::ceil(data_high / t.step - 1e-9) * t.step;
  const auto count = static_cast<long>(std::lround((t.high - t.low) / t.step));
  for (long i = 0; i <= count; ++i) t.values.push_back(t.low + static_cast<double>(i) * t.step);
  return t;
}

LinearScale::LinearScale(double domain_low, double domain_high, double range_low, double range_high)
    : domain_low_(domain_low), range_low_(range_low), factor_((range_high - range_low) / (domain_high - domain_low)) {
  if (!(domain_high != domain_low)) throw ValueError("scale domain [" + std::to_string(domain_low) + ", " +
                                                     std::to_string(domain_high) + "] is empty");
}

std::string format_tick(double value, double step, double axis_magnitude) {
  const char* suffix = "";
  double scale = 1;
  const double magnitude = std::max({std::fabs(value), std::fabs(step), std::fabs(axis_magnitude)});
  if (magnitude >= 1e9) {
    suffix = "G";
    scale = 1e9;
  } else if (magnitude >= 1e6) {
    suffix = "M";
    scale = 1e6;
  }
  const double v = value / scale, s = step / scale;
  // Decimals the step needs; 1e-9 absorbs log10 rounding (log10(0.1) may be -0.99999…).
  int decimals = s > 0 ? static_cast<int>(std::ceil(-std::log10(s) - 1e-9)) : 0;
  if (decimals < 0) decimals = 0;
  if (decimals > 12) decimals = 12;
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
  std::string text = buffer;
  if (text.find_first_not_of("-0.") == std::string::npos && text[0] == '-') text.erase(0, 1);  // "-0.0" -> "0.0"
  return text + suffix;
}

}  // namespace hwgpt::report
