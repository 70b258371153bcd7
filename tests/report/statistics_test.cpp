// Unit tests for src/report/statistics.cpp: quantiles against numpy's default (type 7) values
// computed by hand, bootstrap intervals (bounds, determinism), ranking order and ties.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hwgpt/core/error.hpp"
#include "hwgpt/report/statistics.hpp"

namespace hwgpt::report {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

TEST(Quantile, MatchesNumpyLinearInterpolation) {
  // numpy.quantile([4, 1, 3, 2], q): 0.25 -> 1.75, 0.5 -> 2.5, 0.9 -> 3.7.
  EXPECT_DOUBLE_EQ(quantile({4, 1, 3, 2}, 0.25), 1.75);
  EXPECT_DOUBLE_EQ(quantile({4, 1, 3, 2}, 0.5), 2.5);
  EXPECT_NEAR(quantile({4, 1, 3, 2}, 0.9), 3.7, 1e-12);
  EXPECT_DOUBLE_EQ(quantile({7}, 0.3), 7.0);
  EXPECT_THAT([] { quantile({}, 0.5); }, ThrowsMessage<ValueError>(HasSubstr("empty list")));
  EXPECT_THAT([] { quantile({1}, 1.5); }, ThrowsMessage<ValueError>(HasSubstr("quantile level 1.5")));
}

TEST(BootstrapMean, IntervalLiesWithinTheDataAndIsSeeded) {
  const std::vector<double> hv{0.5, 0.6, 0.7, 0.65, 0.55};
  const Interval a = bootstrap_mean(hv, 0.95, 2000, 7), b = bootstrap_mean(hv, 0.95, 2000, 7);
  EXPECT_DOUBLE_EQ(a.estimate, 0.6);
  EXPECT_LE(a.low, a.estimate);
  EXPECT_GE(a.high, a.estimate);
  EXPECT_GE(a.low, 0.5);
  EXPECT_LE(a.high, 0.7);
  EXPECT_LT(a.low, a.high);
  EXPECT_EQ(a.low, b.low);
  EXPECT_EQ(a.high, b.high);
  // Resample means of n values have standard error sd/sqrt(n) = 0.0707/2.236 = 0.0316; a 95 %
  // interval spans about ±1.96 of it: loosely 0.08 .. 0.16 wide.
  EXPECT_GT(a.high - a.low, 0.08);
  EXPECT_LT(a.high - a.low, 0.16);
  const Interval constant = bootstrap_mean({0.8, 0.8, 0.8});
  EXPECT_DOUBLE_EQ(constant.low, 0.8);
  EXPECT_DOUBLE_EQ(constant.high, 0.8);
}

RunData run(const std::string& algorithm, std::uint64_t seed, double hv) {
  RunData r;
  r.id = "p__" + algorithm + "__seed" + std::to_string(seed);
  r.problem = "p";
  r.algorithm = algorithm;
  r.seed = seed;
  r.objectives = {"f1", "f2"};
  r.hv_curve = {hv / 2, hv};
  r.final_hypervolume = hv;
  return r;
}

TEST(RankAlgorithms, SortsByMeanFinalHvAndSharesTiedRanks) {
  StudyData study;
  study.problems = {"p"};
  study.algorithms = {"a", "b", "c"};
  for (std::uint64_t s = 1; s <= 3; ++s) {
    study.runs.push_back(run("a", s, 0.25 * static_cast<double>(s)));  // 0.25, 0.5, 0.75: mean 0.5
    study.runs.push_back(run("b", s, 0.8));
    study.runs.push_back(run("c", s, 0.5));
  }
  const auto rows = rank_algorithms(study);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].algorithm, "b");
  EXPECT_EQ(rows[0].rank, 1);
  EXPECT_DOUBLE_EQ(rows[0].mean_hv.low, 0.8);
  EXPECT_DOUBLE_EQ(rows[1].mean_hv.estimate, 0.5);  // exact in binary: a tie
  EXPECT_DOUBLE_EQ(rows[2].mean_hv.estimate, 0.5);
  EXPECT_EQ(rows[1].algorithm, "a");  // stable among ties: study order
  EXPECT_EQ(rows[1].rank, 2);
  EXPECT_EQ(rows[2].rank, 2);
  EXPECT_EQ(rows[1].runs, 3u);
  EXPECT_EQ(rows[1].mean_evaluations, 2u);
  EXPECT_DOUBLE_EQ(rows[1].min_hv, 0.25);
  EXPECT_DOUBLE_EQ(rows[1].max_hv, 0.75);
  EXPECT_DOUBLE_EQ(rows[1].median_hv, 0.5);
}

}  // namespace
}  // namespace hwgpt::report
