// Surrogate predictions (see surrogate.hpp); file I/O is in surrogate_file.cpp.
#include "hwgpt/surrogate/surrogate.hpp"

#include <algorithm>
#include <cmath>

#include "hwgpt/core/error.hpp"

namespace hwgpt::surrogate {

Surrogate::Surrogate(SurrogateInfo info, TreeEnsemble trees, std::vector<double> residual_quantiles,
                     double noise_log_sigma)
    : Surrogate(std::move(info), Predictor{std::move(trees), {}, std::nullopt}, std::move(residual_quantiles),
                noise_log_sigma) {}

Surrogate::Surrogate(SurrogateInfo info, Predictor predictor, std::vector<double> residual_quantiles,
                     double noise_log_sigma)
    : info_(std::move(info)), predictor_(std::move(predictor)), residual_quantiles_(std::move(residual_quantiles)),
      noise_log_sigma_(noise_log_sigma) {
  predictor_.trees.compile();
  predictor_.mlp.prepare();
  if (residual_quantiles_.size() != static_cast<std::size_t>(kQuantileLevels))
    throw ValueError("surrogate: " + std::to_string(residual_quantiles_.size()) +
                     " residual quantiles; expected " + std::to_string(kQuantileLevels));
  if (!std::is_sorted(residual_quantiles_.begin(), residual_quantiles_.end()))
    throw ValueError("surrogate: residual quantiles are not non-decreasing");
}

double Surrogate::predict(std::span<const double> x) const { return std::exp(predict_log(x)); }

namespace {

double interpolate(const std::vector<double>& q_values, double q) {
  // Level of index i is (i + 1) / 200.
  const double position = q * 200.0 - 1.0;
  if (position <= 0) return q_values.front();
  if (position >= static_cast<double>(q_values.size() - 1)) return q_values.back();
  const auto i = static_cast<std::size_t>(position);
  const double t = position - static_cast<double>(i);
  return q_values[i] * (1 - t) + q_values[i + 1] * t;
}

}  // namespace

double Surrogate::quantile(std::span<const double> x, double q) const {
  return quantile_from_log(predict_log(x), q);
}

double Surrogate::quantile_from_log(double log_prediction, double q) const {
  if (!(q > 0.0 && q < 1.0))
    throw ValueError("quantile level " + std::to_string(q) + " is outside (0, 1)");
  return std::exp(log_prediction + interpolate(residual_quantiles_, q));
}

double Surrogate::sample(std::span<const double> x, Rng& rng) const { return sample_from_log(predict_log(x), rng); }

double Surrogate::sample_from_log(double log_prediction, Rng& rng) const {
  const double u = (static_cast<double>(rng.uniform_index(199)) + 1.0) / 200.0;
  // Box–Muller from two uniform draws in (0, 1).
  const double u1 = 1.0 - rng.uniform_double(), u2 = rng.uniform_double();
  const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  return std::exp(log_prediction + interpolate(residual_quantiles_, u) + noise_log_sigma_ * z);
}

double Surrogate::log_sigma() const {
  const double spread = interpolate(residual_quantiles_, 0.95) - interpolate(residual_quantiles_, 0.05);
  return std::max(spread / (2 * 1.6448536269514722), 1e-12);
}

std::vector<double> conformal_quantiles(std::vector<double> residuals) {
  if (residuals.size() < 20)
    throw ValueError("conformal calibration needs at least 20 residuals; got " + std::to_string(residuals.size()));
  std::sort(residuals.begin(), residuals.end());
  const double n = static_cast<double>(residuals.size());
  std::vector<double> q(static_cast<std::size_t>(kQuantileLevels));
  for (int i = 0; i < kQuantileLevels; ++i) {
    const double level = (i + 1) / 200.0;
    // Upper quantiles take rank ⌈α(n+1)⌉, lower ones the mirror ⌊α(n+1)⌋, so that a central
    // interval [Q(α/2), Q(1-α/2)] has conformal coverage ≥ 1-α.
    double rank = level >= 0.5 ? std::ceil(level * (n + 1)) : std::floor(level * (n + 1));
    rank = std::clamp(rank, 1.0, n);
    q[static_cast<std::size_t>(i)] = residuals[static_cast<std::size_t>(rank) - 1];
  }
  return q;
}

}  // namespace hwgpt::surrogate
