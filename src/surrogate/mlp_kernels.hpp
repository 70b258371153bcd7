// Private to the surrogate module: the MLP kernels (a block of 32 rows through one layer, and one
// row through one layer) as always-inline bodies, and their versions per ISA level, each defined
// in a file of its own (mlp_kernels_<level>.cpp) so that each level gets the compile flags that
// suit it (surrogate/CMakeLists.txt). Callers dispatch with layer_block() and layer_by_input().
#pragma once

#include <cstddef>
#include <cstring>

#include "activation.hpp"
#include "hwgpt/surrogate/predictor.hpp"
#include "isa_targets.hpp"

// Vectors pass by reference into the helpers below: by value, GCC 12 prints an ABI note on 64-byte
// arguments that no pragma silences. Returned vectors still draw clang's -Wpsabi, which cannot
// matter for functions internal to the module.
#if defined(__GNUC__)  // GCC and clang (which reads GCC's pragma too)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

namespace hwgpt::surrogate::detail {

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

// next[o][r] = act(bias[o] + Σ_i w[o][i] · in[i][r]) for the 32 rows r of a block, in groups of
// Parts vectors V of rows, Tile outputs at a time: Tile · Parts accumulators stay in registers
// while the inputs stream through (a register-blocked matrix product). Each input vector loaded
// serves Tile outputs and each broadcast weight Parts vectors, so the tile is chosen per level to
// fill the register file: accumulators + Parts inputs + one broadcast.
template <typename V, std::size_t Tile, std::size_t Parts>
HWGPT_KERNEL_BODY void layer_block_tiled(const LayerBlock& block) {
  constexpr std::size_t lanes = sizeof(V) / sizeof(float), group = Parts * lanes;
  static_assert(kBlock % group == 0, "row groups must tile the block");
  const MlpLayer& layer = block.layer;
  const std::size_t inputs = layer.inputs, outputs = layer.outputs;
  const float* in = block.in;
  float* next = block.next;
  const float* weights = layer.weights_f.data();
  std::size_t o = 0;
  for (; o + Tile <= outputs; o += Tile) {
    const float* w[Tile];
    for (std::size_t j = 0; j < Tile; ++j) w[j] = weights + (o + j) * inputs;
    for (std::size_t first = 0; first < kBlock; first += group) {
      V acc[Tile][Parts];
      for (std::size_t j = 0; j < Tile; ++j)
        for (std::size_t v = 0; v < Parts; ++v) acc[j][v] = splat<V>(layer.bias_f[o + j]);
      for (std::size_t i = 0; i < inputs; ++i) {
        V x[Parts];
        for (std::size_t v = 0; v < Parts; ++v) x[v] = load<V>(in + i * kBlock + first + v * lanes);
#pragma GCC unroll 16
        for (std::size_t j = 0; j < Tile; ++j) {
          const float c = w[j][i];
          for (std::size_t v = 0; v < Parts; ++v) acc[j][v] += c * x[v];
        }
      }
      for (std::size_t j = 0; j < Tile; ++j)
        for (std::size_t v = 0; v < Parts; ++v) store(next + (o + j) * kBlock + first + v * lanes, acc[j][v]);
    }
  }
  constexpr std::size_t parts = kBlock / lanes;
  for (; o < outputs; ++o) {  // the rest one by one (the output layer's single unit)
    const float* w = weights + o * inputs;
    V acc[parts];
    for (std::size_t v = 0; v < parts; ++v) acc[v] = splat<V>(layer.bias_f[o]);
    for (std::size_t i = 0; i < inputs; ++i)
      for (std::size_t v = 0; v < parts; ++v) acc[v] += w[i] * load<V>(in + i * kBlock + v * lanes);
    for (std::size_t v = 0; v < parts; ++v) store(next + o * kBlock + v * lanes, acc[v]);
  }
  if (block.hidden)
    for (std::size_t k = 0; k < outputs * kBlock; ++k) next[k] = silu(next[k]);
}

// out[o] = act(bias[o] + Σ_i w[i][o] · a[i]) with input-major float weights: the loop over outputs
// is contiguous and vectorises; each output's sum still runs over i in order.
struct LayerInput {
  const MlpLayer& layer;
  bool hidden;
  const float* a;
  float* out;
};

HWGPT_KERNEL_BODY void layer_by_input_body(const LayerInput& in) {
  const MlpLayer& layer = in.layer;
  const bool hidden = in.hidden;
  const float* a = in.a;
  float* out = in.out;
  const std::size_t outputs = layer.outputs;
  // Outputs in chunks of 32 whose sums stay in registers across all inputs (without chunks, every
  // input loaded and stored all 128 sums: at SSE the store port bound the whole query).
  constexpr std::size_t kChunk = 32;
  std::size_t first = 0;
  for (; first + kChunk <= outputs; first += kChunk) {
    float acc[kChunk];
    for (std::size_t k = 0; k < kChunk; ++k) acc[k] = layer.bias_f[first + k];
    for (std::size_t i = 0; i < layer.inputs; ++i) {
      const float ai = a[i];
      const float* w = layer.weights_by_input_f.data() + i * outputs + first;
      for (std::size_t k = 0; k < kChunk; ++k) acc[k] += w[k] * ai;
    }
    for (std::size_t k = 0; k < kChunk; ++k) out[first + k] = acc[k];
  }
  for (std::size_t o = first; o < outputs; ++o) out[o] = layer.bias_f[o];
  for (std::size_t i = 0; i < layer.inputs && first < outputs; ++i) {
    const float ai = a[i];
    const float* w = layer.weights_by_input_f.data() + i * outputs;
    for (std::size_t o = first; o < outputs; ++o) out[o] += w[o] * ai;
  }
  if (hidden)
    for (std::size_t o = 0; o < outputs; ++o) out[o] = silu(out[o]);
}


void layer_block_avx512(const LayerBlock& b);
void layer_block_avx2(const LayerBlock& b);
void layer_block_default(const LayerBlock& b);
void layer_by_input_avx512(const LayerInput& in);
void layer_by_input_avx2(const LayerInput& in);
void layer_by_input_default(const LayerInput& in);

// The version of isa_level().
inline void layer_block(const LayerBlock& b) {
  switch (isa_level()) {
    case IsaLevel::kAvx512: layer_block_avx512(b); break;
    case IsaLevel::kAvx2: layer_block_avx2(b); break;
    default: layer_block_default(b); break;
  }
}
inline void layer_by_input(const LayerInput& in) {
  switch (isa_level()) {
    case IsaLevel::kAvx512: layer_by_input_avx512(in); break;
    case IsaLevel::kAvx2: layer_by_input_avx2(in); break;
    default: layer_by_input_default(in); break;
  }
}

}  // namespace hwgpt::surrogate::detail
