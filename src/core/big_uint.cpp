// Schoolbook arithmetic on base-2^32 limbs; sizes here are a few limbs, so nothing cleverer pays.
#include "hwgpt/core/big_uint.hpp"

#include <algorithm>

#include "hwgpt/core/error.hpp"

namespace hwgpt {

BigUint::BigUint(std::uint64_t value) {
  while (value != 0) {
    limbs_.push_back(static_cast<std::uint32_t>(value));
    value >>= 32;
  }
}

void BigUint::trim() {
  while (!limbs_.empty() && limbs_.back() == 0) limbs_.pop_back();
}

BigUint BigUint::from_decimal(std::string_view digits) {
  if (digits.empty()) throw ParseError("big integer: empty string; expected decimal digits");
  BigUint result;
  for (char c : digits) {
    if (c < '0' || c > '9')
      throw ParseError("big integer '" + std::string(digits) + "': character '" + c +
                       "' is not a decimal digit");
    result *= BigUint(10);
    result += BigUint(static_cast<std::uint64_t>(c - '0'));
  }
  return result;
}

BigUint& BigUint::operator+=(const BigUint& other) {
  if (limbs_.size() < other.limbs_.size()) limbs_.resize(other.limbs_.size(), 0);
  std::uint64_t carry = 0;
  for (std::size_t i = 0; i < limbs_.size(); ++i) {
    std::uint64_t sum = carry + limbs_[i] + (i < other.limbs_.size() ? other.limbs_[i] : 0);
    limbs_[i] = static_cast<std::uint32_t>(sum);
    carry = sum >> 32;
  }
  if (carry != 0) limbs_.push_back(static_cast<std::uint32_t>(carry));
  return *this;
}

BigUint& BigUint::operator*=(const BigUint& other) {
  std::vector<std::uint32_t> product(limbs_.size() + other.limbs_.size(), 0);
  for (std::size_t i = 0; i < limbs_.size(); ++i) {
    std::uint64_t carry = 0;
    for (std::size_t j = 0; j < other.limbs_.size(); ++j) {
      std::uint64_t cur = product[i + j] + static_cast<std::uint64_t>(limbs_[i]) * other.limbs_[j] + carry;
      product[i + j] = static_cast<std::uint32_t>(cur);
      carry = cur >> 32;
    }
    std::size_t k = i + other.limbs_.size();
    while (carry != 0) {
      std::uint64_t cur = product[k] + carry;
      product[k] = static_cast<std::uint32_t>(cur);
      carry = cur >> 32;
      ++k;
    }
  }
  limbs_ = std::move(product);
  trim();
  return *this;
}

BigUint BigUint::pow(const BigUint& base, unsigned exponent) {
  BigUint result(1), power = base;
  while (exponent != 0) {
    if (exponent & 1U) result *= power;
    exponent >>= 1;
    if (exponent != 0) power *= power;
  }
  return result;
}

std::string BigUint::to_decimal() const {
  if (limbs_.empty()) return "0";
  std::vector<std::uint32_t> work = limbs_;
  std::string digits;
  // Divide by 10^9 repeatedly; each remainder gives nine decimal digits.
  while (!work.empty()) {
    std::uint64_t remainder = 0;
    for (std::size_t i = work.size(); i-- > 0;) {
      std::uint64_t cur = (remainder << 32) | work[i];
      work[i] = static_cast<std::uint32_t>(cur / 1000000000U);
      remainder = cur % 1000000000U;
    }
    while (!work.empty() && work.back() == 0) work.pop_back();
    for (int d = 0; d < 9; ++d) {
      digits.push_back(static_cast<char>('0' + remainder % 10));
      remainder /= 10;
      if (work.empty() && remainder == 0) break;
    }
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  std::reverse(digits.begin(), digits.end());
  return digits;
}

double BigUint::to_double() const {
  double value = 0.0;
  for (std::size_t i = limbs_.size(); i-- > 0;) value = value * 4294967296.0 + limbs_[i];
  return value;
}

std::uint64_t BigUint::to_u64() const {
  if (limbs_.size() > 2)
    throw ValueError("big integer " + to_decimal() + " does not fit in 64 bits");
  std::uint64_t value = 0;
  for (std::size_t i = limbs_.size(); i-- > 0;) value = (value << 32) | limbs_[i];
  return value;
}

std::strong_ordering operator<=>(const BigUint& a, const BigUint& b) {
  if (a.limbs_.size() != b.limbs_.size()) return a.limbs_.size() <=> b.limbs_.size();
  for (std::size_t i = a.limbs_.size(); i-- > 0;)
    if (a.limbs_[i] != b.limbs_[i]) return a.limbs_[i] <=> b.limbs_[i];
  return std::strong_ordering::equal;
}

}  // namespace hwgpt
