// Rank and error measures (see evaluation.hpp).
#include "hwgpt/surrogate/evaluation.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "hwgpt/core/error.hpp"

namespace hwgpt::surrogate {
namespace {

std::vector<double> average_ranks(std::span<const double> v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  std::vector<double> ranks(v.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    const double rank = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
    for (std::size_t k = i; k <= j; ++k) ranks[order[k]] = rank;
    i = j + 1;
  }
  return ranks;
}

double pearson(std::span<const double> x, std::span<const double> y) {
  const double n = static_cast<double>(x.size());
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n;
  const double my = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0.0;
}

void check_sizes(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size() || x.size() < 2)
    throw ValueError("correlation needs two series of the same length >= 2; got " +
                     std::to_string(x.size()) + " and " + std::to_string(y.size()));
}

}  // namespace

double kendall_tau(std::span<const double> x, std::span<const double> y) {
  check_sizes(x, y);
  double concordant = 0, discordant = 0, ties_x = 0, ties_y = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    for (std::size_t j = i + 1; j < x.size(); ++j) {
      const double dx = x[i] - x[j], dy = y[i] - y[j];
      if (dx == 0 && dy == 0) continue;  // tied in both: counted in neither
      if (dx == 0) ++ties_x;
      else if (dy == 0) ++ties_y;
      else if ((dx > 0) == (dy > 0)) ++concordant;
      else ++discordant;
    }
  }
  const double denominator = std::sqrt((concordant + discordant + ties_x) * (concordant + discordant + ties_y));
  return denominator > 0 ? (concordant - discordant) / denominator : 0.0;
}

double spearman(std::span<const double> x, std::span<const double> y) {
  check_sizes(x, y);
  const auto rx = average_ranks(x), ry = average_ranks(y);
  return pearson(rx, ry);
}

Evaluation evaluate(std::span<const double> truth, std::span<const double> predicted,
                    std::span<const double> lower, std::span<const double> upper,
                    std::span<const double> log_sigma) {
  const std::size_t n = truth.size();
  if (predicted.size() != n || lower.size() != n || upper.size() != n || log_sigma.size() != n)
    throw ValueError("evaluate: truth, predictions, bounds and sigmas must have the same length");
  Evaluation e;
  e.n = n;
  if (n < 2) return e;
  e.kendall_tau = kendall_tau(truth, predicted);
  e.spearman = spearman(truth, predicted);
  const double mean = std::accumulate(truth.begin(), truth.end(), 0.0) / static_cast<double>(n);
  double ss_res = 0, ss_tot = 0;
  constexpr double kHalfLog2Pi = 0.91893853320467274178;
  for (std::size_t i = 0; i < n; ++i) {
    const double err = truth[i] - predicted[i];
    ss_res += err * err;
    ss_tot += (truth[i] - mean) * (truth[i] - mean);
    e.mae += std::fabs(err);
    e.mape += std::fabs(err) / std::fabs(truth[i]);
    e.within_10pct += std::fabs(err) <= 0.1 * std::fabs(truth[i]) ? 1 : 0;
    e.coverage_90 += truth[i] >= lower[i] && truth[i] <= upper[i] ? 1 : 0;
    e.width_90 += (upper[i] - lower[i]) / predicted[i];
    // Log-normal density of y: N(log y; log ŷ, σ²) / y.
    const double z = (std::log(truth[i]) - std::log(predicted[i])) / log_sigma[i];
    e.nll += kHalfLog2Pi + std::log(log_sigma[i]) + 0.5 * z * z + std::log(truth[i]);
  }
  const double dn = static_cast<double>(n);
  e.r2 = ss_tot > 0 ? 1.0 - ss_res / ss_tot : 0.0;
  e.mae /= dn;
  e.mape /= dn;
  e.within_10pct /= dn;
  e.coverage_90 /= dn;
  e.width_90 /= dn;
  e.nll /= dn;
  return e;
}

}  // namespace hwgpt::surrogate
