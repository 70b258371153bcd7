// Tests of the conformal intervals (src/surrogate/surrogate.cpp): quantiles of residuals by hand,
// and a fitted surrogate's quantiles and samples.
#include "hwgpt/surrogate/surrogate.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "hwgpt/core/error.hpp"
#include "hwgpt/core/rng.hpp"
#include "surrogate_fixture.hpp"

namespace hwgpt::surrogate {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

TEST(Conformal, QuantilesUseTheFiniteSampleRanks) {
  std::vector<double> residuals;
  for (int i = 99; i >= 1; --i) residuals.push_back(i);  // 1..99, unsorted
  const auto q = conformal_quantiles(residuals);
  ASSERT_EQ(q.size(), 199u);
  EXPECT_EQ(q[189], 95.0);  // level 0.95: rank ⌈0.95 · 100⌉ = 95
  EXPECT_EQ(q[9], 5.0);     // level 0.05: rank ⌊0.05 · 100⌋ = 5
  EXPECT_EQ(q[99], 50.0);   // level 0.5: rank ⌈50⌉
  EXPECT_TRUE(std::is_sorted(q.begin(), q.end()));
  EXPECT_THAT([] { (void)conformal_quantiles({1, 2, 3}); }, ThrowsMessage<ValueError>(HasSubstr("at least 20")));
}

TEST(Surrogate, QuantilesAreMonotoneAndSamplesReproducible) {
  const auto& fx = test::fitted_t_surrogate();
  const auto& t = space::SearchSpace::builtin("t");
  std::vector<double> x(feature_count(fx.model.info().features, t));
  features(t.mid_arch(), t, fx.model.info().features, x);
  double previous = 0;
  for (double q : {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99}) {
    const double v = fx.model.quantile(x, q);
    EXPECT_GE(v, previous);
    previous = v;
  }
  Rng a(5), b(5);
  EXPECT_EQ(fx.model.sample(x, a), fx.model.sample(x, b));
  EXPECT_THAT([&] { (void)fx.model.quantile(x, 1.0); }, ThrowsMessage<ValueError>(HasSubstr("outside (0, 1)")));
}

}  // namespace
}  // namespace hwgpt::surrogate
