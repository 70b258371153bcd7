// Training the surrogate MLP with libtorch (private to surrogate_fit; the result is a plain
// hwgpt::surrogate::Mlp evaluated without torch).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "hwgpt/surrogate/fit.hpp"
#include "hwgpt/surrogate/predictor.hpp"

namespace hwgpt::surrogate::detail {

// The public MlpOptions (fit.hpp) plus the fit's seed and thread count.
struct MlpFitOptions : MlpOptions {
  std::uint64_t seed = 1;
  int threads = 1;
};

struct MlpFitResult {
  Mlp model;
  int epochs = 0;                        // best epoch count (early stopping) or the fixed count
  std::vector<double> validation_predictions;
  // Distilled fits only: each teacher's epochs (replayed by a refit) and the RMSE of the teachers'
  // mean on the validation rows (what the student imitates; NaN without validation rows).
  std::vector<int> teacher_epochs;
  double teachers_validation_rmse = 0;
};

// Trains on the row-major `x` (rows x features) and targets `y`. With validation data: early
// stopping, the returned model is the best epoch's. Without: exactly `fixed_epochs` epochs.
MlpFitResult fit_mlp(const std::vector<double>& x, std::size_t features, const std::vector<double>& y,
                     const std::vector<double>& valid_x, const std::vector<double>& valid_y, int fixed_epochs,
                     const MlpFitOptions& options);

// MlpOptions::teachers MLPs (widths teacher_hidden, or hidden when empty) fitted on (x, y), seeds
// options.seed + k, and one student (widths hidden) fitted to their mean log prediction on the rows
// of `x` and of `unlabelled_x`; the student is returned. With validation data, every network stops early on the validation targets; a refit
// passes `replay`, an earlier result whose epochs are run again without validation.
MlpFitResult fit_distilled_mlp(const std::vector<double>& x, std::size_t features, const std::vector<double>& y,
                               const std::vector<double>& unlabelled_x, const std::vector<double>& valid_x,
                               const std::vector<double>& valid_y, const MlpFitResult* replay,
                               const MlpFitOptions& options);

}  // namespace hwgpt::surrogate::detail
