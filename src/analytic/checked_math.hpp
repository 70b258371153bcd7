// Private: 64-bit arithmetic that throws instead of wrapping, for counts of huge workloads.
#pragma once

#include <cstdint>
#include <initializer_list>

#include "hwgpt/core/error.hpp"

namespace hwgpt::analytic::detail {

inline std::uint64_t mul(std::initializer_list<std::uint64_t> factors) {
  std::uint64_t product = 1;
  for (std::uint64_t f : factors)
    if (__builtin_mul_overflow(product, f, &product))
      throw ValueError("analytic count overflows 64 bits; the workload is too large");
  return product;
}

inline std::uint64_t add(std::uint64_t a, std::uint64_t b) {
  std::uint64_t sum;
  if (__builtin_add_overflow(a, b, &sum))
    throw ValueError("analytic count overflows 64 bits; the workload is too large");
  return sum;
}

inline std::uint64_t u(int v) { return static_cast<std::uint64_t>(v); }

}  // namespace hwgpt::analytic::detail
