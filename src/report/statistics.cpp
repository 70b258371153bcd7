// Quantiles, bootstrap intervals and the ranking table (see statistics.hpp).
#include "hwgpt/report/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "hwgpt/core/error.hpp"
#include "hwgpt/core/rng.hpp"

namespace hwgpt::report {

double quantile(std::vector<double> values, double q) {
  if (values.empty()) throw ValueError("quantile of an empty list; expected at least one value");
  if (!(q >= 0 && q <= 1)) throw ValueError("quantile level " + std::to_string(q) + "; expected a value in [0, 1]");
  std::sort(values.begin(), values.end());
  const double position = q * static_cast<double>(values.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, values.size() - 1);
  return values[below] + (position - static_cast<double>(below)) * (values[above] - values[below]);
}

Interval bootstrap_mean(const std::vector<double>& values, double level, int resamples, std::uint64_t seed) {
  if (values.empty()) throw ValueError("bootstrap of an empty list; expected at least one value");
  if (!(level > 0 && level < 1)) throw ValueError("confidence level " + std::to_string(level) + "; expected (0, 1)");
  double sum = 0;
  for (double v : values) sum += v;
  const double n = static_cast<double>(values.size());
  Interval out{sum / n, sum / n, sum / n};
  if (values.size() == 1 || resamples < 1) return out;
  Rng rng(seed);
  std::vector<double> means(static_cast<std::size_t>(resamples));
  for (auto& m : means) {
    double s = 0;
    for (std::size_t i = 0; i < values.size(); ++i) s += values[rng.uniform_index(values.size())];
    m = s / n;
  }
  out.low = quantile(means, (1 - level) / 2);
  out.high = quantile(means, 1 - (1 - level) / 2);
  return out;
}

std::vector<RankRow> rank_algorithms(const StudyData& study, std::uint64_t seed) {
  std::vector<RankRow> rows;
  for (std::size_t p = 0; p < study.problems.size(); ++p) {
    std::vector<RankRow> group;
    for (std::size_t a = 0; a < study.algorithms.size(); ++a) {
      const auto runs = runs_of(study, study.problems[p], study.algorithms[a]);
      if (runs.empty()) continue;
      RankRow row{study.problems[p], study.algorithms[a], runs.size(), {}, 0, 0, 0, 0, 0, 0, 0};
      std::vector<double> hv;
      double duration = 0, evaluations = 0;
      for (const auto* r : runs) {
        row.budget = std::max(row.budget, r->budget);
        hv.push_back(r->final_hypervolume);
        duration += r->duration_s;
        evaluations += static_cast<double>(r->hv_curve.size());
      }
      // One bootstrap stream per (problem, algorithm), so adding an algorithm changes no interval.
      row.mean_hv = bootstrap_mean(hv, 0.95, 2000, Rng::derive(seed, p * 1000 + a).next_u64());
      row.median_hv = quantile(hv, 0.5);
      row.min_hv = *std::min_element(hv.begin(), hv.end());
      row.max_hv = *std::max_element(hv.begin(), hv.end());
      row.mean_duration_s = duration / static_cast<double>(runs.size());
      row.mean_evaluations = static_cast<std::size_t>(std::lround(evaluations / static_cast<double>(runs.size())));
      group.push_back(row);
    }
    std::stable_sort(group.begin(), group.end(),
                     [](const RankRow& x, const RankRow& y) { return x.mean_hv.estimate > y.mean_hv.estimate; });
    for (std::size_t i = 0; i < group.size(); ++i)
      group[i].rank = i > 0 && group[i].mean_hv.estimate == group[i - 1].mean_hv.estimate ? group[i - 1].rank
                                                                                          : static_cast<int>(i + 1);
    rows.insert(rows.end(), group.begin(), group.end());
  }
  return rows;
}

std::vector<std::string> all_problems(const std::string&) { return {""}; }

std::vector<std::string> scale_of_problem(const std::string& problem) {
  if (!problem.starts_with("arch-")) return {};
  const std::size_t end = problem.find('-', 5);
  return {problem.substr(5, end == std::string::npos ? std::string::npos : end - 5)};
}

std::vector<std::string> devices_of_problem(const std::string& problem) {
  std::vector<std::string> devices;
  for (std::size_t at = problem.find('@'); at != std::string::npos; at = problem.find('@', at + 1)) {
    const std::size_t end = problem.find('+', at);
    std::string device = problem.substr(at + 1, end == std::string::npos ? std::string::npos : end - at - 1);
    if (std::find(devices.begin(), devices.end(), device) == devices.end()) devices.push_back(std::move(device));
  }
  return devices;
}

std::vector<MeanRankRow> mean_ranks(const std::vector<RankRow>& rows, GroupOf group_of, std::uint64_t seed) {
  // Fractional ranks per problem (rows arrive grouped by problem, sorted by mean HV).
  std::map<std::string, std::map<std::string, std::vector<double>>> ranks;  // group -> algorithm -> ranks
  std::vector<std::string> group_order;
  for (std::size_t begin = 0; begin < rows.size();) {
    std::size_t end = begin;
    while (end < rows.size() && rows[end].problem == rows[begin].problem) ++end;
    for (std::size_t i = begin; i < end;) {
      std::size_t j = i;
      while (j < end && rows[j].mean_hv.estimate == rows[i].mean_hv.estimate) ++j;
      const double rank = static_cast<double>(i - begin + 1 + j - begin) / 2.0;  // mean of ranks i+1..j
      for (std::size_t k = i; k < j; ++k)
        for (const auto& group : group_of(rows[k].problem)) {
          if (!ranks.contains(group)) group_order.push_back(group);
          ranks[group][rows[k].algorithm].push_back(rank);
        }
      i = j;
    }
    begin = end;
  }
  std::vector<MeanRankRow> out;
  for (std::size_t g = 0; g < group_order.size(); ++g) {
    std::vector<MeanRankRow> group;
    std::size_t a = 0;
    for (const auto& [algorithm, values] : ranks[group_order[g]])
      group.push_back({group_order[g], algorithm, values.size(),
                       bootstrap_mean(values, 0.95, 2000, Rng::derive(seed, g * 1000 + a++).next_u64())});
    std::stable_sort(group.begin(), group.end(), [](const MeanRankRow& x, const MeanRankRow& y) {
      return x.mean_rank.estimate < y.mean_rank.estimate;
    });
    out.insert(out.end(), group.begin(), group.end());
  }
  return out;
}

}  // namespace hwgpt::report
