// SiLU for the surrogate MLP in float32, the precision libtorch trained it in, with an exp written
// out in plain arithmetic (Cephes' expf: range reduction by ln 2 in two parts and a degree-7
// polynomial, within 2 ulp of the correctly rounded exp). Unlike std::exp it vectorises, so
// Mlp::predict_batch evaluates it on whole blocks; and because the single and the batched path
// call this same function with IEEE operations only (no FMA: the callers' files are compiled
// with -ffp-contract=off), their results are bit-identical on every x86-64 level.
#pragma once

#include <cstdint>
#include <cstring>

// exp_arith_of also takes and returns GCC vectors (mlp_kernels.hpp); GCC notes an ABI change on
// 32- and 64-byte vector arguments, which cannot matter for functions internal to the module.
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

namespace hwgpt::surrogate::detail {

// The body, for a float (F = float, I = std::int32_t) or a GCC vector of them (F a float vector,
// I the int32 vector of as many lanes, mlp_kernels.hpp): the same operations either way, so every
// lane of the vector version equals the scalar one bit for bit.
template <typename F, typename I>
inline F exp_arith_of(F x_in) {
  const F zero{};  // (+ a float: that value, in every lane of a vector)
  // Clamped so 2^k stays a normal float (two selects: a nested ?: stops GCC vectorising).
  const F lo = zero + -87.0f, hi = zero + 87.0f;
  const F low = x_in < lo ? lo : x_in;
  const F x = low > hi ? hi : low;
  // k = round(x / ln 2) by the 1.5·2^23 trick (round to nearest, no branch, no libm).
  const F shift = zero + 12582912.0f;
  const F shifted = x * 1.44269504088896341f + shift;
  I k, shift_bits;
  std::memcpy(&k, &shifted, sizeof k);
  std::memcpy(&shift_bits, &shift, sizeof shift_bits);
  k -= shift_bits;
  const F kd = shifted - shift;
  // r = x − k ln 2 with ln 2 = 0.693359375 − 2.12194440e-4 (the first part exact in float).
  const F r = (x - kd * 0.693359375f) + kd * 2.12194440e-4f;
  F p = zero + 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = (p * (r * r) + r) + 1.0f;
  const I bits = (k + 127) << 23;
  F scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

inline float exp_arith(float x) { return exp_arith_of<float, std::int32_t>(x); }

// x · sigmoid(x), torch.nn.SiLU.
inline float silu(float x) { return x / (1.0f + exp_arith(-x)); }

}  // namespace hwgpt::surrogate::detail
