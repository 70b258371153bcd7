// `hwgpt demo`: the main job. (1) Samples architectures of every built-in scale and prints their
// closed-form metrics and, where surrogates ship, the benchmark's predictions with 90 % intervals;
// (2) runs a small study on the shipped benchmark of scale s (the eight algorithms on perplexity
// versus latency on one GPU, a few seeds; resumable), and (3) writes its HTML report and prints
// where it is.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <limits>
#include <map>

#include "commands.hpp"
#include "hwgpt/analytic/summary.hpp"
#include "hwgpt/benchmark/benchmark.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/report/png_export.hpp"
#include "hwgpt/report/report_builder.hpp"
#include "hwgpt/report/statistics.hpp"
#include "hwgpt/search/optimizer.hpp"
#include "hwgpt/search/run.hpp"
#include "hwgpt/search/study.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "hwgpt/space/sampling.hpp"

namespace hwgpt::cli {
namespace {

void print_scales(std::size_t n, std::uint64_t seed) {
  for (const char* name : {"t", "s", "m", "l"}) {
    const auto& s = space::SearchSpace::builtin(name);
    const auto w = analytic::default_workload(s);
    std::cout << "== scale " << name << ": " << s.size().to_decimal() << " architectures; workload batch "
              << w.batch << " x " << w.sequence_length << " tokens, float32 (seed " << seed << ")\n";
    std::printf("%-9s %12s %14s %12s %12s %14s\n", "", "params", "fwd FLOPs", "weights MB",
                "KV MB", "activ. MB");
    std::fflush(stdout);
    Rng rng(seed);
    std::vector<std::pair<std::string, space::Arch>> rows = {{"smallest", s.smallest_arch()},
                                                             {"mid", s.mid_arch()},
                                                             {"largest", s.largest_arch()}};
    for (std::size_t i = 0; i < n; ++i) rows.emplace_back("sample " + std::to_string(i + 1), space::sample_arch(s, rng));
    for (const auto& [label, arch] : rows) {
      const auto m = analytic::analyze(arch, s, w);
      std::printf("%-9s %12s %14s %12.1f %12.1f %14.1f\n", label.c_str(),
                  human_count(static_cast<double>(m.params.total)).c_str(),
                  human_count(static_cast<double>(m.forward.total)).c_str(),
                  static_cast<double>(m.weight_bytes) / 1e6, static_cast<double>(m.kv_cache_bytes) / 1e6,
                  static_cast<double>(m.activation_bytes) / 1e6);
      if (label.rfind("sample", 0) == 0) std::printf("          %s\n", space::format_arch(arch).c_str());
    }
    const auto bench = benchmark::Benchmark::load(s, benchmark::default_surrogate_dir());
    const auto has = [&](const std::string& metric, const std::string& device) {
      try {
        (void)bench.query(s.smallest_arch(), metric, device);
        return true;
      } catch (const Error&) {  // no surrogate for it at this scale
        return false;
      }
    };
    const std::vector<std::pair<std::string, std::string>> wanted = {
        {"perplexity", ""}, {"latency_ms", "h100"}, {"energy_mj", "h100"}, {"latency_ms", "cpu_xeon_gold"}};
    std::vector<std::pair<std::string, std::string>> shown;
    for (const auto& want : wanted)
      if (has(want.first, want.second)) shown.push_back(want);
    if (!shown.empty()) {
      std::printf("  benchmark predictions (median [5 %%, 95 %%]):\n");
      for (const auto& [label, arch] : rows) {
        std::printf("  %-9s", label.c_str());
        for (const auto& [metric, device] : shown) {
          const double mid = bench.query(arch, metric, device);
          const double low = bench.query(arch, metric, device, benchmark::Query::quantile(0.05));
          const double high = bench.query(arch, metric, device, benchmark::Query::quantile(0.95));
          std::printf("  %s%s%s %.4g [%.4g, %.4g]", metric.c_str(), device.empty() ? "" : "@", device.c_str(), mid, low, high);
        }
        std::printf("\n");
      }
    }
    std::fflush(stdout);
  }
}

}  // namespace

int cmd_demo(const std::vector<std::string>& tokens) {
  const OptionSpec spec{{"--count", "--seed", "--out", "--device", "--budget", "--seeds", "--threads",
                         "--png"},
                        {"--help", "--no-study"},
                        {{"-n", "--count"}}};
  const Args args("demo", tokens, spec);
  if (args.flag("--help")) {
    std::cout << "usage: hwgpt demo [-n|--count N (3)] [--seed K (1)] [--out DIR (hwgpt-demo)] [--device D (h100)]\n"
                 "                  [--budget N (300)] [--seeds R (5)] [--threads N (all cores)]\n"
                 "                  [--png DIR] [--no-study]\n"
                 "Prints sampled archs of every scale with closed-form metrics and benchmark predictions, then runs\n"
                 "a study on scale s's shipped benchmark: the eight algorithms (rs ls nsga2 morea lsbo rsbo ehvi\n"
                 "moasha) minimising perplexity and latency@D, seeds 1..R, N evaluations per run for every algorithm\n"
                 "(the Bayesian ones fit their GP to the 64 most recent evaluations: configs/paper-grid.json's\n"
                 "setting, of which this study is one cell), written to DIR (resumable: a rerun skips finished\n"
                 "runs), and writes DIR/report.html, whose path it prints last.\n";
    return 0;
  }
  const auto n = static_cast<std::size_t>(args.integer("--count", 3, 1, 1000));
  const auto seed = args.seed();
  print_scales(n, seed);
  if (args.flag("--no-study")) return 0;

  search::StudyConfig config;
  search::ProblemSpec problem;
  problem.space = "s";
  const std::string device = args.value_or("--device", "h100");
  problem.objectives = {"perplexity", "latency@" + device};
  config.problems = {problem};
  config.algorithms = search::optimizer_names();
  const auto seeds = args.integer("--seeds", 5, 1, 100);
  for (long long k = 1; k <= seeds; ++k) config.seeds.push_back(static_cast<std::uint64_t>(k));
  config.budget = static_cast<std::size_t>(args.integer("--budget", 300, 1, 1000000));
  config.options.gp_max_points = 64;  // as configs/paper-grid.json (docs/SEARCH.md, "Equal budgets")
  config.threads = static_cast<std::size_t>(args.integer("--threads", 0, 0, 4096));
  // The same checks as a config file gets: a bad device fails here, before any run starts.
  config = search::parse_study_config(search::study_config_to_json(config), "demo");
  config.output = args.value_or("--out", "hwgpt-demo");

  std::cout << "\n== study: " << config.algorithms.size() << " algorithms x " << config.seeds.size()
            << " seeds on scale s, minimising perplexity and latency@" << device << " (" << config.budget
            << " evaluations per run, every algorithm) -> " << config.output.string() << "\n" << std::flush;
  const auto start = std::chrono::steady_clock::now();
  search::run_study(config, &std::cerr);
  const double study_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  report::StudyReportOptions options;
  options.study = config.output;
  const report::Report r = report::study_report(options);
  const auto html = config.output / "report.html";
  search::write_file_atomically(html, report::render_html(r));
  if (auto png = args.value("--png")) report::export_pngs(report::all_figures(r), *png);
  const double total_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::printf("%-10s %5s %10s %20s\n", "algorithm", "rank", "mean HV", "95 % CI");
  for (const auto& row : report::rank_algorithms(report::load_study(config.output)))
    std::printf("%-10s %5d %10.4f   [%.4f, %.4f]\n", row.algorithm.c_str(), row.rank, row.mean_hv.estimate,
                row.mean_hv.low, row.mean_hv.high);
  std::printf("study %.1f s, report %.1f s\nreport: %s\n", study_s, total_s - study_s,
              std::filesystem::absolute(html).lexically_normal().string().c_str());
  return 0;
}

}  // namespace hwgpt::cli
