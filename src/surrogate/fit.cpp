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

#include "hwgpt/analytic/metric_catalogue.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/hash.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "hwgpt/space/sampling.hpp"
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

// Rows of one dataset, as the fit uses them: features of every arch, its split, and the training
// split divided into a fit part and a validation part (~20 %) for model selection (as doubles for
// the MLP/GP; XGBoost gets floats). The test split is never looked at before the evaluation.
struct Rows {
  std::vector<std::vector<double>> features_of;
  std::vector<Split> split;
  std::vector<double> train_x, train_y, fit_x, fit_y, valid_x, valid_y, spreads;
  std::vector<float> all_x;  // every arch's features (XGBoost's quantile sketch)
  std::uint64_t hash = kFnvOffsetBasis;  // archs and targets of the non-test splits
  // Rows of other spaces (FitOptions::transfer), part of every fit (train_x and fit_x hold them
  // after the dataset's own rows) but never validated, calibrated or tested on.
  std::vector<double> extra_x, extra_y;
  std::string extra_text;  // what they were, for fitted_with
  // Archs sampled from the space, unlabelled: the distilled MLP's student also learns the
  // teachers' predictions there (MlpOptions::teachers).
  std::vector<double> unlabelled_x;
};

// The transfer sets as rows: features in their own space, log targets standardised per set and
// mapped onto the mean and standard deviation of log y over `data`'s non-test archs.
void add_transfer_rows(Rows& r, const Dataset& data, const space::SearchSpace& space, const SurrogateInfo& info,
                       const FitOptions& options) {
  double sum = 0, sum2 = 0, n = 0;
  for (std::size_t i = 0; i < data.archs.size(); ++i)
    if (r.split[i] != Split::kTest) {
      const double v = std::log(data.targets[i]);
      sum += v, sum2 += v * v, n += 1;
    }
  const double mean = sum / n, sd = std::sqrt(std::max(sum2 / n - mean * mean, 0.0));
  const std::size_t width = feature_count(info.features, space);
  for (const auto& set : options.transfer) {
    if (set.space == nullptr || set.data.archs.size() < 2) continue;
    // Rows of another layout would be read with the wrong stride: refuse them by name.
    if (feature_count(info.features, *set.space) != width)
      throw ValueError("surrogate fit: transfer space '" + set.space->name() + "' has " +
                       std::to_string(set.space->mlp_ratios().size()) + " MLP ratios and " +
                       std::to_string(set.space->head_counts().size()) +
                       " head counts; its depth-bins rows differ in length from this space's");
    for (double y : set.data.targets)
      if (!(y > 0)) throw ValueError("surrogate fit: transfer targets must be positive (log model); got " +
                                     std::to_string(y) + " in space '" + set.space->name() + "'");
    double s = 0, s2 = 0;
    for (double y : set.data.targets) s += std::log(y), s2 += std::log(y) * std::log(y);
    const double m = s / static_cast<double>(set.data.targets.size());
    const double d = std::sqrt(std::max(s2 / static_cast<double>(set.data.targets.size()) - m * m, 0.0));
    if (!(d > 0) || !(sd > 0)) continue;
    std::vector<double> row(feature_count(info.features, *set.space));
    for (std::size_t i = 0; i < set.data.archs.size(); ++i) {
      features(set.data.archs[i], *set.space, info.features, row);
      const double y = mean + sd * (std::log(set.data.targets[i]) - m) / d;
      r.extra_x.insert(r.extra_x.end(), row.begin(), row.end());
      r.extra_y.push_back(y);
      r.hash = fnv1a(r.hash, &y, sizeof y);
    }
    r.extra_text += (r.extra_text.empty() ? "" : ", ") + std::to_string(set.data.archs.size()) + " archs of " +
                    set.space->name();
  }
  for (double v : r.extra_x) r.all_x.push_back(static_cast<float>(v));
  for (auto* x : {&r.train_x, &r.fit_x}) x->insert(x->end(), r.extra_x.begin(), r.extra_x.end());
  for (auto* y : {&r.train_y, &r.fit_y}) y->insert(y->end(), r.extra_y.begin(), r.extra_y.end());
}

Rows make_rows(const Dataset& data, const space::SearchSpace& space, const SurrogateInfo& info,
               const FitOptions& options) {
  Rows r;
  std::vector<double> row(feature_count(info.features, space));
  r.features_of.resize(data.archs.size());
  r.split.resize(data.archs.size());
  for (std::size_t i = 0; i < data.archs.size(); ++i) {
    if (!(data.targets[i] > 0)) throw ValueError("surrogate targets must be positive (log model); got " + std::to_string(data.targets[i]));
    features(data.archs[i], space, info.features, row);
    r.features_of[i] = row;
    for (double v : row) r.all_x.push_back(static_cast<float>(v));
    const std::string arch = space::format_arch(data.archs[i]);
    r.split[i] = split_of(arch, options);
    if (r.split[i] != Split::kTest) {
      r.hash = fnv1a(r.hash, arch.data(), arch.size());
      r.hash = fnv1a(r.hash, &data.targets[i], sizeof(double));
    }
    if (r.split[i] != Split::kTrain) continue;
    const double log_y = std::log(data.targets[i]);
    r.train_x.insert(r.train_x.end(), row.begin(), row.end());
    r.train_y.push_back(log_y);
    if (!data.log_spreads.empty()) r.spreads.push_back(data.log_spreads[i]);
    const bool valid = split_of(arch + "#validation", options) == Split::kTest;
    (valid ? r.valid_x : r.fit_x).insert((valid ? r.valid_x : r.fit_x).end(), row.begin(), row.end());
    (valid ? r.valid_y : r.fit_y).push_back(log_y);
  }
  if (info.features.encoding == space::Encoding::kDepthBins && !options.transfer.empty())
    add_transfer_rows(r, data, space, info, options);
  const auto& models = options.models;
  if (options.mlp.teachers > 1 && std::find(models.begin(), models.end(), "mlp") != models.end()) {
    // Drawn as the original drew its archs (each choice uniformly), from their own stream so the
    // split and the other members do not move.
    Rng rng(options.seed ^ 0x64697374696c6cULL);  // "distill"
    for (const auto& arch : space::sample_archs(space, static_cast<std::size_t>(options.mlp.distill_archs), rng)) {
      features(arch, space, info.features, row);
      r.unlabelled_x.insert(r.unlabelled_x.end(), row.begin(), row.end());
    }
  }
  return r;
}

std::vector<float> floats(const std::vector<double>& v) { return {v.begin(), v.end()}; }

// XGBoost's labels are float: its base score is the mean of the float-rounded log targets.
double float_label_mean(const std::vector<double>& y) {
  double b = 0;
  for (double v : y) b += static_cast<float>(v);
  return b / static_cast<double>(y.size());
}

// One fit_surrogate call in named steps: candidates scored on validation, the chosen members,
// calibration, description and the held-out evaluation.
class SurrogateFit {
 public:
  SurrogateFit(const Dataset& data, const space::SearchSpace& space, const SurrogateInfo& info,
               const FitOptions& options)
      : data_(data), options_(options), n_features_(feature_count(info.features, space)),
        rows_(make_rows(data, space, info, options)) {
#if HWGPT_FIT_WITH_MLP
    static_cast<MlpOptions&>(mlp_options_) = options.mlp;
    mlp_options_.seed = options.mlp_seed != 0 ? options.mlp_seed : options.seed;
    mlp_options_.threads = options.threads;
#endif
  }

  // Scores every candidate member and ensemble on the validation archs; returns the chosen one's RMSE.
  double select(const SurrogateInfo& info) {
    check(info);
    score_candidates();
    return choose_members();
  }
  // Refits the chosen model, calibrates it and evaluates it on the test archs.
  Surrogate finish_selected(SurrogateInfo info, const std::string& encoding_text) {
    calibrate();
    return finish(std::move(info), encoding_text);
  }

 private:
  bool wants(const char* kind) const {
    return std::find(options_.models.begin(), options_.models.end(), kind) != options_.models.end();
  }
  bool distilled() const { return options_.mlp.teachers > 1; }
  bool chose(const std::string& member) const {
    return ("+" + chosen_ + "+").find("+" + member + "+") != std::string::npos;
  }

  void check(const SurrogateInfo& info) const {
    const std::size_t n_train = rows_.train_y.size();
    if (n_train < 50 || options_.depths.empty() || rows_.valid_y.size() < 5)
      throw ValueError("surrogate " + analytic::metric_key(info.metric, info.device) + ": only " +
                       std::to_string(n_train) + " training archs; need 50");
    // Builds without libtorch (-DHWGPT_WITH_TORCH=OFF) have no MLP; it is then not a candidate.
    const bool mlp_available = HWGPT_FIT_WITH_MLP != 0;
    if (wants("mlp") && !mlp_available && !wants("gbt") && !wants("gp"))
      throw ValueError("surrogate fit: the MLP needs libtorch, and this build has none (HWGPT_WITH_TORCH=OFF)");
    if (!wants("gbt") && !wants("mlp") && !wants("gp"))
      throw ValueError("surrogate fit: no model kind among gbt, mlp, gp requested");
  }

  // Candidates on the fit part, scored on the validation part (RMSE of log y).
  void score_candidates() {
    const Rows& r = rows_;
    if (wants("gbt")) {
      gbt_ = detail::select_gbt(floats(r.fit_x), floats(r.fit_y), floats(r.valid_x), floats(r.valid_y), n_features_,
                                options_, float_label_mean(r.train_y));
      validation_["gbt"] = gbt_.validation_predictions;
      // Trees that join another member are capped (FitOptions::ensemble_max_tree_levels): selected
      // again within the cap, so the ensembles are scored as they would be shipped.
      gbt_in_ensemble_ = gbt_;
      if (gbt_.rounds * gbt_.depth > options_.ensemble_max_tree_levels && (wants("mlp") || wants("gp"))) {
        FitOptions capped = options_;
        capped.max_tree_levels = std::min(options_.max_tree_levels, options_.ensemble_max_tree_levels);
        gbt_in_ensemble_ = detail::select_gbt(floats(r.fit_x), floats(r.fit_y), floats(r.valid_x), floats(r.valid_y),
                                              n_features_, capped, float_label_mean(r.train_y));
      }
    }
#if HWGPT_FIT_WITH_MLP
    if (wants("mlp")) {
      mlp_ = distilled() ? detail::fit_distilled_mlp(r.fit_x, n_features_, r.fit_y, r.unlabelled_x, r.valid_x,
                                                     r.valid_y, nullptr, mlp_options_)
                         : detail::fit_mlp(r.fit_x, n_features_, r.fit_y, r.valid_x, r.valid_y, 0, mlp_options_);
      validation_["mlp"] = mlp_.validation_predictions;
    }
#endif
    if (wants("gp") && r.fit_y.size() <= options_.gp_max_train) {
      const GpModel gp = fit_gp(r.fit_x, n_features_, r.fit_y);
      std::vector<double>& p = validation_["gp"];
      for (std::size_t i = 0; i < r.valid_y.size(); ++i)
        p.push_back(gp.predict(std::span<const double>(r.valid_x).subspan(i * n_features_, n_features_)));
    }
  }

  // Every non-empty combination (an ensemble averages log predictions), simplest first on ties; a
  // bigger ensemble must be clearly better.
  double choose_members() {
    std::vector<std::string> members;
    for (const auto& [name, _] : validation_) members.push_back(name);
    std::sort(members.begin(), members.end(), [](const std::string& a, const std::string& b) {
      auto rank = [](const std::string& k) { return k == "gbt" ? 0 : k == "mlp" ? 1 : 2; };
      return rank(a) < rank(b);
    });
    double chosen_rmse = std::numeric_limits<double>::infinity();
    const std::vector<double>& valid_y = rows_.valid_y;
    for (std::size_t mask = 1; mask < (std::size_t{1} << members.size()); ++mask) {
      std::string name;
      std::vector<double> mean(valid_y.size(), 0.0);
      int count = 0;
      const bool ensemble = (mask & (mask - 1)) != 0;
      for (std::size_t k = 0; k < members.size(); ++k)
        if (mask >> k & 1) {
          name += (name.empty() ? "" : "+") + members[k];
          const std::vector<double>& p = ensemble && members[k] == "gbt" ? gbt_in_ensemble_.validation_predictions
                                                                          : validation_[members[k]];
          for (std::size_t i = 0; i < mean.size(); ++i) mean[i] += p[i];
          ++count;
        }
      for (double& v : mean) v /= count;
      const double score = rmse(mean, valid_y);
      scores_ += (scores_.empty() ? "" : ", ") + name + " " + format_rmse(score);
      if (score < chosen_rmse * (1 - 1e-3)) {
        chosen_rmse = score;
        chosen_ = name;
      }
    }
    return chosen_rmse;
  }

  // The chosen members with the selected hyper-parameters, fitted on rows (x, y).
  Predictor fit_chosen(const std::vector<double>& x, const std::vector<double>& y) const {
    Predictor p;
    if (chose("gbt"))
      p.trees = detail::fit_gbt(floats(x), floats(y), n_features_, options_, float_label_mean(y), chosen_gbt().depth,
                                chosen_gbt().rounds, rows_.all_x);
#if HWGPT_FIT_WITH_MLP
    if (chose("mlp"))
      p.mlp = distilled() ? detail::fit_distilled_mlp(x, n_features_, y, rows_.unlabelled_x, {}, {}, &mlp_, mlp_options_).model
                          : detail::fit_mlp(x, n_features_, y, {}, {}, mlp_.epochs, mlp_options_).model;
#endif
    if (chose("gp")) p.gp = fit_gp(x, n_features_, y);
    p.mlp.prepare();  // evaluated as a loaded Surrogate evaluates it
    return p;
  }

  // With enough calibration archs, split-conformal: the model is fitted on the training split and
  // the residuals of the calibration split give the quantiles. With fewer (our own small
  // profiles), cross-conformal: K folds over the training and calibration archs together, each
  // fold's residuals from a model fitted on the other folds, and the final model fitted on all of
  // them, so every non-test arch serves both fitting and calibration and the quantiles rest on
  // many more residuals (Vovk's cross-conformal / CV+ with the full model; its coverage is
  // slightly conservative because fold models see less data).
  void calibrate() {
    std::size_t n_calibration = 0;
    for (Split sp : rows_.split) n_calibration += sp == Split::kCalibration;
    cross_ = n_calibration < options_.cross_conformal_below && options_.cv_folds >= 2;
    if (cross_)
      calibrate_cross_conformal();
    else
      calibrate_split_conformal();
  }

  void calibrate_split_conformal() {
    predictor_ = fit_chosen(rows_.train_x, rows_.train_y);
    for (std::size_t i = 0; i < data_.archs.size(); ++i)
      if (rows_.split[i] == Split::kCalibration)
        residuals_.push_back(std::log(data_.targets[i]) - predictor_.predict_log(rows_.features_of[i]));
    calibration_text_ = "split-conformal residual quantiles (" + std::to_string(residuals_.size()) + " calibration archs)";
  }

  void calibrate_cross_conformal() {
    const auto& features_of = rows_.features_of;
    std::vector<std::size_t> pool, fold;
    for (std::size_t i = 0; i < data_.archs.size(); ++i)
      if (rows_.split[i] != Split::kTest) {
        pool.push_back(i);
        fold.push_back(fold_of(space::format_arch(data_.archs[i]), options_));
      }
    std::vector<double> pool_x, pool_y;
    for (std::size_t i : pool) {
      pool_x.insert(pool_x.end(), features_of[i].begin(), features_of[i].end());
      pool_y.push_back(std::log(data_.targets[i]));
    }
    for (std::size_t k = 0; k < options_.cv_folds; ++k) {
      std::vector<double> kx, ky;
      for (std::size_t j = 0; j < pool.size(); ++j)
        if (fold[j] != k) {
          kx.insert(kx.end(), features_of[pool[j]].begin(), features_of[pool[j]].end());
          ky.push_back(pool_y[j]);
        }
      if (ky.size() == pool.size()) continue;  // an empty fold
      kx.insert(kx.end(), rows_.extra_x.begin(), rows_.extra_x.end());
      ky.insert(ky.end(), rows_.extra_y.begin(), rows_.extra_y.end());
      const Predictor without_fold = fit_chosen(kx, ky);
      for (std::size_t j = 0; j < pool.size(); ++j)
        if (fold[j] == k) residuals_.push_back(pool_y[j] - without_fold.predict_log(features_of[pool[j]]));
    }
    pool_x.insert(pool_x.end(), rows_.extra_x.begin(), rows_.extra_x.end());
    pool_y.insert(pool_y.end(), rows_.extra_y.begin(), rows_.extra_y.end());
    predictor_ = fit_chosen(pool_x, pool_y);
    calibration_text_ = "cross-conformal residual quantiles (" + std::to_string(options_.cv_folds) + " folds over the " +
                        std::to_string(pool.size()) + " training and calibration archs, fewer than " +
                        std::to_string(options_.cross_conformal_below) +
                        " calibration archs; the final model fitted on all of them)";
  }

  // The chosen members' settings, for the file's fitted_with.
  std::string describe_members() const {
    std::string details;
    if (chose("gbt")) {
      std::string depths;
      for (int v : options_.depths) depths += " " + std::to_string(v);
      const bool capped = chosen_gbt().rounds != gbt_.rounds || chosen_gbt().depth != gbt_.depth;
      details += "; gbt: xgboost " + std::to_string(chosen_gbt().rounds) + " rounds, depth " +
                 std::to_string(chosen_gbt().depth) + " (chosen by validation among depths" + depths + ", early stopping, at most " +
                 std::to_string(options_.max_tree_levels) + " tree levels" +
                 (capped ? ", at most " + std::to_string(options_.ensemble_max_tree_levels) + " tree levels (rounds x depth) in an ensemble (alone: " +
                               std::to_string(gbt_.rounds) + " rounds, depth " + std::to_string(gbt_.depth) + ")"
                         : std::string()) +
                 "), eta " +
                 std::to_string(options_.eta) + ", subsample " + std::to_string(options_.subsample) + ", colsample " +
                 std::to_string(options_.colsample);
    }
#if HWGPT_FIT_WITH_MLP
    if (chose("mlp")) {
      std::string hidden;
      for (int h : mlp_options_.hidden) hidden += (hidden.empty() ? "" : "x") + std::to_string(h);
      details += "; mlp: libtorch, hidden " + hidden + " SiLU, Adam lr " + std::to_string(mlp_options_.learning_rate) +
                 " cosine, batch " + std::to_string(mlp_options_.batch) + ", " + std::to_string(mlp_.epochs) +
                 " epochs (early stopping)";
      if (distilled()) {
        std::string epochs;
        for (int e : mlp_.teacher_epochs) epochs += (epochs.empty() ? "" : "/") + std::to_string(e);
        std::string teacher_hidden;
        for (int h : mlp_options_.teacher_hidden) teacher_hidden += (teacher_hidden.empty() ? "" : "x") + std::to_string(h);
        details += ", distilled from " + std::to_string(mlp_options_.teachers) + " MLPs" +
                   (teacher_hidden.empty() ? std::string() : " " + teacher_hidden) + " of seeds " +
                   std::to_string(mlp_options_.seed) + ".." +
                   std::to_string(mlp_options_.seed + mlp_options_.teachers - 1) + " (" + epochs +
                   " epochs; their mean's validation RMSE " + format_rmse(mlp_.teachers_validation_rmse) +
                   ") on the fit archs and " + std::to_string(rows_.unlabelled_x.size() / n_features_) +
                   " archs sampled per choice";
      }
    }
#endif
    if (chose("gp")) {
      const auto state = predictor_.gp->gp.state();
      details += "; gp: Matern-5/2, length scale " + format_rmse(state.length_scale) + ", noise " +
                 std::to_string(state.noise) + " (max. marginal likelihood)";
    }
    return details;
  }

  // Fills the info's counts, hash and description, and evaluates the calibrated model on the test split.
  Surrogate finish(SurrogateInfo info, const std::string& encoding_text) {
    std::vector<std::size_t> test_rows;
    for (std::size_t i = 0; i < data_.archs.size(); ++i)
      if (rows_.split[i] == Split::kTest) test_rows.push_back(i);
    std::vector<double> spreads = rows_.spreads;
    double noise = 0;
    if (!spreads.empty()) {
      std::nth_element(spreads.begin(), spreads.begin() + static_cast<std::ptrdiff_t>(spreads.size() / 2), spreads.end());
      noise = spreads[spreads.size() / 2];
    }
    // Archs the final model was fitted on, and calibration residuals (the same archs when cross).
    info.train_count = static_cast<std::int64_t>(cross_ ? residuals_.size() : rows_.train_y.size() - rows_.extra_y.size());
    info.calibration_count = static_cast<std::int64_t>(residuals_.size());
    info.test_count = static_cast<std::int64_t>(test_rows.size());
    char hash_text[17];
    std::snprintf(hash_text, sizeof hash_text, "%016llx", static_cast<unsigned long long>(rows_.hash));
    info.data_hash = hash_text;
    info.model_kind = predictor_.kind();
    info.fitted_with = chosen_ + " (chosen by validation RMSE of log y: " + scores_ + ")" + describe_members() +
                       "; " + encoding_text +
                       (rows_.extra_text.empty() ? "" : "; transfer: fitted with " + rows_.extra_text +
                                                             " (log targets standardised per space)") +
                       "; seed " + std::to_string(options_.seed) +
                       (options_.mlp_seed != 0 && options_.mlp_seed != options_.seed
                            ? " (MLP seed " + std::to_string(options_.mlp_seed) + ")"
                            : "") +
                       "; log target; " + calibration_text_;
    Surrogate s(info, predictor_, conformal_quantiles(residuals_), noise);
    if (test_rows.size() >= 2) {
      std::vector<double> truth, predicted, lower, upper, sigma;
      for (std::size_t i : test_rows) {
        const auto& x = rows_.features_of[i];
        truth.push_back(data_.targets[i]);
        predicted.push_back(s.predict(x));
        lower.push_back(s.quantile(x, 0.05));
        upper.push_back(s.quantile(x, 0.95));
        sigma.push_back(s.log_sigma());
      }
      info.test = evaluate(truth, predicted, lower, upper, sigma);
    }
    return Surrogate(std::move(info), std::move(predictor_), s.residual_quantiles(), s.noise_log_sigma());
  }

  const Dataset& data_;
  const FitOptions& options_;
  std::size_t n_features_;
  Rows rows_;
  std::map<std::string, std::vector<double>> validation_;  // member -> validation predictions
  detail::GbtSelection gbt_, gbt_in_ensemble_;
  // The trees as chosen: alone, or within the ensemble cap.
  const detail::GbtSelection& chosen_gbt() const { return chosen_ == "gbt" ? gbt_ : gbt_in_ensemble_; }
#if HWGPT_FIT_WITH_MLP
  detail::MlpFitResult mlp_;
  detail::MlpFitOptions mlp_options_;
#endif
  std::string chosen_, scores_, calibration_text_;
  bool cross_ = false;
  Predictor predictor_;
  std::vector<double> residuals_;
};

}  // namespace

Surrogate fit_surrogate(const Dataset& data, const space::SearchSpace& space, SurrogateInfo info,
                        const FitOptions& options) {
  if (options.encodings.empty()) throw ValueError("surrogate fit: no arch encoding to try");
  // Each encoding's members and ensembles are scored on the same validation archs (the split is
  // by arch), so their RMSEs compare; the best goes on to refitting, calibration and the test.
  // An encoding listed later must be clearly better (0.1 %), as a bigger ensemble must.
  std::unique_ptr<SurrogateFit> best;
  SurrogateInfo best_info;
  double best_rmse = std::numeric_limits<double>::infinity();
  std::string scores;
  for (const space::Encoding encoding : options.encodings) {
    SurrogateInfo candidate = info;
    candidate.features.encoding = encoding;
    if (encoding == space::Encoding::kDepthBins) candidate.features.analytic = false;  // see FitOptions::transfer
    auto fit = std::make_unique<SurrogateFit>(data, space, candidate, options);
    const double rmse = fit->select(candidate);
    scores += (scores.empty() ? "" : ", ") + space::encoding_name(encoding) + " " + format_rmse(rmse);
    if (!best || rmse < best_rmse * (1 - 1e-3)) {
      best = std::move(fit);
      best_info = std::move(candidate);
      best_rmse = rmse;
    }
  }
  std::string encoding_text = space::encoding_name(best_info.features.encoding) + " arch encoding";
  if (options.encodings.size() > 1) encoding_text += " (chosen by validation RMSE: " + scores + ")";
  return best->finish_selected(std::move(best_info), encoding_text);
}

}  // namespace hwgpt::surrogate
