// Unit tests for src/search/hypervolume.cpp: hand-worked cases, an independent inclusion–exclusion
// reference, and the properties the issue names (non-dominated subset, monotonicity,
// contributions = leave-one-out differences, incremental archive = batch computation).
#include "hwgpt/search/hypervolume.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hwgpt/core/error.hpp"
#include "search_test_util.hpp"

namespace hwgpt::search {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

double hv(const std::vector<double>& v, std::size_t d, const std::vector<double>& ref) {
  return hypervolume({v, d}, ref);
}

double relative_error(double a, double b) { return std::abs(a - b) / std::max(std::abs(b), 1e-300); }

TEST(Hypervolume, HandCases) {
  EXPECT_DOUBLE_EQ(hv({0.25, 0.5}, 1, {1}), 0.75);
  // Staircase (1,3) (2,2) (3,1), reference (4,4): 3 + 2 + 1 = 6 unit squares... columns: 3·1 + 2·1 + 1·... = 6.
  EXPECT_DOUBLE_EQ(hv({1, 3, 2, 2, 3, 1}, 2, {4, 4}), 6.0);
  // One box in 3-D, then two overlapping boxes: 2·2·2 + 2·2·2 − 1·1·2 (overlap [1,2]x[1,2]x[0,2]).
  EXPECT_DOUBLE_EQ(hv({0, 0, 0}, 3, {2, 2, 2}), 8.0);
  EXPECT_DOUBLE_EQ(hv({0, 1, 0, 1, 0, 0}, 3, {2, 2, 2}), 4.0 + 4.0 - 2.0);
  // 4-D: (0,1,1,1) and (1,0,1,1), reference 2: boxes of 2 and 2 overlapping in a unit cube.
  EXPECT_DOUBLE_EQ(hv({0, 1, 1, 1, 1, 0, 1, 1}, 4, {2, 2, 2, 2}), 3.0);
  // (0,0,1,1) and (1,1,0,0): boxes of 4 and 4 overlapping in [1,2]^4.
  EXPECT_DOUBLE_EQ(hv({0, 0, 1, 1, 1, 1, 0, 0}, 4, {2, 2, 2, 2}), 7.0);
  // Points on or beyond the reference contribute nothing.
  EXPECT_DOUBLE_EQ(hv({4, 0, 1, 1}, 2, {4, 4}), 9.0);
  EXPECT_DOUBLE_EQ(hv({}, 3, {1, 1, 1}), 0.0);
}

TEST(Hypervolume, MatchesInclusionExclusion) {
  for (std::size_t d = 2; d <= 6; ++d) {
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
      const auto v = test::random_points(12, d, seed * 31 + d);
      const std::vector<double> ref(d, 1.0);
      const double expected = test::hv_inclusion_exclusion(v, d, ref);
      EXPECT_LE(relative_error(hv(v, d, ref), expected), 1e-12) << "d=" << d << " seed=" << seed;
    }
  }
}

// Random points rounded down to `levels` values per objective, against inclusion-exclusion:
// dimensions d_first..d_last, `seeds` sets of n points each.
struct GridCase {
  std::size_t d_first, d_last, n;
  std::uint64_t seeds, seed_stride;
  double levels;
};

void expect_grid_ties_match_inclusion_exclusion(const GridCase& c) {
  for (std::size_t d = c.d_first; d <= c.d_last; ++d) {
    for (std::uint64_t seed = 1; seed <= c.seeds; ++seed) {
      auto v = test::random_points(c.n, d, seed * c.seed_stride + d);
      for (double& x : v) x = std::floor(x * c.levels) / c.levels;
      const std::vector<double> ref(d, 1.0);
      const double expected = test::hv_inclusion_exclusion(v, d, ref);
      ASSERT_LE(std::abs(hv(v, d, ref) - expected), 1e-12) << "d=" << d << " seed=" << seed;
    }
  }
}

// Ties and duplicates, the cases sweeps get wrong: points on a coarse grid (4 levels per
// objective, so many equal coordinates, equal points and weakly dominated ones) against the
// inclusion-exclusion reference, in the dimensions with their own algorithm (4: one-contribution
// sweep; 5 and 6: limit sets filtered by axis points and coordinate sums).
TEST(Hypervolume, GridPointsWithTiesMatchInclusionExclusion) {
  expect_grid_ties_match_inclusion_exclusion({3, 6, 13, 30, 17, 4});
}

// Coarser still (3 levels), many seeds, in the dimensions whose sweeps keep sorted fronts across
// points (4: the 3-D front's inserts use what the contribution scan found; 5: the front in 4th-value
// order): equal (x, y) above a new point, equal z, equal points and chains of weak dominance.
TEST(Hypervolume, CoarseGridTiesMatchInclusionExclusion) {
  expect_grid_ties_match_inclusion_exclusion({4, 5, 12, 300, 7919, 3});
}

// The 4-D sweep's 3-D front meets a point with the (x, y) of an earlier, higher one at a z that
// another point shares, and later points that dominate both: each insert must drop the dominated
// projection from both of the front's orders alike.
TEST(Hypervolume, FourDTiesInTheFrontsOrdersMatchInclusionExclusion) {
  const std::vector<double> v = {0.5, 0.5, 0.6, 0.1,   0.2, 0.8, 0.3, 0.2,   0.5, 0.5, 0.3, 0.3,
                                 0.4, 0.7, 0.5, 0.4,   0.5, 0.4, 0.7, 0.5,   0.4, 0.4, 0.2, 0.6,
                                 0.1, 0.9, 0.9, 0.7,   0.4, 0.4, 0.2, 0.8,   0.3, 0.3, 0.1, 0.9};
  const std::vector<double> ref(4, 1.0);
  EXPECT_LE(std::abs(hv(v, 4, ref) - test::hv_inclusion_exclusion(v, 4, ref)), 1e-15);
  for (std::size_t n = 1; n <= v.size() / 4; ++n) {  // every prefix, so every insert is checked
    const std::vector<double> prefix(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(4 * n));
    EXPECT_LE(std::abs(hv(prefix, 4, ref) - test::hv_inclusion_exclusion(prefix, 4, ref)), 1e-15) << n;
  }
}

TEST(Hypervolume, EqualsHypervolumeOfNondominatedSubset) {
  for (std::size_t d = 2; d <= 5; ++d) {
    const auto v = test::random_points(300, d, 100 + d);
    std::vector<double> front;
    for (std::size_t i : pareto_front_indices({v, d})) front.insert(front.end(), &v[i * d], &v[i * d] + d);
    const std::vector<double> ref(d, 1.1);
    EXPECT_LE(relative_error(hv(v, d, ref), hv(front, d, ref)), 1e-12) << "d=" << d;
  }
}

TEST(Hypervolume, MonotoneAndArchiveMatchesBatch) {
  for (std::size_t d = 2; d <= 5; ++d) {
    const std::size_t n = d <= 3 ? 400 : 120;
    const auto v = d <= 3 ? test::random_points(n, d, 5 + d) : test::sphere_points(n, d, 5 + d);
    const std::vector<double> ref(d, 1.05);
    const auto curve = hypervolume_curve({v, d}, ref);
    ASSERT_EQ(curve.size(), n);
    for (std::size_t i = 1; i < n; ++i) EXPECT_GE(curve[i], curve[i - 1]) << "d=" << d << " i=" << i;
    for (std::size_t i : {std::size_t{0}, n / 3, n - 1}) {
      const std::vector<double> prefix(v.begin(), v.begin() + static_cast<std::ptrdiff_t>((i + 1) * d));
      EXPECT_LE(relative_error(curve[i], hv(prefix, d, ref)), 1e-12) << "d=" << d << " i=" << i;
    }
  }
}

TEST(Hypervolume, ContributionsEqualLeaveOneOut) {
  for (std::size_t d = 2; d <= 5; ++d) {
    auto v = test::sphere_points(40, d, 50 + d);
    v.insert(v.end(), v.begin(), v.begin() + static_cast<std::ptrdiff_t>(d));  // a duplicate: contributes 0
    const std::size_t n = v.size() / d;
    const std::vector<double> ref(d, 1.1);
    const double total = hv(v, d, ref);
    const auto contributions = hypervolume_contributions({v, d}, ref);
    for (std::size_t i = 0; i < n; ++i) {
      std::vector<double> rest;
      for (std::size_t j = 0; j < n; ++j)
        if (j != i) rest.insert(rest.end(), &v[j * d], &v[j * d] + d);
      EXPECT_NEAR(contributions[i], total - hv(rest, d, ref), 1e-12 * total) << "d=" << d << " i=" << i;
    }
    EXPECT_EQ(contributions[0], 0.0);
    EXPECT_EQ(contributions[n - 1], 0.0);
  }
}

TEST(Hypervolume, ImprovementIsTheDifferenceOfHypervolumes) {
  for (std::size_t d = 2; d <= 5; ++d) {
    const auto v = test::sphere_points(30, d, 70 + d);
    const std::vector<double> ref(d, 1.1);
    Rng rng(d);
    for (int t = 0; t < 10; ++t) {
      std::vector<double> c(d);
      for (auto& x : c) x = 0.2 + 0.9 * rng.uniform_double();
      std::vector<double> with = v;
      with.insert(with.end(), c.begin(), c.end());
      EXPECT_NEAR(hypervolume_improvement(c, {v, d}, ref), hv(with, d, ref) - hv(v, d, ref), 1e-12) << "d=" << d;
    }
  }
}

TEST(Hypervolume, ScalesWithTheAxes) {
  // Stretching objective k by s_k multiplies the hypervolume by Π s_k (reference stretched too).
  const auto v = test::sphere_points(200, 4, 3);
  std::vector<double> w = v;
  const std::vector<double> s{2.0, 0.5, 4.0, 1.0};
  for (std::size_t i = 0; i < w.size(); ++i) w[i] *= s[i % 4];
  EXPECT_LE(relative_error(hv(w, 4, {2.2, 0.55, 4.4, 1.1}), 4.0 * hv(v, 4, {1.1, 1.1, 1.1, 1.1})), 1e-12);
}

TEST(Hypervolume, RejectsBadInput) {
  EXPECT_THAT([] { hv({0.5, 0.5}, 2, {1, 1, 1}); },
              ThrowsMessage<ValueError>(HasSubstr("reference point has 3 values; expected the points' dimension 2")));
  EXPECT_THAT([] { hv({0.5, std::nan("")}, 2, {1, 1}); },
              ThrowsMessage<ValueError>(HasSubstr("point 0 has a NaN value")));
  HypervolumeArchive archive({1.0, 1.0});
  EXPECT_THAT([&] { archive.add(std::vector<double>{0.5}); },
              ThrowsMessage<ValueError>(HasSubstr("archive point has 1 values; expected 2")));
}

TEST(HypervolumeArchive, KeepsOnlyNondominatedPoints) {
  for (std::size_t d : {2u, 3u}) {
    HypervolumeArchive archive(std::vector<double>(d, 1.0));
    const auto v = test::random_points(300, d, 9);
    for (std::size_t i = 0; i < 300; ++i) archive.add(std::span<const double>(v).subspan(i * d, d));
    const auto kept = archive.points();
    EXPECT_EQ(kept.size() / d, pareto_front_indices({v, d}).size()) << "d=" << d;
    EXPECT_DOUBLE_EQ(archive.add(std::span<const double>(kept).first(d)), 0.0);  // already there
  }
}

}  // namespace
}  // namespace hwgpt::search
