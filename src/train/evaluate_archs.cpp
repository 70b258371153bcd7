// Resumable evaluation of many sub-networks (evaluate_archs.hpp).
#include "hwgpt/train/evaluate_archs.hpp"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>

#include "hwgpt/core/error.hpp"
#include "hwgpt/core/hash.hpp"
#include "hwgpt/space/arch_string.hpp"

namespace hwgpt::train {
namespace {

constexpr const char* kHeader = "arch,num_params,loss,perplexity,accuracy,tokens\n";

// FNV-1a of the checkpoint's bytes: the store run is keyed by what was evaluated, not by a path.
std::string file_fingerprint(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::uint64_t h = kFnvOffsetBasis;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) h = fnv1a(h, buffer, static_cast<std::size_t>(in.gcount()));
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

// A kill or a full disk can cut the last row short; resuming drops it (and evaluates that arch
// again) instead of appending after a half row. True when it dropped one.
bool drop_partial_last_row(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size == 0) return false;
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.back() == '\n') return false;
  const auto keep = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
  in.close();
  std::filesystem::resize_file(path, keep);
  return true;
}

// The archs of an existing CSV (first field of every row after the header).
std::set<std::string> archs_in(const std::filesystem::path& path) {
  std::set<std::string> done;
  std::ifstream in(path);
  std::string line;
  if (in && std::getline(in, line))
    while (std::getline(in, line)) done.insert(line.substr(0, line.find(',')));
  return done;
}

}  // namespace

store::RunInfo perplexity_run(const std::filesystem::path& checkpoint, const std::string& space,
                              const std::string& store_split, const EvalOptions& o, const std::string& corpus,
                              const FinetuneOptions& ft) {
  store::RunInfo run;
  run.uid = "hwgpt-eval:" + space + ":" + file_fingerprint(checkpoint) + ":" + store_split + ":T" +
            std::to_string(o.sequence_length) + ":max" + std::to_string(o.max_tokens);
  std::string finetune_json;
  if (ft.steps > 0) {
    char tail[160];
    std::snprintf(tail, sizeof tail, ":ft%d:lr%g:w%d:s%llu", ft.steps, ft.peak_lr, ft.warmup_steps,
                  static_cast<unsigned long long>(ft.seed));
    run.uid += tail;
    std::snprintf(tail, sizeof tail, ",\"finetune\":{\"steps\":%d,\"peak_lr\":%g,\"warmup\":%d,\"seed\":%llu}",
                  ft.steps, ft.peak_lr, ft.warmup_steps, static_cast<unsigned long long>(ft.seed));
    finetune_json = tail;
  }
  run.kind = "perplexity";
  run.space = space;
  run.model_variant = ft.steps > 0 ? "hwgpt-supernet+finetune" : "hwgpt-supernet";
  run.command = "hwgpt eval --checkpoint " + checkpoint.filename().string() +
                (ft.steps > 0 ? " --finetune-steps " + std::to_string(ft.steps) : std::string());
  run.sequence_length = o.sequence_length;
  run.dtype = "float32";
  run.protocol_json = "{\"corpus\":\"" + corpus + "\",\"split\":\"" + store_split +
                      "\",\"windows\":\"non-overlapping\",\"max_tokens\":" + std::to_string(o.max_tokens) +
                      finetune_json + "}";
  return run;
}

ArchEvalSummary evaluate_archs(const model::Supernet& net, const std::vector<space::Arch>& archs,
                               const std::vector<std::int32_t>& tokens, const ArchEvalOptions& o, std::ostream& rows,
                               const std::function<void(std::size_t, std::size_t)>& on_arch) {
  ArchEvalSummary summary;
  std::set<std::string> done;
  std::ofstream file;
  if (!o.csv.empty()) {
    summary.dropped_partial_row = drop_partial_last_row(o.csv);
    done = archs_in(o.csv);
    file.open(o.csv, std::ios::app);
    if (!file) throw FileError("eval: cannot write --out '" + o.csv.string() + "'");
    if (std::filesystem::file_size(o.csv) == 0) file << kHeader;
  }
  std::ostream& out = o.csv.empty() ? rows : file;
  if (o.csv.empty()) out << kHeader;
  if (o.finetune.steps > 0 && (!o.finetune_data || o.checkpoint.empty()))
    throw ValueError("eval: fine-tuning needs the supernet's file and the corpus's train split");
  std::optional<store::Store> db;
  std::string run_uid;
  const std::string store_split = o.split == "nas-eval" ? "nas_eval" : o.split;
  if (!o.db.empty()) {
    db.emplace(o.db);
    store::RunInfo run =
        perplexity_run(o.checkpoint, net.search_space().name(), store_split, o.eval, o.corpus, o.finetune);
    db->write(run, {});
    run_uid = run.uid;
  }
  for (std::size_t i = 0; i < archs.size(); ++i) {
    const std::string name = space::format_arch(archs[i]);
    if (done.count(name)) {
      ++summary.skipped;
    } else {
      std::optional<Trainer> tuned;
      if (o.finetune.steps > 0)
        tuned.emplace(finetune_arch(net.search_space(), o.checkpoint, archs[i], *o.finetune_data, o.finetune));
      const EvalResult r = evaluate(tuned ? tuned->supernet() : net, archs[i], tokens, o.eval);
      char row[512];
      std::snprintf(row, sizeof row, "%s,%llu,%.6f,%.6f,%.6f,%lld\n", name.c_str(),
                    static_cast<unsigned long long>(net.extract(archs[i]).num_parameters()), r.loss, r.perplexity,
                    r.accuracy, static_cast<long long>(r.num_tokens));
      // The store first, then the CSV: the CSV decides what a resumed run skips, so a kill between
      // the two must leave the arch out of the CSV (it is evaluated again and its second store
      // write is a no-op), never in the CSV but not in the store (found by fault injection).
      if (db) db->append(run_uid, {}, {store::PerplexityRecord{name, store_split, r.perplexity, r.accuracy, r.num_tokens}});
      out << row << std::flush;
      if (!out)
        throw FileError("eval: writing '" + (o.csv.empty() ? std::string("standard output") : o.csv.string()) +
                        "' failed (disk full?)");
      done.insert(name);
      ++summary.evaluated;
    }
    if (on_arch) on_arch(i + 1, summary.skipped);
  }
  return summary;
}

}  // namespace hwgpt::train
