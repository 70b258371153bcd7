// Batched MLP evaluation (Mlp::predict_batch, see predictor.hpp), in float32 like predict().
// A block of 32 rows is held feature-major, so each weight multiplies 32 contiguous activations,
// and several outputs are computed at once with their accumulators in registers (a register-blocked
// matrix product, tiled per ISA level below). Each output's sum still starts from its bias and runs
// over the inputs in order with separate multiplies and adds, exactly as predict() does, so results
// are bit-identical at every level.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <vector>

#include "activation.hpp"
#include "isa_targets.hpp"
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

constexpr std::size_t kBlock = 32;  // rows per block

// GCC vector extensions: 16 floats (one AVX-512 register), 8 (one AVX2 register), 4 (one SSE
// register). Each level gets the width its registers hold: a 16-float vector on AVX2 is two
// registers, and the AVX-512 tiling then needs 32 of AVX2's 16, so most of the loop ran through the
// stack (measured: 25x slower than AVX-512 and 4x slower than one row at a time, docs/BENCHMARKS.md).
typedef float V16 __attribute__((vector_size(64)));
typedef float V8 __attribute__((vector_size(32)));
typedef float V4 __attribute__((vector_size(16)));

template <typename V>
HWGPT_KERNEL_BODY V load(const float* p) {
  V v;
  std::memcpy(&v, p, sizeof v);  // an unaligned vector load
  return v;
}
template <typename V>
HWGPT_KERNEL_BODY void store(float* p, const V& v) {
  std::memcpy(p, &v, sizeof v);
}
template <typename V>
HWGPT_KERNEL_BODY V splat(float x) {
  V v;
  for (std::size_t k = 0; k < sizeof(V) / sizeof(float); ++k) v[k] = x;
  return v;
}

struct LayerBlock {
  const MlpLayer& layer;
  bool hidden;
  const float* in;
  float* next;
};

// next[o][r] = act(bias[o] + Σ_i w[o][i] · in[i][r]) for the 32 rows r of a block, Tile outputs
// at a time with vectors V: Tile · (32 / lanes) accumulators stay in registers while the inputs
// stream through (a register-blocked matrix product).
template <typename V, std::size_t Tile>
HWGPT_KERNEL_BODY void layer_block_tiled(const LayerBlock& block) {
  constexpr std::size_t lanes = sizeof(V) / sizeof(float), parts = kBlock / lanes;
  const MlpLayer& layer = block.layer;
  const std::size_t inputs = layer.inputs, outputs = layer.outputs;
  const float* in = block.in;
  float* next = block.next;
  const float* weights = layer.weights_f.data();
  std::size_t o = 0;
  for (; o + Tile <= outputs; o += Tile) {
    V acc[Tile][parts];
    const float* w[Tile];
    for (std::size_t j = 0; j < Tile; ++j) {
      for (std::size_t v = 0; v < parts; ++v) acc[j][v] = splat<V>(layer.bias_f[o + j]);
      w[j] = weights + (o + j) * inputs;
    }
    for (std::size_t i = 0; i < inputs; ++i) {
      V x[parts];
      for (std::size_t v = 0; v < parts; ++v) x[v] = load<V>(in + i * kBlock + v * lanes);
#pragma GCC unroll 8
      for (std::size_t j = 0; j < Tile; ++j) {
        const float c = w[j][i];
        for (std::size_t v = 0; v < parts; ++v) acc[j][v] += c * x[v];
      }
    }
    for (std::size_t j = 0; j < Tile; ++j)
      for (std::size_t v = 0; v < parts; ++v) store(next + (o + j) * kBlock + v * lanes, acc[j][v]);
  }
  for (; o < outputs; ++o) {  // the rest one by one (the output layer's single unit)
    const float* w = weights + o * inputs;
    V acc[parts];
    for (std::size_t v = 0; v < parts; ++v) acc[v] = splat<V>(layer.bias_f[o]);
    for (std::size_t i = 0; i < inputs; ++i)
      for (std::size_t v = 0; v < parts; ++v) acc[v] += w[i] * load<V>(in + i * kBlock + v * lanes);
    for (std::size_t v = 0; v < parts; ++v) store(next + o * kBlock + v * lanes, acc[v]);
  }
  if (block.hidden)
    for (std::size_t k = 0; k < outputs * kBlock; ++k) next[k] = detail::silu(next[k]);
}

// Tiles per level, so that accumulators + inputs + one broadcast fit the register file:
// AVX-512 8 x 2 + 2 + 1 of 32 zmm (8 outputs measured 11 % faster than 4); AVX2 2 x 4 + 4 + 1 of
// 16 ymm; SSE 1 x 8 + 1 + 1 of 16 xmm (inputs loaded as used).
HWGPT_TARGET_AVX512 void layer_block_avx512(const LayerBlock& b) { layer_block_tiled<V16, 8>(b); }
HWGPT_TARGET_AVX2 void layer_block_avx2(const LayerBlock& b) { layer_block_tiled<V8, 2>(b); }
void layer_block_default(const LayerBlock& b) { layer_block_tiled<V4, 1>(b); }

void layer_block(const LayerBlock& b) {
  switch (isa_level()) {
    case IsaLevel::kAvx512: layer_block_avx512(b); break;
    case IsaLevel::kAvx2: layer_block_avx2(b); break;
    default: layer_block_default(b); break;
  }
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
      layer_block({layers[l], l + 1 < layers.size(), a.data(), b.data()});
      std::swap(a, b);
    }
    for (std::size_t r = 0; r < n; ++r) out[first + r] = output_offset + output_scale * static_cast<double>(a[r]);
  }
}

}  // namespace hwgpt::surrogate
