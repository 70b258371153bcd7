// `hwgpt fit`: fits a surrogate for every (metric, device) of one space that the store has enough
// measurements of, writes model files and their test evaluation next to each other.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/strings.hpp"
#include "hwgpt/surrogate/fit_store.hpp"

namespace hwgpt::cli {
namespace {

std::vector<std::string> parse_models(const std::string& list) {
  std::vector<std::string> models = split_nonempty(list, ',');
  for (const auto& item : models)
    if (item != "gbt" && item != "mlp" && item != "gp")
      throw ParseError("fit: --models has '" + item + "'; expected a comma-separated list of gbt, mlp, gp");
  return models;
}

void print_outcome(const surrogate::FitOutcome& o) {
  const char* metric = o.target.metric.c_str();
  const char* device = o.target.device.c_str();
  if (o.dropped_nonpositive > 0)
    std::fprintf(stderr, "fit: %s@%s: left out %zu archs with a target <= 0 (log model)\n", metric, device,
                 o.dropped_nonpositive);
  char ceiling[16] = "      -";  // no ceiling: one value per arch (perplexity, accuracy)
  if (o.ceiling.kendall_tau == o.ceiling.kendall_tau) std::snprintf(ceiling, sizeof ceiling, "%7.4f", o.ceiling.kendall_tau);
  if (o.status == surrogate::FitOutcome::Status::kExisted) {
    std::printf("%-22s %-12s (exists; --force refits)\n", metric, device);
  } else if (o.status == surrogate::FitOutcome::Status::kCeilingOnly) {
    std::printf("%-22s %-12s %6zu %7s %s\n", metric, device, o.archs, "", ceiling);
  } else if (o.status == surrogate::FitOutcome::Status::kFitted) {
    const auto& e = o.test;
    std::printf("%-22s %-12s %6zu %7.4f %s %7.4f %7.4f %8.3f %7.3f %7.3f\n", metric, device, o.archs, e.kendall_tau,
                ceiling, e.r2, e.mape, e.within_10pct, e.coverage_90, e.width_90);
  }
  std::fflush(stdout);
}

// "128x128" -> {128, 128}: 1 to 8 widths of 1 to 4096.
std::vector<int> parse_widths(const std::string& option, const std::string& text) {
  std::vector<int> widths;
  for (const auto& width : split_nonempty(text, 'x')) {
    int w = 0;
    const auto [end, ec] = std::from_chars(width.data(), width.data() + width.size(), w);
    if (ec != std::errc() || end != width.data() + width.size() || w < 1 || w > 4096)
      throw ParseError("fit: " + option + " widths must be integers from 1 to 4096; got '" + width + "'");
    widths.push_back(w);
  }
  if (widths.empty() || widths.size() > 8) throw ParseError("fit: " + option + " takes 1 to 8 widths, e.g. 128x128");
  return widths;
}

}  // namespace

int cmd_fit(const std::vector<std::string>& tokens) {
  const Args args("fit", tokens,
                  {{"--db", "--scale", "--out", "--device", "--metric", "--run-uid", "--max-rounds", "--max-tree-levels", "--ensemble-max-tree-levels", "--threads", "--seed", "--mlp-seed", "--models",
                    "--cross-conformal-below", "--encodings", "--transfer-from", "--mlp-hidden", "--mlp-epochs", "--mlp-patience", "--mlp-teachers", "--teacher-hidden", "--distill-archs"},
                   {"--help", "--force", "--ceilings"}, {}});
  if (args.flag("--help")) {
    std::cout << "usage: hwgpt fit --db PATH --scale S --out DIR [--device D] [--metric M] [--run-uid U]\n"
                 "                 [--max-rounds N (1500)] [--max-tree-levels N (800)]\n"
                 "                 [--ensemble-max-tree-levels N (300)]\n"
                 "                 [--threads N (2)] [--seed K (1)] [--mlp-seed K (--seed)]\n"
                 "                 [--models gbt,mlp,gp (gbt,mlp)] [--encodings ordinal,one-hot (both)]\n"
                 "                 [--transfer-from S2,S3 (none)]\n"
                 "                 [--mlp-hidden WxW (64x64)] [--mlp-epochs N (1000)] [--mlp-patience N (1000)]\n"
                 "                 [--mlp-teachers K (1)] [--teacher-hidden WxW (--mlp-hidden)]\n"
                 "                 [--distill-archs N (8000)]\n"
                 "                 [--cross-conformal-below N (500)] [--ceilings]\n"
                 "Fits surrogates on log targets. Candidates: boosted trees (XGBoost; depth 3 or 6 and\n"
                 "rounds by early stopping), an MLP (libtorch; epochs by early stopping) and, with\n"
                 "--models ...,gp and up to 1,500 fit archs, a GP (slow to query); every member and\n"
                 "ensemble (mean of log predictions) is scored\n"
                 "on a validation part of the training archs and the best is refitted on all of them\n"
                 "(the query's cost is a constraint: a depth's rounds x depth stay within --max-tree-levels,\n"
                 "and trees in an ensemble are selected again within --ensemble-max-tree-levels)\n"
                 "and recorded in the file, as is the arch encoding (each of --encodings is tried with\n"
                 "every member; feature-map is the third). The MLP runs its whole cosine schedule\n"
                 "(--mlp-epochs) and keeps its best validation epoch (or stops after --mlp-patience\n"
                 "epochs without progress); --mlp-seed draws its initialisation and batch order\n"
                 "anew without changing the split (--seed sets both). --mlp-teachers K > 1 fits K MLPs\n"
                 "(seeds --mlp-seed .. +K-1) and ships one MLP (--mlp-hidden) fitted to their mean\n"
                 "on the fit archs and on --distill-archs archs sampled from the space (one MLP's query\n"
                 "cost, closer to the seed ensemble's accuracy; the teachers may be wider, --teacher-hidden).\n"
                 "--transfer-from adds the depth-bins encoding, whose\n"
                 "fits also learn from the same metric and device in the named scales (their log\n"
                 "targets standardised per scale; validation, calibration and test stay this\n"
                 "scale's). Split-conformal intervals from calibration archs; quality\n"
                 "on held-out test archs (cross-conformal over training and calibration archs when\n"
                 "there are fewer than N calibration archs, default 500; 0: never; the final model is then\n"
                 "fitted on the training and calibration archs). --run-uid fits the metrics of that one\n"
                 "run only (e.g. one of several profiles of a device). For every\n"
                 "metric/device of scale S in the store with >= 100 archs; writes\n"
                 "DIR/S/<metric>@<device>.hsur and .eval.json (test-split quality). Existing model\n"
                 "files are kept (an interrupted fit resumes) unless --force.\n"
                 "The `ceiling` column is the noise ceiling of measured metrics: Kendall tau between the\n"
                 "medians of each arch's even- and odd-indexed samples, over all its archs (the best rank\n"
                 "agreement a model of the measured median can expect). --ceilings prints only the\n"
                 "ceilings (no fitting, nothing written; --out is still required).\n";
    return 0;
  }
  const auto db_path = args.value("--db");
  const auto out = args.value("--out");
  if (!db_path || !out) throw ParseError("fit: --db PATH and --out DIR are required");
  const store::Store db(*db_path, store::Store::Mode::kReadOnly);
  const auto s = resolve_space(args, "");
  surrogate::StoreFitOptions options;
  options.fit.max_rounds = static_cast<int>(args.integer("--max-rounds", options.fit.max_rounds, 25, 100000));
  options.fit.max_tree_levels =
      static_cast<int>(args.integer("--max-tree-levels", options.fit.max_tree_levels, 1, 10'000'000));
  options.fit.ensemble_max_tree_levels = static_cast<int>(
      args.integer("--ensemble-max-tree-levels", options.fit.ensemble_max_tree_levels, 1, 10'000'000));
  options.fit.threads = static_cast<int>(args.integer("--threads", options.fit.threads, 1, 256));
  options.fit.seed = args.seed();
  options.fit.mlp_seed = static_cast<std::uint64_t>(args.integer("--mlp-seed", 0, 1, 1'000'000'000));
  options.fit.cross_conformal_below = static_cast<std::size_t>(args.integer(
      "--cross-conformal-below", static_cast<long long>(options.fit.cross_conformal_below), 0, 1'000'000'000));
  if (const auto models = args.value("--models")) options.fit.models = parse_models(*models);
  if (const auto encodings = args.value("--encodings")) {
    options.fit.encodings.clear();
    for (const auto& name : split(*encodings, ',')) options.fit.encodings.push_back(space::parse_encoding(name));
  }
  if (const auto from = args.value("--transfer-from")) {
    for (const auto& name : split_nonempty(*from, ',')) {
      if (name == s.name()) throw ParseError("fit: --transfer-from names the fitted scale '" + name + "' itself");
      space::SearchSpace::builtin(name);  // a ValueError naming the built-in spaces if unknown
      options.transfer_from.push_back(name);
    }
    auto& e = options.fit.encodings;
    if (std::find(e.begin(), e.end(), space::Encoding::kDepthBins) == e.end()) e.push_back(space::Encoding::kDepthBins);
  }
  auto& mlp = options.fit.mlp;
  if (const auto hidden = args.value("--mlp-hidden")) mlp.hidden = parse_widths("--mlp-hidden", *hidden);
  if (const auto hidden = args.value("--teacher-hidden")) mlp.teacher_hidden = parse_widths("--teacher-hidden", *hidden);
  mlp.max_epochs = static_cast<int>(args.integer("--mlp-epochs", mlp.max_epochs, 1, 100000));
  mlp.patience = static_cast<int>(args.integer("--mlp-patience", mlp.patience, 1, 100000));
  mlp.teachers = static_cast<int>(args.integer("--mlp-teachers", mlp.teachers, 1, 64));
  mlp.distill_archs = static_cast<int>(args.integer("--distill-archs", mlp.distill_archs, 0, 1'000'000));
  options.only_device = args.value_or("--device", "");
  options.only_metric = args.value_or("--metric", "");
  options.only_run = args.value_or("--run-uid", "");
  options.force = args.flag("--force");
  options.ceilings_only = args.flag("--ceilings");
  surrogate::fit_targets(db, s, options);  // refuses a bad --run-uid before the table's header
  std::printf("%-22s %-12s %6s %7s %7s %7s %7s %8s %7s %7s\n", "metric", "device", "n", "tau", "ceiling", "R2",
              "MAPE", "within10", "cov90", "width");
  if (surrogate::fit_store(db, s, std::filesystem::path(*out) / s.name(), options, print_outcome) == 0)
    throw ValueError("fit: no metric of space '" + s.name() + "' has >= 100 measured archs in the store");
  return 0;
}

}  // namespace hwgpt::cli
