// Unit tests for src/search/attainment.cpp against a hand case and a brute-force grid count.
#include "hwgpt/search/attainment.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hwgpt/core/error.hpp"
#include "hwgpt/core/rng.hpp"

namespace hwgpt::search {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

TEST(Attainment, HandCase) {
  const std::vector<std::vector<Point2>> runs{{{1, 3}, {3, 1}}, {{2, 2}}, {{2, 3}, {4, 0}}};
  // k = 1: best case = non-dominated union.
  EXPECT_THAT(attainment_surface(runs, 1), ElementsAre(Point2{1, 3}, Point2{2, 2}, Point2{3, 1}, Point2{4, 0}));
  // k = 2: at x=1 only run 0; x=2: levels {3, 2, 3} -> 3; x=3: {1, 2, 3} -> 2; x=4: {1, 2, 0} -> 1.
  EXPECT_THAT(attainment_surface(runs, 2), ElementsAre(Point2{2, 3}, Point2{3, 2}, Point2{4, 1}));
  // k = 3: x=2 -> 3; x=3 -> 3; x=4: {1, 2, 0} -> 2.
  EXPECT_THAT(attainment_surface(runs, 3), ElementsAre(Point2{2, 3}, Point2{4, 2}));
}

TEST(Attainment, SurfaceBoundsTheRegionAttainedByKRuns) {
  // z is attained by >= k runs iff some point of the k-th surface weakly dominates z.
  Rng rng(11);
  std::vector<std::vector<Point2>> runs(5);
  for (auto& run : runs)
    for (int i = 0; i < 8; ++i)
      run.push_back({static_cast<double>(rng.uniform_index(20)), static_cast<double>(rng.uniform_index(20))});
  for (std::size_t k = 1; k <= runs.size(); ++k) {
    const auto surface = attainment_surface(runs, k);
    for (int x = -1; x <= 21; ++x)
      for (int y = -1; y <= 21; ++y) {
        const Point2 z{x + 0.5, y + 0.5};
        bool covered = false;
        for (const auto& s : surface) covered = covered || (s[0] <= z[0] && s[1] <= z[1]);
        EXPECT_EQ(covered, attainment_count(runs, z) >= k) << "k=" << k << " z=" << z[0] << "," << z[1];
      }
  }
}

TEST(Attainment, RejectsLevelOutOfRange) {
  EXPECT_THAT([] { attainment_surface({{{1, 1}}}, 2); },
              ThrowsMessage<ValueError>(HasSubstr("k = 2 is outside [1, 1]")));
}

}  // namespace
}  // namespace hwgpt::search
