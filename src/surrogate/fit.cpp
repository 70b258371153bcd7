// Surrogate fitting: candidate models (boosted trees, MLP, GP and their ensembles) scored on a
// validation part of the training archs, the best refitted on all of them, then split-conformal
// calibration and the held-out evaluation.
#include "hwgpt/surrogate/fit.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <limits>
#include <memory>
#include <utility>

#include <nlohmann/json.hpp>

#include "hwgpt/core/error.hpp"
#include "hwgpt/core/hash.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "gbt_fit.hpp"
#include "mlp_fit.hpp"

namespace hwgpt::surrogate {
namespace {

// Fold of an arch for cross-conformal calibration: a hash of its string, independent of its split.
std::size_t fold_of(const std::string& arch, const FitOptions& options) {
  const std::uint64_t h = fnv1a(fnv1a(kFnvOffsetBasis, &options.seed, sizeof options.seed), (arch + "#fold").data(),
                                arch.size() + 5);
  return static_cast<std::size_t>(static_cast<double>(h >> 11) * 0x1.0p-53 * static_cast<double>(options.cv_folds));
}

double rmse(const std::vector<double>& predicted, const std::vector<double>& truth) {
  double sse = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) sse += (predicted[i] - truth[i]) * (predicted[i] - truth[i]);
  return std::sqrt(sse / static_cast<double>(truth.size()));
}

// A GP on inputs min-max scaled to [0, 1] over `x` (constant features keep scale 1).
GpModel fit_gp(const std::vector<double>& x, std::size_t features, const std::vector<double>& y) {
  GpModel m;
  m.input.offset.assign(features, std::numeric_limits<double>::infinity());
  m.input.scale.assign(features, -std::numeric_limits<double>::infinity());
  for (std::size_t i = 0; i < x.size(); ++i) {
    m.input.offset[i % features] = std::min(m.input.offset[i % features], x[i]);
    m.input.scale[i % features] = std::max(m.input.scale[i % features], x[i]);
  }
  for (std::size_t f = 0; f < features; ++f) {
    const double range = m.input.scale[f] - m.input.offset[f];
    m.input.scale[f] = range > 0 ? range : 1.0;
  }
  std::vector<double> scaled(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) scaled[i] = (x[i] - m.input.offset[i % features]) / m.input.scale[i % features];
  m.gp.fit(scaled, features, y);
  // Keep only what predict_mean needs: a restored GP is what queries use, so use it here too.
  m.gp = GaussianProcess::from_state(m.gp.state());
  return m;
}

std::string format_rmse(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.5f", v);
  return text;
}

}  // namespace

Surrogate fit_surrogate(const Dataset& data, const space::SearchSpace& space, SurrogateInfo info,
                        const FitOptions& options) {
  const std::size_t n_features = feature_count(info.features, space);
  std::vector<double> row(n_features);
  std::vector<std::vector<double>> features_of(data.archs.size());
  std::vector<Split> split(data.archs.size());
  std::uint64_t hash = kFnvOffsetBasis;
  std::vector<double> spreads;
  // Rows of the training split (as doubles for the MLP/GP, floats for XGBoost), divided into a fit
  // part and a validation part (~20 %) for model selection; the test split is never looked at.
  std::vector<double> train_x, train_y, fit_x, fit_y, valid_x, valid_y;
  std::vector<float> all_x;
  for (std::size_t i = 0; i < data.archs.size(); ++i) {
    if (!(data.targets[i] > 0)) throw ValueError("surrogate targets must be positive (log model); got " + std::to_string(data.targets[i]));
    features(data.archs[i], space, info.features, row);
    features_of[i] = row;
    for (double v : row) all_x.push_back(static_cast<float>(v));
    const std::string arch = space::format_arch(data.archs[i]);
    split[i] = split_of(arch, options);
    if (split[i] != Split::kTest) {
      hash = fnv1a(hash, arch.data(), arch.size());
      hash = fnv1a(hash, &data.targets[i], sizeof(double));
    }
    if (split[i] != Split::kTrain) continue;
    const double log_y = std::log(data.targets[i]);
    train_x.insert(train_x.end(), row.begin(), row.end());
    train_y.push_back(log_y);
    if (!data.log_spreads.empty()) spreads.push_back(data.log_spreads[i]);
    const bool valid = split_of(arch + "#validation", options) == Split::kTest;
    (valid ? valid_x : fit_x).insert((valid ? valid_x : fit_x).end(), row.begin(), row.end());
    (valid ? valid_y : fit_y).push_back(log_y);
  }
  const std::size_t n_train = train_y.size();
  if (n_train < 50 || options.depths.empty() || valid_y.size() < 5)
    throw ValueError("surrogate " + info.metric + "@" + info.device + ": only " + std::to_string(n_train) + " training archs; need 50");
  auto floats = [](const std::vector<double>& v) { return std::vector<float>(v.begin(), v.end()); };
  // XGBoost's labels are float: its base score and targets are the float-rounded log values.
  double base = 0;
  for (double y : train_y) base += static_cast<float>(y);
  base /= static_cast<double>(n_train);
  auto wants = [&](const char* kind) {
    return std::find(options.models.begin(), options.models.end(), kind) != options.models.end();
  };
  // Builds without libtorch (-DHWGPT_WITH_TORCH=OFF) have no MLP; it is then not a candidate.
  const bool mlp_available = HWGPT_FIT_WITH_MLP != 0;
  if (wants("mlp") && !mlp_available && !wants("gbt") && !wants("gp"))
    throw ValueError("surrogate fit: the MLP needs libtorch, and this build has none (HWGPT_WITH_TORCH=OFF)");
  if (!wants("gbt") && !wants("mlp") && !wants("gp"))
    throw ValueError("surrogate fit: no model kind among gbt, mlp, gp requested");

  // Candidates on the fit part, scored on the validation part (RMSE of log y).
  std::map<std::string, std::vector<double>> validation;  // member -> predictions
  detail::GbtSelection gbt;
  detail::MlpFitResult mlp;
#if HWGPT_FIT_WITH_MLP
  detail::MlpFitOptions mlp_options;
  static_cast<MlpOptions&>(mlp_options) = options.mlp;
  mlp_options.seed = options.seed;
  mlp_options.threads = options.threads;
#endif
  if (wants("gbt")) {
    gbt = detail::select_gbt(floats(fit_x), floats(fit_y), floats(valid_x), floats(valid_y), n_features, options, base);
    validation["gbt"] = gbt.validation_predictions;
  }
#if HWGPT_FIT_WITH_MLP
  if (wants("mlp")) {
    mlp = detail::fit_mlp(fit_x, n_features, fit_y, valid_x, valid_y, 0, mlp_options);
    validation["mlp"] = mlp.validation_predictions;
  }
#endif
  if (wants("gp") && fit_y.size() <= options.gp_max_train) {
    const GpModel gp = fit_gp(fit_x, n_features, fit_y);
    std::vector<double>& p = validation["gp"];
    for (std::size_t i = 0; i < valid_y.size(); ++i)
      p.push_back(gp.predict(std::span<const double>(valid_x).subspan(i * n_features, n_features)));
  }
  // Every non-empty combination (an ensemble averages log predictions), simplest first on ties.
  std::vector<std::string> members;
  for (const auto& [name, _] : validation) members.push_back(name);
  std::sort(members.begin(), members.end(), [](const std::string& a, const std::string& b) {
    auto rank = [](const std::string& k) { return k == "gbt" ? 0 : k == "mlp" ? 1 : 2; };
    return rank(a) < rank(b);
  });
  std::string chosen, scores;
  double chosen_rmse = std::numeric_limits<double>::infinity();
  for (std::size_t mask = 1; mask < (std::size_t{1} << members.size()); ++mask) {
    std::string name;
    std::vector<double> mean(valid_y.size(), 0.0);
    int count = 0;
    for (std::size_t k = 0; k < members.size(); ++k)
      if (mask >> k & 1) {
        name += (name.empty() ? "" : "+") + members[k];
        for (std::size_t i = 0; i < mean.size(); ++i) mean[i] += validation[members[k]][i];
        ++count;
      }
    for (double& v : mean) v /= count;
    const double score = rmse(mean, valid_y);
    scores += (scores.empty() ? "" : ", ") + name + " " + format_rmse(score);
    if (score < chosen_rmse * (1 - 1e-3)) {  // a bigger ensemble must be clearly better
      chosen_rmse = score;
      chosen = name;
    }
  }
  auto chose = [&chosen](const std::string& member) {
    return ("+" + chosen + "+").find("+" + member + "+") != std::string::npos;
  };

  // The chosen members with the selected hyper-parameters, fitted on rows (x, y).
  auto fit_chosen = [&](const std::vector<double>& x, const std::vector<double>& y) {
    Predictor p;
    if (chose("gbt")) {
      double b = 0;  // XGBoost's base score: the mean of the float-rounded labels
      for (double v : y) b += static_cast<float>(v);
      b /= static_cast<double>(y.size());
      p.trees = detail::fit_gbt(floats(x), floats(y), n_features, options, b, gbt.depth, gbt.rounds, all_x);
    }
#if HWGPT_FIT_WITH_MLP
    if (chose("mlp")) p.mlp = detail::fit_mlp(x, n_features, y, {}, {}, mlp.epochs, mlp_options).model;
#endif
    if (chose("gp")) p.gp = fit_gp(x, n_features, y);
    p.mlp.prepare();  // evaluated as a loaded Surrogate evaluates it
    return p;
  };

  // Calibration. With enough calibration archs, split-conformal: the model is fitted on the
  // training split and the residuals of the calibration split give the quantiles. With fewer
  // (our own small profiles), cross-conformal: K folds over the training and calibration archs
  // together, each fold's residuals from a model fitted on the other folds, and the final model
  // fitted on all of them, so every non-test arch serves both fitting and calibration and the
  // quantiles rest on many more residuals (Vovk's cross-conformal / CV+ with the full model;
  // its coverage is slightly conservative because fold models see less data).
  std::size_t n_calibration = 0;
  for (Split sp : split) n_calibration += sp == Split::kCalibration;
  const bool cross = n_calibration < options.cross_conformal_below && options.cv_folds >= 2;
  Predictor predictor;
  std::vector<double> residuals;
  std::string calibration_text;
  if (!cross) {
    predictor = fit_chosen(train_x, train_y);
    for (std::size_t i = 0; i < data.archs.size(); ++i)
      if (split[i] == Split::kCalibration) residuals.push_back(std::log(data.targets[i]) - predictor.predict_log(features_of[i]));
    calibration_text = "split-conformal residual quantiles (" + std::to_string(residuals.size()) + " calibration archs)";
  } else {
    std::vector<std::size_t> pool, fold;
    for (std::size_t i = 0; i < data.archs.size(); ++i)
      if (split[i] != Split::kTest) {
        pool.push_back(i);
        fold.push_back(fold_of(space::format_arch(data.archs[i]), options));
      }
    std::vector<double> pool_x, pool_y;
    for (std::size_t i : pool) {
      pool_x.insert(pool_x.end(), features_of[i].begin(), features_of[i].end());
      pool_y.push_back(std::log(data.targets[i]));
    }
    for (std::size_t k = 0; k < options.cv_folds; ++k) {
      std::vector<double> kx, ky;
      for (std::size_t j = 0; j < pool.size(); ++j)
        if (fold[j] != k) {
          kx.insert(kx.end(), features_of[pool[j]].begin(), features_of[pool[j]].end());
          ky.push_back(pool_y[j]);
        }
      if (ky.size() == pool.size()) continue;  // an empty fold
      const Predictor without_fold = fit_chosen(kx, ky);
      for (std::size_t j = 0; j < pool.size(); ++j)
        if (fold[j] == k) residuals.push_back(pool_y[j] - without_fold.predict_log(features_of[pool[j]]));
    }
    predictor = fit_chosen(pool_x, pool_y);
    calibration_text = "cross-conformal residual quantiles (" + std::to_string(options.cv_folds) + " folds over the " +
                       std::to_string(pool.size()) + " training and calibration archs, fewer than " +
                       std::to_string(options.cross_conformal_below) +
                       " calibration archs; the final model fitted on all of them)";
  }
  std::string details;
  if (chose("gbt"))
    details += "; gbt: xgboost " + std::to_string(gbt.rounds) + " rounds, depth " + std::to_string(gbt.depth) +
               " (chosen by validation among depths" + [&] {
                 std::string d;
                 for (int v : options.depths) d += " " + std::to_string(v);
                 return d;
               }() + ", early stopping), eta " + std::to_string(options.eta) + ", subsample " +
               std::to_string(options.subsample) + ", colsample " + std::to_string(options.colsample);
#if HWGPT_FIT_WITH_MLP
  if (chose("mlp")) {
    std::string hidden;
    for (int h : mlp_options.hidden) hidden += (hidden.empty() ? "" : "x") + std::to_string(h);
    details += "; mlp: libtorch, hidden " + hidden + " SiLU, Adam lr " + std::to_string(mlp_options.learning_rate) +
               " cosine, batch " + std::to_string(mlp_options.batch) + ", " + std::to_string(mlp.epochs) +
               " epochs (early stopping)";
  }
#endif
  if (chose("gp")) {
    const auto state = predictor.gp->gp.state();
    details += "; gp: Matern-5/2, length scale " + format_rmse(state.length_scale) + ", noise " +
               std::to_string(state.noise) + " (max. marginal likelihood)";
  }

  std::vector<std::size_t> test_rows;
  for (std::size_t i = 0; i < data.archs.size(); ++i)
    if (split[i] == Split::kTest) test_rows.push_back(i);
  double noise = 0;
  if (!spreads.empty()) {
    std::nth_element(spreads.begin(), spreads.begin() + static_cast<std::ptrdiff_t>(spreads.size() / 2), spreads.end());
    noise = spreads[spreads.size() / 2];
  }
  // Archs the final model was fitted on, and calibration residuals (the same archs when cross).
  info.train_count = static_cast<std::int64_t>(cross ? residuals.size() : n_train);
  info.calibration_count = static_cast<std::int64_t>(residuals.size());
  info.test_count = static_cast<std::int64_t>(test_rows.size());
  char hash_text[17];
  std::snprintf(hash_text, sizeof hash_text, "%016llx", static_cast<unsigned long long>(hash));
  info.data_hash = hash_text;
  info.model_kind = predictor.kind();
  info.fitted_with = chosen + " (chosen by validation RMSE of log y: " + scores + ")" + details + "; seed " +
                     std::to_string(options.seed) + "; log target; " + calibration_text;
  Surrogate s(info, predictor, conformal_quantiles(residuals), noise);

  if (test_rows.size() >= 2) {
    std::vector<double> truth, predicted, lower, upper, sigma;
    for (std::size_t i : test_rows) {
      truth.push_back(data.targets[i]);
      predicted.push_back(s.predict(features_of[i]));
      lower.push_back(s.quantile(features_of[i], 0.05));
      upper.push_back(s.quantile(features_of[i], 0.95));
      sigma.push_back(s.log_sigma());
    }
    info.test = evaluate(truth, predicted, lower, upper, sigma);
  }
  return Surrogate(std::move(info), std::move(predictor), s.residual_quantiles(), s.noise_log_sigma());
}

}  // namespace hwgpt::surrogate
