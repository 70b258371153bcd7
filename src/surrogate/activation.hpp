// SiLU for the surrogate MLP in float32, the precision libtorch trained it in, with an exp written
// out in plain arithmetic (Cephes' expf: range reduction by ln 2 in two parts and a degree-7
// polynomial, within 2 ulp of the correctly rounded exp). Unlike std::exp it vectorises, so
// Mlp::predict_batch evaluates it on whole blocks; and because the single and the batched path
// call this same function with IEEE operations only (no FMA: the callers' files are compiled
// with -ffp-contract=off), their results are bit-identical on every x86-64 level.
#pragma once

#include <bit>
#include <cstdint>

namespace hwgpt::surrogate::detail {

inline float exp_arith(float x_in) {
  // Clamped so 2^k stays a normal float (two selects: a nested ?: stops GCC vectorising).
  const float low = x_in < -87.0f ? -87.0f : x_in;
  const float x = low > 87.0f ? 87.0f : low;
  // k = round(x / ln 2) by the 1.5·2^23 trick (round to nearest, no branch, no libm).
  constexpr float kShift = 12582912.0f;
  const float shifted = x * 1.44269504088896341f + kShift;
  const std::int32_t k = std::bit_cast<std::int32_t>(shifted) - std::bit_cast<std::int32_t>(kShift);
  const float kd = shifted - kShift;
  // r = x − k ln 2 with ln 2 = 0.693359375 − 2.12194440e-4 (the first part exact in float).
  const float r = (x - kd * 0.693359375f) + kd * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = (p * (r * r) + r) + 1.0f;
  return p * std::bit_cast<float>(static_cast<std::uint32_t>(k + 127) << 23);
}

// x · sigmoid(x), torch.nn.SiLU.
inline float silu(float x) { return x / (1.0f + exp_arith(-x)); }

}  // namespace hwgpt::surrogate::detail
