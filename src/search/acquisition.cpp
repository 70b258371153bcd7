// Expected improvement and exact 2-D EHVI for the BO optimizers (see gaussian_process.hpp).
#include "hwgpt/search/gaussian_process.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <utility>
#include <vector>

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
