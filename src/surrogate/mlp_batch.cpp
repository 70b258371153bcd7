// Batched MLP evaluation (Mlp::predict_batch, see predictor.hpp), in float32 like predict().
// The first layer reads raw features with the input scaling folded in (predictor.hpp): row by row
// over each row's nonzero features with predict()'s kernel when most of a block's first row is
// zero (one-hot), else as the other layers. For those a block of 32 rows is held feature-major,
// so each weight multiplies 32 contiguous activations, and several outputs are computed at once
// with their accumulators in registers (a register-blocked matrix product, tiled per ISA level:
// mlp_kernels.hpp). Each output's sum still starts from its bias and runs over the inputs in
// order with separate multiplies and adds, exactly as predict() does, so results are
// bit-identical at every level.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
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
  std::vector<float> a(widest * kBlock), b(widest * kBlock), first_out(widest), values(kBlock * row_size);
  std::vector<std::uint32_t> index(kBlock * row_size);
  std::array<std::size_t, kBlock> count{};
  const MlpLayer& first_layer = layers.front();
  const bool first_hidden = layers.size() > 1;
  for (std::size_t first = 0; first < out.size(); first += kBlock) {
    const std::size_t n = std::min(kBlock, out.size() - first);
    // Dense or sparse by the block's first row (both paths give the same bits, so this only
    // chooses the faster: rows of one model share their encoding); the nonzero features of every
    // row are gathered only for the sparse path (rows past the end repeat the last row; dropped
    // below). Gathering them for a dense block was ~5 % of an l query with ordinal inputs.
    std::size_t first_row_nonzero = 0;
    for (const double v : rows.subspan(first * row_size, row_size)) first_row_nonzero += v != 0.0;
    if (2 * first_row_nonzero > row_size) {
      // Mostly nonzero (ordinal or analytic features): the block kernel over all features, raw,
      // feature-major; the zeros it adds change no sum that is not zero (see LayerInput).
      // Four rows at a time: four adjacent floats per column and store (as TreeEnsemble::predict_batch).
      static_assert(kBlock % 4 == 0);
      for (std::size_t r = 0; r < kBlock; r += 4) {
        const double* x[4];
        for (std::size_t j = 0; j < 4; ++j) x[j] = rows.data() + (first + std::min(r + j, n - 1)) * row_size;
        float* column = b.data() + r;
        for (std::size_t f = 0; f < row_size; ++f, column += kBlock)
          for (std::size_t j = 0; j < 4; ++j) column[j] = static_cast<float>(x[j][f]);
      }
      detail::layer_block({first_layer.folded_f.data(), first_layer.folded_bias_f.data(), first_layer.inputs,
                           first_layer.outputs, first_hidden, b.data(), a.data()});
    } else {
      // Mostly zeros (one-hot): the first layer row by row over the nonzero features, written
      // feature-major for the block kernel of the other layers.
      for (std::size_t r = 0; r < kBlock; ++r) {
        const auto x = rows.subspan((first + std::min(r, n - 1)) * row_size, row_size);
        count[r] = detail::nonzero_features(x, index.data() + r * row_size, values.data() + r * row_size);
        detail::layer_by_input({first_layer.folded_by_input_f.data(), first_layer.folded_bias_f.data(),
                                first_layer.outputs, first_hidden, values.data() + r * row_size,
                                index.data() + r * row_size, count[r], first_out.data()});
        for (std::size_t o = 0; o < first_layer.outputs; ++o) a[o * kBlock + r] = first_out[o];
      }
    }
    for (std::size_t l = 1; l < layers.size(); ++l) {
      const MlpLayer& layer = layers[l];
      detail::layer_block({layer.weights_f.data(), layer.bias_f.data(), layer.inputs, layer.outputs,
                           l + 1 < layers.size(), a.data(), b.data()});
      std::swap(a, b);
    }
    for (std::size_t r = 0; r < n; ++r) out[first + r] = output_offset + output_scale * static_cast<double>(a[r]);
  }
}

}  // namespace hwgpt::surrogate
