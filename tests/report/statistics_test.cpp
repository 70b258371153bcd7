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

// Mean ranks by hand: on problem 1 (s, h100) a > b = c (b and c share ranks 2 and 3: 2.5), on
// problem 2 (m, a100 and h100) c > a > b; on problem 3 (s, no device) b > a > c.
TEST(MeanRanks, FractionalRanksAveragedPerGroup) {
  auto row = [](std::string problem, std::string algorithm, double hv) {
    RankRow r;
    r.problem = std::move(problem);
    r.algorithm = std::move(algorithm);
    r.mean_hv.estimate = hv;
    return r;
  };
  const std::vector<RankRow> rows = {
      row("arch-s-perplexity+latency@h100", "a", 0.9), row("arch-s-perplexity+latency@h100", "b", 0.5),
      row("arch-s-perplexity+latency@h100", "c", 0.5),
      row("arch-m-perplexity+latency@a100+energy@h100", "c", 0.8), row("arch-m-perplexity+latency@a100+energy@h100", "a", 0.7),
      row("arch-m-perplexity+latency@a100+energy@h100", "b", 0.1),
      row("arch-s-perplexity+params", "b", 0.6), row("arch-s-perplexity+params", "a", 0.4), row("arch-s-perplexity+params", "c", 0.3)};
  const auto overall = mean_ranks(rows, all_problems);
  ASSERT_EQ(overall.size(), 3u);
  EXPECT_EQ(overall[0].algorithm, "a");  // ranks 1, 2, 2
  EXPECT_DOUBLE_EQ(overall[0].mean_rank.estimate, 5.0 / 3);
  EXPECT_EQ(overall[1].algorithm, "b");  // 2.5, 3, 1: tied with c (2.5, 1, 3), name order kept
  EXPECT_DOUBLE_EQ(overall[1].mean_rank.estimate, 6.5 / 3);
  EXPECT_EQ(overall[2].algorithm, "c");
  EXPECT_DOUBLE_EQ(overall[2].mean_rank.estimate, 6.5 / 3);
  EXPECT_LE(overall[0].mean_rank.low, overall[0].mean_rank.estimate);
  EXPECT_GE(overall[0].mean_rank.high, overall[0].mean_rank.estimate);
  const auto by_scale = mean_ranks(rows, scale_of_problem);
  ASSERT_EQ(by_scale.size(), 6u);
  EXPECT_EQ(by_scale[0].group, "s");
  EXPECT_EQ(by_scale[3].group, "m");
  EXPECT_EQ(by_scale[3].algorithm, "c");
  EXPECT_DOUBLE_EQ(by_scale[3].mean_rank.estimate, 1.0);
  const auto by_device = mean_ranks(rows, devices_of_problem);  // h100: problems 1 and 2; a100: 2
  ASSERT_EQ(by_device.size(), 6u);
  EXPECT_EQ(by_device[0].group, "h100");
  EXPECT_EQ(by_device[0].problems, 2u);
  EXPECT_EQ(by_device[3].group, "a100");
  EXPECT_EQ(devices_of_problem("arch-m-perplexity+latency@a100+energy@a100"), std::vector<std::string>{"a100"});
  EXPECT_TRUE(devices_of_problem("zdt1-n30-levels101").empty());
  EXPECT_TRUE(scale_of_problem("zdt1-n30-levels101").empty());
}

}  // namespace
}  // namespace hwgpt::report
