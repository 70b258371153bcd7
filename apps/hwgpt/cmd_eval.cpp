// `hwgpt eval`: perplexity and next-token accuracy of sub-networks of a trained supernet on the
// nas-eval split (never trained on), by weight inheritance; the resumable loop is the train
// module's evaluate_archs.
#include <cstdio>
#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/progress.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "hwgpt/space/sampling.hpp"
#include "hwgpt/train/byte_corpus.hpp"
#include "hwgpt/train/evaluate_archs.hpp"

namespace hwgpt::cli {
namespace {

std::vector<space::Arch> archs_to_evaluate(const Args& args, const space::SearchSpace& s) {
  std::vector<space::Arch> archs;
  if (const auto file = args.value("--archs")) {
    std::ifstream in(*file);
    if (!in) throw FileError("eval: cannot read --archs file '" + *file + "'");
    std::string line;
    while (std::getline(in, line))
      if (!line.empty()) archs.push_back(space::parse_arch(line, s));
  } else {
    Rng rng(args.seed());
    archs = space::sample_archs(s, static_cast<std::size_t>(args.integer("--sample", 0, 1, 10'000'000)), rng);
  }
  return archs;
}

}  // namespace

int cmd_eval(const std::vector<std::string>& tokens) {
  const OptionSpec spec{{"--checkpoint", "--corpus", "--archs", "--sample", "--seed", "--out", "--seq",
                         "--max-tokens", "--split", "--threads", "--db", "--device", "--compute",
                         "--finetune-steps", "--finetune-lr", "--finetune-warmup", "--finetune-seed"},
                        {"--help"},
                        {}};
  const Args args("eval", tokens, spec);
  train::FinetuneOptions ft;
  if (args.flag("--help")) {
    std::cout << "usage: hwgpt eval --checkpoint C --corpus FILE|SHARD (--archs FILE | --sample N [--seed S (1)])\n"
                 "                  [--out CSV (stdout)] [--seq T (64)] [--max-tokens N (0: whole split)]\n"
                 "                  [--split nas-eval|validation|train (nas-eval)] [--threads N] [--db STORE]\n"
                 "                  [--compute cpu|cuda[:N] (cpu)]\n"
                 "                  [--finetune-steps N (0) [--finetune-lr PEAK (" << ft.peak_lr
              << ")] [--finetune-warmup N (" << ft.warmup_steps << ")] [--finetune-seed S (" << ft.seed << ")]]\n"
                 "Writes arch,num_params,loss,perplexity,accuracy,tokens per arch (loss in nats per token).\n"
                 "The corpus is a text file read as bytes (80/10/10 split) or a token shard folder of\n"
                 "`hwgpt data prepare` (its own splits); its tokenizer must be the supernet space's.\n"
                 "With --out, archs already in the CSV are skipped, so a killed run resumes. With --db, each\n"
                 "result is also added to the measurement store (one run per checkpoint content, split and\n"
                 "window; rewriting a result is a no-op).\n"
                 "--finetune-steps N > 0 first trains each arch alone for N steps from its inherited weights\n"
                 "(batch 12 x 64 of the train split, cosine schedule; the same batches for every arch), then\n"
                 "evaluates it: ranks archs more like stand-alone training (docs/VALIDITY.md).\n";
    return 0;
  }
  const auto checkpoint = args.value("--checkpoint");
  const auto corpus = args.value("--corpus");
  if (!checkpoint) throw ParseError("eval: missing --checkpoint C");
  if (!corpus) throw ParseError("eval: missing --corpus FILE|SHARD (the data the supernet was trained on)");
  if (args.value("--archs").has_value() == args.value("--sample").has_value())
    throw ParseError("eval: give exactly one of --archs FILE or --sample N");
  model::set_num_threads(static_cast<int>(args.integer("--threads", 0, 0, 4096)));
  const std::string device = args.compute(false);
  model::check_compute_device(device);
  model::Supernet net = model::Supernet::load(*checkpoint);
  if (device != "cpu") net.to_device(device);
  const space::SearchSpace& s = net.search_space();
  const train::TokenSplits data = train::load_corpus(*corpus);
  if (s.config().tokenizer != data.tokenizer)
    throw ValueError("eval: the supernet's space '" + s.name() + "' uses tokenizer '" + s.config().tokenizer +
                     "'; the corpus '" + data.source + "' is read as '" + data.tokenizer + "'");
  const std::vector<std::int32_t>& split = train::split_by_name(data, args.value_or("--split", "nas-eval"));

  const std::vector<space::Arch> archs = archs_to_evaluate(args, s);
  train::ArchEvalOptions o;
  o.eval.sequence_length = static_cast<int>(args.integer("--seq", o.eval.sequence_length, 1, 1'000'000));
  o.eval.max_tokens = args.integer("--max-tokens", 0, 0, 1LL << 62);
  o.split = args.value_or("--split", "nas-eval");
  o.csv = args.value_or("--out", "");
  o.db = args.value_or("--db", "");
  o.checkpoint = *checkpoint;
  o.corpus = data.source;
  ft.steps = static_cast<int>(args.integer("--finetune-steps", 0, 0, 100'000'000));
  ft.peak_lr = parse_double(args, "--finetune-lr", ft.peak_lr);
  ft.warmup_steps = static_cast<int>(args.integer("--finetune-warmup", ft.warmup_steps, 0, 100'000'000));
  ft.seed = static_cast<std::uint64_t>(args.integer("--finetune-seed", static_cast<long long>(ft.seed), 0, 1LL << 62));
  ft.device = device;
  o.finetune = ft;
  o.finetune_data = &data;
  ProgressPrinter progress("eval", "archs", static_cast<double>(archs.size()), ProgressPrinter::Style::kLines);
  std::size_t skipped_so_far = 0;
  const auto summary = train::evaluate_archs(net, archs, split, o, std::cout, [&](std::size_t done, std::size_t skipped) {
    if (skipped > skipped_so_far)
      progress.set_already_done(static_cast<double>(skipped_so_far = skipped));
    else
      progress.update(static_cast<double>(done));
  });
  if (summary.dropped_partial_row)
    std::fprintf(stderr, "eval: dropped a partial last row of %s (an interrupted write)\n", o.csv.c_str());
  if (summary.skipped) std::fprintf(stderr, "eval: %zu archs were already in %s\n", summary.skipped, o.csv.c_str());
  return 0;
}

}  // namespace hwgpt::cli
