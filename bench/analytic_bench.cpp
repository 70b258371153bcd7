// Throughput of the closed-form metrics (archs/s), per scale. Run:
//   build/bench/analytic_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include "hwgpt/analytic/summary.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/space/sampling.hpp"

namespace {

using hwgpt::space::SearchSpace;

std::vector<hwgpt::space::Arch> archs_of(const char* scale) {
  hwgpt::Rng rng(1);
  return hwgpt::space::sample_archs(SearchSpace::builtin(scale), 1024, rng);
}

// All metrics of one arch (params, forward/decode FLOPs, MACs, weights, KV cache, activations).
void BM_Analyze_AllMetrics(benchmark::State& state, const char* scale) {
  const auto& space = SearchSpace::builtin(scale);
  const auto archs = archs_of(scale);
  const auto workload = hwgpt::analytic::default_workload(space);
  std::size_t i = 0;
  for (auto _ : state) {
    auto m = hwgpt::analytic::analyze(archs[i++ % archs.size()], space, workload);
    benchmark::DoNotOptimize(m);
  }
  state.counters["archs_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                     benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_Analyze_AllMetrics, t, "t");
BENCHMARK_CAPTURE(BM_Analyze_AllMetrics, s, "s");
BENCHMARK_CAPTURE(BM_Analyze_AllMetrics, m, "m");
BENCHMARK_CAPTURE(BM_Analyze_AllMetrics, l, "l");

// Parameter count alone, from a prebuilt ModelSpec (what a search loop can cache).
void BM_Params_FromSpec(benchmark::State& state, const char* scale) {
  const auto& space = SearchSpace::builtin(scale);
  std::vector<hwgpt::analytic::ModelSpec> specs;
  for (const auto& a : archs_of(scale))
    specs.push_back(hwgpt::analytic::model_spec(a, space, hwgpt::analytic::ModelVariant::kHwgpt));
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(hwgpt::analytic::num_params(specs[i++ % specs.size()]));
  state.counters["archs_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                     benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_Params_FromSpec, s, "s");
BENCHMARK_CAPTURE(BM_Params_FromSpec, l, "l");

}  // namespace
