// Evaluating many sub-networks of a supernet, resumably (what `hwgpt eval` runs): one CSV row per
// arch (arch,num_params,loss,perplexity,accuracy,tokens), archs already in the CSV skipped and a
// row cut short by a kill dropped, so an interrupted evaluation resumes; optionally each result
// also goes into a measurement store, under one run per checkpoint content, split and window.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "hwgpt/model/supernet.hpp"
#include "hwgpt/store/store.hpp"
#include "hwgpt/train/evaluate.hpp"
#include "hwgpt/train/finetune.hpp"

namespace hwgpt::train {

struct ArchEvalOptions {
  EvalOptions eval;
  std::string split = "nas-eval";   // the corpus split's name (split_by_name), recorded in the store
  std::filesystem::path csv;        // "" = rows to the stream given to evaluate_archs, no resume
  std::filesystem::path db;         // "" = no store
  std::filesystem::path checkpoint; // the supernet's file: the store run is keyed by its bytes
  std::string corpus;               // the corpus's source, recorded in the store run
  // finetune.steps > 0: each arch is first fine-tuned from its inherited weights (read from
  // `checkpoint`) on finetune_data->train (finetune.hpp), then evaluated; recorded in the store run.
  FinetuneOptions finetune;
  const TokenSplits* finetune_data = nullptr;
};

struct ArchEvalSummary {
  std::size_t evaluated = 0, skipped = 0;  // skipped: already in the CSV
  bool dropped_partial_row = false;        // the CSV ended in a row cut short (now removed)
};

// The store run of an evaluation: uid "hwgpt-eval:<space>:<FNV-1a of the checkpoint's
// bytes>:<split>:T<window>:max<max tokens>", kind "perplexity"; with fine-tuning the uid ends in
// ":ft<steps>:lr<peak>:w<warm-up>:s<seed>" (other measurements, another run).
store::RunInfo perplexity_run(const std::filesystem::path& checkpoint, const std::string& space,
                              const std::string& store_split, const EvalOptions& options, const std::string& corpus,
                              const FinetuneOptions& finetune = {});

// Evaluates `archs` on `tokens` (the split named in options.split). Rows go to options.csv
// (created with its header, or appended to) or else to `rows`. `on_arch(done, skipped)` is
// called after each arch. Throws FileError when the CSV or store cannot be written.
ArchEvalSummary evaluate_archs(const model::Supernet& net, const std::vector<space::Arch>& archs,
                               const std::vector<std::int32_t>& tokens, const ArchEvalOptions& options,
                               std::ostream& rows,
                               const std::function<void(std::size_t done, std::size_t skipped)>& on_arch = {});

}  // namespace hwgpt::train
