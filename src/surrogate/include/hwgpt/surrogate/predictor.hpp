// The point predictors of a surrogate, all in plain C++ (no torch, no XGBoost at query time):
// boosted trees (tree_ensemble.hpp), a multi-layer perceptron, and a Gaussian process for small
// data. A Predictor holds one or more of them; with several (an ensemble), log ŷ is their mean.
// Which ones a surrogate uses is chosen per metric and device by validation (fit.hpp).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "hwgpt/surrogate/gaussian_process.hpp"
#include "hwgpt/surrogate/tree_ensemble.hpp"

namespace hwgpt::surrogate {

// x' = (x − offset) / scale per feature (scale > 0).
struct InputScaling {
  std::vector<double> offset, scale;
  void apply(std::span<const double> x, std::span<double> out) const;
  friend bool operator==(const InputScaling&, const InputScaling&) = default;
};

struct MlpLayer {
  std::size_t inputs = 0, outputs = 0;
  // Stored as float64 (the file format), holding libtorch's float32 values exactly.
  std::vector<double> weights;  // outputs x inputs, row-major (torch.nn.Linear's layout)
  std::vector<double> bias;     // outputs
  // Derived by Mlp::prepare(), in float32 (evaluation runs in the precision of training): the
  // weights as stored, for the batch kernel; the weights input-major (inputs x outputs), so a
  // single prediction runs over contiguous outputs and vectorises; the bias. For the first layer
  // only, the same with the MLP's input scaling folded in (see Mlp). Not stored in files, not
  // compared.
  std::vector<float> weights_f, weights_by_input_f, bias_f, folded_f, folded_by_input_f, folded_bias_f;
  friend bool operator==(const MlpLayer& a, const MlpLayer& b) {
    return a.inputs == b.inputs && a.outputs == b.outputs && a.weights == b.weights && a.bias == b.bias;
  }
};

// Fully connected layers with SiLU between them (its exp in plain arithmetic, activation.hpp, so
// batches vectorise) and one linear output: y = out_offset +
// out_scale · net(scaled x). Trained with libtorch (float32) by surrogate_fit; evaluated here in
// float32 too: every layer's sums run in float over the inputs in order, and only the output's
// affine map is in double. The first layer reads the raw features: prepare() folds the input
// scaling into its weights (w / scale) and bias (b − Σ w · offset / scale, in double), so a zero
// feature contributes nothing and is skipped. One-hot rows are mostly zeros (at l, ~40 of ~230
// features are not), so the first layer costs a fraction of its dense size. (float32 halves the
// bytes and doubles the vector lanes of the batch kernel; the values differ from torch's only by
// rounding, ~1e-6 relative, which fit-time checks bound.)
struct Mlp {
  InputScaling input;
  std::vector<MlpLayer> layers;
  double output_offset = 0, output_scale = 1;
  bool empty() const { return layers.empty(); }
  std::size_t input_size() const { return input.offset.size(); }
  double predict(std::span<const double> x) const;
  // Fills each layer's float32 copies and the folded first layer (Surrogate's constructor calls
  // it). predict() gives the same bits either way (it prepares a copy when it must).
  void prepare();
  bool prepared() const;
  // predict() of each row of a row-major matrix, bit-identical, vectorised over blocks of rows
  // (mlp_batch.cpp).
  void predict_batch(std::span<const double> rows, std::size_t row_size, std::span<double> out) const;
  // Throws ValueError when the shapes do not chain (a corrupt file).
  void check() const;
  friend bool operator==(const Mlp&, const Mlp&) = default;
};

// A GP on inputs scaled to about [0, 1] (GaussianProcess's hyper-parameter grid assumes that).
struct GpModel {
  InputScaling input;
  GaussianProcess gp;
  double predict(std::span<const double> x) const;
  friend bool operator==(const GpModel& a, const GpModel& b);
};

struct Predictor {
  TreeEnsemble trees;          // no trees: not part of the prediction
  Mlp mlp;                     // empty: not part of the prediction
  std::optional<GpModel> gp;

  // "gbt", "mlp", "gp", or members joined by '+' (e.g. "gbt+mlp").
  std::string kind() const;
  // Mean of the members' log ŷ; with trees alone exactly TreeEnsemble::predict.
  double predict_log(std::span<const double> x) const;
  // predict_log() of each row (bit-identical), trees batched.
  void predict_log_batch(std::span<const double> rows, std::size_t row_size, std::span<double> out) const;
  // Throws ValueError unless every member reads feature vectors of `features` values.
  void check_inputs(std::size_t features) const;
  friend bool operator==(const Predictor&, const Predictor&) = default;
};

}  // namespace hwgpt::surrogate
