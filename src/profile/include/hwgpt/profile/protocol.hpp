// The measurement protocol: warm-up calls discarded, then repeats until the distribution-free 95 %
// confidence interval of the median is narrower than a target relative width, or a cap (repeats or
// seconds) is reached. Every sample is kept; the parameters are recorded with the run.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace hwgpt::profile {

struct ProtocolConfig {
  int warmup = 3;                     // calls run and discarded first (caches, allocator, JIT)
  int min_repeats = 7;                // the CI of the median needs >= 6 samples to exist at 95 %
  int max_repeats = 200;              // cap on measured calls
  double target_relative_ci = 0.02;   // stop when (ci_high - ci_low) / median <= this
  double max_seconds = 120;           // cap on measured wall time
  friend bool operator==(const ProtocolConfig&, const ProtocolConfig&) = default;
};

std::string protocol_json(const ProtocolConfig& config);

struct Measurement {
  std::vector<double> samples;        // in call order, warm-up excluded
  double median = 0;
  double ci_low = 0, ci_high = 0;     // 95 % CI of the median (order statistics)
  bool converged = false;             // stopped by the CI target, not by a cap
};

// Order-statistic 95 % confidence interval of the median of `samples` (distribution-free: ranks
// from the Binomial(n, 1/2) quantiles). Requires >= 6 samples, else returns [min, max].
std::pair<double, double> median_ci95(std::vector<double> samples);
double median(std::vector<double> samples);

// Runs `call` (which performs one measured call and returns its value, e.g. milliseconds) under the
// protocol. The caller fixes threads and pins inputs; `call` must be deterministic in its work.
Measurement measure(const std::function<double()>& call, const ProtocolConfig& config = {});

}  // namespace hwgpt::profile
