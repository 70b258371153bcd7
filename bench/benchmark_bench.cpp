// Query speed of the shipped benchmark (data/surrogates). Run:
//   build/bench/benchmark_bench --benchmark_min_time=1 [--isa=default|avx2|avx512]
// --isa forces the surrogate kernels' instruction-set level (surrogate/isa.hpp; at most what the
// CPU has), so one machine measures every level; the level used is printed in the context.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "hwgpt/benchmark/benchmark.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/space/sampling.hpp"
#include "hwgpt/surrogate/features.hpp"
#include "hwgpt/surrogate/isa.hpp"
#include "hwgpt/surrogate/surrogate.hpp"

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

// One arch, one metric: the latency of a single query (perplexity's model is the largest).
void BM_Query_One(benchmark::State& state, const char* scale, const char* metric, const char* device) {
  const auto& b = shipped(scale);
  hwgpt::Rng rng(1);
  const auto archs = hwgpt::space::sample_archs(b.space(), 256, rng);
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(b.query(archs[i++ % archs.size()], metric, device));
}
BENCHMARK_CAPTURE(BM_Query_One, s_perplexity, "s", "perplexity", "")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Query_One, s_latency_a100, "s", "latency_ms", "a100")->Unit(benchmark::kMicrosecond);

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
// A hardware model whose validation chose boosted trees alone (a100's chose trees + MLP).
BENCHMARK_CAPTURE(BM_Query_Batch, s_latency_rtx2080, "s", "latency_ms", "rtx2080")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Query_Batch, s_perplexity, "s", "perplexity", "")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Query_Batch, s_params_analytic, "s", "params", "")->Unit(benchmark::kMillisecond);

}  // namespace

namespace {

// The two parts of a batch query on their own: the feature matrix (encoding and closed-form
// features of every arch), and the predictor (a100 latency: trees + MLP) over a precomputed matrix.
const hwgpt::surrogate::Surrogate& latency_a100_s() {
  static const auto s = hwgpt::surrogate::Surrogate::load(
      hwgpt::benchmark::default_surrogate_dir() / "s" / "latency_ms@a100.hsur", "s");
  return s;
}

std::vector<double> feature_rows(const std::vector<hwgpt::space::Arch>& archs) {
  const auto& s = latency_a100_s();
  const auto& space = SearchSpace::builtin("s");
  const std::size_t width = hwgpt::surrogate::feature_count(s.info().features, space);
  std::vector<double> rows(archs.size() * width);
  for (std::size_t i = 0; i < archs.size(); ++i)
    hwgpt::surrogate::features(archs[i], space, s.info().features, std::span(rows).subspan(i * width, width));
  return rows;
}

void BM_Batch_FeaturesOnly(benchmark::State& state) {
  hwgpt::Rng rng(1);
  const auto archs = hwgpt::space::sample_archs(SearchSpace::builtin("s"), 1000, rng);
  for (auto _ : state) benchmark::DoNotOptimize(feature_rows(archs));
  state.counters["archs_per_s"] = benchmark::Counter(static_cast<double>(state.iterations() * 1000), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Batch_FeaturesOnly)->Unit(benchmark::kMillisecond);

// One arch's features at each scale (encoding and the 7 closed-form features): the part of every
// query that does not depend on the model, so its cost bounds every file's throughput (an l arch
// has up to 36 layers to validate, encode and sum over).
void BM_Features(benchmark::State& state, const char* scale, hwgpt::space::Encoding encoding) {
  const auto& space = SearchSpace::builtin(scale);
  hwgpt::Rng rng(1);
  const auto archs = hwgpt::space::sample_archs(space, 256, rng);
  hwgpt::surrogate::FeatureConfig config;
  config.encoding = encoding;
  config.analytic = true;
  std::vector<double> row(hwgpt::surrogate::feature_count(config, space));
  std::size_t i = 0;
  for (auto _ : state) {
    hwgpt::surrogate::features(archs[i++ % archs.size()], space, config, row);
    benchmark::DoNotOptimize(row.data());
  }
}
BENCHMARK_CAPTURE(BM_Features, s_one_hot, "s", hwgpt::space::Encoding::kOneHot)->Unit(benchmark::kNanosecond);
BENCHMARK_CAPTURE(BM_Features, l_one_hot, "l", hwgpt::space::Encoding::kOneHot)->Unit(benchmark::kNanosecond);
BENCHMARK_CAPTURE(BM_Features, l_ordinal, "l", hwgpt::space::Encoding::kOrdinal)->Unit(benchmark::kNanosecond);

void BM_Batch_PredictorOnly(benchmark::State& state, bool batched) {
  hwgpt::Rng rng(1);
  const auto rows = feature_rows(hwgpt::space::sample_archs(SearchSpace::builtin("s"), 1000, rng));
  const auto& s = latency_a100_s();
  const std::size_t width = rows.size() / 1000;
  std::vector<double> out(1000);
  for (auto _ : state) {
    if (batched) {
      s.predict_log_batch(rows, width, out);
    } else {
      for (std::size_t i = 0; i < 1000; ++i) out[i] = s.predict_log(std::span(rows).subspan(i * width, width));
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["predictions_per_s"] = benchmark::Counter(static_cast<double>(state.iterations() * 1000), benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_Batch_PredictorOnly, batched, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Batch_PredictorOnly, one_by_one, false)->Unit(benchmark::kMillisecond);

}  // namespace

namespace {

// One batch benchmark per shipped model file (data/surrogates/<scale>/<metric>[@<device>].hsur),
// named EveryModel/<scale>/<file stem>, so `--benchmark_filter=EveryModel` checks the >= 1 M/s
// goal for all of them at one level. Files are listed, not loaded, here: a run that filters them
// out pays nothing.
void register_every_model() {
  namespace fs = std::filesystem;
  for (const char* scale : {"t", "s", "m", "l"}) {
    const fs::path dir = hwgpt::benchmark::default_surrogate_dir() / scale;
    if (!fs::is_directory(dir)) continue;
    std::vector<std::string> stems;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".hsur") stems.push_back(e.path().stem().string());
    std::sort(stems.begin(), stems.end());
    for (const auto& stem : stems) {
      const auto at = stem.find('@');
      std::string metric = stem.substr(0, at);
      std::string device = at == std::string::npos ? "" : stem.substr(at + 1);
      benchmark::RegisterBenchmark(("EveryModel/" + std::string(scale) + "/" + stem).c_str(),
                                   [scale, metric, device](benchmark::State& st) {
                                     BM_Query_Batch(st, scale, metric.c_str(), device.c_str());
                                   })
          ->Unit(benchmark::kMillisecond);
    }
  }
}

}  // namespace

// Google Benchmark's main, after taking --isa=LEVEL off the command line.
int main(int argc, char** argv) {
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with("--isa=")) {
      hwgpt::surrogate::set_isa_level(hwgpt::surrogate::parse_isa_level(arg.substr(6)));
      continue;
    }
    args.push_back(argv[i]);
  }
  int count = static_cast<int>(args.size());
  benchmark::AddCustomContext("isa_level", std::string(hwgpt::surrogate::isa_name(hwgpt::surrogate::isa_level())));
  benchmark::AddCustomContext("isa_max", std::string(hwgpt::surrogate::isa_name(hwgpt::surrogate::max_isa_level())));
  register_every_model();
  benchmark::Initialize(&count, args.data());
  if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
