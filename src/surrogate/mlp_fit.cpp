// MLP training with libtorch (see mlp_fit.hpp). Inputs and targets are standardised on the
// training rows; the scalings are folded into the exported Mlp so queries need no torch.
#include "mlp_fit.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <span>

#include "hwgpt/core/error.hpp"
#include "hwgpt/core/rng.hpp"

namespace hwgpt::surrogate::detail {
namespace {

torch::Tensor to_tensor(const std::vector<double>& values, std::size_t rows, std::size_t cols) {
  auto t = torch::empty({static_cast<std::int64_t>(rows), static_cast<std::int64_t>(cols)}, torch::kFloat32);
  float* p = t.data_ptr<float>();
  for (std::size_t i = 0; i < values.size(); ++i) p[i] = static_cast<float>(values[i]);
  return t;
}

Mlp export_mlp(torch::nn::Sequential& net, InputScaling input, double y_mean, double y_scale) {
  Mlp m;
  m.input = std::move(input);
  m.output_offset = y_mean;
  m.output_scale = y_scale;
  for (auto& module : net->modules(/*include_self=*/false)) {
    auto* linear = module->as<torch::nn::Linear>();
    if (linear == nullptr) continue;
    MlpLayer layer;
    const auto w = linear->weight.detach().to(torch::kFloat64).contiguous();
    const auto b = linear->bias.detach().to(torch::kFloat64).contiguous();
    layer.outputs = static_cast<std::size_t>(w.size(0));
    layer.inputs = static_cast<std::size_t>(w.size(1));
    layer.weights.assign(w.data_ptr<double>(), w.data_ptr<double>() + w.numel());
    layer.bias.assign(b.data_ptr<double>(), b.data_ptr<double>() + b.numel());
    m.layers.push_back(std::move(layer));
  }
  m.check();
  return m;
}

// Per feature, the training rows' mean and standard deviation; a constant feature keeps scale 1.
InputScaling feature_scaling(const std::vector<double>& x, std::size_t n, std::size_t features) {
  InputScaling input;
  input.offset.assign(features, 0.0);
  input.scale.assign(features, 1.0);
  for (std::size_t f = 0; f < features; ++f) {
    double mean = 0, var = 0;
    for (std::size_t i = 0; i < n; ++i) mean += x[i * features + f];
    mean /= static_cast<double>(n);
    for (std::size_t i = 0; i < n; ++i) var += (x[i * features + f] - mean) * (x[i * features + f] - mean);
    const double sd = std::sqrt(var / static_cast<double>(n));
    input.offset[f] = mean;
    input.scale[f] = sd > 1e-12 * (1 + std::fabs(mean)) ? sd : 1.0;
  }
  return input;
}

// The targets' mean and standard deviation (1 for constant targets); the exported MLP's output
// undoes them.
struct TargetScaling {
  double mean = 0, scale = 1;
};

TargetScaling target_scaling(const std::vector<double>& y) {
  const std::size_t n = y.size();
  double y_mean = 0, y_var = 0;
  for (double v : y) y_mean += v;
  y_mean /= static_cast<double>(n);
  for (double v : y) y_var += (v - y_mean) * (v - y_mean);
  return {y_mean, y_var > 0 ? std::sqrt(y_var / static_cast<double>(n)) : 1.0};
}

// Row-major rows, each feature standardised with `input`.
std::vector<double> scaled(const std::vector<double>& rows, const InputScaling& input) {
  const std::size_t features = input.offset.size();
  std::vector<double> out(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    out[i] = (rows[i] - input.offset[i % features]) / input.scale[i % features];
  return out;
}

// The standardised training rows, float32: x is (n, features), y is (n, 1).
struct TrainingRows {
  torch::Tensor x, y;
};

// SiLU hidden layers of the given widths, then one linear output.
torch::nn::Sequential make_network(std::size_t features, const std::vector<int>& hidden) {
  torch::nn::Sequential net;
  std::int64_t width = static_cast<std::int64_t>(features);
  for (int h : hidden) {
    net->push_back(torch::nn::Linear(width, h));
    net->push_back(torch::nn::SiLU());
    width = h;
  }
  net->push_back(torch::nn::Linear(width, 1));
  return net;
}

// Cosine decay over max_epochs (the same schedule for the early-stopped and the refitted run).
void set_learning_rate(torch::optim::Adam& optimizer, int epoch, const MlpFitOptions& options) {
  const double progress = static_cast<double>(epoch) / std::max(1, options.max_epochs);
  const double lr = options.learning_rate * (0.05 + 0.95 * 0.5 * (1 + std::cos(std::numbers::pi * progress)));
  for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
}

// One pass over the training rows in `order` (shuffled by the caller), one optimiser step a batch.
void train_epoch(torch::nn::Sequential& net, torch::optim::Adam& optimizer, const TrainingRows& train,
                 std::vector<std::int64_t>& order, int batch) {
  const std::size_t n = order.size();
  net->train();
  for (std::size_t start = 0; start < n; start += static_cast<std::size_t>(batch)) {
    const std::size_t end = std::min(n, start + static_cast<std::size_t>(batch));
    const auto index = torch::from_blob(order.data() + start, {static_cast<std::int64_t>(end - start)}, torch::kInt64);
    optimizer.zero_grad();
    const auto loss = torch::mse_loss(net->forward(train.x.index_select(0, index)), train.y.index_select(0, index));
    loss.backward();
    optimizer.step();
  }
}

// The network's predictions for the validation rows in target units, and their RMSE.
struct Validation {
  std::vector<double> values;
  double rmse = 0;
};

// Call under a NoGradGuard.
Validation validate(torch::nn::Sequential& net, const torch::Tensor& valid_x, const std::vector<double>& valid_y,
                    const TargetScaling& target) {
  net->eval();
  const auto predicted = net->forward(valid_x).contiguous();
  const float* p = predicted.data_ptr<float>();
  double sse = 0;
  std::vector<double> values(valid_y.size());
  for (std::size_t i = 0; i < valid_y.size(); ++i) {
    values[i] = target.mean + target.scale * static_cast<double>(p[i]);
    sse += (values[i] - valid_y[i]) * (values[i] - valid_y[i]);
  }
  return {std::move(values), std::sqrt(sse / static_cast<double>(valid_y.size()))};
}

// Early stopping: the epoch with the lowest validation RMSE so far (lower by a relative 1e-4 to
// count), with the network's weights and predictions then.
struct BestEpoch {
  double rmse = std::numeric_limits<double>::infinity();
  int epochs = 0;      // epochs trained when it was reached
  int since = 0;       // epochs trained since
  std::vector<torch::Tensor> weights;
  std::vector<double> predictions;

  // Records the epoch that made `epochs_done` epochs; false once `patience` epochs in a row did not
  // improve. Call under a NoGradGuard.
  bool keep_going(Validation& validation, int epochs_done, torch::nn::Sequential& net, int patience) {
    if (validation.rmse < rmse * (1 - 1e-4)) {
      rmse = validation.rmse;
      epochs = epochs_done;
      since = 0;
      predictions = std::move(validation.values);
      weights.clear();
      for (const auto& param : net->parameters()) weights.push_back(param.detach().clone());
    } else if (++since >= patience) {
      return false;
    }
    return true;
  }

  void restore(torch::nn::Sequential& net) const {
    torch::NoGradGuard no_grad;
    auto params = net->parameters();
    for (std::size_t i = 0; i < params.size(); ++i) params[i].copy_(weights[i]);
  }
};

// The plain C++ MLP (float32 like torch, summed in its own order) must reproduce torch's forward
// pass on the training rows (`train_x` standardised, `x` as given).
void check_native_matches_torch(torch::nn::Sequential& net, const torch::Tensor& train_x, const std::vector<double>& x,
                                const Mlp& model, const TargetScaling& target) {
  const auto n = static_cast<std::size_t>(train_x.size(0));
  const auto features = static_cast<std::size_t>(train_x.size(1));
  torch::NoGradGuard no_grad;
  net->eval();
  const auto reference = net->forward(train_x).contiguous();
  const float* p = reference.data_ptr<float>();
  Mlp prepared = model;
  prepared.prepare();
  for (std::size_t i = 0; i < n; ++i) {
    const double torch_value = target.mean + target.scale * static_cast<double>(p[i]);
    const double native = prepared.predict(std::span<const double>(x).subspan(i * features, features));
    if (std::fabs(native - torch_value) > 1e-4 * (1 + std::fabs(torch_value)))
      throw Error("surrogate fit: native MLP disagrees with libtorch on row " + std::to_string(i) + " (" +
                  std::to_string(native) + " vs " + std::to_string(torch_value) + ")");
  }
}

}  // namespace

MlpFitResult fit_mlp(const std::vector<double>& x, std::size_t features, const std::vector<double>& y,
                     const std::vector<double>& valid_x, const std::vector<double>& valid_y, int fixed_epochs,
                     const MlpFitOptions& options) {
  const std::size_t n = y.size();
  if (n < 2 || features == 0 || x.size() != n * features || valid_x.size() != valid_y.size() * features)
    throw ValueError("MLP fit: " + std::to_string(x.size()) + " feature values for " + std::to_string(n) +
                     " targets of " + std::to_string(features) + " features");
  const bool early_stopping = !valid_y.empty();
  torch::manual_seed(options.seed);
  if (options.threads > 0) torch::set_num_threads(options.threads);

  // 1) Standardisation on the training rows.
  InputScaling input = feature_scaling(x, n, features);
  const TargetScaling target = target_scaling(y);
  std::vector<double> y_std(n);
  for (std::size_t i = 0; i < n; ++i) y_std[i] = (y[i] - target.mean) / target.scale;
  const TrainingRows train{to_tensor(scaled(x, input), n, features), to_tensor(y_std, n, 1)};
  const torch::Tensor valid_t =
      early_stopping ? to_tensor(scaled(valid_x, input), valid_y.size(), features) : torch::Tensor();

  // 2) Training: shuffled batches, with early stopping on the validation rows when there are any.
  torch::nn::Sequential net = make_network(features, options.hidden);
  torch::optim::Adam optimizer(net->parameters(),
                               torch::optim::AdamOptions(options.learning_rate).weight_decay(options.weight_decay));
  const int epochs = early_stopping ? options.max_epochs : fixed_epochs;
  Rng rng(options.seed);
  std::vector<std::int64_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<std::int64_t>(i);
  BestEpoch best;
  for (int epoch = 0; epoch < epochs; ++epoch) {
    set_learning_rate(optimizer, epoch, options);
    for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng.uniform_index(i)]);
    train_epoch(net, optimizer, train, order, options.batch);
    if (!early_stopping) continue;
    torch::NoGradGuard no_grad;
    Validation validation = validate(net, valid_t, valid_y, target);
    if (!best.keep_going(validation, epoch + 1, net, options.patience)) break;
  }
  // No finite validation error in any epoch (a diverged fit): there are no weights to restore and
  // no predictions to score, so the fit stops with the reason instead of reading past them.
  if (early_stopping && best.weights.empty())
    throw ValueError("surrogate fit: the MLP's validation error was never finite (training diverged); "
                     "fit without it (--models gbt,gp) or with another seed");
  if (early_stopping) best.restore(net);

  // 3) The torch-free model, checked against torch.
  MlpFitResult result;
  result.model = export_mlp(net, std::move(input), target.mean, target.scale);
  check_native_matches_torch(net, train.x, x, result.model, target);
  result.epochs = early_stopping ? best.epochs : fixed_epochs;
  result.validation_predictions = std::move(best.predictions);
  return result;
}

MlpFitResult fit_distilled_mlp(const std::vector<double>& x, std::size_t features, const std::vector<double>& y,
                               const std::vector<double>& unlabelled_x, const std::vector<double>& valid_x,
                               const std::vector<double>& valid_y, const MlpFitResult* replay,
                               const MlpFitOptions& options) {
  const auto teachers = static_cast<std::size_t>(options.teachers);
  if (teachers < 2 || features == 0 || unlabelled_x.size() % features != 0)
    throw ValueError("MLP distillation: needs at least 2 teachers and whole unlabelled rows; got " +
                     std::to_string(options.teachers) + " teachers");
  if (replay != nullptr && replay->teacher_epochs.size() != teachers)
    throw ValueError("MLP distillation: the refit replays " + std::to_string(replay->teacher_epochs.size()) +
                     " teachers' epochs for " + std::to_string(teachers) + " teachers");
  // The student's rows: the labelled ones, then the sampled ones; its targets the teachers' mean.
  std::vector<double> student_x = x;
  student_x.insert(student_x.end(), unlabelled_x.begin(), unlabelled_x.end());
  const std::size_t rows = student_x.size() / features;
  std::vector<double> soft(rows, 0.0), teachers_valid(valid_y.size(), 0.0);
  const std::vector<double> none;
  std::vector<int> teacher_epochs;
  for (std::size_t k = 0; k < teachers; ++k) {
    MlpFitOptions teacher_options = options;
    teacher_options.seed = options.seed + k;  // teacher 0: the undistilled fit's MLP (same widths)
    if (!options.teacher_hidden.empty()) teacher_options.hidden = options.teacher_hidden;
    const MlpFitResult teacher =
        replay == nullptr ? fit_mlp(x, features, y, valid_x, valid_y, 0, teacher_options)
                          : fit_mlp(x, features, y, none, none, replay->teacher_epochs[k], teacher_options);
    Mlp model = teacher.model;
    model.prepare();
    for (std::size_t i = 0; i < rows; ++i)
      soft[i] += model.predict(std::span<const double>(student_x).subspan(i * features, features)) /
                 static_cast<double>(teachers);
    for (std::size_t i = 0; i < teacher.validation_predictions.size(); ++i)
      teachers_valid[i] += teacher.validation_predictions[i] / static_cast<double>(teachers);
    teacher_epochs.push_back(teacher.epochs);
  }
  MlpFitOptions student_options = options;
  student_options.seed = options.seed + teachers;
  MlpFitResult student = replay == nullptr
                             ? fit_mlp(student_x, features, soft, valid_x, valid_y, 0, student_options)
                             : fit_mlp(student_x, features, soft, none, none, replay->epochs, student_options);
  student.teacher_epochs = std::move(teacher_epochs);
  double sse = 0;
  for (std::size_t i = 0; i < valid_y.size(); ++i) sse += (teachers_valid[i] - valid_y[i]) * (teachers_valid[i] - valid_y[i]);
  student.teachers_validation_rmse =
      valid_y.empty() ? std::numeric_limits<double>::quiet_NaN() : std::sqrt(sse / static_cast<double>(valid_y.size()));
  return student;
}

}  // namespace hwgpt::surrogate::detail
