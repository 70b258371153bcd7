// Unit tests for src/report/scale.cpp: tick positions against hand-computed values (Heckbert's
// nice numbers), the linear map and its inverse, tick labels.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "hwgpt/core/error.hpp"
#include "hwgpt/report/scale.hpp"

namespace hwgpt::report {
namespace {

using ::testing::ElementsAre;
using ::testing::DoubleNear;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

TEST(NiceNumber, RoundsToOneTwoFiveTimesPowersOfTen) {
  EXPECT_DOUBLE_EQ(nice_number(0.74, false), 1.0);     // ceiling: 7.4 -> 10
  EXPECT_DOUBLE_EQ(nice_number(0.25, true), 0.2);      // 2.5 rounds to 2
  EXPECT_DOUBLE_EQ(nice_number(0.35, true), 0.5);      // 3.5 rounds to 5
  EXPECT_DOUBLE_EQ(nice_number(1400.0, true), 1000.0);
  EXPECT_DOUBLE_EQ(nice_number(1400.0, false), 2000.0);
  EXPECT_DOUBLE_EQ(nice_number(8.0, true), 10.0);
}

TEST(NiceTicks, UnitIntervalGetsStepPointTwo) {
  const Ticks t = nice_ticks(0.13, 0.87, 5);
  // range nice(0.74) = 1, step nice(1 / 4) = 0.2, widened to whole steps: 0 .. 1.
  EXPECT_DOUBLE_EQ(t.step, 0.2);
  EXPECT_DOUBLE_EQ(t.low, 0.0);
  EXPECT_DOUBLE_EQ(t.high, 1.0);
  ASSERT_EQ(t.values.size(), 6u);
  for (std::size_t i = 0; i < t.values.size(); ++i) EXPECT_NEAR(t.values[i], 0.2 * static_cast<double>(i), 1e-12);
}

TEST(NiceTicks, LatencyRangeInMilliseconds) {
  const Ticks t = nice_ticks(3.2, 17.9, 6);
  // range nice(14.7) = 20, step nice(4) = 5: 0, 5, 10, 15, 20.
  EXPECT_DOUBLE_EQ(t.step, 5.0);
  EXPECT_THAT(t.values, ElementsAre(0.0, 5.0, 10.0, 15.0, 20.0));
}

TEST(NiceTicks, ExactMultiplesAreNotWidened) {
  const Ticks t = nice_ticks(0.1, 0.3, 3);  // 0.3 / 0.1 is 2.9999999999999996 in doubles
  EXPECT_DOUBLE_EQ(t.step, 0.1);
  EXPECT_NEAR(t.low, 0.1, 1e-12);
  EXPECT_NEAR(t.high, 0.3, 1e-12);
  EXPECT_EQ(t.values.size(), 3u);
}

TEST(NiceTicks, NegativeAndLargeRanges) {
  const Ticks t = nice_ticks(-1.3e8, -2.0e7, 6);
  // range nice(1.1e8) = 2e8, step nice(4e7) = 5e7: -1.5e8 .. 0.
  EXPECT_DOUBLE_EQ(t.step, 5e7);
  EXPECT_DOUBLE_EQ(t.low, -1.5e8);
  EXPECT_DOUBLE_EQ(t.high, 0.0);
}

TEST(NiceTicks, DegenerateRangeIsWidened) {
  const Ticks t = nice_ticks(5.0, 5.0);
  EXPECT_LT(t.low, 5.0);
  EXPECT_GT(t.high, 5.0);
  EXPECT_GE(t.values.size(), 2u);
}

TEST(NiceTicks, RejectsBadRangesNamingThem) {
  EXPECT_THAT([] { nice_ticks(2.0, 1.0); }, ThrowsMessage<ValueError>(HasSubstr("has low above high")));
  EXPECT_THAT([] { nice_ticks(0.0, std::nan("")); }, ThrowsMessage<ValueError>(HasSubstr("is not finite")));
  EXPECT_THAT([] { nice_ticks(0.0, 1.0, 1); }, ThrowsMessage<ValueError>(HasSubstr("tick count 1; expected at least 2")));
}

TEST(LinearScale, MapsEndpointsAndInverts) {
  const LinearScale y(0.0, 10.0, 350.0, 20.0);  // screen y grows downwards
  EXPECT_DOUBLE_EQ(y(0.0), 350.0);
  EXPECT_DOUBLE_EQ(y(10.0), 20.0);
  EXPECT_DOUBLE_EQ(y(5.0), 185.0);
  for (double v : {-3.0, 0.0, 2.5, 7.75, 12.0}) EXPECT_NEAR(y.invert(y(v)), v, 1e-12);
  EXPECT_THAT([] { LinearScale(1.0, 1.0, 0.0, 1.0); }, ThrowsMessage<ValueError>(HasSubstr("is empty")));
}

TEST(FormatTick, DecimalsFollowTheStep) {
  EXPECT_EQ(format_tick(0.15, 0.05), "0.15");
  EXPECT_EQ(format_tick(0.4, 0.2), "0.4");
  EXPECT_EQ(format_tick(15.0, 5.0), "15");
  EXPECT_EQ(format_tick(-1e-17, 0.1), "0.0");   // rounding noise never prints "-0.0"
  EXPECT_EQ(format_tick(1.6e9, 2e8), "1.6G");
  EXPECT_EQ(format_tick(-1.4e8, 2e7), "-140M");
  EXPECT_EQ(format_tick(-8e5, 2e5, 1.8e6), "-0.8M");  // one suffix for the whole axis
  EXPECT_EQ(axis_extent(nice_ticks(-1.75e6, -8.1e5)), 1.8e6);
}

}  // namespace
}  // namespace hwgpt::report
