// Cross-check of src/search/hypervolume.cpp against an independent implementation: pagmo2's
// exact hypervolume (hv2d, hv3d, WFG/HV4D as pagmo chooses). Built only when libpagmo-dev is
// installed (tests/CMakeLists.txt); pagmo is linked to this test alone, never to the library.
#include <gtest/gtest.h>

#include <cmath>

#include <pagmo/utils/hypervolume.hpp>

#include "hwgpt/search/hypervolume.hpp"
#include "search_test_util.hpp"

namespace hwgpt::search {
namespace {

std::vector<pagmo::vector_double> rows(const std::vector<double>& v, std::size_t d) {
  std::vector<pagmo::vector_double> out;
  for (std::size_t i = 0; i < v.size() / d; ++i) out.emplace_back(v.begin() + static_cast<std::ptrdiff_t>(i * d),
                                                                  v.begin() + static_cast<std::ptrdiff_t>((i + 1) * d));
  return out;
}

double relative_error(double a, double b) { return std::abs(a - b) / std::abs(b); }

struct Case {
  std::size_t d, n;
  bool sphere;  // mutually non-dominated points on the unit sphere, or uniform random (mostly dominated)
};

TEST(PagmoCrossCheck, HypervolumeAgreesWithin1e12) {
  const Case cases[] = {{2, 2000, false}, {2, 1000, true}, {3, 2000, false}, {3, 500, true},
                        {4, 300, true},   {4, 1000, false}, {5, 100, true},  {6, 60, true}};
  for (const Case& c : cases) {
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      const auto v = c.sphere ? test::sphere_points(c.n, c.d, seed) : test::random_points(c.n, c.d, seed);
      const std::vector<double> ref(c.d, 1.1);
      const double ours = hypervolume({v, c.d}, ref);
      const double theirs = pagmo::hypervolume(rows(v, c.d), false).compute(ref);
      EXPECT_LE(relative_error(ours, theirs), 1e-12) << "d=" << c.d << " n=" << c.n << " seed=" << seed
                                                     << " ours=" << ours << " pagmo=" << theirs;
    }
  }
}

// Ties at scale: coordinates on a grid of 6 levels (equal values, equal points, weakly dominated
// points, limit points sharing values), many more points than inclusion-exclusion can check;
// uniform points (mostly dominated) and sphere points (a large front with ties once rounded).
TEST(PagmoCrossCheck, GridPointsWithTiesAgree) {
  const Case cases[] = {{3, 600, false}, {4, 600, false}, {4, 600, true}, {5, 400, false},
                        {5, 300, true},  {6, 200, false}, {6, 120, true}};
  for (const Case& c : cases) {
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      auto v = c.sphere ? test::sphere_points(c.n, c.d, seed + 40) : test::random_points(c.n, c.d, seed + 40);
      for (double& x : v) x = std::floor(x * 6) / 6;
      const std::vector<double> ref(c.d, 1.1);
      const double ours = hypervolume({v, c.d}, ref);
      const double theirs = pagmo::hypervolume(rows(v, c.d), false).compute(ref);
      EXPECT_LE(relative_error(ours, theirs), 1e-12) << "d=" << c.d << " n=" << c.n << " seed=" << seed
                                                     << " ours=" << ours << " pagmo=" << theirs;
    }
  }
}

TEST(PagmoCrossCheck, ContributionsAgree) {
  for (std::size_t d = 2; d <= 5; ++d) {
    const auto v = test::sphere_points(d <= 3 ? 200 : 40, d, 17 + d);
    const std::vector<double> ref(d, 1.1);
    const auto ours = hypervolume_contributions({v, d}, ref);
    const auto theirs = pagmo::hypervolume(rows(v, d), false).contributions(ref);
    const double total = hypervolume({v, d}, ref);
    ASSERT_EQ(ours.size(), theirs.size());
    for (std::size_t i = 0; i < ours.size(); ++i)
      EXPECT_NEAR(ours[i], theirs[i], 1e-12 * total) << "d=" << d << " point " << i;
  }
}

}  // namespace
}  // namespace hwgpt::search
