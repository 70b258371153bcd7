// `hwgpt demo`: the main job at this stage. Samples architectures of every built-in scale and
// prints their closed-form metrics under each scale's default workload, then, where surrogates
// ship for a scale, what the benchmark predicts for them (perplexity, latency and energy on two
// of the original's devices, with 90 % intervals).
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <limits>

#include "commands.hpp"
#include "hwgpt/analytic/summary.hpp"
#include "hwgpt/benchmark/benchmark.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "hwgpt/space/sampling.hpp"

namespace hwgpt::cli {

int cmd_demo(const std::vector<std::string>& tokens) {
  const OptionSpec spec{{"--count", "--seed"}, {"--help"}, {{"-n", "--count"}}};
  const Args args("demo", tokens, spec);
  if (args.flag("--help")) {
    std::cout << "usage: hwgpt demo [-n|--count N (3)] [--seed K (1)]\n";
    return 0;
  }
  const auto n = static_cast<std::size_t>(args.integer("--count", 3, 1, 1000));
  const auto seed = static_cast<std::uint64_t>(args.integer("--seed", 1, 0, std::numeric_limits<long long>::max()));
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
  return 0;
}

}  // namespace hwgpt::cli
