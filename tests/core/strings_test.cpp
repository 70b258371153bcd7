// split / split_nonempty / join (core/strings.hpp): field counts by the separator count, empty
// fields kept or dropped as documented, and join inverting split.
#include "hwgpt/core/strings.hpp"

#include <gtest/gtest.h>

namespace hwgpt {
namespace {

using Fields = std::vector<std::string>;

TEST(Strings, SplitGivesOneMoreFieldThanSeparators) {
  EXPECT_EQ(split("", ','), Fields{""});
  EXPECT_EQ(split("a", ','), Fields{"a"});
  EXPECT_EQ(split("a,,b,", ','), (Fields{"a", "", "b", ""}));
  EXPECT_EQ(split(",", ','), (Fields{"", ""}));
  EXPECT_EQ(split("x@y", '@'), (Fields{"x", "y"}));
}

TEST(Strings, SplitNonemptyDropsEmptyFields) {
  EXPECT_EQ(split_nonempty("", ','), Fields{});
  EXPECT_EQ(split_nonempty("a,,b,", ','), (Fields{"a", "b"}));
  EXPECT_EQ(split_nonempty(",,", ','), Fields{});
}

TEST(Strings, JoinInvertsSplit) {
  for (const char* text : {"", "a", "a,,b,", ",", "latency_ms,energy_mj"})
    EXPECT_EQ(join(split(text, ','), ","), text);
  EXPECT_EQ(join({}, ", "), "");
  EXPECT_EQ(join({"", "b"}, "+"), "+b");  // an empty first item still gets its separator
}

}  // namespace
}  // namespace hwgpt
