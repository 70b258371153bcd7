// Tests of src/surrogate/features.cpp: the analytic inputs, raw and relative to the space's
// largest arch (the depth-bins encoding's transfer across scales).
#include "hwgpt/surrogate/features.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hwgpt/analytic/params.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "hwgpt/space/search_space.hpp"

namespace hwgpt::surrogate {
namespace {

// The analytic block: the last 7 features.
std::vector<double> analytic_block(const space::Arch& arch, const space::SearchSpace& space, const FeatureConfig& config) {
  std::vector<double> row(feature_count(config, space));
  features(arch, space, config, row);
  return {row.end() - 7, row.end()};
}

FeatureConfig depth_bins(bool relative) {
  FeatureConfig config;
  config.encoding = space::Encoding::kDepthBins;
  config.analytic_relative = relative;
  return config;
}

double params_of(const space::Arch& arch, const space::SearchSpace& space) {
  return static_cast<double>(analytic::num_params(analytic::model_spec(arch, space, analytic::ModelVariant::kHwgpt)));
}

// Every scale's largest arch is 1 in each relative feature, although its raw parameter count
// differs between s and l sixfold; another arch's relative parameter
// count is its own count over the largest's, counted independently here.
TEST(Features, RelativeAnalyticFeaturesAreSharesOfTheLargestArch) {
  for (const char* name : {"s", "m", "l"}) {
    const auto& space = space::SearchSpace::builtin(name);
    for (double v : analytic_block(space.largest_arch(), space, depth_bins(true))) EXPECT_EQ(v, 1.0) << name;
    const space::Arch smallest = space.smallest_arch();
    const auto raw = analytic_block(smallest, space, depth_bins(false));
    const auto relative = analytic_block(smallest, space, depth_bins(true));
    EXPECT_EQ(raw[0], params_of(smallest, space)) << name;
    EXPECT_DOUBLE_EQ(relative[0], params_of(smallest, space) / params_of(space.largest_arch(), space)) << name;
    for (double v : relative) {
      EXPECT_GT(v, 0.0) << name;
      EXPECT_LT(v, 1.0) << name;
    }
  }
  const auto& s = space::SearchSpace::builtin("s");
  const auto& l = space::SearchSpace::builtin("l");
  EXPECT_GT(params_of(l.largest_arch(), l), 5 * params_of(s.largest_arch(), s));
}

// The largest arch's values are cached per thread: alternating spaces (a transfer fit's rows), and
// a space that shares a built-in's name but not its largest arch, each get their own.
TEST(Features, RelativeFeaturesFollowTheSpaceNotTheLastOneAsked) {
  const auto& s = space::SearchSpace::builtin("s");
  const auto& l = space::SearchSpace::builtin("l");
  const space::Arch arch = l.smallest_arch();
  const auto first = analytic_block(arch, l, depth_bins(true));
  (void)analytic_block(s.smallest_arch(), s, depth_bins(true));
  EXPECT_EQ(analytic_block(arch, l, depth_bins(true)), first);

  space::SearchSpaceConfig config = l.config();
  config.embed_dims = {320, 640};  // same name, a smaller largest arch
  const space::SearchSpace narrower(config);
  const auto shares = analytic_block(arch, narrower, depth_bins(true));
  EXPECT_DOUBLE_EQ(shares[0], params_of(arch, l) / params_of(narrower.largest_arch(), l));
  EXPECT_GT(shares[0], first[0]);
  EXPECT_EQ(analytic_block(arch, l, depth_bins(true)), first);
}

TEST(Features, NamesSayWhichAnalyticFormIsUsed) {
  const auto& l = space::SearchSpace::builtin("l");
  EXPECT_EQ(feature_names(depth_bins(false), l).back(), "kv_cache_bytes");
  EXPECT_EQ(feature_names(depth_bins(true), l).back(), "kv_cache_bytes/largest");
  EXPECT_EQ(feature_names(depth_bins(true), l).size(), feature_count(depth_bins(true), l));
}

}  // namespace
}  // namespace hwgpt::surrogate
