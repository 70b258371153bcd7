// Tests of the train/calibration/test split of archs (split_of, src/surrogate/dataset.cpp): a
// seeded hash of the arch string, so deterministic, and near the requested fractions.
#include "hwgpt/surrogate/fit.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "hwgpt/core/rng.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "hwgpt/space/sampling.hpp"

namespace hwgpt::surrogate {
namespace {

TEST(Split, IsDeterministicAndNearTheRequestedFractions) {
  FitOptions options;
  const auto& s = space::SearchSpace::builtin("s");
  Rng rng(2);
  int test = 0, calibration = 0;
  constexpr int kArchs = 4000;
  for (int i = 0; i < kArchs; ++i) {
    const std::string a = space::format_arch(space::sample_arch(s, rng));
    const Split split = split_of(a, options);
    EXPECT_EQ(split, split_of(a, options));
    test += split == Split::kTest;
    calibration += split == Split::kCalibration;
  }
  EXPECT_NEAR(test, 0.2 * kArchs, 5 * std::sqrt(kArchs * 0.2 * 0.8));
  EXPECT_NEAR(calibration, 0.15 * kArchs, 5 * std::sqrt(kArchs * 0.15 * 0.85));
}

}  // namespace
}  // namespace hwgpt::surrogate
