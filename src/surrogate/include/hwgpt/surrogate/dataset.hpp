// The data a surrogate is fitted and judged on: per-arch targets read from a measurement store,
// and the deterministic train / calibration / test split of archs. Torch- and XGBoost-free, so the
// report (held-out calibration figures) uses the very split the fit used without linking fitting.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "hwgpt/space/arch.hpp"
#include "hwgpt/space/search_space.hpp"
#include "hwgpt/store/store.hpp"

namespace hwgpt::surrogate {

struct Dataset {
  std::vector<space::Arch> archs;
  std::vector<double> targets;
  std::vector<double> log_spreads;
  // Each arch's raw samples (empty for perplexity and accuracy, which have one value per arch):
  // the noise ceiling (noise_ceiling.hpp) splits them.
  std::vector<std::vector<double>> samples;
  // Archs left out because their target was <= 0 (the model is fitted on log y), e.g. a memory
  // increase below the meter's resolution. Reported by `hwgpt fit`.
  std::size_t dropped_nonpositive = 0;
};

enum class Split { kTrain, kCalibration, kTest };

struct SplitOptions {
  std::uint64_t seed = 1;
  double test_fraction = 0.2;         // archs held out for the reported evaluation
  double calibration_fraction = 0.15; // archs for the conformal residual quantiles
};

// Deterministic per arch string and seed, so one arch is in the same split for every metric and
// device (no test arch leaks into another surrogate's training through shared structure).
Split split_of(const std::string& arch, const SplitOptions& options);

// Targets of `metric` measured on `device` for archs of `space` in runs of `run_kind` ("" = any)
// and, if `run_uid` is not empty, in that run only; for perplexity/accuracy (device ""), the
// store's perplexity records of `split`.
Dataset dataset_from_store(const store::Store& store, const space::SearchSpace& space,
                           const std::string& device, const std::string& metric,
                           const std::string& run_kind = "", const std::string& split = "",
                           const std::string& run_uid = "");

}  // namespace hwgpt::surrogate
