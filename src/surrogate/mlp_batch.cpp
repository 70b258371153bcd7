// Batched MLP evaluation (Mlp::predict_batch, see predictor.hpp), in float32 like predict().
// A block of 32 rows is held feature-major, so each weight multiplies 32 contiguous activations
// (two vectors of 16 floats), and eight outputs are computed at once: sixteen accumulators stay in
// AVX-512 registers while the inputs stream through, a register-blocked matrix product (on AVX2
// some spill; 8 outputs measured 11 % faster than 4 on the AVX-512 VM, docs/BENCHMARKS.md). Each output's sum
// still starts from its bias and runs over the inputs in order with separate multiplies and adds,
// exactly as predict() does, so results are bit-identical.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <vector>

#include "activation.hpp"
#include "vector_clones.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/surrogate/predictor.hpp"

// Vectors pass by reference into the helpers below: by value, GCC 12 prints an ABI note on 64-byte
// arguments that no pragma silences. Returned vectors still draw clang's -Wpsabi, which cannot
// matter for functions internal to this file.
#if defined(__GNUC__)  // GCC and clang (which reads GCC's pragma too)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

namespace hwgpt::surrogate {
namespace {

// 16 floats (GCC vector extension): one AVX-512 register, two AVX2 registers, four SSE ones.
typedef float V16 __attribute__((vector_size(64)));
constexpr std::size_t kLanes = 16;
constexpr std::size_t kBlock = 2 * kLanes;  // rows per block
constexpr std::size_t kTile = 8;            // outputs per pass

inline V16 load(const float* p) {
  V16 v;
  std::memcpy(&v, p, sizeof v);  // an unaligned vector load
  return v;
}
inline void store(float* p, const V16& v) { std::memcpy(p, &v, sizeof v); }
inline V16 splat(float x) { return V16{x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x}; }

// next[o][r] = act(bias[o] + Σ_i w[o][i] · in[i][r]) for the 32 rows r of a block.
HWGPT_VECTOR_CLONES
void layer_block(const MlpLayer& layer, bool hidden, const float* in, float* next) {
  const std::size_t inputs = layer.inputs, outputs = layer.outputs;
  const float* weights = layer.weights_f.data();
  std::size_t o = 0;
  for (; o + kTile <= outputs; o += kTile) {
    // kTile outputs x 2 vectors of rows: 2·kTile accumulators, unrolled by the compiler.
    V16 lo[kTile], hi[kTile];
    const float* w[kTile];
    for (std::size_t j = 0; j < kTile; ++j) {
      lo[j] = hi[j] = splat(layer.bias_f[o + j]);
      w[j] = weights + (o + j) * inputs;
    }
    for (std::size_t i = 0; i < inputs; ++i) {
      const V16 x0 = load(in + i * kBlock), x1 = load(in + i * kBlock + kLanes);
#pragma GCC unroll 8
      for (std::size_t j = 0; j < kTile; ++j) {
        const float c = w[j][i];
        lo[j] += c * x0;
        hi[j] += c * x1;
      }
    }
    for (std::size_t j = 0; j < kTile; ++j) {
      store(next + (o + j) * kBlock, lo[j]);
      store(next + (o + j) * kBlock + kLanes, hi[j]);
    }
  }
  for (; o < outputs; ++o) {  // the rest one by one (the output layer's single unit)
    const float* w = weights + o * inputs;
    V16 s0 = splat(layer.bias_f[o]), s1 = s0;
    for (std::size_t i = 0; i < inputs; ++i) {
      s0 += w[i] * load(in + i * kBlock);
      s1 += w[i] * load(in + i * kBlock + kLanes);
    }
    store(next + o * kBlock, s0);
    store(next + o * kBlock + kLanes, s1);
  }
  if (hidden)
    for (std::size_t k = 0; k < outputs * kBlock; ++k) next[k] = detail::silu(next[k]);
}

}  // namespace

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
      layer_block(layers[l], l + 1 < layers.size(), a.data(), b.data());
      std::swap(a, b);
    }
    for (std::size_t r = 0; r < n; ++r) out[first + r] = output_offset + output_scale * static_cast<double>(a[r]);
  }
}

}  // namespace hwgpt::surrogate
