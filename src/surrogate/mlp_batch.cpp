// Batched MLP evaluation (Mlp::predict_batch, see predictor.hpp). A block of 64 rows is held
// feature-major, so every weight multiplies 64 contiguous activations: the loop over rows
// vectorises, while each output's sum still runs over the inputs in order, exactly as predict()
// does, so results are bit-identical.
#include <algorithm>
#include <cstddef>
#include <vector>

#include "activation.hpp"
#include "vector_clones.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/surrogate/predictor.hpp"

namespace hwgpt::surrogate {
namespace {

constexpr std::size_t kBlock = 64;

// next[o][r] = act(bias[o] + Σ_i w[o][i] · in[i][r]) for the 64 rows r of a block.
HWGPT_VECTOR_CLONES
void layer_block(const MlpLayer& layer, bool hidden, const double* in, double* next) {
  for (std::size_t o = 0; o < layer.outputs; ++o) {
    double acc[kBlock];
    const double b = layer.bias[o];
    for (std::size_t r = 0; r < kBlock; ++r) acc[r] = b;
    const double* w = layer.weights.data() + o * layer.inputs;
    for (std::size_t i = 0; i < layer.inputs; ++i) {
      const double wi = w[i];
      const double* a = in + i * kBlock;
      for (std::size_t r = 0; r < kBlock; ++r) acc[r] += wi * a[r];
    }
    double* dst = next + o * kBlock;
    if (hidden) {
      for (std::size_t r = 0; r < kBlock; ++r) dst[r] = detail::silu(acc[r]);
    } else {
      for (std::size_t r = 0; r < kBlock; ++r) dst[r] = acc[r];
    }
  }
}

}  // namespace

void Mlp::predict_batch(std::span<const double> rows, std::size_t row_size, std::span<double> out) const {
  if (row_size != input_size() || rows.size() != out.size() * row_size)
    throw ValueError("MLP predict_batch: " + std::to_string(rows.size()) + " feature values for " +
                     std::to_string(out.size()) + " rows of " + std::to_string(row_size) + "; the MLP reads " +
                     std::to_string(input_size()));
  std::size_t widest = row_size;
  for (const auto& l : layers) widest = std::max(widest, l.outputs);
  std::vector<double> a(widest * kBlock), b(widest * kBlock);
  for (std::size_t first = 0; first < out.size(); first += kBlock) {
    const std::size_t n = std::min(kBlock, out.size() - first);
    // Scaled inputs, feature-major (rows past the end repeat the last row; dropped below).
    for (std::size_t r = 0; r < kBlock; ++r) {
      const double* x = rows.data() + (first + std::min(r, n - 1)) * row_size;
      for (std::size_t f = 0; f < row_size; ++f) a[f * kBlock + r] = (x[f] - input.offset[f]) / input.scale[f];
    }
    for (std::size_t l = 0; l < layers.size(); ++l) {
      layer_block(layers[l], l + 1 < layers.size(), a.data(), b.data());
      std::swap(a, b);
    }
    for (std::size_t r = 0; r < n; ++r) out[first + r] = output_offset + output_scale * a[r];
  }
}

}  // namespace hwgpt::surrogate
