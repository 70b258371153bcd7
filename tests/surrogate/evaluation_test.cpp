// Unit tests for src/surrogate/evaluation.cpp against SciPy's documented examples and hand counts.
#include "hwgpt/surrogate/evaluation.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace hwgpt::surrogate {
namespace {

TEST(Evaluation, KendallTauMatchesScipyWithTies) {
  // scipy.stats.kendalltau([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]) -> -0.47140452079103173 (docs).
  const std::vector<double> x = {12, 2, 1, 12, 2}, y = {1, 4, 7, 1, 0};
  EXPECT_NEAR(kendall_tau(x, y), -0.47140452079103173, 1e-15);
  const std::vector<double> a = {1, 2, 3, 4}, b = {10, 20, 30, 40}, c = {4, 3, 2, 1};
  EXPECT_DOUBLE_EQ(kendall_tau(a, b), 1.0);
  EXPECT_DOUBLE_EQ(kendall_tau(a, c), -1.0);
}

TEST(Evaluation, SpearmanMatchesScipy) {
  // scipy.stats.spearmanr([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) -> 0.8207826816681233 (docs).
  const std::vector<double> x = {1, 2, 3, 4, 5}, y = {5, 6, 7, 8, 7};
  EXPECT_NEAR(spearman(x, y), 0.8207826816681233, 1e-15);
}

TEST(Evaluation, ErrorsCoverageAndWidthByHand) {
  const std::vector<double> truth = {10, 20, 40}, predicted = {11, 20, 30};
  const std::vector<double> lower = {9, 19, 35}, upper = {12, 21, 45}, sigma = {0.1, 0.1, 0.1};
  const auto e = evaluate(truth, predicted, lower, upper, sigma);
  EXPECT_EQ(e.n, 3u);
  EXPECT_DOUBLE_EQ(e.mae, (1.0 + 0.0 + 10.0) / 3);
  EXPECT_DOUBLE_EQ(e.mape, (0.1 + 0.0 + 0.25) / 3);
  EXPECT_DOUBLE_EQ(e.within_10pct, 2.0 / 3);  // |11-10| = 1 <= 1.0 counts
  EXPECT_DOUBLE_EQ(e.coverage_90, 1.0);
  EXPECT_DOUBLE_EQ(e.width_90, (3.0 / 11 + 2.0 / 20 + 10.0 / 30) / 3);
  // R² = 1 - (1 + 0 + 100) / ((10-70/3)² + (20-70/3)² + (40-70/3)²).
  const double m = 70.0 / 3;
  EXPECT_NEAR(e.r2, 1 - 101 / ((10 - m) * (10 - m) + (20 - m) * (20 - m) + (40 - m) * (40 - m)), 1e-12);
}

}  // namespace
}  // namespace hwgpt::surrogate
