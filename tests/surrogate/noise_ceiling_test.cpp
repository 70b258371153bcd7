// Split-half noise ceilings (surrogate/noise_ceiling.hpp) on samples whose halves agree, disagree
// or are unrelated by construction.
#include "hwgpt/surrogate/noise_ceiling.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "hwgpt/core/rng.hpp"

namespace hwgpt::surrogate {
namespace {

Dataset with_samples(std::vector<std::vector<double>> samples) {
  Dataset d;
  d.samples = std::move(samples);
  return d;
}

TEST(NoiseCeiling, HalvesThatAgreeGiveOneAndReversedHalvesMinusOne) {
  std::vector<std::vector<double>> agree, reversed;
  for (int k = 1; k <= 30; ++k) {
    // Even-indexed samples k, k; odd-indexed k + 0.5 and k - 0.5: both halves' means rank archs by k.
    agree.push_back({double(k), k + 0.5, double(k), k - 0.5, double(k)});
    reversed.push_back({double(k), 100.0 - k});  // even half k, odd half 100 - k
  }
  const NoiseCeiling a = split_half_ceiling(with_samples(agree));
  EXPECT_EQ(a.archs, 30u);
  EXPECT_DOUBLE_EQ(a.kendall_tau, 1.0);
  EXPECT_DOUBLE_EQ(split_half_ceiling(with_samples(reversed)).kendall_tau, -1.0);
}

TEST(NoiseCeiling, PureNoiseGivesAboutZeroAndTooFewArchsNaN) {
  Rng rng(4);
  std::vector<std::vector<double>> noise;
  for (int k = 0; k < 400; ++k) {
    std::vector<double> s;
    for (int i = 0; i < 10; ++i) s.push_back(1.0 + rng.uniform_double());  // every arch the same distribution
    noise.push_back(s);
  }
  // tau of 400 independent pairs has standard deviation sqrt(2(2n+5)/(9n(n-1))) ≈ 0.034.
  EXPECT_LT(std::fabs(split_half_ceiling(with_samples(noise)).kendall_tau), 0.15);
  noise.resize(9);
  EXPECT_TRUE(std::isnan(split_half_ceiling(with_samples(noise)).kendall_tau));
  // One value per arch (perplexity): no halves.
  EXPECT_EQ(split_half_ceiling(with_samples({{1.0}, {2.0}})).archs, 0u);
}

}  // namespace
}  // namespace hwgpt::surrogate
