// Instruction-set levels (surrogate/isa.hpp): names round-trip, levels beyond the CPU are refused,
// and HWGPT_ISA forces a level in a fresh process (read once, at first use). Bit-identical
// predictions at every level are checked by the MLP and tree-ensemble tests.
#include "hwgpt/surrogate/isa.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hwgpt/core/error.hpp"
#include "isa_scope.hpp"

namespace hwgpt::surrogate {
namespace {

TEST(IsaLevel, NamesRoundTripAndLevelsBeyondTheCpuAreRefused) {
  for (IsaLevel l : {IsaLevel::kDefault, IsaLevel::kAvx2, IsaLevel::kAvx512}) EXPECT_EQ(parse_isa_level(isa_name(l)), l);
  EXPECT_THAT([] { parse_isa_level("sse9"); }, ::testing::ThrowsMessage<ValueError>(::testing::HasSubstr("default, avx2 or avx512")));
  const auto levels = supported_isa_levels();
  ASSERT_FALSE(levels.empty());
  EXPECT_EQ(levels.front(), IsaLevel::kDefault);
  EXPECT_EQ(levels.back(), max_isa_level());
  for (IsaLevel l : levels) {
    const IsaLevelScope scope(l);
    EXPECT_EQ(isa_level(), l);
  }
  if (max_isa_level() != IsaLevel::kAvx512) {
    EXPECT_THROW(set_isa_level(IsaLevel::kAvx512), ValueError);
  }
}

TEST(IsaLevel, TheEnvironmentForcesALevelInAFreshProcess) {
  // A death-test child starts from this process's state, so the environment is read in a child
  // whose level was never chosen: the one gtest forks for EXPECT_EXIT ("threadsafe" re-executes).
  ::testing::FLAGS_gtest_death_test_style = "threadsafe";
  EXPECT_EXIT(
      {
        ::setenv("HWGPT_ISA", "default", 1);
        std::exit(isa_level() == IsaLevel::kDefault ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace hwgpt::surrogate
