// Median confidence intervals and the stopping rule (see protocol.hpp).
#include "hwgpt/profile/protocol.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <nlohmann/json.hpp>

#include "hwgpt/core/error.hpp"
#include "hwgpt/store/records.hpp"

namespace hwgpt::profile {

std::string protocol_json(const ProtocolConfig& c) {
  return nlohmann::json{{"warmup", c.warmup}, {"min_repeats", c.min_repeats}, {"max_repeats", c.max_repeats},
                        {"target_relative_ci", c.target_relative_ci}, {"max_seconds", c.max_seconds},
                        {"statistic", "median"}, {"ci", "95% order-statistic (binomial)"}}
      .dump();
}

double median(std::vector<double> s) {
  if (s.empty()) throw ValueError("median of no samples");
  return store::median(std::move(s));  // the statistic the benchmark predicts (records.hpp)
}

std::pair<double, double> median_ci95(std::vector<double> s) {
  if (s.empty()) throw ValueError("confidence interval of no samples");
  std::sort(s.begin(), s.end());
  const std::size_t n = s.size();
  if (n < 6) return {s.front(), s.back()};
  // Largest k with P(Binomial(n, 1/2) < k) <= 0.025: the interval [x_(k), x_(n+1-k)] (1-based)
  // covers the median with probability >= 95 %. The CDF is summed exactly in log space.
  auto log_choose = [](double a, double b) { return std::lgamma(a + 1) - std::lgamma(b + 1) - std::lgamma(a - b + 1); };
  const double dn = static_cast<double>(n);
  double cdf = 0;
  std::size_t k = 0;
  for (std::size_t j = 0; j < n; ++j) {
    const double p = std::exp(log_choose(dn, static_cast<double>(j)) - dn * std::log(2.0));
    if (cdf + p > 0.025) break;
    cdf += p;
    k = j + 1;  // P(X <= j) <= 0.025, so rank j+1 is a valid lower bound
  }
  if (k == 0) return {s.front(), s.back()};
  return {s[k - 1], s[n - k]};
}

Measurement measure(const std::function<double()>& call, const ProtocolConfig& config) {
  if (config.min_repeats < 1 || config.max_repeats < config.min_repeats || config.warmup < 0 ||
      !(config.target_relative_ci > 0) || !(config.max_seconds > 0))
    throw ValueError("protocol: need warmup >= 0, 1 <= min_repeats <= max_repeats, target > 0, max_seconds > 0");
  for (int i = 0; i < config.warmup; ++i) (void)call();
  Measurement m;
  const auto start = std::chrono::steady_clock::now();
  while (static_cast<int>(m.samples.size()) < config.max_repeats) {
    m.samples.push_back(call());
    if (static_cast<int>(m.samples.size()) < config.min_repeats) continue;
    const double med = median(m.samples);
    const auto [low, high] = median_ci95(m.samples);
    if (m.samples.size() >= 6 && med > 0 && (high - low) / med <= config.target_relative_ci) {
      m.converged = true;
      break;
    }
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > config.max_seconds) break;
  }
  m.median = median(m.samples);
  std::tie(m.ci_low, m.ci_high) = median_ci95(m.samples);
  return m;
}

}  // namespace hwgpt::profile
