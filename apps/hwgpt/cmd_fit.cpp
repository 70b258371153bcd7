// `hwgpt fit`: fits a surrogate for every (metric, device) of one space that the store has enough
// measurements of, writes model files and their test evaluation next to each other.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "hwgpt/core/atomic_file.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "hwgpt/surrogate/fit.hpp"

namespace hwgpt::cli {
namespace {

struct Target {
  std::string metric, device, run_kind, unit;
};

analytic::ModelVariant features_variant(const std::string& measured) {
  // The original's supernet has our architecture (tied, 2-matrix GELU); its profiled model differs.
  return measured == "original" ? analytic::ModelVariant::kOriginalProfiled : analytic::ModelVariant::kHwgpt;
}

std::string unit_of(const std::string& metric) {
  if (metric == "latency_ms" || metric == "decode_ms_per_token") return "ms";
  if (metric == "energy_mj") return "mJ";
  if (metric == "memory_mb") return "MB";
  return "";
}

}  // namespace

int cmd_fit(const std::vector<std::string>& tokens) {
  const Args args("fit", tokens,
                  {{"--db", "--scale", "--out", "--device", "--metric", "--run-uid", "--max-rounds", "--threads", "--seed", "--models"},
                   {"--help", "--force"}, {}});
  if (args.flag("--help")) {
    std::cout << "usage: hwgpt fit --db PATH --scale S --out DIR [--device D] [--metric M] [--run-uid U]\n"
                 "                 [--max-rounds N (1500)] [--threads N (2)] [--seed K (1)]\n"
                 "                 [--models gbt,mlp,gp (all)]\n"
                 "Fits surrogates on log targets. Candidates: boosted trees (XGBoost; depth 3 or 6 and\n"
                 "rounds by early stopping), an MLP (libtorch; epochs by early stopping) and, up to\n"
                 "1,500 fit archs, a GP; every member and ensemble (mean of log predictions) is scored\n"
                 "on a validation part of the training archs and the best is refitted on all of them\n"
                 "and recorded in the file. Split-conformal intervals from calibration archs; quality\n"
                 "on held-out test archs (cross-conformal over training and calibration archs when\n"
                 "there are fewer than 500 calibration archs). --run-uid fits the metrics of that one\n"
                 "run only (e.g. one of several profiles of a device). For every\n"
                 "metric/device of scale S in the store with >= 100 archs; writes\n"
                 "DIR/S/<metric>@<device>.hsur and .eval.json (test-split quality). Existing model\n"
                 "files are kept (an interrupted fit resumes) unless --force.\n";
    return 0;
  }
  const auto db_path = args.value("--db");
  const auto out = args.value("--out");
  if (!db_path || !out) throw ParseError("fit: --db PATH and --out DIR are required");
  const store::Store db(*db_path, store::Store::Mode::kReadOnly);
  const auto s = resolve_space(args, "");
  surrogate::FitOptions options;
  options.max_rounds = static_cast<int>(args.integer("--max-rounds", options.max_rounds, 25, 100000));
  options.threads = static_cast<int>(args.integer("--threads", options.threads, 1, 256));
  options.seed = args.seed();
  if (const auto models = args.value("--models")) {
    options.models.clear();
    std::string item;
    for (std::size_t i = 0; i <= models->size(); ++i) {
      if (i < models->size() && (*models)[i] != ',') {
        item += (*models)[i];
        continue;
      }
      if (item != "gbt" && item != "mlp" && item != "gp")
        throw ParseError("fit: --models has '" + item + "'; expected a comma-separated list of gbt, mlp, gp");
      options.models.push_back(item);
      item.clear();
    }
  }
  const std::string only_device = args.value_or("--device", ""), only_metric = args.value_or("--metric", "");

  std::map<std::string, store::RunInfo> runs;
  for (const auto& r : db.runs()) runs.emplace(r.uid, r);
  const std::string only_run = args.value_or("--run-uid", "");
  if (!only_run.empty()) {
    const auto run = runs.find(only_run);
    if (run == runs.end()) throw ValueError("fit: store '" + *db_path + "' has no run '" + only_run + "'");
    if (run->second.device.empty() || run->second.space != s.name())
      throw ValueError("fit: --run-uid needs a measurement run of a device in space '" + s.name() + "'; run '" +
                       only_run + "' is a " + run->second.kind + " run of space '" + run->second.space + "'");
    if (!only_device.empty() && only_device != run->second.device)
      throw ValueError("fit: run '" + only_run + "' measured device '" + run->second.device + "', not --device '" +
                       only_device + "'; drop --device or give a run of '" + only_device + "'");
  }
  std::vector<Target> targets;
  for (const auto& d : db.devices()) {
    if (!only_run.empty() && d.name != runs.at(only_run).device) continue;
    if (d.source == "hwgpt") {
      // Our own profiler writes every metric of an arch into one "profile" run.
      for (const char* metric : {"latency_ms", "decode_ms_per_token", "energy_mj", "memory_mb"})
        targets.push_back({metric, d.name, "profile", unit_of(metric)});
      continue;
    }
    targets.push_back({"latency_ms", d.name, "latency", "ms"});
    targets.push_back({"energy_mj", d.name, d.kind == store::DeviceKind::kGpu ? "energy" : "latency", "mJ"});
    targets.push_back({"memory_mb", d.name, "memory", "MB"});
  }
  if (only_run.empty()) {  // perplexity records are not per run (store.perplexities)
    targets.push_back({"perplexity", "", "perplexity", ""});
    targets.push_back({"accuracy", "", "perplexity", ""});
  }
  const auto folder = std::filesystem::path(*out) / s.name();
  std::filesystem::create_directories(folder);
  std::printf("%-22s %-12s %6s %7s %7s %7s %8s %7s %7s\n", "metric", "device", "n", "tau", "R2", "MAPE",
              "within10", "cov90", "width");
  int fitted = 0;
  for (const auto& t : targets) {
    if ((!only_device.empty() && t.device != only_device) || (!only_metric.empty() && t.metric != only_metric)) continue;
    const std::string stem = t.metric + (t.device.empty() ? "" : "@" + t.device);
    if (!args.flag("--force") && std::filesystem::exists(folder / (stem + ".hsur"))) {
      std::printf("%-22s %-12s (exists; --force refits)\n", t.metric.c_str(), t.device.c_str());
      ++fitted;
      continue;
    }
    const auto data =
        surrogate::dataset_from_store(db, s, t.device, t.metric, t.device.empty() ? "" : t.run_kind, "", only_run);
    if (data.archs.size() < 100) continue;
    if (data.dropped_nonpositive > 0)
      std::fprintf(stderr, "fit: %s@%s: left out %zu archs with a target <= 0 (log model)\n", t.metric.c_str(),
                   t.device.c_str(), data.dropped_nonpositive);
    surrogate::SurrogateInfo info;
    info.space = s.name();
    info.metric = t.metric;
    info.device = t.device;
    info.unit = unit_of(t.metric);
    info.run_kind = t.run_kind;
    if (!t.device.empty()) {
      const auto rows = db.samples({t.device, t.metric, s.name(), space::format_arch(data.archs[0]), t.run_kind, only_run});
      const store::RunInfo& run = runs.at(rows.at(0).run_uid);
      info.device_aliases = db.find_device(t.device)->aliases;
      info.model_variant = run.model_variant;
      info.workload = {run.batch, run.sequence_length, analytic::parse_dtype(run.dtype)};
    } else {
      // The perplexity run says whose supernet it evaluated (the original's or ours).
      info.model_variant = "original-supernet";
      for (const auto& [uid, run] : runs)
        if (run.kind == "perplexity" && run.space == s.name()) info.model_variant = run.model_variant;
      info.workload = analytic::default_workload(s);
    }
    info.features.variant = features_variant(info.model_variant);
    info.features.workload = {std::max(info.workload.batch, 1), std::max(info.workload.sequence_length, 1),
                              analytic::Dtype::kFloat32};
    const auto model = surrogate::fit_surrogate(data, s, info, options);
    // The evaluation first: the model file's presence marks the pair as done for a resumed fit.
    const auto& e = model.info().test;
    nlohmann::json eval = {{"metric", t.metric}, {"device", t.device}, {"space", s.name()},
                           {"train", model.info().train_count}, {"calibration", model.info().calibration_count},
                           {"test", {{"n", e.n}, {"kendall_tau", e.kendall_tau}, {"spearman", e.spearman},
                                     {"r2", e.r2}, {"mae", e.mae}, {"mape", e.mape}, {"within_10pct", e.within_10pct},
                                     {"coverage_90", e.coverage_90}, {"width_90", e.width_90}, {"nll", e.nll}}},
                           {"fitted_with", model.info().fitted_with}, {"data_hash", model.info().data_hash}};
    if (!only_run.empty()) eval["run_uid"] = only_run;
    write_file_atomically(folder / (stem + ".eval.json"), eval.dump(2) + "\n");
    model.save(folder / (stem + ".hsur"));
    std::printf("%-22s %-12s %6zu %7.4f %7.4f %7.4f %8.3f %7.3f %7.3f\n", t.metric.c_str(), t.device.c_str(),
                data.archs.size(), e.kendall_tau, e.r2, e.mape, e.within_10pct, e.coverage_90, e.width_90);
    std::fflush(stdout);
    ++fitted;
  }
  if (fitted == 0) throw ValueError("fit: no metric of space '" + s.name() + "' has >= 100 measured archs in the store");
  return 0;
}

}  // namespace hwgpt::cli
