// Exact GP with a Matérn-5/2 kernel (see the header).
#include "hwgpt/surrogate/gaussian_process.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <utility>

#include "hwgpt/core/error.hpp"

namespace hwgpt::surrogate {

bool cholesky_in_place(std::vector<double>& a, std::size_t n) {
  for (std::size_t j = 0; j < n; ++j) {
    double d = a[j * n + j];
    for (std::size_t k = 0; k < j; ++k) d -= a[j * n + k] * a[j * n + k];
    if (!(d > 0.0)) return false;
    d = std::sqrt(d);
    a[j * n + j] = d;
    for (std::size_t i = j + 1; i < n; ++i) {
      double s = a[i * n + j];
      for (std::size_t k = 0; k < j; ++k) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / d;
    }
    for (std::size_t k = j + 1; k < n; ++k) a[j * n + k] = 0.0;
  }
  return true;
}

double GaussianProcess::kernel(const double* a, const double* b) const {
  double d2 = 0.0;
  for (std::size_t k = 0; k < dimension_; ++k) {
    const double diff = a[k] - b[k];
    d2 += diff * diff;
  }
  return matern(d2);
}

double GaussianProcess::matern(double d2) const {
  const double r = std::sqrt(5.0 * d2) / length_scale_;
  return (1.0 + r + r * r / 3.0) * std::exp(-r);
}

double GaussianProcess::factorise(double length_scale, double noise) {
  length_scale_ = length_scale;
  noise_ = noise;
  const std::size_t n = targets_.size();
  chol_.assign(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j <= i; ++j)
      chol_[i * n + j] = chol_[j * n + i] =
          kernel(&features_[i * dimension_], &features_[j * dimension_]) + (i == j ? noise : 0.0);
  if (!cholesky_in_place(chol_, n)) return -std::numeric_limits<double>::infinity();
  // alpha = L^-T L^-1 y
  alpha_ = targets_;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < i; ++k) alpha_[i] -= chol_[i * n + k] * alpha_[k];
    alpha_[i] /= chol_[i * n + i];
  }
  double log_det = 0.0, fit = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    log_det += std::log(chol_[i * n + i]);
    fit += alpha_[i] * alpha_[i];
  }
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t k = i + 1; k < n; ++k) alpha_[i] -= chol_[k * n + i] * alpha_[k];
    alpha_[i] /= chol_[i * n + i];
  }
  return -0.5 * fit - log_det - 0.5 * static_cast<double>(n) * std::log(2 * std::numbers::pi);
}

void GaussianProcess::fit(std::span<const double> features, std::size_t dimension, std::span<const double> targets,
                          bool fit_hyper) {
  const std::size_t n = targets.size();
  if (n == 0 || dimension == 0 || features.size() != n * dimension)
    throw ValueError("GP fit: " + std::to_string(features.size()) + " feature values for " + std::to_string(n) +
                     " targets of dimension " + std::to_string(dimension) + "; expected n·dimension > 0");
  for (double v : targets)
    if (std::isnan(v)) throw ValueError("GP fit: a target is NaN");
  dimension_ = dimension;
  features_.assign(features.begin(), features.end());
  double mean = 0.0;
  for (double v : targets) mean += v;
  mean /= static_cast<double>(n);
  double var = 0.0;
  for (double v : targets) var += (v - mean) * (v - mean);
  target_mean_ = mean;
  target_scale_ = n > 1 && var > 0 ? std::sqrt(var / static_cast<double>(n)) : 1.0;
  targets_.resize(n);
  for (std::size_t i = 0; i < n; ++i) targets_[i] = (targets[i] - mean) / target_scale_;

  if (fit_hyper || length_scale_ == 0.0) {
    // Grid: length scales relative to the diameter of the unit cube, noise from tiny to 1 %.
    const double diameter = std::sqrt(static_cast<double>(dimension));
    double best = -std::numeric_limits<double>::infinity(), best_l = diameter, best_noise = 1e-2;
    for (double l : {0.05, 0.1, 0.2, 0.4, 0.8, 1.6})
      for (double noise : {1e-6, 1e-4, 1e-2}) {
        const double ll = factorise(l * diameter, noise);
        if (ll > best) best = ll, best_l = l * diameter, best_noise = noise;
      }
    length_scale_ = best_l;
    noise_ = best_noise;
  }
  log_likelihood_ = factorise(length_scale_, noise_);
  // Jitter until positive definite (duplicated inputs with tiny noise).
  for (double jitter = 1e-6; !std::isfinite(log_likelihood_) && jitter < 1.0; jitter *= 10)
    log_likelihood_ = factorise(length_scale_, noise_ + jitter);
}

GpPrediction GaussianProcess::predict(std::span<const double> x) const {
  const std::size_t n = targets_.size();
  if (chol_.size() != n * n) throw ValueError("GP predict: a restored GP has no Cholesky factor; use predict_mean");
  std::vector<double> k(n);
  double mean = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    k[i] = kernel(x.data(), &features_[i * dimension_]);
    mean += k[i] * alpha_[i];
  }
  // v = L^-1 k; variance = 1 - v·v.
  double vv = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < i; ++j) k[i] -= chol_[i * n + j] * k[j];
    k[i] /= chol_[i * n + i];
    vv += k[i] * k[i];
  }
  const double var = std::max(0.0, 1.0 - vv);
  return {target_mean_ + target_scale_ * mean, target_scale_ * std::sqrt(var)};
}

double GaussianProcess::predict_mean(std::span<const double> x) const {
  // The squared distances to 8 training points at a time: each is the same chain of operations
  // as kernel()'s (so the same bits), but 8 independent chains overlap, where one chain of
  // ~dimension dependent adds per point bounded the query (68 % of it in kernel(), 2026-12-04).
  constexpr std::size_t kPoints = 8;
  const std::size_t n = alpha_.size(), dim = dimension_;
  double mean = 0.0;
  std::size_t i = 0;
  for (; i + kPoints <= n; i += kPoints) {
    double d2[kPoints] = {};
    const double* f = &features_[i * dim];
    for (std::size_t k = 0; k < dim; ++k) {
      const double xk = x[k];
      for (std::size_t j = 0; j < kPoints; ++j) {
        const double diff = xk - f[j * dim + k];
        d2[j] += diff * diff;
      }
    }
    for (std::size_t j = 0; j < kPoints; ++j) mean += matern(d2[j]) * alpha_[i + j];
  }
  for (; i < n; ++i) mean += kernel(x.data(), &features_[i * dim]) * alpha_[i];
  return target_mean_ + target_scale_ * mean;
}

GaussianProcess::State GaussianProcess::state() const {
  return {dimension_, features_, alpha_, target_mean_, target_scale_, length_scale_, noise_};
}

GaussianProcess GaussianProcess::from_state(State state) {
  if (state.dimension == 0 || state.features.size() != state.alpha.size() * state.dimension || state.alpha.empty() ||
      !(state.length_scale > 0) || !(state.target_scale > 0))
    throw ValueError("GP state: " + std::to_string(state.features.size()) + " feature values, " +
                     std::to_string(state.alpha.size()) + " weights, dimension " + std::to_string(state.dimension) +
                     ", length scale " + std::to_string(state.length_scale) + "; expected n·dimension values, n > 0");
  GaussianProcess gp;
  gp.dimension_ = state.dimension;
  gp.features_ = std::move(state.features);
  gp.alpha_ = std::move(state.alpha);
  gp.targets_.assign(gp.alpha_.size(), 0.0);
  gp.target_mean_ = state.target_mean;
  gp.target_scale_ = state.target_scale;
  gp.length_scale_ = state.length_scale;
  gp.noise_ = state.noise;
  return gp;
}

}  // namespace hwgpt::surrogate
