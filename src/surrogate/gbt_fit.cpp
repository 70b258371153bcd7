// Boosted trees with XGBoost's C API (see gbt_fit.hpp).
#include "gbt_fit.hpp"

#include <xgboost/c_api.h>

#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "hwgpt/core/error.hpp"

namespace hwgpt::surrogate::detail {
namespace {

void xgb_check(int rc, const char* what) {
  if (rc != 0) throw Error(std::string("XGBoost ") + what + ": " + XGBGetLastError());
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

GbtSelection select_gbt(const std::vector<float>& fit_x, const std::vector<float>& fit_y,
                        const std::vector<float>& valid_x, const std::vector<float>& valid_y,
                        std::size_t n_features, const FitOptions& options, double base) {
  GbtSelection best;
  best.depth = options.depths.front();
  best.rounds = 1;
  double best_rmse = std::numeric_limits<double>::infinity();
  for (int depth : options.depths) {
    // Rounds within the level budget (at least one tree); never past max_rounds either.
    const int max_rounds = std::min(options.max_rounds, std::max(1, options.max_tree_levels / std::max(depth, 1)));
    Booster b = make_booster(fit_x, fit_y, n_features, options, depth, base);
    Matrix dvalid;
    xgb_check(XGDMatrixCreateFromMat(valid_x.data(), valid_y.size(), n_features, std::nanf(""), &dvalid.handle), "matrix");
    double depth_rmse = std::numeric_limits<double>::infinity();
    int since_best = 0;
    for (int round = 0, step = 0; round < max_rounds && since_best < options.patience; round += step) {
      step = std::min(kRoundStep, max_rounds - round);  // never past the cap
      for (int k = 0; k < step; ++k) xgb_check(XGBoosterUpdateOneIter(b.handle, round + k, b.train.handle), "training");
      bst_ulong out_len = 0;
      const float* out = nullptr;
      xgb_check(XGBoosterPredict(b.handle, dvalid.handle, 0, 0, 0, &out_len, &out), "predict");
      double sse = 0;
      for (std::size_t i = 0; i < valid_y.size(); ++i) sse += (out[i] - valid_y[i]) * (out[i] - valid_y[i]);
      const double rmse = std::sqrt(sse / static_cast<double>(valid_y.size()));
      if (rmse < depth_rmse * (1 - 1e-4)) {
        depth_rmse = rmse;
        since_best = 0;
        if (rmse < best_rmse) {
          best_rmse = rmse;
          best.depth = depth;
          best.rounds = round + step;
          best.validation_predictions.assign(out, out + valid_y.size());
        }
      } else {
        since_best += step;
      }
    }
  }
  return best;
}

TreeEnsemble fit_gbt(const std::vector<float>& x, const std::vector<float>& y, std::size_t n_features,
                     const FitOptions& options, double base, int depth, int rounds,
                     const std::vector<float>& check_x) {
  Booster booster = make_booster(x, y, n_features, options, depth, base);
  for (int round = 0; round < rounds; ++round)
    xgb_check(XGBoosterUpdateOneIter(booster.handle, round, booster.train.handle), "training");
  bst_ulong length = 0;
  const char* buffer = nullptr;
  xgb_check(XGBoosterSaveModelToBuffer(booster.handle, R"({"format": "json"})", &length, &buffer), "save");
  // The base score XGBoost used is the one we set, rounded through its float parameter.
  TreeEnsemble trees = convert(std::string(buffer, length), static_cast<double>(std::stof(std::to_string(base))));
  // The native trees, in the compiled layout queries use, must reproduce XGBoost's predictions.
  trees.compile();
  const std::size_t rows = check_x.size() / n_features;
  Matrix all;
  xgb_check(XGDMatrixCreateFromMat(check_x.data(), rows, n_features, std::nanf(""), &all.handle), "matrix");
  bst_ulong out_len = 0;
  const float* out = nullptr;
  xgb_check(XGBoosterPredict(booster.handle, all.handle, 0, 0, 0, &out_len, &out), "predict");
  std::vector<double> row(n_features);
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t f = 0; f < n_features; ++f) row[f] = static_cast<double>(check_x[i * n_features + f]);
    const double native = trees.predict(row);
    if (std::fabs(native - out[i]) > 1e-4 * (1 + std::fabs(out[i])))
      throw Error("surrogate fit: native trees disagree with XGBoost on arch " + std::to_string(i) + " (" +
                  std::to_string(native) + " vs " + std::to_string(out[i]) + ")");
  }
  return trees;
}

}  // namespace hwgpt::surrogate::detail
