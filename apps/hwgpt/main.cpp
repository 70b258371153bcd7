// hwgpt: the command-line interface. Dispatches to one cmd_<name>.cpp per subcommand and turns
// every hwgpt::Error into `error: …` on stderr with a non-zero exit, never a stack trace.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/train/mpi_world.hpp"

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
  query           --scale S (--arch A | --archs FILE) --metric M [--device D]
                  [--mode mean|quantile:Q|sample:SEED] [--json]   benchmark query
  devices         [--scale S] [--json]                       devices with surrogates
  metrics         [--scale S] [--json]                       metrics, units, sources
  store info      --db PATH [--json]                         contents of a measurement store
  store import    --db PATH --from DIR [--rows N]            the original's raw CSV data, our units
  store export    --db PATH [--what samples|perplexities] [--format csv|json] [filters] [--out F]
  store merge     --db INTO FROM...                          combine stores of several machines
  profile         --scale S (--archs FILE | --sample N) --db PATH [--batch B --seq T] [--threads N]
                                                             latency, decode, energy, memory; resumable
  fit             --db PATH --scale S --out DIR [--device D] [--metric M]
                                                             surrogates with calibrated intervals
  train           --corpus FILE --checkpoint C [--steps N] [--batch B] [--seq T] [--seed S] ...
                                                             sandwich-rule supernet training, resumable
                                                             (mpirun -np R hwgpt train: data-parallel)
  eval            --checkpoint C --corpus FILE (--archs FILE | --sample N [--seed S]) [--out CSV]
                                                             perplexity/accuracy on the nas-eval split
  generate        --checkpoint C --arch A --prompt TEXT [--tokens N] [--temperature X] [--seed S]
                                                             text from an extracted sub-network (KV cache)
  pipeline        --scale t --corpus FILE --out DIR [--fast] corpus -> supernet -> eval -> profile -> fit
                                                             -> study, each step resumable
  demo            [-n N] [--seed K]                          sample archs of every scale, analyze
  search          [--scale S] [--objectives max:params,kv_cache_mb] [--algorithm A]
                  [--budget N] [--seed K] [--out DIR] [--json]
                  [--test-problem zdt1|zdt2|dtlz2]           one seeded multi-objective search
                  (algorithms: rs ls nsga2 morea lsbo rsbo ehvi moasha)
  study           --config FILE [--threads N]                algorithms x seeds x problems, resumable
                                                             (mpirun -np R hwgpt study: runs over R ranks)
  report          (--study DIR | --benchmark S) [--out FILE] [--png DIR] [--db STORE]
                                                             HTML report (inline SVG), PNG per figure
  data prepare    --corpus PATH --tokenizer bytes|gpt2 --out DIR [--seed K] [--split-unit U] [--json]
                                                             token shard with train/validation/NAS-eval splits
  data info       DIR [--json]                               check a shard, print its size and splits
  data fetch      NAME [--out PATH] | --url U --sha256 H --out PATH | --list
                                                             download a corpus, verify its SHA-256
  tokenize        [--tokenizer gpt2|bytes] [--text T] [--decode] [--json]
                                                             text -> ids (stdin by default), or ids -> text

Built-in spaces: t, s, m, l, s_wide, m_wide, l_wide. Run `hwgpt <command> --help` for details.
)";

// Under mpirun, a rank that fails must end the job: the others would wait in a collective forever.
int fail(int code) {
  if (hwgpt::train::mpi_active() && hwgpt::train::world().size() > 1) {
    std::cerr << std::flush;
    hwgpt::train::world().abort(code);
  }
  return code;
}

// Runs one subcommand; bad input becomes `error: …` and exit code 1.
int run_command(const std::string& command, const std::vector<std::string>& rest) {
  try {
    if (command == "space") return hwgpt::cli::cmd_space(rest);
    if (command == "analyze") return hwgpt::cli::cmd_analyze(rest);
    if (command == "demo") return hwgpt::cli::cmd_demo(rest);
    if (command == "store") return hwgpt::cli::cmd_store(rest);
    if (command == "fit") return hwgpt::cli::cmd_fit(rest);
    if (command == "profile") return hwgpt::cli::cmd_profile(rest);
    if (command == "query") return hwgpt::cli::cmd_query(rest);
    if (command == "devices") return hwgpt::cli::cmd_devices(rest);
    if (command == "metrics") return hwgpt::cli::cmd_metrics(rest);
    if (command == "search") return hwgpt::cli::cmd_search(rest);
    if (command == "study") return hwgpt::cli::cmd_study(rest);
    if (command == "report") return hwgpt::cli::cmd_report(rest);
    if (command == "train") return hwgpt::cli::cmd_train(rest);
    if (command == "eval") return hwgpt::cli::cmd_eval(rest);
    if (command == "generate") return hwgpt::cli::cmd_generate(rest);
    if (command == "data") return hwgpt::cli::cmd_data(rest);
    if (command == "tokenize") return hwgpt::cli::cmd_tokenize(rest);
    if (command == "pipeline") return hwgpt::cli::cmd_pipeline(rest);
    std::cerr << "error: unknown command '" << command
              << "'; expected space, analyze, query, devices, metrics, search, study, report, store, fit, profile, "
                 "data, tokenize, train, eval, generate, pipeline or demo (see hwgpt --help)\n";
    return 2;
  } catch (const hwgpt::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return fail(1);
  } catch (const std::exception& e) {
    std::cerr << "error: internal: " << e.what() << "\n";
    return fail(3);
  }
}
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
  const int code = run_command(command, rest);
  // A full disk (or a closed pipe) under stdout must not pass as success: results a script reads
  // from stdout would be lost without a word.
  std::cout.flush();
  if (!std::cout || std::fflush(stdout) != 0) {
    std::cerr << "error: writing standard output failed (disk full or output closed?)\n";
    return code == 0 ? 1 : code;
  }
  return code;
}
