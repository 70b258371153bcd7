// Private to the surrogate module: the MLP kernels (a block of 32 rows through one layer, and one
// row through one layer) as always-inline bodies, and their versions per ISA level, each defined
// in a file of its own (mlp_kernels_<level>.cpp) so that each level gets the compile flags that
// suit it (surrogate/CMakeLists.txt). Callers dispatch with layer_block() and layer_by_input().
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "activation.hpp"
#include "hwgpt/surrogate/predictor.hpp"
#include "isa_targets.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

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

// SiLU on a whole vector: activation.hpp's exp_arith body and silu with vector operations, the
// clamps as vector selects. The same IEEE operations in the same order (these files are compiled
// with -ffp-contract=off), so each lane equals the scalar silu() bit for bit. Written out because
// GCC leaves the scalar loop unvectorised below AVX-512 when FP traps are assumed (its clamps are
// control flow then): at the x86-64 baseline that loop was ~40 % of the MLP kernels' time.
template <typename V>
struct IntVector;
template <>
struct IntVector<V16> {
  typedef std::int32_t type __attribute__((vector_size(64)));
};
template <>
struct IntVector<V8> {
  typedef std::int32_t type __attribute__((vector_size(32)));
};
template <>
struct IntVector<V4> {
  typedef std::int32_t type __attribute__((vector_size(16)));
};

template <typename V>
HWGPT_KERNEL_BODY V exp_arith_v(const V& x_in) {
  return exp_arith_of<V, typename IntVector<V>::type>(x_in);
}

template <typename V>
HWGPT_KERNEL_BODY V silu_v(const V& x) {
  return x / (1.0f + exp_arith_v<V>(-x));
}

// silu() of n floats in place: whole vectors, then the rest one by one.
template <typename V>
HWGPT_KERNEL_BODY void silu_in_place(float* values, std::size_t n) {
  constexpr std::size_t lanes = sizeof(V) / sizeof(float);
  std::size_t k = 0;
  for (; k + lanes <= n; k += lanes) store(values + k, silu_v<V>(load<V>(values + k)));
  for (; k < n; ++k) values[k] = silu(values[k]);
}

struct LayerBlock {
  const float* weights;  // outputs x inputs
  const float* bias;
  std::size_t inputs, outputs;
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
  const std::size_t inputs = block.inputs, outputs = block.outputs;
  const float* in = block.in;
  float* next = block.next;
  const float* weights = block.weights;
  std::size_t o = 0;
  for (; o + Tile <= outputs; o += Tile) {
    const float* w[Tile];
    for (std::size_t j = 0; j < Tile; ++j) w[j] = weights + (o + j) * inputs;
    for (std::size_t first = 0; first < kBlock; first += group) {
      V acc[Tile][Parts];
      for (std::size_t j = 0; j < Tile; ++j)
        for (std::size_t v = 0; v < Parts; ++v) acc[j][v] = splat<V>(block.bias[o + j]);
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
    for (std::size_t v = 0; v < parts; ++v) acc[v] = splat<V>(block.bias[o]);
    for (std::size_t i = 0; i < inputs; ++i)
      for (std::size_t v = 0; v < parts; ++v) acc[v] += w[i] * load<V>(in + i * kBlock + v * lanes);
    for (std::size_t v = 0; v < parts; ++v) store(next + o * kBlock + v * lanes, acc[v]);
  }
  if (block.hidden) silu_in_place<V>(next, outputs * kBlock);
}

// out[o] = act(bias[o] + Σ_k w[i_k][o] · a[k]) with input-major float weights (inputs x outputs):
// the loop over outputs is contiguous and vectorises; each output's sum still runs over k in
// order. Without an index list i_k = k (a dense layer); with one, only the listed inputs enter
// (the first layer's nonzero raw features, Mlp::predict: a skipped zero would add ±0, which
// changes no sum that is not itself zero, and no prediction).
struct LayerInput {
  const float* weights_by_input;
  const float* bias;
  std::size_t outputs;
  bool hidden;
  const float* a;
  const std::uint32_t* index;  // nullptr: dense
  std::size_t count;           // entries of a (and of index)
  float* out;
};

// The nonzero features of a row, in order, as indices and float values: the first layer's inputs
// (Mlp::prepare folds the input scaling into that layer). Returns their number. A feature is zero
// when its float is ±0 (the float is what the layer multiplies; a double too small for a float
// would add ±0 products either way); NaN counts as nonzero.
//
// The indices first, four features a step on x86-64 (SSE2, every level): their floats compared
// with zero at once, and the nonzero ones' indices written left-packed by one 16-byte store from
// a table of the 16 masks; then the values, one per nonzero feature. One scalar step a feature,
// two stores each behind a dependency on the running count, was ~20 % of an l one-hot query at
// the baseline (`perf`, l/latency_ms@P100), most of it in the stores: an l row has 224 features
// of which ~75 are nonzero.
inline std::size_t nonzero_features(std::span<const double> x, std::uint32_t* index, float* value) {
  const std::size_t n = x.size();
  std::size_t count = 0, f = 0;
#if defined(__x86_64__)
  // Row m: the positions of mask m's set bits, left-packed (the rest are never read).
  alignas(16) static constexpr std::uint32_t kPacked[16][4] = {
      {0, 0, 0, 0}, {0, 0, 0, 0}, {1, 0, 0, 0}, {0, 1, 0, 0}, {2, 0, 0, 0}, {0, 2, 0, 0}, {1, 2, 0, 0}, {0, 1, 2, 0},
      {3, 0, 0, 0}, {0, 3, 0, 0}, {1, 3, 0, 0}, {0, 1, 3, 0}, {2, 3, 0, 0}, {0, 2, 3, 0}, {1, 2, 3, 0}, {0, 1, 2, 3}};
  static constexpr std::uint8_t kBits[16] = {0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4};
  // count <= f, so the store's four slots end at f + 3 < n: inside the row's own slots.
  for (; f + 4 <= n; f += 4) {
    const __m128 v = _mm_movelh_ps(_mm_cvtpd_ps(_mm_loadu_pd(x.data() + f)), _mm_cvtpd_ps(_mm_loadu_pd(x.data() + f + 2)));
    const int mask = _mm_movemask_ps(_mm_cmpneq_ps(v, _mm_setzero_ps()));  // unordered: NaN is nonzero
    const __m128i at = _mm_add_epi32(_mm_load_si128(reinterpret_cast<const __m128i*>(kPacked[mask])),
                                     _mm_set1_epi32(static_cast<int>(f)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(index + count), at);
    count += kBits[mask];
  }
#endif
  for (; f < n; ++f) {  // without a branch: one-hot zeros are unpredictable
    const float v = static_cast<float>(x[f]);
    std::uint32_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    index[count] = static_cast<std::uint32_t>(f);
    count += (bits << 1) != 0;  // all but the sign bit
  }
  for (std::size_t k = 0; k < count; ++k) value[k] = static_cast<float>(x[index[k]]);
  return count;
}

// Sums of outputs [first, first + Parts · lanes) over every input in order, the Parts vectors of
// sums in registers: independent dependency chains, one per vector.
template <typename V, std::size_t Parts, typename Row>
HWGPT_KERNEL_BODY void sums_chunk(const LayerInput& in, Row row, std::size_t first) {
  constexpr std::size_t lanes = sizeof(V) / sizeof(float);
  V acc[Parts];
  for (std::size_t v = 0; v < Parts; ++v) acc[v] = load<V>(in.bias + first + v * lanes);
  for (std::size_t k = 0; k < in.count; ++k) {
    const float ak = in.a[k];  // (vector · scalar: one broadcast; a lane-wise splat<V> was lane-wise code)
    const float* w = row(k) + first;
    for (std::size_t v = 0; v < Parts; ++v) acc[v] += load<V>(w + v * lanes) * ak;
  }
  for (std::size_t v = 0; v < Parts; ++v) store(in.out + first + v * lanes, acc[v]);
}

// layer_by_input_body's sums in explicit vectors V (left to itself, GCC kept the sums of the
// indexed loop in memory, one float at a time): outputs in chunks of 64 whose sums stay in
// registers across all inputs, then chunks of 32 and 16 (a 32-wide layer at SSE is 8 vectors: one
// at a time, each vector's sum was a chain of dependent adds over all inputs, ~3x slower), then
// single vectors, then single floats. The weight row of the k-th input is given by Row (dense or
// indexed: two instantiations). Each output's sum runs over the inputs in order whatever its chunk.
template <typename V, typename Row>
HWGPT_KERNEL_BODY void sums_by_input(const LayerInput& in, Row row) {
  // 64 outputs per chunk at AVX2 (8 of 16 registers of sums) and at AVX-512 (4 of 32: 128 outputs
  // would leave a 64-wide layer to the one-vector loop, one dependency chain); 32 at SSE, whose 16
  // registers cannot hold 16 vectors of sums beside the broadcast and the product (GCC spilled
  // sums to the stack in every input's step).
  constexpr std::size_t lanes = sizeof(V) / sizeof(float);
  constexpr std::size_t chunk = lanes >= 8 ? 64 : 32;
  const std::size_t outputs = in.outputs;
  std::size_t first = 0;
  for (; first + chunk <= outputs; first += chunk) sums_chunk<V, chunk / lanes>(in, row, first);
  if (first + 32 <= outputs) {
    sums_chunk<V, 32 / lanes>(in, row, first);
    first += 32;
  }
  if constexpr (lanes <= 8) {
    if (first + 16 <= outputs) {
      sums_chunk<V, 16 / lanes>(in, row, first);
      first += 16;
    }
  }
  for (; first + lanes <= outputs; first += lanes) sums_chunk<V, 1>(in, row, first);
  for (; first < outputs; ++first) {
    float acc = in.bias[first];
    for (std::size_t k = 0; k < in.count; ++k) acc += row(k)[first] * in.a[k];
    in.out[first] = acc;
  }
}

template <typename V>
HWGPT_KERNEL_BODY void layer_by_input_body(const LayerInput& in) {
  const float* weights = in.weights_by_input;
  const std::size_t outputs = in.outputs;
  if (in.index) {
    const std::uint32_t* index = in.index;
    sums_by_input<V>(in, [=](std::size_t k) { return weights + index[k] * outputs; });
  } else {
    sums_by_input<V>(in, [=](std::size_t k) { return weights + k * outputs; });
  }
  if (in.hidden) silu_in_place<V>(in.out, outputs);
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
