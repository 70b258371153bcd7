// Quality measures of a surrogate on architectures it was not fitted on.
#pragma once

#include <cstddef>
#include <span>
#include <string>

namespace hwgpt::surrogate {

struct Evaluation {
  std::size_t n = 0;
  double kendall_tau = 0;       // tau-b (ties counted as in scipy.stats.kendalltau)
  double spearman = 0;          // Pearson correlation of average ranks
  double r2 = 0;                // 1 - SS_res / SS_tot
  double mae = 0;               // mean |y - ŷ|, in the metric's unit
  double mape = 0;              // mean |y - ŷ| / |y|, fraction
  double within_10pct = 0;      // share with |y - ŷ| <= 0.1 |y|
  double coverage_90 = 0;       // share of y inside the 90 % interval
  double width_90 = 0;          // mean (upper - lower) / ŷ
  double nll = 0;               // mean negative log-likelihood of y (log-normal predictive)
  friend bool operator==(const Evaluation&, const Evaluation&) = default;
};

// O(n log n) would be possible; n is a few thousand here, so the O(n²) definition is used.
double kendall_tau(std::span<const double> x, std::span<const double> y);
double spearman(std::span<const double> x, std::span<const double> y);

// `log_sigma` is the predictive standard deviation of log y (for the NLL); lower/upper bound the
// 90 % interval.
Evaluation evaluate(std::span<const double> truth, std::span<const double> predicted,
                    std::span<const double> lower, std::span<const double> upper,
                    std::span<const double> log_sigma);

}  // namespace hwgpt::surrogate
