// Unit tests for src/core/big_uint.cpp against values computed with Python's integers.
#include "hwgpt/core/big_uint.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hwgpt/core/error.hpp"

namespace hwgpt {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

TEST(BigUint, DecimalOfSmallAndWordBoundaryValues) {
  EXPECT_EQ(BigUint(0).to_decimal(), "0");
  EXPECT_EQ(BigUint(7).to_decimal(), "7");
  EXPECT_EQ(BigUint(1000000000).to_decimal(), "1000000000");
  EXPECT_EQ(BigUint(18446744073709551615ULL).to_decimal(), "18446744073709551615");
  EXPECT_EQ((BigUint(18446744073709551615ULL) + BigUint(1)).to_decimal(), "18446744073709551616");
}

TEST(BigUint, FactorialOfThirty) {
  BigUint f(1);
  for (std::uint64_t i = 2; i <= 30; ++i) f *= BigUint(i);
  EXPECT_EQ(f.to_decimal(), "265252859812191058636308480000000");
}

TEST(BigUint, PowerAndRoundTripThroughDecimal) {
  const BigUint p = BigUint::pow(9, 36);
  EXPECT_EQ(p.to_decimal(), "22528399544939174411840147874772641");
  EXPECT_EQ(BigUint::from_decimal(p.to_decimal()), p);
  EXPECT_EQ(BigUint::pow(2, 0), BigUint(1));
  EXPECT_EQ(BigUint::from_decimal("000120").to_decimal(), "120");
}

TEST(BigUint, OrderingAndConversions) {
  EXPECT_LT(BigUint(5), BigUint::pow(2, 70));
  EXPECT_GT(BigUint::pow(3, 50), BigUint::pow(2, 70));
  EXPECT_EQ(BigUint(123456789012345ULL).to_u64(), 123456789012345ULL);
  EXPECT_DOUBLE_EQ(BigUint::pow(10, 30).to_double(), 1e30);
  EXPECT_THAT([] { (void)BigUint::pow(2, 64).to_u64(); },
              ThrowsMessage<ValueError>(HasSubstr("18446744073709551616 does not fit in 64 bits")));
}

TEST(BigUint, RejectsNonDigits) {
  EXPECT_THAT([] { (void)BigUint::from_decimal("12a"); },
              ThrowsMessage<ParseError>(HasSubstr("character 'a' is not a decimal digit")));
  EXPECT_THROW((void)BigUint::from_decimal(""), ParseError);
}

}  // namespace
}  // namespace hwgpt
