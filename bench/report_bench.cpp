// Speed of the report module on a realistic study: reading the folder back, computing the
// figures, rendering the HTML, and the benchmark section's Kendall tau heat map. The study (scale s,
// perplexity vs latency@h100, rs/ls/nsga2/morea/moasha, 5 seeds x 2,000 evaluations: 50,000
// evaluations, as the demo's non-BO runs) is run once before the benchmarks, in a temporary folder.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <filesystem>

#include "hwgpt/report/benchmark_section.hpp"
#include "hwgpt/report/report_builder.hpp"
#include "hwgpt/report/study_figures.hpp"
#include "hwgpt/search/study.hpp"

namespace {

using namespace hwgpt::report;

const std::filesystem::path& study_dir() {
  static const std::filesystem::path dir = [] {
    const auto d = std::filesystem::temp_directory_path() / ("hwgpt_report_bench_" + std::to_string(::getpid()));
    std::filesystem::remove_all(d);
    auto config = hwgpt::search::parse_study_config(
        R"({"space": "s", "objective_sets": [["perplexity", "latency@h100"]],
            "algorithms": ["rs", "ls", "nsga2", "morea", "moasha"], "seeds": [1, 2, 3, 4, 5], "budget": 2000})");
    config.output = d;
    hwgpt::search::run_study(config);
    std::atexit([] { std::filesystem::remove_all(std::filesystem::temp_directory_path() /
                                                 ("hwgpt_report_bench_" + std::to_string(::getpid()))); });
    return d;
  }();
  return dir;
}

void BM_LoadStudy_25Runs(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(load_study(study_dir()));
}
BENCHMARK(BM_LoadStudy_25Runs)->Unit(benchmark::kMillisecond);

void BM_StudyFigures_25Runs(benchmark::State& state) {
  const StudyData study = load_study(study_dir());
  for (auto _ : state) benchmark::DoNotOptimize(study_figures(study));
}
BENCHMARK(BM_StudyFigures_25Runs)->Unit(benchmark::kMillisecond);

void BM_RenderHtml_StudyReport(benchmark::State& state) {
  StudyReportOptions o;
  o.study = study_dir();
  o.benchmark_section = false;
  const Report r = study_report(o);
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string html = render_html(r);
    bytes = html.size();
    benchmark::DoNotOptimize(html.data());
  }
  state.counters["html_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_RenderHtml_StudyReport)->Unit(benchmark::kMillisecond);

// The heat map of all 31 metric@device surrogates of s on `range(0)` sampled archs (no store).
void BM_BenchmarkSection_KendallTau(benchmark::State& state) {
  BenchmarkReportOptions o;
  o.space = "s";
  o.sample_size = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(benchmark_section(o));
}
BENCHMARK(BM_BenchmarkSection_KendallTau)->Arg(300)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace
