// run_precision (precision.hpp): the protocol's interval recomputed from the stored samples.
#include "hwgpt/profile/precision.hpp"

#include <algorithm>
#include <map>

#include "hwgpt/core/error.hpp"
#include "hwgpt/profile/protocol.hpp"

namespace hwgpt::profile {
namespace {

double middle(std::vector<double> v) { return v.empty() ? 0.0 : median(std::move(v)); }

}  // namespace

std::vector<MetricPrecision> run_precision(const store::Store& store, const std::string& run_uid,
                                           double target_relative_ci) {
  store::SampleQuery query;
  bool found = false;
  for (const auto& run : store.runs())
    if (run.uid == run_uid) {
      query.device = run.device;  // read only this run's device and space, not the whole store
      query.space = run.space;
      query.run_uid = run_uid;
      found = true;
    }
  if (!found) throw ValueError("store '" + store.path().string() + "' has no run '" + run_uid + "'");
  std::map<std::string, std::vector<store::SampleSet>> by_metric;
  for (auto& row : store.samples(query))
    if (row.run_uid == run_uid) by_metric[row.set.metric].push_back(std::move(row.set));
  std::vector<MetricPrecision> out;
  for (const auto& [metric, sets] : by_metric) {
    MetricPrecision p;
    p.metric = metric;
    p.archs = sets.size();
    std::vector<double> medians, widths;
    double calls = 0;
    std::size_t within = 0;
    for (const auto& s : sets) {
      calls += static_cast<double>(s.samples.size());
      if (s.samples.empty()) continue;
      const double m = median(s.samples);
      medians.push_back(m);
      if (s.samples.size() < 6 || m == 0) continue;
      const auto [low, high] = median_ci95(s.samples);
      widths.push_back((high - low) / m);
      if (widths.back() <= target_relative_ci) ++within;
    }
    p.mean_calls = p.archs ? calls / static_cast<double>(p.archs) : 0;
    p.median_value = middle(medians);
    p.with_interval = widths.size();
    p.share_within_target = widths.empty() ? 0 : static_cast<double>(within) / static_cast<double>(widths.size());
    p.median_relative_width = middle(widths);
    out.push_back(p);
  }
  return out;
}

}  // namespace hwgpt::profile
