// The command table (see command_table.hpp).
#include "command_table.hpp"

#include "commands.hpp"

namespace hwgpt::cli {

const std::vector<Command>& command_table() {
  static const std::vector<Command> table = {
      {"space", Needs::kLight, false,
       "  space info      [--scale S | --space-file F] [--json]     choices, size, canonical archs\n"
       "  space count     [--scale S | --space-file F] [--json]     exact number of architectures\n"
       "  space sample    [--scale S | --space-file F] [-n N] [--seed K] [--mode per-choice|uniform]\n"
       "                  [--unique] [--json]                        seeded random architectures\n"
       "  space validate  [--scale S | --space-file F] ARCH... (or lines on stdin)\n"
       "  space encode    --arch A [--encoding feature-map|one-hot|ordinal] [--json]\n"
       "  space mutate    --arch A [--seed K] [-n N]                 random one-choice mutations\n"
       "  space neighbours --arch A                                   all archs one choice away\n"},
      {"analyze", Needs::kLight, false,
       "  analyze         --arch A [--batch B] [--seq T] [--dtype D] [--variant hwgpt|original] [--json]\n"
       "                                                             params, FLOPs, memory in closed form\n"},
      {"query", Needs::kLight, false,
       "  query           --scale S (--arch A | --archs FILE) --metric M [--device D]\n"
       "                  [--mode mean|quantile:Q|sample:SEED] [--json]   benchmark query\n"},
      {"devices", Needs::kLight, false,
       "  devices         [--scale S] [--json]                       devices with surrogates\n"},
      {"metrics", Needs::kLight, false,
       "  metrics         [--scale S] [--json]                       metrics, units, sources\n"},
      {"store", Needs::kLight, false,
       "  store info      --db PATH [--json]                         contents of a measurement store\n"
       "  store import    --db PATH --from DIR [--rows N]            the original's raw CSV data, our units\n"
       "  store export    --db PATH [--what samples|perplexities] [--format csv|json] [filters] [--out F]\n"
       "  store merge     --db INTO FROM...                          combine stores of several machines\n"},
      {"search", Needs::kLight, false,
       "  search          [--scale S] [--objectives max:params,kv_cache_mb] [--algorithm A]\n"
       "                  [--budget N] [--seed K] [--out DIR] [--json]\n"
       "                  [--test-problem zdt1|zdt2|dtlz2]           one seeded multi-objective search\n"
       "                  (algorithms: rs ls nsga2 morea lsbo rsbo ehvi moasha)\n"},
      {"study", Needs::kLight, true,
       "  study           --config FILE [--threads N]                algorithms x seeds x problems, resumable\n"
       "                                                             (mpirun -np R hwgpt study: runs over R ranks)\n"},
      {"report", Needs::kLight, false,
       "  report          (--study DIR | --benchmark S) [--out FILE] [--png DIR] [--db STORE]\n"
       "                                                             HTML report (inline SVG), PNG per figure\n"},
      {"profile", Needs::kFull, false,
       "  profile         --scale S (--archs FILE | --sample N) --db PATH --device NAME [--compute cpu|cuda]\n"
       "                  [--batch B --seq T] [--threads N]          latency, decode, energy, memory; resumable\n"},
      {"fit", Needs::kFull, false,
       "  fit             --db PATH --scale S --out DIR [--device D] [--metric M]\n"
       "                                                             surrogates with calibrated intervals\n"},
      {"train", Needs::kFull, true,
       "  train           --corpus FILE --checkpoint C [--steps N] [--batch B] [--seq T] [--seed S]\n"
       "                  [--compute cpu|cuda] ...                   sandwich-rule supernet training, resumable\n"
       "                                                             (mpirun -np R hwgpt train: data-parallel)\n"},
      {"eval", Needs::kFull, false,
       "  eval            --checkpoint C --corpus FILE (--archs FILE | --sample N [--seed S]) [--out CSV]\n"
       "                  [--compute cpu|cuda]                       perplexity/accuracy on the nas-eval split\n"},
      {"generate", Needs::kFull, false,
       "  generate        --checkpoint C --arch A --prompt TEXT [--tokens N] [--temperature X] [--seed S]\n"
       "                                                             text from an extracted sub-network (KV cache)\n"},
      {"pipeline", Needs::kFull, false,
       "  pipeline        --scale t --corpus FILE --out DIR [--fast] corpus -> supernet -> eval -> profile -> fit\n"
       "                                                             -> study, each step resumable\n"},
      {"demo", Needs::kLight, false,
       "  demo            [-n N] [--seed K]                          sample archs of every scale, analyze,\n"
       "                                                             query; a study and its report\n"},
      {"data", Needs::kFull, false,
       "  data prepare    --corpus PATH --tokenizer bytes|gpt2 --out DIR [--seed K] [--split-unit U] [--json]\n"
       "                                                             token shard with train/validation/NAS-eval splits\n"
       "  data info       DIR [--json]                               check a shard, print its size and splits\n"
       "  data fetch      NAME [--out PATH] | --url U --sha256 H --out PATH | --list\n"
       "                                                             download a corpus, verify its SHA-256\n"},
      {"tokenize", Needs::kFull, false,
       "  tokenize        [--tokenizer gpt2|bytes] [--text T] [--decode] [--json]\n"
       "                                                             text -> ids (stdin by default), or ids -> text\n"},
  };
  return table;
}

const Command* find_command(std::string_view name) {
  for (const auto& c : command_table())
    if (name == c.name) return &c;
  return nullptr;
}

Runner light_runner(std::string_view name) {
  if (name == "space") return cmd_space;
  if (name == "analyze") return cmd_analyze;
  if (name == "query") return cmd_query;
  if (name == "devices") return cmd_devices;
  if (name == "metrics") return cmd_metrics;
  if (name == "store") return cmd_store;
  if (name == "search") return cmd_search;
  if (name == "study") return cmd_study;
  if (name == "report") return cmd_report;
  if (name == "demo") return cmd_demo;
  return nullptr;
}

std::string usage_text() {
  std::string text =
      "hwgpt: hardware-aware benchmark for GPT-style architectures\n\n"
      "usage: hwgpt <command> [options]\n\ncommands:\n";
  for (const auto& c : command_table()) text += c.usage;
  text +=
      "\nBuilt-in spaces: t, s, m, l, s_wide, m_wide, l_wide. Device and metric names match in any case.\n"
      "--device is always a benchmark device (h100, a100, epyc-2vcpu, ...); the hardware a command\n"
      "computes on is --compute cpu|cuda. --seed defaults to 1 everywhere.\n"
      "Run `hwgpt <command> --help` for details.\n";
  return text;
}

std::string command_names() {
  std::string out;
  const auto& table = command_table();
  for (std::size_t i = 0; i < table.size(); ++i)
    out += std::string(i == 0 ? "" : (i + 1 == table.size() ? " or " : ", ")) + table[i].name;
  return out;
}

}  // namespace hwgpt::cli
