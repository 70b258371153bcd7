// `hwgpt eval`: perplexity and next-token accuracy of sub-networks of a trained supernet on the
// nas-eval split (never trained on), by weight inheritance. Appends to a CSV and skips the archs
// already in it, so an interrupted evaluation resumes.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <set>

#include "commands.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/hash.hpp"
#include "hwgpt/core/progress.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "hwgpt/space/sampling.hpp"
#include "hwgpt/store/store.hpp"
#include "hwgpt/train/byte_corpus.hpp"
#include "hwgpt/train/evaluate.hpp"

namespace hwgpt::cli {
namespace {

// FNV-1a of the checkpoint's bytes: the store run is keyed by what was evaluated, not by a path.
std::string file_fingerprint(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::uint64_t h = kFnvOffsetBasis;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) h = fnv1a(h, buffer, static_cast<std::size_t>(in.gcount()));
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

store::RunInfo perplexity_run(const std::string& checkpoint, const std::string& space, const std::string& split,
                              const train::EvalOptions& o, const std::string& corpus) {
  store::RunInfo run;
  run.uid = "hwgpt-eval:" + space + ":" + file_fingerprint(checkpoint) + ":" + split + ":T" +
            std::to_string(o.sequence_length) + ":max" + std::to_string(o.max_tokens);
  run.kind = "perplexity";
  run.space = space;
  run.model_variant = "hwgpt-supernet";
  run.command = "hwgpt eval --checkpoint " + std::filesystem::path(checkpoint).filename().string();
  run.sequence_length = o.sequence_length;
  run.dtype = "float32";
  run.protocol_json = "{\"corpus\":\"" + corpus + "\",\"split\":\"" + split +
                      "\",\"windows\":\"non-overlapping\",\"max_tokens\":" + std::to_string(o.max_tokens) + "}";
  return run;
}

// A kill or a full disk can cut the last row of --out short; resuming drops it (and evaluates
// that arch again) instead of appending after a half row.
void drop_partial_last_row(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size == 0) return;
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.back() == '\n') return;
  const auto keep = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
  in.close();
  std::filesystem::resize_file(path, keep);
  std::fprintf(stderr, "eval: dropped a partial last row of %s (an interrupted write)\n", path.c_str());
}

}  // namespace

int cmd_eval(const std::vector<std::string>& tokens) {
  const OptionSpec spec{{"--checkpoint", "--corpus", "--archs", "--sample", "--seed", "--out", "--seq",
                         "--max-tokens", "--split", "--threads", "--db", "--device", "--compute"},
                        {"--help"},
                        {}};
  const Args args("eval", tokens, spec);
  if (args.flag("--help")) {
    std::cout << "usage: hwgpt eval --checkpoint C --corpus FILE|SHARD (--archs FILE | --sample N [--seed S (1)])\n"
                 "                  [--out CSV (stdout)] [--seq T (64)] [--max-tokens N (0: whole split)]\n"
                 "                  [--split nas-eval|validation|train (nas-eval)] [--threads N] [--db STORE]\n"
                 "                  [--compute cpu|cuda[:N] (cpu)]\n"
                 "Writes arch,num_params,loss,perplexity,accuracy,tokens per arch (loss in nats per token).\n"
                 "The corpus is a text file read as bytes (80/10/10 split) or a token shard folder of\n"
                 "`hwgpt data prepare` (its own splits); its tokenizer must be the supernet space's.\n"
                 "With --out, archs already in the CSV are skipped, so a killed run resumes. With --db, each\n"
                 "result is also added to the measurement store (one run per checkpoint content, split and\n"
                 "window; rewriting a result is a no-op).\n";
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
  train::EvalOptions o;
  o.sequence_length = static_cast<int>(args.integer("--seq", o.sequence_length, 1, 1'000'000));
  o.max_tokens = args.integer("--max-tokens", 0, 0, 1LL << 62);

  const auto out_path = args.value("--out");
  std::set<std::string> done;
  std::ofstream file;
  if (out_path) {
    drop_partial_last_row(*out_path);
    std::ifstream in(*out_path);
    std::string line;
    if (in && std::getline(in, line))
      while (std::getline(in, line)) done.insert(line.substr(0, line.find(',')));
    const bool fresh = done.empty() && !in.good();
    in.close();
    file.open(*out_path, std::ios::app);
    if (!file) throw FileError("eval: cannot write --out '" + *out_path + "'");
    if (fresh || std::filesystem::file_size(*out_path) == 0) file << "arch,num_params,loss,perplexity,accuracy,tokens\n";
  }
  std::ostream& out = out_path ? static_cast<std::ostream&>(file) : std::cout;
  if (!out_path) out << "arch,num_params,loss,perplexity,accuracy,tokens\n";
  std::optional<store::Store> db;
  std::string run_uid;
  const std::string split_name = args.value_or("--split", "nas-eval");
  const std::string store_split = split_name == "nas-eval" ? "nas_eval" : split_name;
  if (const auto db_path = args.value("--db")) {
    db.emplace(*db_path);
    store::RunInfo run = perplexity_run(*checkpoint, s.name(), store_split, o, data.source);
    db->write(run, {});
    run_uid = run.uid;
  }
  ProgressPrinter progress("eval", "archs", static_cast<double>(archs.size()), ProgressPrinter::Style::kLines);
  std::size_t skipped = 0;
  for (std::size_t i = 0; i < archs.size(); ++i) {
    const std::string name = space::format_arch(archs[i]);
    if (done.count(name)) {
      progress.set_already_done(static_cast<double>(++skipped));
      continue;
    }
    const train::EvalResult r = train::evaluate(net, archs[i], split, o);
    char row[512];
    std::snprintf(row, sizeof row, "%s,%llu,%.6f,%.6f,%.6f,%lld\n", name.c_str(),
                  static_cast<unsigned long long>(net.extract(archs[i]).num_parameters()), r.loss, r.perplexity,
                  r.accuracy, static_cast<long long>(r.num_tokens));
    out << row << std::flush;
    if (!out)
      throw FileError("eval: writing '" + (out_path ? *out_path : std::string("standard output")) +
                      "' failed (disk full?)");
    if (db) db->append(run_uid, {}, {store::PerplexityRecord{name, store_split, r.perplexity, r.accuracy, r.num_tokens}});
    done.insert(name);
    progress.update(static_cast<double>(i + 1));
  }
  if (skipped) std::fprintf(stderr, "eval: %zu archs were already in %s\n", skipped, out_path->c_str());
  return 0;
}

}  // namespace hwgpt::cli
