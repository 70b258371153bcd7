// Arbitrary-precision unsigned integers, just enough for exact search-space sizes
// (scale l has ~1.5e35 architectures; user spaces from JSON can be larger than any machine word).
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hwgpt {

class BigUint {
 public:
  BigUint() = default;
  BigUint(std::uint64_t value);  // NOLINT(google-explicit-constructor): numbers convert naturally

  // Parses a non-empty string of decimal digits; throws ParseError otherwise.
  static BigUint from_decimal(std::string_view digits);

  BigUint& operator+=(const BigUint& other);
  BigUint& operator*=(const BigUint& other);
  friend BigUint operator+(BigUint a, const BigUint& b) { return a += b; }
  friend BigUint operator*(BigUint a, const BigUint& b) { return a *= b; }
  static BigUint pow(const BigUint& base, unsigned exponent);

  std::string to_decimal() const;
  // Nearest double (for display as 5.3768e23 and for log-scale arithmetic).
  double to_double() const;
  // Throws ValueError when the value does not fit.
  std::uint64_t to_u64() const;

  friend bool operator==(const BigUint&, const BigUint&) = default;
  friend std::strong_ordering operator<=>(const BigUint& a, const BigUint& b);

 private:
  void trim();
  std::vector<std::uint32_t> limbs_;  // little-endian base 2^32; empty means zero
};

}  // namespace hwgpt
