// Resource bounds (issue 9, docs/RELIABILITY.md): resident memory, read from /proc/self/statm, of
//   1) a long loop of single-arch benchmark queries (default 10^7: mean perplexity and seeded
//      latency samples over the shipped scale-s surrogates), sampled 20 times; and
//   2) a search run (NSGA-II over params and FLOPs of scale s) as its evaluations grow, sampled
//      every 5 % of the budget, with the bytes the run's results hold per evaluation.
// Not a Google Benchmark program: it prints tables for the docs. Usage:
//   build/bench/reliability_bench [QUERIES (10000000)] [SEARCH_BUDGET (100000)]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include "hwgpt/benchmark/benchmark.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/search/arch_problem.hpp"
#include "hwgpt/search/run.hpp"
#include "hwgpt/space/sampling.hpp"
#include "hwgpt/space/search_space.hpp"

namespace {

double rss_mb() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return static_cast<double>(pages_resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)) / 1e6;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace hwgpt;
  const long queries = argc > 1 ? std::atol(argv[1]) : 10'000'000;
  const long budget = argc > 2 ? std::atol(argv[2]) : 100'000;
  const auto& space = space::SearchSpace::builtin("s");

  // 1) query loop
  std::printf("# query loop: %ld single-arch queries, scale s (perplexity mean, latency_ms@a100 sample:i)\n", queries);
  std::printf("%12s %10s %10s %12s\n", "queries", "rss_mb", "elapsed_s", "queries_per_s");
  const double rss_start = rss_mb();
  std::printf("%12d %10.2f %10.2f %12s\n", 0, rss_start, 0.0, "-");
  auto bench = std::make_shared<benchmark::Benchmark>(benchmark::Benchmark::load(space, benchmark::default_surrogate_dir()));
  Rng rng(1);
  const auto archs = space::sample_archs(space, 1000, rng);
  const auto start = std::chrono::steady_clock::now();
  double checksum = 0, rss_min = 1e300, rss_max = 0;
  for (long i = 1; i <= queries; ++i) {
    const auto& arch = archs[static_cast<std::size_t>(i) % archs.size()];
    checksum += (i & 1) ? bench->query(arch, "perplexity")
                        : bench->query(arch, "latency_ms", "a100", benchmark::Query::sample(static_cast<std::uint64_t>(i)));
    if (i % (queries / 20 > 0 ? queries / 20 : 1) == 0) {
      const double rss = rss_mb(), t = seconds_since(start);
      rss_min = std::min(rss_min, rss);
      rss_max = std::max(rss_max, rss);
      std::printf("%12ld %10.2f %10.2f %12.0f\n", i, rss, t, static_cast<double>(i) / t);
      std::fflush(stdout);
    }
  }
  std::printf("# rss before loading the surrogates %.2f MB; over the loop min %.2f, max %.2f MB (spread %.3f MB); checksum %.6g\n\n",
              rss_start, rss_min, rss_max, rss_max - rss_min, checksum);

  // 2) a search run's memory as its results grow
  std::printf("# search: nsga2, scale s, objectives params+flops, budget %ld\n", budget);
  std::printf("%12s %10s %10s\n", "evaluations", "rss_mb", "elapsed_s");
  const search::Problem problem(search::ArchProblem(space, {"params", "flops"}));
  search::RunConfig config;
  config.budget = static_cast<std::size_t>(budget);
  const double rss_before = rss_mb();
  const auto search_start = std::chrono::steady_clock::now();
  double next = 0;
  const auto result = search::run_search(problem, config, [&](double spent, double, double) {
    if (spent + 1e-9 < next) return;
    next += static_cast<double>(budget) / 20;
    std::printf("%12.0f %10.2f %10.2f\n", spent, rss_mb(), seconds_since(search_start));
    std::fflush(stdout);
  });
  std::size_t result_bytes = 0;
  for (const auto& e : result.evaluations)
    result_bytes += sizeof e + e.description.capacity() + e.objectives.capacity() * sizeof(double) +
                    e.genome.size() * sizeof(e.genome[0]);
  result_bytes += result.hv_curve.capacity() * sizeof(double);
  std::printf("# rss before %.2f MB, after %.2f MB: %.0f bytes per evaluation; the results hold %zu bytes "
              "(%.0f per evaluation)\n",
              rss_before, rss_mb(), (rss_mb() - rss_before) * 1e6 / static_cast<double>(budget), result_bytes,
              static_cast<double>(result_bytes) / static_cast<double>(budget));
  return 0;
}
