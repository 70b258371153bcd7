// Fitting surrogates (the separate target hwgpt::surrogate_fit, which links XGBoost and the store;
// hwgpt::surrogate itself predicts without either).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hwgpt/space/arch.hpp"
#include "hwgpt/space/encoding.hpp"
#include "hwgpt/store/store.hpp"
#include "hwgpt/surrogate/dataset.hpp"
#include "hwgpt/surrogate/surrogate.hpp"

namespace hwgpt::surrogate {

// Per-arch targets: the measured mean, and the standard deviation of log samples (0 if unknown).
// MLP training settings (surrogate_fit's private mlp_fit.hpp has the defaults' meaning).
struct MlpOptions {
  // SiLU layers. 64 x 64 since 2026-12-04: on every shipped hardware model it matched 128 x 128
  // on the test archs (docs/SURROGATES.md) at a third of the query's arithmetic, which the
  // >= 1 M predictions/s goal needs below AVX-512 (docs/BENCHMARKS.md).
  std::vector<int> hidden = {64, 64};
  // The whole cosine schedule is run and the best epoch kept: stopping after 30 epochs without
  // progress (before 2026-12-03) ended most fits at a high learning rate, well short of the
  // annealed end (s perplexity, MLP alone on ordinal inputs: test tau 0.9875 -> 0.9899).
  int max_epochs = 1000;
  int patience = 1000;
  int batch = 128;
  double learning_rate = 2e-3;
  double weight_decay = 1e-5;
  // A seed ensemble distilled into the one shipped MLP (Hinton et al. 2015; Bucila et al. 2006):
  // with teachers > 1, that many MLPs (widths teacher_hidden) are fitted with seeds seed, seed + 1,
  // ..., and the shipped MLP (the student, widths `hidden`) is fitted to the mean of their log
  // predictions on the fit rows and on distill_archs archs sampled from the space (per choice, as
  // the data were), with early stopping on the true validation targets. The student keeps one
  // network's query cost; it recovers the ensemble's validation error (m, l perplexity: below one
  // MLP's), not all of its ranking gain on test archs. docs/SURROGATES.md ("Distillation").
  int teachers = 1;
  int distill_archs = 8000;
  std::vector<int> teacher_hidden;  // the teachers' widths; empty: the student's (`hidden`)
};

struct FitOptions {
  // Candidate members; every non-empty combination of those fitted is scored on validation
  // archs and the best (an ensemble only when clearly better) is kept and recorded. The GP is a
  // candidate on request only (since 2026-12-04): its query costs O(training archs x features),
  // 6-8 µs per arch on ~250 archs, far from the >= 1 M predictions/s goal, for validation gains
  // of ~1-2 % RMSE where it won (this VM's own small profiles; docs/SURROGATES.md).
  std::vector<std::string> models = {"gbt", "mlp"};
  // Arch encodings tried (each with every member); the best on validation is kept and recorded.
  // One-hot lets the MLP learn each layer's choices separately (s perplexity: test tau 0.990 ->
  // 0.994); ordinal suits small data and the trees (l perplexity). docs/SURROGATES.md.
  std::vector<space::Encoding> encodings = {space::Encoding::kOrdinal, space::Encoding::kOneHot};
  // The same metric measured in other spaces (other scales of the benchmark), for the depth-bins
  // encoding only, whose layout every scale shares: their archs join the fit part of that
  // candidate (never validation, calibration or the test), their log targets standardised per
  // space and mapped onto this data's mean and spread of log y. The depth-bins candidate has no
  // analytic features (they differ in scale between spaces). docs/SURROGATES.md ("Transfer").
  struct TransferSet {
    const space::SearchSpace* space = nullptr;
    Dataset data;
  };
  std::vector<TransferSet> transfer;
  std::size_t gp_max_train = 1500;    // the GP (O(n³)) is a candidate only up to this many fit archs
  MlpOptions mlp;
  std::vector<int> depths = {3, 6};   // tree depths tried; the best on validation is kept
  int max_rounds = 1500;              // boosting rounds at most
  // The query's cost as a fit constraint: a prediction walks rounds x depth tree levels (~0.75 ns
  // each at the x86-64 baseline, docs/BENCHMARKS.md), so each depth's rounds are capped at
  // max_tree_levels / depth (800: 266 depth-3 or 133 depth-6 trees, ~0.6 us), and trees that join
  // an MLP or a GP in an ensemble are selected again within ensemble_max_tree_levels (300): the
  // other member carries most of the accuracy there (m's a40 latency: 600 depth-6 rounds,
  // validation RMSE 0.00219; capped at 150, 0.00221, docs/SURROGATES.md).
  int max_tree_levels = 800;
  int ensemble_max_tree_levels = 300;
  int patience = 100;                 // stop a depth after this many rounds without improvement
  double eta = 0.1;                   // learning rate
  double subsample = 0.8;
  double colsample = 0.8;
  int threads = 2;
  std::uint64_t seed = SplitOptions{}.seed;  // XGBoost seed and the arch split
  // The MLP's initialisation and batch order; 0: `seed`. Another value refits the same split with
  // another draw of the MLP (how much of a test score is the training's own randomness).
  std::uint64_t mlp_seed = 0;
  double test_fraction = SplitOptions{}.test_fraction;
  double calibration_fraction = SplitOptions{}.calibration_fraction;
  // Below this many calibration archs, cross-conformal calibration over the training and
  // calibration archs (cv_folds folds) replaces split-conformal (fit.cpp says why).
  std::size_t cross_conformal_below = 500;
  std::size_t cv_folds = 5;
};

// The split of dataset.hpp with the fit's seed and fractions.
inline Split split_of(const std::string& arch, const FitOptions& options) {
  return split_of(arch, SplitOptions{options.seed, options.test_fraction, options.calibration_fraction});
}

// Selects and fits on the train split, calibrates on the calibration split (or cross-conformally
// on both, for small data), evaluates on the test split and fills info.{data_hash, fitted_with,
// *_count, test}. Throws ValueError with too little data.
Surrogate fit_surrogate(const Dataset& data, const space::SearchSpace& space, SurrogateInfo info,
                        const FitOptions& options = {});

}  // namespace hwgpt::surrogate
