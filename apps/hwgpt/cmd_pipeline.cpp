// `hwgpt pipeline`: the benchmark of scale t built end to end on this machine, as the sequence of
// CLI commands a user would type (each printed before it runs): check and split the corpus, train
// the supernet, evaluate sampled archs' perplexity, profile archs, fit surrogates, run a study
// over the fitted benchmark. Every step resumes or skips what is finished, so an interrupted
// pipeline continues when run again with the same options.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "hwgpt/core/atomic_file.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/profile/device_info.hpp"
#include "hwgpt/train/byte_corpus.hpp"
#include "hwgpt/train/mpi_world.hpp"

namespace hwgpt::cli {
namespace {

namespace fs = std::filesystem;

// The two settings. Full: the commands that made data/profiles and data/surrogates/t (see
// data/profiles/README.md, docs/VALIDITY.md). Fast: the same steps at toy size (tests; ~1 min).
struct Setting {
  std::vector<std::string> train, eval, profile, fit;
  std::string study_json;
};

Setting full_setting() {
  // strided layers: the rule t's shipped surrogates come from (docs/VALIDITY.md section 9)
  return {{"--steps", "2000", "--seed", "1", "--log-every", "50", "--eval-every", "250", "--layers", "strided"},
          // each arch fine-tuned 600 steps from its inherited weights (docs/VALIDITY.md section 4)
          {"--sample", "182", "--seed", "1", "--finetune-steps", "600", "--finetune-lr", "3e-4", "--finetune-warmup", "30"},
          {"--sample", "2000", "--seed", "1", "--warmup", "2", "--min-repeats", "7", "--max-repeats", "25",
           "--max-seconds", "5", "--decode-tokens", "16"},
          {},
          R"({"algorithms": ["rs", "ls", "nsga2", "morea"], "seeds": [1, 2, 3, 4, 5], "budget": 1000})"};
}

// 200 archs evaluated and profiled: `hwgpt fit` needs >= 100 per metric and >= 20 of them in its
// conformal calibration split (15 %).
Setting fast_setting() {
  return {{"--steps", "30", "--batch", "4", "--seq", "32", "--warmup", "5", "--seed", "1", "--log-every", "10",
           "--eval-every", "0", "--checkpoint-every", "10", "--layers", "strided"},
          {"--sample", "200", "--seed", "1", "--seq", "32", "--max-tokens", "128"},
          {"--sample", "200", "--seed", "1", "--batch", "1", "--seq", "32", "--warmup", "0", "--min-repeats", "1",
           "--max-repeats", "1", "--max-seconds", "1", "--decode-tokens", "0", "--no-memory"},
          {"--max-rounds", "25", "--threads", "1"},
          R"({"algorithms": ["rs", "nsga2"], "seeds": [1, 2], "budget": 150})"};
}

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Prints the step and its command, then runs it in this process.
void step(int number, const char* what, const char* name, int (*command)(const std::vector<std::string>&),
          const std::vector<std::string>& tokens) {
  std::string line = "hwgpt " + std::string(name);
  for (const auto& t : tokens) line += " " + t;
  std::cerr << "\npipeline: step " << number << "/7, " << what << ":\n  " << line << "\n" << std::flush;
  if (const int code = command(tokens); code != 0)
    throw Error("pipeline: step " + std::to_string(number) + " (" + what + ") exited with " + std::to_string(code));
}

// Step 1: the byte corpus and its 80/10/10 split, recorded once; a folder made from another corpus
// is refused (its checkpoint and results belong to that corpus).
void check_corpus(const fs::path& corpus, const fs::path& out) {
  std::cerr << "pipeline: step 1/7, corpus and splits: " << corpus.string() << "\n";
  const train::TokenSplits data = train::load_corpus(corpus);
  char fingerprint[17];
  std::snprintf(fingerprint, sizeof fingerprint, "%016llx", static_cast<unsigned long long>(data.fingerprint()));
  const nlohmann::json record = {{"corpus", fs::absolute(corpus).string()}, {"tokenizer", data.tokenizer},
                                 {"fingerprint", fingerprint}, {"train_tokens", data.train.size()},
                                 {"validation_tokens", data.validation.size()},
                                 {"nas_eval_tokens", data.nas_eval.size()}};
  const fs::path path = out / "corpus.json";
  if (std::ifstream in(path); in) {
    const auto old = nlohmann::json::parse(in, nullptr, false);
    if (old.is_discarded() || old.value("fingerprint", std::string()) != fingerprint)
      throw FileError("pipeline: '" + out.string() + "' was made from another corpus (" + path.string() +
                      " has fingerprint " + (old.is_discarded() ? std::string("?") : old.value("fingerprint", "?")) +
                      ", '" + corpus.string() + "' has " + fingerprint + "); use a new --out");
    std::cerr << "  (done: " << path.string() << ")\n";
    return;
  }
  write_file_atomically(path, record.dump(2) + "\n");
  std::cerr << "  " << data.train.size() << " train, " << data.validation.size() << " validation, "
            << data.nas_eval.size() << " nas-eval tokens -> " << path.string() << "\n";
}

}  // namespace

int cmd_pipeline(const std::vector<std::string>& tokens) {
  const Args args("pipeline", tokens, {{"--scale", "--corpus", "--out", "--threads", "--device"}, {"--fast", "--help"}, {}});
  if (args.flag("--help")) {
    std::cout << "usage: hwgpt pipeline --scale t --corpus FILE --out DIR [--fast] [--threads N (1)]\n"
                 "                      [--device NAME (from the CPU model)]\n"
                 "Builds the benchmark of scale t on this machine: 1) checks and splits the corpus,\n"
                 "2) trains the supernet (hwgpt train), 3) evaluates sampled archs on the nas-eval split\n"
                 "(hwgpt eval), 4) profiles sampled archs (hwgpt profile), 5) fits surrogates (hwgpt fit),\n"
                 "6) runs a study of perplexity vs latency on the fitted benchmark (hwgpt study), 7) writes\n"
                 "its HTML report (hwgpt report). Each\n"
                 "step prints its command; each resumes or skips finished work, so rerun the same command\n"
                 "after an interruption. --fast: toy sizes (30 steps, 200 archs; seconds to a minute).\n"
                 "The full setting takes hours (2,000 training steps; 182 archs fine-tuned 600 steps each\n"
                 "before evaluation; 2,000 archs profiled).\n";
    return 0;
  }
  const std::string scale = args.value_or("--scale", "t");
  if (scale != "t")
    throw ValueError("pipeline: --scale is '" + scale + "'; only t is supported (its byte tokenizer and size make "
                     "the supernet trainable on a CPU; other scales need the GPT-2 tokenizer pipeline)");
  const auto corpus = args.value("--corpus");
  const auto out_arg = args.value("--out");
  if (!corpus || !out_arg) throw ParseError("pipeline: --corpus FILE and --out DIR are required");
  if (train::world().size() > 1)
    throw ValueError("pipeline: runs in one process (profiling next to busy ranks would measure them); run "
                     "`mpirun -np N hwgpt train` and `hwgpt study` under mpirun separately instead");
  const fs::path out = *out_arg;
  fs::create_directories(out);
  const Setting setting = args.flag("--fast") ? fast_setting() : full_setting();
  const std::string threads = std::to_string(args.integer("--threads", 1, 1, 4096));
  const std::string device =
      args.value_or("--device", profile::default_cpu_device_name(profile::detect_cpu_device("")));
  const std::string checkpoint = (out / "supernet.hwgpt").string(), db = (out / "store.db").string();

  check_corpus(*corpus, out);
  step(2, "supernet training", "train", cmd_train,
       std::vector<std::string>{"--scale", "t", "--corpus", *corpus, "--checkpoint", checkpoint, "--validation-csv",
                                (out / "validation.csv").string(), "--threads", threads} + setting.train);
  step(3, "perplexity of sampled archs (nas-eval split)", "eval", cmd_eval,
       std::vector<std::string>{"--checkpoint", checkpoint, "--corpus", *corpus, "--out", (out / "eval.csv").string(),
                                "--db", db, "--threads", threads} + setting.eval);
  step(4, "hardware profile on this machine", "profile", cmd_profile,
       std::vector<std::string>{"--scale", "t", "--db", db, "--device", device, "--checkpoint", checkpoint,
                                "--threads", "1"} + setting.profile);
  step(5, "surrogates", "fit", cmd_fit,
       std::vector<std::string>{"--db", db, "--scale", "t", "--out", (out / "surrogates").string()} + setting.fit);

  // Step 6 queries the surrogates just fitted: the study config's data_dir is DIR.
  const fs::path study_config = out / "study.json";
  nlohmann::json config = nlohmann::json::parse(setting.study_json);
  config["space"] = "t";
  config["objective_sets"] = nlohmann::json::array({nlohmann::json::array({"perplexity", "latency@" + device})});
  config["output"] = (out / "study").string();
  config["threads"] = std::stoi(threads);
  config["data_dir"] = out.string();
  write_file_atomically(study_config, config.dump(2) + "\n");
  step(6, "study on the fitted benchmark", "study", cmd_study, {"--config", study_config.string()});
  step(7, "report", "report", cmd_report, {"--study", (out / "study").string()});

  std::cout << "pipeline: done; outputs in " << out.string() << ":\n"
            << "  corpus.json            corpus, tokenizer and split sizes\n"
            << "  supernet.hwgpt            trained supernet (checkpoint)\n"
            << "  validation.csv         validation loss of the largest/smallest/middle subnets\n"
            << "  eval.csv               perplexity and accuracy of sampled archs\n"
            << "  store.db               measurement store (profile of device '" << device << "', perplexities)\n"
            << "  surrogates/t/          fitted surrogates (*.hsur) and their test quality (*.eval.json)\n"
            << "  study.json, study/     study config; runs/, summary.csv, hv_curves.csv, attainment.csv\n"
            << "  study/report.html      the study's report (fronts, HV curves, attainment, surrogates)\n";
  return 0;
}

}  // namespace hwgpt::cli
