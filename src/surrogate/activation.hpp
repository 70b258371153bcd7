// SiLU for the surrogate MLP, with an exp written out in plain arithmetic (range reduction by
// ln 2 and a degree-13 Taylor polynomial: a few ulp from std::exp). Unlike
// std::exp it vectorises, so Mlp::predict_batch evaluates it on whole blocks; and because the
// single and the batched path call this same function, their results are bit-identical.
#pragma once

#include <bit>
#include <cstdint>

namespace hwgpt::surrogate::detail {

inline double exp_arith(double x_in) {
  // Clamped so 2^k stays a normal double (two selects: a nested ?: stops GCC vectorising).
  const double low = x_in < -700.0 ? -700.0 : x_in;
  const double x = low > 700.0 ? 700.0 : low;
  // k = round(x / ln 2) by the 1.5·2^52 trick (round to nearest, no branch, no libm).
  constexpr double kShift = 6755399441055744.0;
  const double shifted = x * 1.4426950408889634 + kShift;
  const std::int64_t k = std::bit_cast<std::int64_t>(shifted) - std::bit_cast<std::int64_t>(kShift);
  const double kd = shifted - kShift;
  // r = x − k ln 2 in two parts (fdlibm's ln2_hi, ln2_lo), |r| ≤ ln 2 / 2.
  const double r = (x - kd * 6.93147180369123816490e-01) - kd * 1.90821492927058770002e-10;
  double p = 1.0 / 6227020800.0;  // 1/13!
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  return p * std::bit_cast<double>(static_cast<std::uint64_t>(k + 1023) << 52);
}

// x · sigmoid(x), torch.nn.SiLU.
inline double silu(double x) { return x / (1.0 + exp_arith(-x)); }

}  // namespace hwgpt::surrogate::detail
