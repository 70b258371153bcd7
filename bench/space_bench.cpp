// Throughput of sampling, string round trips and encodings. Run:
//   build/bench/space_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include "hwgpt/core/rng.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "hwgpt/space/encoding.hpp"
#include "hwgpt/space/sampling.hpp"

namespace {

using hwgpt::space::SearchSpace;

void rate(benchmark::State& state) {
  state.counters["archs_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                     benchmark::Counter::kIsRate);
}

void BM_Sample_PerChoice(benchmark::State& state, const char* scale) {
  const auto& space = SearchSpace::builtin(scale);
  hwgpt::Rng rng(1);
  for (auto _ : state) benchmark::DoNotOptimize(hwgpt::space::sample_arch(space, rng));
  rate(state);
}
BENCHMARK_CAPTURE(BM_Sample_PerChoice, s, "s");
BENCHMARK_CAPTURE(BM_Sample_PerChoice, l, "l");

void BM_ArchString_RoundTrip(benchmark::State& state, const char* scale) {
  const auto& space = SearchSpace::builtin(scale);
  hwgpt::Rng rng(1);
  std::vector<std::string> strings;
  for (int i = 0; i < 1024; ++i) strings.push_back(hwgpt::space::format_arch(hwgpt::space::sample_arch(space, rng)));
  std::size_t i = 0;
  for (auto _ : state) {
    auto arch = hwgpt::space::parse_arch(strings[i++ % strings.size()], space);
    benchmark::DoNotOptimize(hwgpt::space::format_arch(arch));
  }
  rate(state);
}
BENCHMARK_CAPTURE(BM_ArchString_RoundTrip, s, "s");
BENCHMARK_CAPTURE(BM_ArchString_RoundTrip, l, "l");

void BM_Encode(benchmark::State& state, hwgpt::space::Encoding encoding) {
  const auto& space = SearchSpace::builtin("s");
  hwgpt::Rng rng(1);
  const auto archs = hwgpt::space::sample_archs(space, 1024, rng);
  std::vector<double> out(hwgpt::space::encoding_length(encoding, space));
  std::size_t i = 0;
  for (auto _ : state) {
    hwgpt::space::encode(archs[i++ % archs.size()], space, encoding, out);
    benchmark::DoNotOptimize(out.data());
  }
  rate(state);
}
BENCHMARK_CAPTURE(BM_Encode, s_feature_map, hwgpt::space::Encoding::kFeatureMap);
BENCHMARK_CAPTURE(BM_Encode, s_one_hot, hwgpt::space::Encoding::kOneHot);
BENCHMARK_CAPTURE(BM_Encode, s_ordinal, hwgpt::space::Encoding::kOrdinal);

}  // namespace
