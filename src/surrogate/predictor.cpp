// MLP and GP evaluation and the ensemble mean (see predictor.hpp).
#include "hwgpt/surrogate/predictor.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "activation.hpp"
#include "mlp_kernels.hpp"
#include "hwgpt/core/error.hpp"

namespace hwgpt::surrogate {

void InputScaling::apply(std::span<const double> x, std::span<double> out) const {
  for (std::size_t i = 0; i < offset.size(); ++i) out[i] = (x[i] - offset[i]) / scale[i];
}

void Mlp::prepare() {
  for (auto& layer : layers) {
    layer.weights_f.assign(layer.weights.begin(), layer.weights.end());
    layer.bias_f.assign(layer.bias.begin(), layer.bias.end());
    layer.weights_by_input_f.assign(layer.weights.size(), 0.0f);
    for (std::size_t o = 0; o < layer.outputs; ++o)
      for (std::size_t i = 0; i < layer.inputs; ++i)
        layer.weights_by_input_f[i * layer.outputs + o] = layer.weights_f[o * layer.inputs + i];
  }
  if (layers.empty()) return;
  // The first layer on raw features: w·(x − offset)/scale + b = (w/scale)·x + (b − Σ w·offset/scale).
  MlpLayer& first = layers.front();
  first.folded_f.assign(first.weights.size(), 0.0f);
  first.folded_by_input_f.assign(first.weights.size(), 0.0f);
  first.folded_bias_f.assign(first.outputs, 0.0f);
  for (std::size_t o = 0; o < first.outputs; ++o) {
    const double* w = first.weights.data() + o * first.inputs;
    double bias = first.bias[o];
    for (std::size_t i = 0; i < first.inputs; ++i) {
      const auto folded = static_cast<float>(w[i] / input.scale[i]);
      first.folded_f[o * first.inputs + i] = folded;
      first.folded_by_input_f[i * first.outputs + o] = folded;
      bias -= w[i] * input.offset[i] / input.scale[i];
    }
    first.folded_bias_f[o] = static_cast<float>(bias);
  }
}

bool Mlp::prepared() const {
  for (const auto& layer : layers)
    if (layer.weights_f.size() != layer.weights.size() || layer.weights_by_input_f.size() != layer.weights.size() ||
        layer.bias_f.size() != layer.bias.size())
      return false;
  return layers.empty() || (layers.front().folded_f.size() == layers.front().weights.size() &&
                            layers.front().folded_by_input_f.size() == layers.front().weights.size() &&
                            layers.front().folded_bias_f.size() == layers.front().bias.size());
}

double Mlp::predict(std::span<const double> x) const {
  if (!prepared()) {  // (Surrogates are prepared when constructed; this serves a bare Mlp.)
    Mlp copy = *this;
    copy.prepare();
    return copy.predict(x);
  }
  // Buffers on the stack for the usual widths; the heap only for very wide layers.
  constexpr std::size_t kStack = 512;
  float stack_a[kStack], stack_b[kStack], stack_values[kStack];
  std::uint32_t stack_index[kStack];
  std::vector<float> heap_a, heap_b, heap_values;
  std::vector<std::uint32_t> heap_index;
  std::size_t widest = input.offset.size();
  for (const auto& l : layers) widest = std::max(widest, l.outputs);
  float* a = stack_a;
  float* b = stack_b;
  float* values = stack_values;
  std::uint32_t* index = stack_index;
  if (widest > kStack) {
    heap_a.resize(widest);
    heap_b.resize(widest);
    heap_values.resize(widest);
    heap_index.resize(widest);
    a = heap_a.data();
    b = heap_b.data();
    values = heap_values.data();
    index = heap_index.data();
  }
  const std::size_t count = detail::nonzero_features(x.first(input_size()), index, values);
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const MlpLayer& layer = layers[l];
    const bool hidden = l + 1 < layers.size();
    if (l == 0)
      detail::layer_by_input({layer.folded_by_input_f.data(), layer.folded_bias_f.data(), layer.outputs, hidden, values,
                              index, count, b});
    else
      detail::layer_by_input({layer.weights_by_input_f.data(), layer.bias_f.data(), layer.outputs, hidden, a, nullptr,
                              layer.inputs, b});
    std::swap(a, b);
  }
  return output_offset + output_scale * static_cast<double>(a[0]);
}

void Mlp::check() const {
  if (layers.empty()) return;
  if (input.scale.size() != input.offset.size()) throw ValueError("MLP: input offsets and scales differ in length");
  for (double s : input.scale)
    if (!(s > 0)) throw ValueError("MLP: an input scale is not positive");
  std::size_t width = input.offset.size();
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const MlpLayer& layer = layers[l];
    if (layer.inputs != width || layer.weights.size() != layer.inputs * layer.outputs ||
        layer.bias.size() != layer.outputs || layer.outputs == 0)
      throw ValueError("MLP: layer " + std::to_string(l) + " has shape " + std::to_string(layer.outputs) + " x " +
                       std::to_string(layer.inputs) + " with " + std::to_string(layer.weights.size()) +
                       " weights; expected " + std::to_string(width) + " inputs");
    // Evaluation rounds weights to float (prepare()); libtorch's are float32 values, so anything
    // else (NaN, out of float range, extra digits) is a damaged or foreign file, not a model.
    auto is_float = [](double v) {
      return std::isfinite(v) && std::fabs(v) <= std::numeric_limits<float>::max() &&
             static_cast<double>(static_cast<float>(v)) == v;
    };
    for (const std::vector<double>* values : {&layer.weights, &layer.bias})
      for (double v : *values)
        if (!is_float(v))
          throw ValueError("MLP: layer " + std::to_string(l) + " has a weight or bias that is not a float32 value (" +
                           std::to_string(v) + ")");
    width = layer.outputs;
  }
  if (width != 1) throw ValueError("MLP: " + std::to_string(width) + " outputs; expected 1");
}

double GpModel::predict(std::span<const double> x) const {
  constexpr std::size_t kStack = 512;
  double stack[kStack];
  std::vector<double> heap;
  double* scaled = stack;
  if (input.offset.size() > kStack) {
    heap.resize(input.offset.size());
    scaled = heap.data();
  }
  input.apply(x, std::span(scaled, input.offset.size()));
  return gp.predict_mean(std::span<const double>(scaled, input.offset.size()));
}

bool operator==(const GpModel& a, const GpModel& b) {
  const auto sa = a.gp.state(), sb = b.gp.state();
  return a.input == b.input && sa.dimension == sb.dimension && sa.features == sb.features && sa.alpha == sb.alpha &&
         sa.target_mean == sb.target_mean && sa.target_scale == sb.target_scale &&
         sa.length_scale == sb.length_scale && sa.noise == sb.noise;
}

std::string Predictor::kind() const {
  std::string k;
  auto add = [&k](const char* name) { k += (k.empty() ? "" : "+") + std::string(name); };
  if (!trees.trees.empty()) add("gbt");
  if (!mlp.empty()) add("mlp");
  if (gp) add("gp");
  return k;
}

double Predictor::predict_log(std::span<const double> x) const {
  double sum = 0;
  int members = 0;
  if (!trees.trees.empty()) sum += trees.predict(x), ++members;
  if (!mlp.empty()) sum += mlp.predict(x), ++members;
  if (gp) sum += gp->predict(x), ++members;
  return members == 1 ? sum : sum / members;
}

void Predictor::predict_log_batch(std::span<const double> rows, std::size_t row_size, std::span<double> out) const {
  if (row_size == 0 || rows.size() != out.size() * row_size)
    throw ValueError("predict_log_batch: " + std::to_string(rows.size()) + " feature values for " +
                     std::to_string(out.size()) + " rows of " + std::to_string(row_size));
  // The same operations in the same order as predict_log(), member by member, so results are
  // bit-identical: sum = 0 + trees (+ mlp) (+ gp), then / members.
  std::vector<double> part(out.size());
  std::fill(out.begin(), out.end(), 0.0);
  int members = 0;
  if (!trees.trees.empty()) {
    trees.predict_batch(rows, row_size, part);
    for (std::size_t r = 0; r < out.size(); ++r) out[r] += part[r];
    ++members;
  }
  if (!mlp.empty()) {
    mlp.predict_batch(rows, row_size, part);
    for (std::size_t r = 0; r < out.size(); ++r) out[r] += part[r];
    ++members;
  }
  if (gp) {
    for (std::size_t r = 0; r < out.size(); ++r) out[r] += gp->predict(rows.subspan(r * row_size, row_size));
    ++members;
  }
  if (members > 1)
    for (double& v : out) v /= members;
}

void Predictor::check_inputs(std::size_t features) const {
  if (kind().empty()) throw ValueError("predictor has no model");
  for (const auto& tree : trees.trees)
    for (const auto& node : tree)
      if (node.feature >= static_cast<std::int32_t>(features))
        throw ValueError("trees use feature " + std::to_string(node.feature) + " but there are " +
                         std::to_string(features));
  mlp.check();
  if (!mlp.empty() && mlp.input_size() != features)
    throw ValueError("MLP reads " + std::to_string(mlp.input_size()) + " features; there are " +
                     std::to_string(features));
  if (gp && (gp->input.offset.size() != features || gp->gp.state().dimension != features))
    throw ValueError("GP reads " + std::to_string(gp->gp.state().dimension) + " features; there are " +
                     std::to_string(features));
}

}  // namespace hwgpt::surrogate
