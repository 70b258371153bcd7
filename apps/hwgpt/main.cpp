// hwgpt: the command-line interface. Dispatches to one cmd_<name>.cpp per subcommand and turns
// every hwgpt::Error into `error: …` on stderr with a non-zero exit, never a stack trace.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "hwgpt/core/error.hpp"

namespace {

constexpr const char* kUsage = R"(hwgpt: hardware-aware benchmark for GPT-style architectures

usage: hwgpt <command> [options]

commands:
  space info      [--scale S | --space-file F] [--json]     choices, size, canonical archs
  space count     [--scale S | --space-file F] [--json]     exact number of architectures
  space sample    [--scale S | --space-file F] [-n N] [--seed K] [--mode per-choice|uniform]
                  [--unique] [--json]                        seeded random architectures
  space validate  [--scale S | --space-file F] ARCH... (or lines on stdin)
  space encode    --arch A [--encoding feature-map|one-hot|ordinal] [--json]
  space mutate    --arch A [--seed K] [-n N]                 random one-choice mutations
  space neighbours --arch A                                   all archs one choice away
  analyze         --arch A [--batch B] [--seq T] [--dtype D] [--variant hwgpt|original] [--json]
                                                             params, FLOPs, memory in closed form
  demo            [-n N] [--seed K]                          sample archs of every scale, analyze
  search          [--scale S] [--objectives max:params,kv_cache_mb] [--algorithm A]
                  [--budget N] [--seed K] [--out DIR] [--json]
                  [--test-problem zdt1|zdt2|dtlz2]           one seeded multi-objective search
  study           --config FILE [--threads N]                algorithms x seeds x problems, resumable
                  (algorithms: rs ls nsga2 morea lsbo rsbo ehvi moasha)

Built-in spaces: t, s, m, l, s_wide, m_wide, l_wide. Run `hwgpt <command> --help` for details.
)";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> tokens(argv + 1, argv + argc);
  if (tokens.empty() || tokens[0] == "--help" || tokens[0] == "-h" || tokens[0] == "help") {
    std::cout << kUsage;
    return tokens.empty() ? 2 : 0;
  }
  if (tokens[0] == "--version") {
    std::cout << "hwgpt 0.1.0\n";
    return 0;
  }
  const std::string command = tokens[0];
  const std::vector<std::string> rest(tokens.begin() + 1, tokens.end());
  try {
    if (command == "space") return hwgpt::cli::cmd_space(rest);
    if (command == "analyze") return hwgpt::cli::cmd_analyze(rest);
    if (command == "demo") return hwgpt::cli::cmd_demo(rest);
    if (command == "search") return hwgpt::cli::cmd_search(rest);
    if (command == "study") return hwgpt::cli::cmd_study(rest);
    std::cerr << "error: unknown command '" << command
              << "'; expected space, analyze, demo, search or study (see hwgpt --help)\n";
    return 2;
  } catch (const hwgpt::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: internal: " << e.what() << "\n";
    return 3;
  }
}
