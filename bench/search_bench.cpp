// Speed of the search module: exact hypervolume at the sizes (mutually non-dominated
// points on the unit sphere, as moocore's benchmarks), the incremental HV curve, and runs.
#include <benchmark/benchmark.h>

#include "../tests/search/search_test_util.hpp"
#include "hwgpt/search/hypervolume.hpp"
#include "hwgpt/search/run.hpp"
#include "hwgpt/search/test_problems.hpp"

namespace {

using namespace hwgpt::search;

void BM_Hypervolume_Sphere(benchmark::State& state) {
  const auto d = static_cast<std::size_t>(state.range(0)), n = static_cast<std::size_t>(state.range(1));
  const auto v = test::sphere_points(n, d, 1);
  const std::vector<double> ref(d, 1.1);
  for (auto _ : state) benchmark::DoNotOptimize(hypervolume({v, d}, ref));
  state.counters["points"] = static_cast<double>(n);
}
BENCHMARK(BM_Hypervolume_Sphere)->Args({2, 1'000'000})->Args({3, 100'000})->Args({4, 10'000})->Args({5, 1'000})
    ->Args({6, 500})->Unit(benchmark::kMillisecond);

// The HV-versus-evaluations curve of 10,000 evaluations (uniform random points: the archive keeps
// only the non-dominated ones), against one batch computation of the same set.
void BM_HypervolumeCurve_Random(benchmark::State& state) {
  const auto d = static_cast<std::size_t>(state.range(0)), n = static_cast<std::size_t>(state.range(1));
  const auto v = test::random_points(n, d, 2);
  const std::vector<double> ref(d, 1.1);
  for (auto _ : state) benchmark::DoNotOptimize(hypervolume_curve({v, d}, ref));
}
BENCHMARK(BM_HypervolumeCurve_Random)->Args({2, 10'000})->Args({3, 10'000})->Args({4, 10'000})->Unit(benchmark::kMillisecond);

void BM_Hypervolume_Random(benchmark::State& state) {
  const auto d = static_cast<std::size_t>(state.range(0)), n = static_cast<std::size_t>(state.range(1));
  const auto v = test::random_points(n, d, 2);
  const std::vector<double> ref(d, 1.1);
  for (auto _ : state) benchmark::DoNotOptimize(hypervolume({v, d}, ref));
}
BENCHMARK(BM_Hypervolume_Random)->Args({2, 10'000})->Args({3, 10'000})->Args({4, 10'000})->Unit(benchmark::kMillisecond);

}  // namespace
