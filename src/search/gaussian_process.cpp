// Exact GP with a Matérn-5/2 kernel, expected improvement and exact 2-D EHVI (see the header).
#include "hwgpt/search/gaussian_process.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include "hwgpt/core/error.hpp"

namespace hwgpt::search {
namespace {

double normal_pdf(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2 * std::numbers::pi); }
double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); }

// E[(a - Y) · 1{Y < b}] for Y ~ N(mu, sigma²): (a - mu) Φ((b-mu)/σ) + σ φ((b-mu)/σ).
double psi(double a, double b, double mu, double sigma) {
  if (sigma <= 0) return mu < b ? a - mu : 0.0;
  const double z = (b - mu) / sigma;
  return (a - mu) * normal_cdf(z) + sigma * normal_pdf(z);
}

}  // namespace

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
  for (std::size_t k = 0; k < dimension_; ++k) d2 += (a[k] - b[k]) * (a[k] - b[k]);
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

double expected_improvement(double best, GpPrediction p) { return std::max(0.0, psi(best, best, p.mean, p.stddev)); }

double expected_hypervolume_improvement_2d(std::span<const double> front, std::span<const double, 2> reference,
                                           std::span<const double, 2> mean, std::span<const double, 2> stddev) {
  // Staircase of the front below the reference: x ascending, y descending.
  std::vector<std::pair<double, double>> pts;
  for (std::size_t i = 0; i + 1 < front.size(); i += 2)
    if (front[i] < reference[0] && front[i + 1] < reference[1]) pts.emplace_back(front[i], front[i + 1]);
  std::sort(pts.begin(), pts.end());
  std::vector<std::pair<double, double>> stairs;
  for (const auto& p : pts)
    if (stairs.empty() || p.second < stairs.back().second) stairs.push_back(p);
  // Stripe i spans x in [x_i, x_(i+1)) where the front's level is L_i (x_0 = -inf, L_0 = r2,
  // x_(k+1) = r1). HVI(y) = Σ_i (x_(i+1) - max(y1, x_i))⁺ (L_i - y2)⁺, and the two factors are
  // independent, so EHVI = Σ_i E[(x_(i+1) - max(y1, x_i))⁺] · E[(L_i - y2)⁺].
  double total = 0.0;
  const std::size_t k = stairs.size();
  for (std::size_t i = 0; i <= k; ++i) {
    const double right = i < k ? stairs[i].first : reference[0];
    const double level = i == 0 ? reference[1] : stairs[i - 1].second;
    const double e2 = psi(level, level, mean[1], stddev[1]);
    double e1;
    if (i == 0) {
      e1 = psi(right, right, mean[0], stddev[0]);
    } else {
      const double left = stairs[i - 1].first;
      const double below_left = stddev[0] > 0 ? normal_cdf((left - mean[0]) / stddev[0]) : (mean[0] < left ? 1.0 : 0.0);
      e1 = (right - left) * below_left + psi(right, right, mean[0], stddev[0]) - psi(right, left, mean[0], stddev[0]);
    }
    total += e1 * e2;
  }
  return std::max(0.0, total);
}

}  // namespace hwgpt::search
