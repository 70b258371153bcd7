// Query speed of the shipped benchmark (data/surrogates). Run:
//   build/bench/benchmark_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <map>

#include "hwgpt/benchmark/benchmark.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/space/sampling.hpp"

namespace {

using hwgpt::benchmark::Benchmark;
using hwgpt::space::SearchSpace;

const Benchmark& shipped(const char* scale) {
  static std::map<std::string, Benchmark> cache;
  auto it = cache.find(scale);
  if (it == cache.end())
    it = cache.emplace(scale, Benchmark::load(SearchSpace::builtin(scale), hwgpt::benchmark::default_surrogate_dir())).first;
  return it->second;
}

void BM_Load(benchmark::State& state, const char* scale) {
  for (auto _ : state) {
    auto b = Benchmark::load(SearchSpace::builtin(scale), hwgpt::benchmark::default_surrogate_dir());
    benchmark::DoNotOptimize(b);
  }
}
BENCHMARK_CAPTURE(BM_Load, s, "s")->Unit(benchmark::kMillisecond);

// One arch, every surrogate metric of one device (latency, energy, memory where present).
void BM_Query_AllMetricsOneDevice(benchmark::State& state, const char* scale, const char* device) {
  const auto& b = shipped(scale);
  std::vector<std::string> metrics;
  for (const auto& d : b.devices())
    if (d.name == device) metrics = d.metrics;
  if (metrics.empty()) {
    state.SkipWithError("device has no surrogates in data/surrogates");
    return;
  }
  hwgpt::Rng rng(1);
  const auto archs = hwgpt::space::sample_archs(b.space(), 256, rng);
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& a = archs[i++ % archs.size()];
    for (const auto& m : metrics) benchmark::DoNotOptimize(b.query(a, m, device));
  }
  state.counters["queries_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_Query_AllMetricsOneDevice, s_a100, "s", "a100")->Unit(benchmark::kMicrosecond);

// A batch of 1,000 archs, one metric: predictions per second on one core.
void BM_Query_Batch(benchmark::State& state, const char* scale, const char* metric, const char* device) {
  const auto& b = shipped(scale);
  hwgpt::Rng rng(1);
  const auto archs = hwgpt::space::sample_archs(b.space(), 1000, rng);
  try {
    (void)b.query(archs[0], metric, device);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(b.query(archs, metric, device));
  state.counters["predictions_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * archs.size()), benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_Query_Batch, s_latency_a100, "s", "latency_ms", "a100")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Query_Batch, s_perplexity, "s", "perplexity", "")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Query_Batch, s_params_analytic, "s", "params", "")->Unit(benchmark::kMillisecond);

}  // namespace
