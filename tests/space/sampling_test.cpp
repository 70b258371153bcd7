// Unit tests for src/space/sampling.cpp: reproducibility, the two sampling distributions (checked
// against their closed-form marginals), one-choice mutation and neighbourhood enumeration.
#include "hwgpt/space/sampling.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "../common/test_data.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/space/arch_string.hpp"

namespace hwgpt::space {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// Number of choices in which two archs differ, with layers beyond the shorter one counted once
// per missing layer (so a change of L alone counts 1).
int choice_distance(const Arch& a, const Arch& b) {
  int d = (a.embed_dim != b.embed_dim) + (a.num_layers != b.num_layers) + (a.bias != b.bias);
  const auto common = std::min(a.mlp_ratios.size(), b.mlp_ratios.size());
  for (std::size_t i = 0; i < common; ++i)
    d += (a.mlp_ratios[i] != b.mlp_ratios[i]) + (a.num_heads[i] != b.num_heads[i]);
  return d;
}

TEST(Sampling, SameSeedSameArchsDifferentSeedDifferent) {
  const auto& s = SearchSpace::builtin("s");
  Rng a(1), b(1), c(2);
  const auto x = sample_archs(s, 50, a), y = sample_archs(s, 50, b), z = sample_archs(s, 50, c);
  EXPECT_EQ(x, y);
  EXPECT_NE(x, z);
  for (const auto& arch : x) EXPECT_TRUE(s.contains(arch));
}

TEST(Sampling, GoldenSequenceForSeedOne) {
  // Pins the draw order and RNG (sampling.hpp): a change here changes every published sample.
  const auto& t = SearchSpace::builtin("t");
  Rng rng(1);
  const auto archs = sample_archs(t, 3, rng);
  std::vector<std::string> strings;
  for (const auto& a : archs) strings.push_back(format_arch(a));
  EXPECT_THAT(strings, ::testing::ElementsAre("gpt-t-4-192-3-3-4-2-1-2-4-2-False", "gpt-t-5-192-4-3-4-2-3-1-1-2-2-2-True",
                                              "gpt-t-3-128-3-4-4-4-1-4-True"));
}

TEST(Sampling, PerChoiceModeHasUniformMarginals) {
  const auto& t = SearchSpace::builtin("t");
  Rng rng(3);
  constexpr int kDraws = 30000;
  std::map<int, int> layers, embed, heads;
  int bias = 0;
  for (int i = 0; i < kDraws; ++i) {
    const Arch a = sample_arch(t, rng, SamplingMode::kPerChoice);
    ++layers[a.num_layers];
    ++embed[a.embed_dim];
    ++heads[a.num_heads[0]];
    bias += a.bias;
  }
  // Each count is Binomial(30000, 1/3): sd 81.6; 5 sd = 408.
  for (const auto* m : {&layers, &embed, &heads})
    for (const auto& [value, count] : *m) EXPECT_NEAR(count, kDraws / 3, 408) << value;
  EXPECT_NEAR(bias, kDraws / 2, 5 * 86.6);
}

TEST(Sampling, UniformModeWeightsLayersByTheirArchCount) {
  const auto& t = SearchSpace::builtin("t");
  Rng rng(4);
  constexpr int kDraws = 30000;
  std::map<int, int> layers;
  for (int i = 0; i < kDraws; ++i) ++layers[sample_arch(t, rng, SamplingMode::kUniform).num_layers];
  // P(L) = 9^L / (9^3 + 9^4 + 9^5).
  const double total = 729 + 6561 + 59049;
  for (auto [l, weight] : std::map<int, double>{{3, 729}, {4, 6561}, {5, 59049}}) {
    const double p = weight / total;
    EXPECT_NEAR(layers[l], kDraws * p, 5 * std::sqrt(kDraws * p * (1 - p)) + 1) << l;
  }
}

TEST(Sampling, UniqueSamplesAreDistinctAndExhaustASmallSpace) {
  const auto tiny = SearchSpace::load(test::fixture_dir() / "space" / "tiny.json");
  Rng rng(9);
  const auto all = sample_archs(tiny, 12, rng, SamplingMode::kUniform, true);
  std::set<std::string> distinct;
  for (const auto& a : all) distinct.insert(format_arch(a));
  EXPECT_EQ(distinct.size(), 12u);
  EXPECT_THAT([&] { (void)sample_archs(tiny, 13, rng, SamplingMode::kUniform, true); },
              ThrowsMessage<ValueError>(HasSubstr("cannot draw 13 distinct archs from space 'tiny', which has only 12")));
}

TEST(Mutation, ChangesExactlyOneChoiceAndReachesEveryGene) {
  const auto& t = SearchSpace::builtin("t");
  Rng rng(5);
  const Arch base = t.mid_arch();  // L = 4
  std::set<std::string> genes;
  for (int i = 0; i < 2000; ++i) {
    const Arch m = mutate(base, t, rng);
    ASSERT_TRUE(t.contains(m));
    ASSERT_EQ(choice_distance(base, m), 1) << format_arch(m);
    if (m.embed_dim != base.embed_dim) genes.insert("E");
    if (m.num_layers != base.num_layers) genes.insert("L" + std::to_string(m.num_layers));
    if (m.bias != base.bias) genes.insert("bias");
    for (std::size_t k = 0; k < 4 && k < m.mlp_ratios.size(); ++k) {
      if (m.mlp_ratios[k] != base.mlp_ratios[k]) genes.insert("r" + std::to_string(k));
      if (m.num_heads[k] != base.num_heads[k]) genes.insert("h" + std::to_string(k));
    }
  }
  // E, bias, L→3, L→5, and r, h of each of the 4 layers.
  EXPECT_EQ(genes.size(), 2u + 2u + 8u);
}

TEST(Mutation, RefusesASpaceWithOneArchitecture) {
  const auto single = SearchSpace::from_json(
      R"({"name":"one","embed_dims":[8],"layer_counts":[1],"mlp_ratios":[1],"head_counts":[1],"head_size":8,"bias_choices":[false]})");
  Rng rng(1);
  EXPECT_THAT([&] { (void)mutate(single.smallest_arch(), single, rng); },
              ThrowsMessage<ValueError>(HasSubstr("has a single architecture")));
}

TEST(Neighbours, CountMatchesTheClosedFormAndAllAreOneChoiceAway) {
  for (const char* name : {"t", "s", "l"}) {
    const auto& space = SearchSpace::builtin(name);
    Rng rng(6);
    const Arch a = sample_arch(space, rng);
    const auto n = neighbours(a, space);
    // (|E|-1) + (|L|-1) + (|bias|-1) + L·((|r|-1) + (|h|-1)) = 2 + 2 + 1 + 4L.
    EXPECT_EQ(n.size(), 5u + 4u * static_cast<std::size_t>(a.num_layers)) << name;
    std::set<std::string> distinct;
    for (const Arch& b : n) {
      EXPECT_TRUE(space.contains(b));
      EXPECT_EQ(choice_distance(a, b), 1);
      distinct.insert(format_arch(b));
    }
    EXPECT_EQ(distinct.size(), n.size());
    EXPECT_EQ(distinct.count(format_arch(a)), 0u);
  }
}

TEST(Neighbours, NonLayerMovesAreSymmetric) {
  const auto& t = SearchSpace::builtin("t");
  const Arch a = t.mid_arch();
  for (const Arch& b : neighbours(a, t)) {
    if (b.num_layers != a.num_layers) continue;
    const auto back = neighbours(b, t);
    EXPECT_NE(std::find(back.begin(), back.end(), a), back.end()) << format_arch(b);
  }
}

TEST(Neighbours, TinySpaceNeighbourhoodIsExact) {
  const auto tiny = SearchSpace::load(test::fixture_dir() / "space" / "tiny.json");
  const auto n = neighbours(parse_arch("gpt-tiny-1-16-1-2-False", tiny), tiny);
  std::vector<std::string> strings;
  for (const auto& a : n) strings.push_back(format_arch(a));
  EXPECT_THAT(strings, ::testing::ElementsAre("gpt-tiny-1-32-1-2-False", "gpt-tiny-2-16-1-1-2-2-False",
                                              "gpt-tiny-1-16-2-2-False"));
}

}  // namespace
}  // namespace hwgpt::space
