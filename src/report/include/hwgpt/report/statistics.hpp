// Summary statistics for the report: quantiles, seeded bootstrap confidence intervals and the
// ranking of algorithms by final hypervolume.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hwgpt/report/study_data.hpp"

namespace hwgpt::report {

// Quantile q in [0, 1] with linear interpolation between order statistics (Hyndman & Fan type 7,
// numpy's default). Throws ValueError for an empty list or q outside [0, 1].
double quantile(std::vector<double> values, double q);

struct Interval {
  double estimate = 0, low = 0, high = 0;
};

// Mean with a percentile-bootstrap interval at `level` (e.g. 0.95) from `resamples` resamples
// drawn with Rng(seed). With one value the interval is that value. Throws ValueError for an empty
// list or level outside (0, 1).
Interval bootstrap_mean(const std::vector<double>& values, double level = 0.95, int resamples = 2000,
                        std::uint64_t seed = 1);

struct RankRow {
  std::string problem, algorithm;
  std::size_t runs = 0;
  Interval mean_hv;             // mean final normalised HV with 95 % bootstrap interval
  double median_hv = 0, min_hv = 0, max_hv = 0;
  double mean_duration_s = 0;
  std::size_t mean_evaluations = 0;
  int rank = 0;                 // 1 = highest mean HV within the problem; ties share a rank
  std::size_t budget = 0;       // the runs' budget in full evaluations (the largest, if they differ)
};

// Rows grouped by problem (study order), each group sorted by mean final HV (descending).
std::vector<RankRow> rank_algorithms(const StudyData& study, std::uint64_t seed = 1);

// An algorithm's mean rank over the problems of one group (all problems, a scale, a device): per
// problem the algorithms are ranked by mean final HV, ties sharing the mean of their ranks (1 =
// best), and the interval is a percentile bootstrap over the group's problems (2,000 resamples).
struct MeanRankRow {
  std::string group, algorithm;
  std::size_t problems = 0;
  Interval mean_rank;
};

// Problems of a group: "" for every problem, else what `group_of(problem label)` returns (a problem
// may belong to several groups, e.g. two devices; an empty list leaves it out).
using GroupOf = std::vector<std::string> (*)(const std::string& problem);

// Rows per (group, algorithm), groups in order of first appearance, algorithms by mean rank.
std::vector<MeanRankRow> mean_ranks(const std::vector<RankRow>& rows, GroupOf group_of, std::uint64_t seed = 1);

// Group functions for arch problems labelled "arch-<scale>-<objective>+...": the scale, and the
// devices their objectives name ("latency@h100" -> "h100"; none for device-free objectives).
std::vector<std::string> all_problems(const std::string& problem);
std::vector<std::string> scale_of_problem(const std::string& problem);
std::vector<std::string> devices_of_problem(const std::string& problem);

}  // namespace hwgpt::report
