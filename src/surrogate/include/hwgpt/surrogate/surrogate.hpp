// Surrogate: predicts one metric of one device (or a device-free metric such as perplexity) for
// any arch of one space, with calibrated uncertainty. The model works in log space: a boosted tree
// ensemble gives log ŷ; the signed residuals log y − log ŷ of held-back calibration archs give
// distribution-free (split-conformal) quantiles, so quantile(q) = ŷ · exp(Q_r(q)).
// Files are versioned and self-describing (docs/SURROGATES.md); no torch, no XGBoost at query time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "hwgpt/core/rng.hpp"
#include "hwgpt/surrogate/evaluation.hpp"
#include "hwgpt/surrogate/features.hpp"
#include "hwgpt/surrogate/predictor.hpp"
#include "hwgpt/surrogate/tree_ensemble.hpp"

namespace hwgpt::surrogate {

struct SurrogateInfo {
  std::string space;                  // search-space name
  std::string metric;                 // e.g. latency_ms, energy_mj, memory_mb, perplexity, accuracy
  std::string device;                 // store device name; "" for device-free metrics
  std::vector<std::string> device_aliases;
  std::string unit;                   // ms, mJ, MB, "" for dimensionless
  std::string model_variant;          // which model was measured: original | hwgpt | original-supernet
  std::string run_kind;               // the store run kind the targets came from
  analytic::Workload workload;        // of the measurements
  FeatureConfig features;
  std::string model_kind = "gbt";     // Predictor::kind(): gbt, mlp, gp or an ensemble like gbt+mlp
  std::string data_hash;              // FNV-1a of the training/calibration archs and targets
  std::string fitted_with;            // command and hyper-parameters
  std::int64_t train_count = 0, calibration_count = 0, test_count = 0;
  Evaluation test;                    // on the held-out test archs
  friend bool operator==(const SurrogateInfo&, const SurrogateInfo&) = default;
};

// Levels of the stored residual quantiles: 0.005, 0.010, …, 0.995.
inline constexpr int kQuantileLevels = 199;

class Surrogate {
 public:
  Surrogate() = default;
  Surrogate(SurrogateInfo info, TreeEnsemble trees, std::vector<double> residual_quantiles,
            double noise_log_sigma);
  Surrogate(SurrogateInfo info, Predictor predictor, std::vector<double> residual_quantiles,
            double noise_log_sigma);

  const SurrogateInfo& info() const { return info_; }
  const Predictor& predictor() const { return predictor_; }
  const TreeEnsemble& trees() const { return predictor_.trees; }
  const std::vector<double>& residual_quantiles() const { return residual_quantiles_; }
  double noise_log_sigma() const { return noise_log_sigma_; }

  // log ŷ from a precomputed feature vector (size feature_count(info().features, space)).
  double predict_log(std::span<const double> features) const { return predictor_.predict_log(features); }
  // Point prediction ŷ = exp(log ŷ) (the median of the predictive distribution).
  double predict(std::span<const double> features) const;
  // ŷ · exp(Q_r(q)), q in (0, 1); linear interpolation between stored levels, clamped at the ends.
  double quantile(std::span<const double> features, double q) const;
  // One seeded draw: ŷ · exp(Q_r(u) + σ_noise · z), u uniform, z standard normal: a plausible
  // single measurement (model error plus the measurement spread seen in the data).
  double sample(std::span<const double> features, Rng& rng) const;
  // The same three from log ŷ, for batches: predict_log_batch() then one of these per row.
  double quantile_from_log(double log_prediction, double q) const;
  double sample_from_log(double log_prediction, Rng& rng) const;
  // predict_log() of each row of a row-major matrix; bit-identical to it, and several times faster.
  void predict_log_batch(std::span<const double> rows, std::size_t row_size, std::span<double> out) const {
    predictor_.predict_log_batch(rows, row_size, out);
  }
  // σ of log y for Gaussian summaries: (Q_r(0.95) − Q_r(0.05)) / (2 · 1.6449).
  double log_sigma() const;

  void save(const std::filesystem::path& path) const;
  // Throws FileError for a missing, truncated, corrupt or foreign file, or a newer format; with a
  // non-empty `expected_space`, also for a file of another space.
  static Surrogate load(const std::filesystem::path& path, const std::string& expected_space = "");

  friend bool operator==(const Surrogate&, const Surrogate&) = default;

 private:
  SurrogateInfo info_;
  Predictor predictor_;
  std::vector<double> residual_quantiles_;  // kQuantileLevels values, non-decreasing
  double noise_log_sigma_ = 0;
};

// Signed residual quantiles at the stored levels (finite-sample conformal correction applied: the
// level-α quantile uses rank ⌈α (n + 1)⌉).
std::vector<double> conformal_quantiles(std::vector<double> residuals);

}  // namespace hwgpt::surrogate
