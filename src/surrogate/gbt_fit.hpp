// Boosted trees with XGBoost's C API (private to surrogate_fit): depth and rounds chosen by early
// stopping on validation rows, then the native TreeEnsemble, checked against XGBoost.
#pragma once

#include <cstddef>
#include <vector>

#include "hwgpt/surrogate/fit.hpp"
#include "hwgpt/surrogate/tree_ensemble.hpp"

namespace hwgpt::surrogate::detail {

struct GbtSelection {
  int depth = 0, rounds = 0;
  std::vector<double> validation_predictions;  // of the best (depth, rounds), trained on the fit rows
};

// Row-major float matrices (rows x features) as XGBoost takes them.
GbtSelection select_gbt(const std::vector<float>& fit_x, const std::vector<float>& fit_y,
                        const std::vector<float>& valid_x, const std::vector<float>& valid_y,
                        std::size_t features, const FitOptions& options, double base);

// Trains `rounds` rounds of depth `depth` on all of `x`, converts to a compiled TreeEnsemble and
// checks it reproduces XGBoost's predictions on `check_x` (throws Error otherwise).
TreeEnsemble fit_gbt(const std::vector<float>& x, const std::vector<float>& y, std::size_t features,
                     const FitOptions& options, double base, int depth, int rounds,
                     const std::vector<float>& check_x);

}  // namespace hwgpt::surrogate::detail
