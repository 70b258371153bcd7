// Batched MLP evaluation (Mlp::predict_batch, see predictor.hpp), in float32 like predict().
// A block of 32 rows is held feature-major, so each weight multiplies 32 contiguous activations,
// and several outputs are computed at once with their accumulators in registers (a register-blocked
// matrix product, tiled per ISA level: mlp_kernels.hpp). Each output's sum still starts from its bias
// and runs over the inputs in order with separate multiplies and adds, exactly as predict() does, so
// results are bit-identical at every level.
#include <algorithm>
#include <cstddef>
#include <vector>

#include "hwgpt/core/error.hpp"
#include "hwgpt/surrogate/predictor.hpp"
#include "mlp_kernels.hpp"

namespace hwgpt::surrogate {

using detail::kBlock;

void Mlp::predict_batch(std::span<const double> rows, std::size_t row_size, std::span<double> out) const {
  if (row_size != input_size() || rows.size() != out.size() * row_size)
    throw ValueError("MLP predict_batch: " + std::to_string(rows.size()) + " feature values for " +
                     std::to_string(out.size()) + " rows of " + std::to_string(row_size) + "; the MLP reads " +
                     std::to_string(input_size()));
  if (!prepared()) {  // (Surrogates are prepared when constructed; this serves a bare Mlp.)
    Mlp copy = *this;
    copy.prepare();
    copy.predict_batch(rows, row_size, out);
    return;
  }
  std::size_t widest = row_size;
  for (const auto& l : layers) widest = std::max(widest, l.outputs);
  std::vector<float> a(widest * kBlock), b(widest * kBlock);
  for (std::size_t first = 0; first < out.size(); first += kBlock) {
    const std::size_t n = std::min(kBlock, out.size() - first);
    // Scaled inputs, feature-major (rows past the end repeat the last row; dropped below).
    for (std::size_t r = 0; r < kBlock; ++r) {
      const auto x = rows.subspan((first + std::min(r, n - 1)) * row_size, row_size);
      for (std::size_t f = 0; f < row_size; ++f) a[f * kBlock + r] = scaled_input(x, f);
    }
    for (std::size_t l = 0; l < layers.size(); ++l) {
      detail::layer_block({layers[l], l + 1 < layers.size(), a.data(), b.data()});
      std::swap(a, b);
    }
    for (std::size_t r = 0; r < n; ++r) out[first + r] = output_offset + output_scale * static_cast<double>(a[r]);
  }
}

}  // namespace hwgpt::surrogate
