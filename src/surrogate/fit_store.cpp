// Fitting every surrogate of a space from a store (fit_store.hpp).
#include "hwgpt/surrogate/fit_store.hpp"

#include <map>

#include <nlohmann/json.hpp>

#include "hwgpt/analytic/metric_catalogue.hpp"
#include "hwgpt/analytic/workload.hpp"
#include "hwgpt/core/atomic_file.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/space/arch_string.hpp"

namespace hwgpt::surrogate {
namespace {

using RunsByUid = std::map<std::string, store::RunInfo>;

RunsByUid runs_by_uid(const store::Store& db) {
  RunsByUid runs;
  for (const auto& r : db.runs()) runs.emplace(r.uid, r);
  return runs;
}

void check_only_run(const RunsByUid& runs, const space::SearchSpace& space, const StoreFitOptions& o,
                    const store::Store& db) {
  const auto run = runs.find(o.only_run);
  if (run == runs.end()) throw ValueError("fit: store '" + db.path().string() + "' has no run '" + o.only_run + "'");
  if (run->second.device.empty() || run->second.space != space.name())
    throw ValueError("fit: --run-uid needs a measurement run of a device in space '" + space.name() + "'; run '" +
                     o.only_run + "' is a " + run->second.kind + " run of space '" + run->second.space + "'");
  if (!o.only_device.empty() && o.only_device != run->second.device)
    throw ValueError("fit: run '" + o.only_run + "' measured device '" + run->second.device + "', not --device '" +
                     o.only_device + "'; drop --device or give a run of '" + o.only_device + "'");
}

analytic::ModelVariant features_variant(const std::string& measured) {
  // The original's supernet has our architecture (tied, 2-matrix GELU); its profiled model differs.
  return measured == "original" ? analytic::ModelVariant::kOriginalProfiled : analytic::ModelVariant::kHwgpt;
}

// What the model file records about its data: the device's aliases and the measured model and
// workload (from the run of the first arch's samples), or for perplexity whose supernet it was.
SurrogateInfo info_for(const store::Store& db, const RunsByUid& runs, const space::SearchSpace& space,
                       const FitTarget& t, const Dataset& data, const std::string& only_run) {
  SurrogateInfo info;
  info.space = space.name();
  info.metric = t.metric;
  info.device = t.device;
  const analytic::MetricInfo* metric = analytic::find_metric(t.metric);
  info.unit = metric ? std::string(metric->unit) : "";
  info.run_kind = t.run_kind;
  if (!t.device.empty()) {
    const auto rows = db.samples({t.device, t.metric, space.name(), space::format_arch(data.archs[0]), t.run_kind, only_run});
    const store::RunInfo& run = runs.at(rows.at(0).run_uid);
    info.device_aliases = db.find_device(t.device)->aliases;
    info.model_variant = run.model_variant;
    info.workload = {run.batch, run.sequence_length, analytic::parse_dtype(run.dtype)};
  } else {
    info.model_variant = "original-supernet";
    for (const auto& [uid, run] : runs)
      if (run.kind == "perplexity" && run.space == space.name()) info.model_variant = run.model_variant;
    info.workload = analytic::default_workload(space);
  }
  info.features.variant = features_variant(info.model_variant);
  info.features.workload = {std::max(info.workload.batch, 1), std::max(info.workload.sequence_length, 1),
                            analytic::Dtype::kFloat32};
  return info;
}

nlohmann::json evaluation_json(const Surrogate& model, const FitTarget& t, const std::string& space,
                               const std::string& only_run, const NoiseCeiling& ceiling) {
  const auto& e = model.info().test;
  nlohmann::json eval = {{"metric", t.metric}, {"device", t.device}, {"space", space},
                         {"train", model.info().train_count}, {"calibration", model.info().calibration_count},
                         {"test", {{"n", e.n}, {"kendall_tau", e.kendall_tau}, {"spearman", e.spearman},
                                   {"r2", e.r2}, {"mae", e.mae}, {"mape", e.mape}, {"within_10pct", e.within_10pct},
                                   {"coverage_90", e.coverage_90}, {"width_90", e.width_90}, {"nll", e.nll}}},
                         {"fitted_with", model.info().fitted_with}, {"data_hash", model.info().data_hash}};
  if (!only_run.empty()) eval["run_uid"] = only_run;
  if (ceiling.kendall_tau == ceiling.kendall_tau)  // not NaN (JSON has no NaN)
    eval["noise_ceiling"] = {{"kendall_tau", ceiling.kendall_tau}, {"archs", ceiling.archs},
                             {"rule", "split-half: Kendall tau between the medians of even- and odd-indexed samples"}};
  return eval;
}

}  // namespace

std::vector<FitTarget> fit_targets(const store::Store& db, const space::SearchSpace& space,
                                   const StoreFitOptions& options) {
  const RunsByUid runs = runs_by_uid(db);
  if (!options.only_run.empty()) check_only_run(runs, space, options, db);
  std::vector<FitTarget> targets;
  for (const auto& d : db.devices()) {
    if (!options.only_run.empty() && d.name != runs.at(options.only_run).device) continue;
    if (d.source == "hwgpt") {
      // Our own profiler writes every metric of an arch into one "profile" run.
      for (const char* metric : {"latency_ms", "decode_ms_per_token", "energy_mj", "memory_mb"})
        targets.push_back({metric, d.name, "profile"});
      continue;
    }
    targets.push_back({"latency_ms", d.name, "latency"});
    targets.push_back({"energy_mj", d.name, d.kind == store::DeviceKind::kGpu ? "energy" : "latency"});
    targets.push_back({"memory_mb", d.name, "memory"});
  }
  if (options.only_run.empty()) {  // perplexity records are not per run (store.perplexities)
    targets.push_back({"perplexity", "", "perplexity"});
    targets.push_back({"accuracy", "", "perplexity"});
  }
  std::erase_if(targets, [&](const FitTarget& t) {
    return (!options.only_device.empty() && t.device != options.only_device) ||
           (!options.only_metric.empty() && t.metric != options.only_metric);
  });
  return targets;
}

std::size_t fit_store(const store::Store& db, const space::SearchSpace& space, const std::filesystem::path& folder,
                      const StoreFitOptions& options, const std::function<void(const FitOutcome&)>& on_outcome) {
  const RunsByUid runs = runs_by_uid(db);
  const std::vector<FitTarget> targets = fit_targets(db, space, options);
  if (!options.ceilings_only) std::filesystem::create_directories(folder);
  std::size_t done = 0;
  for (const FitTarget& t : targets) {
    FitOutcome outcome;
    outcome.target = t;
    const std::string stem = analytic::metric_key(t.metric, t.device);
    if (!options.force && !options.ceilings_only && std::filesystem::exists(folder / (stem + ".hsur"))) {
      outcome.status = FitOutcome::Status::kExisted;
      ++done;
    } else {
      const auto data = dataset_from_store(db, space, t.device, t.metric, t.device.empty() ? "" : t.run_kind, "",
                                           options.only_run);
      outcome.archs = data.archs.size();
      outcome.dropped_nonpositive = data.dropped_nonpositive;
      outcome.ceiling = split_half_ceiling(data);
      if (data.archs.size() < options.min_archs) {
        outcome.status = FitOutcome::Status::kTooFewArchs;
      } else if (options.ceilings_only) {
        outcome.status = FitOutcome::Status::kCeilingOnly;
        ++done;
      } else {
        FitOptions fit = options.fit;
        for (const auto& name : options.transfer_from) {
          const auto& other = space::SearchSpace::builtin(name);
          auto other_data = dataset_from_store(db, other, t.device, t.metric, t.device.empty() ? "" : t.run_kind, "", "");
          if (other_data.archs.size() >= options.min_archs) fit.transfer.push_back({&other, std::move(other_data)});
        }
        const auto model = fit_surrogate(data, space, info_for(db, runs, space, t, data, options.only_run), fit);
        // The evaluation first: the model file's presence marks the pair as done for a resumed fit.
        write_file_atomically(folder / (stem + ".eval.json"),
                              evaluation_json(model, t, space.name(), options.only_run, outcome.ceiling).dump(2) + "\n");
        model.save(folder / (stem + ".hsur"));
        outcome.test = model.info().test;
        ++done;
      }
    }
    if (on_outcome) on_outcome(outcome);
  }
  return done;
}

}  // namespace hwgpt::surrogate
