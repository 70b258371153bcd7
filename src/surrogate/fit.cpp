// Surrogate fitting with XGBoost's C API: boosted trees on log targets, converted to the native
// TreeEnsemble and checked against XGBoost's own predictions, then split-conformal calibration.
#include "hwgpt/surrogate/fit.hpp"

#include <xgboost/c_api.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <limits>
#include <memory>
#include <utility>

#include <nlohmann/json.hpp>

#include "hwgpt/core/error.hpp"
#include "hwgpt/space/arch_string.hpp"

namespace hwgpt::surrogate {
namespace {

void xgb_check(int rc, const char* what) {
  if (rc != 0) throw Error(std::string("XGBoost ") + what + ": " + XGBGetLastError());
}

std::uint64_t fnv1a(std::uint64_t h, const void* data, std::size_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

struct Matrix {
  DMatrixHandle handle = nullptr;
  Matrix() = default;
  Matrix(Matrix&& o) noexcept : handle(std::exchange(o.handle, nullptr)) {}
  ~Matrix() {
    if (handle) XGDMatrixFree(handle);
  }
};
struct Booster {
  Matrix train;
  BoosterHandle handle = nullptr;
  Booster() = default;
  Booster(Booster&& o) noexcept : train(std::move(o.train)), handle(std::exchange(o.handle, nullptr)) {}
  ~Booster() {
    if (handle) XGBoosterFree(handle);
  }
};

constexpr int kRoundStep = 25;  // validation is checked every 25 rounds

Booster make_booster(const std::vector<float>& x, const std::vector<float>& y, std::size_t n_features,
                     const FitOptions& options, int depth, double base) {
  Booster b;
  xgb_check(XGDMatrixCreateFromMat(x.data(), y.size(), n_features, std::nanf(""), &b.train.handle), "matrix");
  xgb_check(XGDMatrixSetFloatInfo(b.train.handle, "label", y.data(), y.size()), "labels");
  xgb_check(XGBoosterCreate(&b.train.handle, 1, &b.handle), "create");
  const std::map<std::string, std::string> params = {
      {"objective", "reg:squarederror"}, {"tree_method", "hist"}, {"max_depth", std::to_string(depth)},
      {"eta", std::to_string(options.eta)}, {"subsample", std::to_string(options.subsample)},
      {"colsample_bytree", std::to_string(options.colsample)}, {"nthread", std::to_string(options.threads)},
      {"seed", std::to_string(options.seed)}, {"base_score", std::to_string(base)}, {"verbosity", "0"}};
  for (const auto& [key, value] : params) xgb_check(XGBoosterSetParam(b.handle, key.c_str(), value.c_str()), "parameter");
  return b;
}

// The XGBoost 1.7 JSON model: learner.gradient_booster.model.trees[*] with parallel arrays;
// a leaf has left_children == -1 and its value in split_conditions.
TreeEnsemble convert(const std::string& model_json, double base_score) {
  const auto j = nlohmann::json::parse(model_json);
  TreeEnsemble e;
  e.base_score = base_score;
  for (const auto& t : j.at("learner").at("gradient_booster").at("model").at("trees")) {
    const auto left = t.at("left_children").get<std::vector<int>>();
    const auto right = t.at("right_children").get<std::vector<int>>();
    const auto index = t.at("split_indices").get<std::vector<int>>();
    const auto cond = t.at("split_conditions").get<std::vector<float>>();
    std::vector<TreeNode> nodes(left.size());
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (left[i] == -1) {
        nodes[i].value = cond[i];
      } else {
        nodes[i].feature = index[i];
        nodes[i].threshold = cond[i];
        nodes[i].left = left[i];
        nodes[i].right = right[i];
      }
    }
    e.trees.push_back(std::move(nodes));
  }
  return e;
}

}  // namespace

Split split_of(const std::string& arch, const FitOptions& options) {
  const std::uint64_t h = fnv1a(fnv1a(0xcbf29ce484222325ULL, &options.seed, sizeof options.seed), arch.data(), arch.size());
  const double u = static_cast<double>(h >> 11) * 0x1.0p-53;
  if (u < options.test_fraction) return Split::kTest;
  if (u < options.test_fraction + options.calibration_fraction) return Split::kCalibration;
  return Split::kTrain;
}

Surrogate fit_surrogate(const Dataset& data, const space::SearchSpace& space, SurrogateInfo info,
                        const FitOptions& options) {
  const std::size_t n_features = feature_count(info.features, space);
  std::vector<float> train_x, all_x(data.archs.size() * n_features);
  std::vector<float> train_y;
  std::vector<double> row(n_features);
  std::vector<std::vector<double>> features_of(data.archs.size());
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  std::vector<double> spreads;
  for (std::size_t i = 0; i < data.archs.size(); ++i) {
    if (!(data.targets[i] > 0)) throw ValueError("surrogate targets must be positive (log model); got " + std::to_string(data.targets[i]));
    features(data.archs[i], space, info.features, row);
    features_of[i] = row;
    const std::string arch = space::format_arch(data.archs[i]);
    const Split split = split_of(arch, options);
    if (split != Split::kTest) {
      hash = fnv1a(hash, arch.data(), arch.size());
      hash = fnv1a(hash, &data.targets[i], sizeof(double));
    }
    if (split == Split::kTrain) {
      for (double v : row) train_x.push_back(static_cast<float>(v));
      train_y.push_back(static_cast<float>(std::log(data.targets[i])));
      if (!data.log_spreads.empty()) spreads.push_back(data.log_spreads[i]);
    }
  }
  const std::size_t n_train = train_y.size();
  if (n_train < 50 || options.depths.empty()) throw ValueError("surrogate " + info.metric + "@" + info.device + ": only " + std::to_string(n_train) + " training archs; need 50");
  double base = 0;
  for (float y : train_y) base += y;
  base /= static_cast<double>(n_train);

  // Model selection by validation inside the training split (the test split is never looked at):
  // each depth of options.depths is trained with early stopping on a validation part of the
  // training archs; the best (depth, rounds) is refitted on the whole training split.
  std::vector<float> fit_x, fit_y, valid_x, valid_y;
  for (std::size_t i = 0, t = 0; i < data.archs.size(); ++i) {
    const std::string arch = space::format_arch(data.archs[i]);
    if (split_of(arch, options) != Split::kTrain) continue;
    const bool valid = split_of(arch + "#validation", options) == Split::kTest;  // ~20 % of train
    auto& x = valid ? valid_x : fit_x;
    auto& y = valid ? valid_y : fit_y;
    for (std::size_t f = 0; f < n_features; ++f) x.push_back(train_x[t * n_features + f]);
    y.push_back(train_y[t]);
    ++t;
  }
  int best_depth = options.depths.front(), best_rounds = 1;
  double best_rmse = std::numeric_limits<double>::infinity();
  for (int depth : options.depths) {
    Booster b = make_booster(fit_x, fit_y, n_features, options, depth, base);
    Matrix dvalid;
    xgb_check(XGDMatrixCreateFromMat(valid_x.data(), valid_y.size(), n_features, std::nanf(""), &dvalid.handle), "matrix");
    double depth_rmse = std::numeric_limits<double>::infinity();
    int depth_rounds = kRoundStep, since_best = 0;
    for (int round = 0; round < options.max_rounds && since_best < options.patience; round += kRoundStep) {
      for (int k = 0; k < kRoundStep; ++k) xgb_check(XGBoosterUpdateOneIter(b.handle, round + k, b.train.handle), "training");
      bst_ulong out_len = 0;
      const float* out = nullptr;
      xgb_check(XGBoosterPredict(b.handle, dvalid.handle, 0, 0, 0, &out_len, &out), "predict");
      double sse = 0;
      for (std::size_t i = 0; i < valid_y.size(); ++i) sse += (out[i] - valid_y[i]) * (out[i] - valid_y[i]);
      const double rmse = std::sqrt(sse / static_cast<double>(valid_y.size()));
      if (rmse < depth_rmse * (1 - 1e-4)) {
        depth_rmse = rmse;
        depth_rounds = round + kRoundStep;
        since_best = 0;
      } else {
        since_best += kRoundStep;
      }
    }
    if (depth_rmse < best_rmse) {
      best_rmse = depth_rmse;
      best_depth = depth;
      best_rounds = depth_rounds;
    }
  }
  Booster booster = make_booster(train_x, train_y, n_features, options, best_depth, base);
  for (int round = 0; round < best_rounds; ++round)
    xgb_check(XGBoosterUpdateOneIter(booster.handle, round, booster.train.handle), "training");

  bst_ulong length = 0;
  const char* buffer = nullptr;
  xgb_check(XGBoosterSaveModelToBuffer(booster.handle, R"({"format": "json"})", &length, &buffer), "save");
  // The base score XGBoost used is the one we set, rounded through its float parameter.
  TreeEnsemble trees = convert(std::string(buffer, length), static_cast<double>(std::stof(std::to_string(base))));

  // The native trees, in the compiled layout queries use, must reproduce XGBoost's predictions.
  trees.compile();
  {
    Matrix all;
    for (std::size_t i = 0; i < data.archs.size(); ++i)
      for (std::size_t f = 0; f < n_features; ++f) all_x[i * n_features + f] = static_cast<float>(features_of[i][f]);
    xgb_check(XGDMatrixCreateFromMat(all_x.data(), data.archs.size(), n_features, std::nanf(""), &all.handle), "matrix");
    bst_ulong out_len = 0;
    const float* out = nullptr;
    xgb_check(XGBoosterPredict(booster.handle, all.handle, 0, 0, 0, &out_len, &out), "predict");
    for (std::size_t i = 0; i < data.archs.size(); ++i)
      if (std::fabs(trees.predict(features_of[i]) - out[i]) > 1e-4 * (1 + std::fabs(out[i])))
        throw Error("surrogate fit: native trees disagree with XGBoost on arch " + std::to_string(i) + " (" +
                    std::to_string(trees.predict(features_of[i])) + " vs " + std::to_string(out[i]) + ")");
  }

  std::vector<double> residuals;
  std::vector<std::size_t> test_rows;
  for (std::size_t i = 0; i < data.archs.size(); ++i) {
    const Split split = split_of(space::format_arch(data.archs[i]), options);
    if (split == Split::kCalibration) residuals.push_back(std::log(data.targets[i]) - trees.predict(features_of[i]));
    if (split == Split::kTest) test_rows.push_back(i);
  }
  double noise = 0;
  if (!spreads.empty()) {
    std::nth_element(spreads.begin(), spreads.begin() + static_cast<std::ptrdiff_t>(spreads.size() / 2), spreads.end());
    noise = spreads[spreads.size() / 2];
  }
  info.train_count = static_cast<std::int64_t>(n_train);
  info.calibration_count = static_cast<std::int64_t>(residuals.size());
  info.test_count = static_cast<std::int64_t>(test_rows.size());
  char hash_text[17];
  std::snprintf(hash_text, sizeof hash_text, "%016llx", static_cast<unsigned long long>(hash));
  info.data_hash = hash_text;
  info.model_kind = "gbt";
  info.fitted_with = "xgboost " + std::to_string(best_rounds) + " rounds, depth " + std::to_string(best_depth) +
                     " (chosen by validation among depths" + [&] {
                       std::string d;
                       for (int v : options.depths) d += " " + std::to_string(v);
                       return d;
                     }() + ", early stopping)" +
                     ", eta " + std::to_string(options.eta) + ", subsample " + std::to_string(options.subsample) +
                     ", colsample " + std::to_string(options.colsample) + ", seed " + std::to_string(options.seed) +
                     "; log target; split-conformal residual quantiles";
  Surrogate s(info, std::move(trees), conformal_quantiles(residuals), noise);

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
  return Surrogate(std::move(info), s.trees(), s.residual_quantiles(), s.noise_log_sigma());
}

Dataset dataset_from_store(const store::Store& store, const space::SearchSpace& space, const std::string& device,
                           const std::string& metric, const std::string& run_kind, const std::string& split) {
  Dataset d;
  std::map<std::string, bool> seen;
  if (device.empty() && (metric == "perplexity" || metric == "accuracy")) {
    for (const auto& p : store.perplexities(space.name(), split)) {
      if (seen[p.arch]) continue;
      if (metric == "accuracy" && !p.accuracy) continue;
      seen[p.arch] = true;
      d.archs.push_back(space::parse_arch(p.arch, space));
      d.targets.push_back(metric == "perplexity" ? p.perplexity : *p.accuracy);
      d.log_spreads.push_back(0.0);
    }
    return d;
  }
  for (const auto& row : store.samples({device, metric, space.name(), "", run_kind})) {
    if (seen[row.set.arch]) continue;
    seen[row.set.arch] = true;
    if (!(row.set.mean > 0)) {
      ++d.dropped_nonpositive;
      continue;
    }
    d.archs.push_back(space::parse_arch(row.set.arch, space));
    d.targets.push_back(row.set.mean);
    double spread = 0;
    if (row.set.samples.size() >= 2) {
      double m = 0;
      for (double v : row.set.samples) m += std::log(v);
      m /= static_cast<double>(row.set.samples.size());
      for (double v : row.set.samples) spread += (std::log(v) - m) * (std::log(v) - m);
      spread = std::sqrt(spread / static_cast<double>(row.set.samples.size() - 1));
    }
    d.log_spreads.push_back(spread);
  }
  return d;
}

}  // namespace hwgpt::surrogate
