// The precision a profile run achieved, from its stored samples: per metric, how many archs'
// 95 % CI of the median (the protocol's order-statistic interval) is within a relative target,
// the median relative width, and the calls per arch. What docs/BENCHMARKS.md reports for each
// profile; `hwgpt profile --summary` prints it.
#pragma once

#include <string>
#include <vector>

#include "hwgpt/store/store.hpp"

namespace hwgpt::profile {

struct MetricPrecision {
  std::string metric;
  std::size_t archs = 0;
  double mean_calls = 0;
  double median_value = 0;           // median over archs of each arch's median
  std::size_t with_interval = 0;     // archs with >= 6 samples (fewer have no interval)
  double share_within_target = 0;    // of with_interval: (high - low) / median <= target
  double median_relative_width = 0;  // over with_interval archs
};

// Every metric of run `run_uid` (throws ValueError when the store has no such run).
std::vector<MetricPrecision> run_precision(const store::Store& store, const std::string& run_uid,
                                           double target_relative_ci = 0.02);

}  // namespace hwgpt::profile
