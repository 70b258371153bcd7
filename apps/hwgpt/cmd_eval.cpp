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
#include "hwgpt/core/strings.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "hwgpt/space/sampling.hpp"
#include "hwgpt/train/byte_corpus.hpp"
#include "hwgpt/train/evaluate_archs.hpp"
#include "hwgpt/train/trainer.hpp"

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

// One supernet file of --checkpoint A[,B...] and the embedding width its training covered (0: all).
struct Shard {
  std::string path;
  model::Supernet net;
  int embed_dim = 0;
};

// The supernets of --checkpoint: one, or the few-shot set of `hwgpt train --embed-dim`, one per
// width, of one space; no arch may be covered twice.
std::vector<Shard> load_shards(const std::string& list, const std::string& device) {
  std::vector<Shard> shards;
  for (const auto& path : split(list, ',')) {
    if (path.empty()) throw ParseError("eval: --checkpoint '" + list + "' has an empty file name");
    Shard shard{path, model::Supernet::load(path), train::trained_embed_dim(path)};
    if (device != "cpu") shard.net.to_device(device);
    if (!shards.empty() && !(shard.net.search_space() == shards.front().net.search_space()))
      throw ValueError("eval: " + path + " is a supernet of space '" + shard.net.search_space().name() + "', " +
                       shards.front().path + " of another space '" + shards.front().net.search_space().name() + "'");
    for (const auto& other : shards)
      if (other.embed_dim == 0 || shard.embed_dim == 0 || other.embed_dim == shard.embed_dim)
        throw ValueError("eval: " + other.path + " and " + path + " both cover the archs of embedding width " +
                         std::to_string(shard.embed_dim == 0 ? other.embed_dim : shard.embed_dim) +
                         " (0: every width); give one supernet per width");
    shards.push_back(std::move(shard));
  }
  return shards;
}

// Index into `shards` of the supernet that covers `arch`; throws naming the widths there are.
std::size_t shard_of(const std::vector<Shard>& shards, const space::Arch& arch) {
  std::string widths;
  for (std::size_t i = 0; i < shards.size(); ++i) {
    if (shards[i].embed_dim == 0 || shards[i].embed_dim == arch.embed_dim) return i;
    widths += (widths.empty() ? "" : ", ") + std::to_string(shards[i].embed_dim);
  }
  throw ValueError("eval: " + space::format_arch(arch) + " has embedding width " + std::to_string(arch.embed_dim) +
                   "; the supernets given were trained on widths " + widths + " only");
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
    std::cout << "usage: hwgpt eval --checkpoint C[,C2...] --corpus FILE|SHARD (--archs FILE | --sample N [--seed S (1)])\n"
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
                 "evaluates it: ranks archs more like stand-alone training (docs/VALIDITY.md).\n"
                 "Several comma-separated checkpoints: the few-shot supernets of `hwgpt train --embed-dim`,\n"
                 "one per embedding width; each arch is evaluated by the one trained on its width (and the\n"
                 "store gets one run per checkpoint).\n";
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
  const std::vector<Shard> shards = load_shards(*checkpoint, device);
  const space::SearchSpace& s = shards.front().net.search_space();
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
  o.corpus = data.source;
  ft.steps = static_cast<int>(args.integer("--finetune-steps", 0, 0, 100'000'000));
  ft.peak_lr = parse_double(args, "--finetune-lr", ft.peak_lr);
  ft.warmup_steps = static_cast<int>(args.integer("--finetune-warmup", ft.warmup_steps, 0, 100'000'000));
  ft.seed = static_cast<std::uint64_t>(args.integer("--finetune-seed", static_cast<long long>(ft.seed), 0, 1LL << 62));
  ft.device = device;
  o.finetune = ft;
  o.finetune_data = &data;
  // Each supernet evaluates its own archs, in their order; the CSV's resume works across them.
  std::vector<std::vector<space::Arch>> groups(shards.size());
  for (const auto& arch : archs) groups[shard_of(shards, arch)].push_back(arch);
  ProgressPrinter progress("eval", "archs", static_cast<double>(archs.size()), ProgressPrinter::Style::kLines);
  std::size_t done_before = 0, skipped_so_far = 0, skipped_total = 0;
  for (std::size_t g = 0; g < shards.size(); ++g) {
    if (groups[g].empty()) continue;
    o.checkpoint = shards[g].path;
    const auto summary = train::evaluate_archs(shards[g].net, groups[g], split, o, std::cout, [&](std::size_t done, std::size_t skipped) {
      if (skipped_total + skipped > skipped_so_far)
        progress.set_already_done(static_cast<double>(skipped_so_far = skipped_total + skipped));
      else
        progress.update(static_cast<double>(done_before + done));
    });
    if (summary.dropped_partial_row)
      std::fprintf(stderr, "eval: dropped a partial last row of %s (an interrupted write)\n", o.csv.c_str());
    done_before += groups[g].size();
    skipped_total += summary.skipped;
  }
  if (skipped_total) std::fprintf(stderr, "eval: %zu archs were already in %s\n", skipped_total, o.csv.c_str());
  return 0;
}

}  // namespace hwgpt::cli
