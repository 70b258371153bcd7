// Fitting every surrogate of one space from a measurement store (what `hwgpt fit` runs): which
// (metric, device) pairs the store holds, what each model file records about its data, and the
// resumable loop that writes DIR/<space>/<metric>[@<device>].hsur and .eval.json.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "hwgpt/space/search_space.hpp"
#include "hwgpt/store/store.hpp"
#include "hwgpt/surrogate/fit.hpp"
#include "hwgpt/surrogate/noise_ceiling.hpp"

namespace hwgpt::surrogate {

// One model to fit: a metric of a device (device "" for perplexity and accuracy) and the kind of
// store run its samples come from.
struct FitTarget {
  std::string metric, device, run_kind;
};

struct StoreFitOptions {
  FitOptions fit;
  std::string only_device, only_metric;  // "" = all
  std::string only_run;                  // a run uid: that run's samples only ("" = all runs)
  bool force = false;                    // refit pairs whose model file exists
  bool ceilings_only = false;            // compute the noise ceilings, fit nothing, write nothing
  std::size_t min_archs = 100;           // pairs with fewer measured archs are skipped
  // Other spaces whose measurements of the same metric and device join the fit of the
  // depth-bins candidate (FitOptions::transfer); those with fewer than min_archs are left out.
  std::vector<std::string> transfer_from;
};

// What happened to one target.
struct FitOutcome {
  FitTarget target;
  enum class Status { kFitted, kExisted, kTooFewArchs, kCeilingOnly } status = Status::kFitted;
  std::size_t archs = 0;             // archs with a positive target
  std::size_t dropped_nonpositive = 0;
  Evaluation test;                   // when fitted
  NoiseCeiling ceiling;              // split-half reliability of the measurements (not for kExisted)
};

// Every target of space `space` in `db`, filtered by the options. Throws ValueError for an
// unknown or unsuitable only_run (the message says why).
std::vector<FitTarget> fit_targets(const store::Store& db, const space::SearchSpace& space,
                                   const StoreFitOptions& options);

// Fits the targets into `folder` (created), calling `on_outcome` after each. A model file is
// written after its .eval.json (which records the test quality and the noise ceiling), so its
// presence marks a pair as done for a resumed fit. Returns how many targets have a model file now
// (fitted or existing), or with ceilings_only how many had data.
std::size_t fit_store(const store::Store& db, const space::SearchSpace& space, const std::filesystem::path& folder,
                      const StoreFitOptions& options, const std::function<void(const FitOutcome&)>& on_outcome = {});

}  // namespace hwgpt::surrogate
