// `hwgpt demo`: the main job at this stage. Samples architectures of every built-in scale and
// prints their closed-form metrics under each scale's default workload.
#include <cstdio>
#include <iostream>
#include <limits>

#include "commands.hpp"
#include "hwgpt/analytic/summary.hpp"
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
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace hwgpt::cli
