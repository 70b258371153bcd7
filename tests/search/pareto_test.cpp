// Unit tests for src/search/pareto.cpp: dominance, non-dominated sorting, crowding distance.
#include "hwgpt/search/pareto.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>

#include "hwgpt/core/error.hpp"
#include "search_test_util.hpp"

namespace hwgpt::search {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

TEST(Dominance, StrictAndWeak) {
  const std::vector<double> a{1, 2}, b{1, 3}, c{1, 2};
  EXPECT_TRUE(dominates(a, b));
  EXPECT_FALSE(dominates(b, a));
  EXPECT_FALSE(dominates(a, c));  // equal points do not dominate each other
  EXPECT_TRUE(weakly_dominates(a, c));
  EXPECT_FALSE(dominates(std::vector<double>{0, 5}, std::vector<double>{5, 0}));
}

TEST(NondominatedSort, HandCase) {
  // (1,4) (2,2) (4,1) front 0; (3,3) dominated by (2,2); (4,4) dominated by (3,3); (2,2) twice.
  const std::vector<double> v{1, 4, 3, 3, 2, 2, 4, 1, 4, 4, 2, 2};
  const PointSet ps{v, 2};
  EXPECT_THAT(nondominated_ranks(ps), ElementsAre(0, 1, 0, 0, 2, 0));
  const auto fronts = nondominated_fronts(ps);
  ASSERT_EQ(fronts.size(), 3u);
  EXPECT_THAT(fronts[0], ElementsAre(0, 2, 3, 5));
  EXPECT_THAT(pareto_front_indices(ps), ElementsAre(0, 2, 3, 5));
}

TEST(NondominatedSort, RanksSatisfyTheDefinition) {
  // Rank k points are dominated by some rank k-1 point and by no point of rank >= k.
  for (std::size_t d : {2u, 3u, 4u}) {
    const auto v = test::random_points(200, d, 7 + d);
    const PointSet ps{v, d};
    const auto rank = nondominated_ranks(ps);
    for (std::size_t i = 0; i < ps.size(); ++i) {
      bool by_previous = rank[i] == 0;
      for (std::size_t j = 0; j < ps.size(); ++j) {
        if (!dominates(ps[j], ps[i])) continue;
        EXPECT_LT(rank[j], rank[i]);
        if (rank[j] + 1 == rank[i]) by_previous = true;
      }
      EXPECT_TRUE(by_previous) << "point " << i;
    }
  }
}

TEST(NondominatedSort, TwoDimensionalSweepSatisfiesTheDefinitionWithTies) {
  // Integer grid values force ties in each coordinate and exact duplicates.
  Rng rng(12);
  std::vector<double> v;
  for (int i = 0; i < 400; ++i) v.push_back(static_cast<double>(rng.uniform_index(15)));
  const PointSet ps{v, 2};
  const auto rank = nondominated_ranks(ps);
  for (std::size_t i = 0; i < ps.size(); ++i) {
    bool by_previous = rank[i] == 0;
    for (std::size_t j = 0; j < ps.size(); ++j) {
      if (weakly_dominates(ps[j], ps[i]) && weakly_dominates(ps[i], ps[j])) {
        EXPECT_EQ(rank[i], rank[j]);
      }
      if (!dominates(ps[j], ps[i])) continue;
      EXPECT_LT(rank[j], rank[i]);
      if (rank[j] + 1 == rank[i]) by_previous = true;
    }
    EXPECT_TRUE(by_previous) << "point " << i;
  }
  // The same points with a constant third objective go through Deb's O(n²) sort: same ranks.
  std::vector<double> v3;
  for (std::size_t i = 0; i < ps.size(); ++i) v3.insert(v3.end(), {v[2 * i], v[2 * i + 1], 0.0});
  EXPECT_EQ(nondominated_ranks({v3, 3}), rank);
}

TEST(ParetoFront, TwoDimensionalSweepMatchesSorting) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    auto v = test::random_points(500, 2, seed);
    for (std::size_t i = 0; i < 50; ++i) v[2 * (i + 100)] = v[2 * i], v[2 * (i + 100) + 1] = v[2 * i + 1];  // duplicates
    const PointSet ps{v, 2};
    EXPECT_EQ(pareto_front_indices(ps), nondominated_fronts(ps)[0]);
  }
}

TEST(CrowdingDistance, HandCase) {
  // Front on a line: (0,4) (1,3) (3,1) (4,0). Ranges 4 and 4.
  const std::vector<double> v{0, 4, 1, 3, 3, 1, 4, 0};
  const std::vector<std::size_t> front{0, 1, 2, 3};
  const auto d = crowding_distance({v, 2}, front);
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(d[0], inf);
  EXPECT_EQ(d[3], inf);
  EXPECT_DOUBLE_EQ(d[1], (3.0 - 0.0) / 4 + (4.0 - 1.0) / 4);
  EXPECT_DOUBLE_EQ(d[2], (4.0 - 1.0) / 4 + (3.0 - 0.0) / 4);
}

TEST(PointSet, RejectsRaggedValues) {
  const std::vector<double> v{1, 2, 3};
  EXPECT_THAT([&] { nondominated_ranks({v, 2}); },
              ThrowsMessage<ValueError>(HasSubstr("3 values, not a multiple of its dimension 2")));
}

}  // namespace
}  // namespace hwgpt::search
