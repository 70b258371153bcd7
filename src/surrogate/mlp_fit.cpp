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

  // Standardisation (constant features keep scale 1).
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
  double y_mean = 0, y_var = 0;
  for (double v : y) y_mean += v;
  y_mean /= static_cast<double>(n);
  for (double v : y) y_var += (v - y_mean) * (v - y_mean);
  const double y_scale = y_var > 0 ? std::sqrt(y_var / static_cast<double>(n)) : 1.0;

  auto scaled = [&](const std::vector<double>& rows) {
    std::vector<double> out(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) out[i] = (rows[i] - input.offset[i % features]) / input.scale[i % features];
    return out;
  };
  const torch::Tensor train_x = to_tensor(scaled(x), n, features);
  std::vector<double> y_std(n);
  for (std::size_t i = 0; i < n; ++i) y_std[i] = (y[i] - y_mean) / y_scale;
  const torch::Tensor train_y = to_tensor(y_std, n, 1);
  const torch::Tensor valid_t = early_stopping ? to_tensor(scaled(valid_x), valid_y.size(), features) : torch::Tensor();

  torch::nn::Sequential net;
  std::int64_t width = static_cast<std::int64_t>(features);
  for (int h : options.hidden) {
    net->push_back(torch::nn::Linear(width, h));
    net->push_back(torch::nn::SiLU());
    width = h;
  }
  net->push_back(torch::nn::Linear(width, 1));
  torch::optim::Adam optimizer(net->parameters(),
                               torch::optim::AdamOptions(options.learning_rate).weight_decay(options.weight_decay));

  const int epochs = early_stopping ? options.max_epochs : fixed_epochs;
  Rng rng(options.seed);
  std::vector<std::int64_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<std::int64_t>(i);
  double best_rmse = std::numeric_limits<double>::infinity();
  int best_epoch = 0, since_best = 0;
  std::vector<torch::Tensor> best_state;
  std::vector<double> best_predictions;
  for (int epoch = 0; epoch < epochs; ++epoch) {
    // Cosine decay over max_epochs (the same schedule for the early-stopped and the refitted run).
    const double progress = static_cast<double>(epoch) / std::max(1, options.max_epochs);
    const double lr = options.learning_rate * (0.05 + 0.95 * 0.5 * (1 + std::cos(std::numbers::pi * progress)));
    for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
    for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng.uniform_index(i)]);
    net->train();
    for (std::size_t start = 0; start < n; start += static_cast<std::size_t>(options.batch)) {
      const std::size_t end = std::min(n, start + static_cast<std::size_t>(options.batch));
      const auto index = torch::from_blob(order.data() + start, {static_cast<std::int64_t>(end - start)}, torch::kInt64);
      optimizer.zero_grad();
      const auto loss = torch::mse_loss(net->forward(train_x.index_select(0, index)), train_y.index_select(0, index));
      loss.backward();
      optimizer.step();
    }
    if (!early_stopping) continue;
    torch::NoGradGuard no_grad;
    net->eval();
    const auto predicted = net->forward(valid_t).contiguous();
    const float* p = predicted.data_ptr<float>();
    double sse = 0;
    std::vector<double> values(valid_y.size());
    for (std::size_t i = 0; i < valid_y.size(); ++i) {
      values[i] = y_mean + y_scale * static_cast<double>(p[i]);
      sse += (values[i] - valid_y[i]) * (values[i] - valid_y[i]);
    }
    const double rmse = std::sqrt(sse / static_cast<double>(valid_y.size()));
    if (rmse < best_rmse * (1 - 1e-4)) {
      best_rmse = rmse;
      best_epoch = epoch + 1;
      since_best = 0;
      best_predictions = std::move(values);
      best_state.clear();
      for (const auto& param : net->parameters()) best_state.push_back(param.detach().clone());
    } else if (++since_best >= options.patience) {
      break;
    }
  }
  if (early_stopping) {
    torch::NoGradGuard no_grad;
    auto params = net->parameters();
    for (std::size_t i = 0; i < params.size(); ++i) params[i].copy_(best_state[i]);
  }
  MlpFitResult result;
  result.model = export_mlp(net, std::move(input), y_mean, y_scale);
  // The plain C++ MLP (float32 like torch, summed in its own order) must reproduce torch's forward
  // pass on the training rows.
  {
    torch::NoGradGuard no_grad;
    net->eval();
    const auto reference = net->forward(train_x).contiguous();
    const float* p = reference.data_ptr<float>();
    for (std::size_t i = 0; i < n; ++i) {
      const double torch_value = y_mean + y_scale * static_cast<double>(p[i]);
      const double native = result.model.predict(std::span<const double>(x).subspan(i * features, features));
      if (std::fabs(native - torch_value) > 1e-4 * (1 + std::fabs(torch_value)))
        throw Error("surrogate fit: native MLP disagrees with libtorch on row " + std::to_string(i) + " (" +
                    std::to_string(native) + " vs " + std::to_string(torch_value) + ")");
    }
  }
  result.epochs = early_stopping ? best_epoch : fixed_epochs;
  result.validation_predictions = std::move(best_predictions);
  return result;
}

}  // namespace hwgpt::surrogate::detail
