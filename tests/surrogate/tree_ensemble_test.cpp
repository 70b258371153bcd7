// Tests of src/surrogate/tree_ensemble*.cpp: the compiled layout and the batch kernel predict
// exactly like the nested trees, and mismatched sizes are refused.
#include "hwgpt/surrogate/tree_ensemble.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <span>
#include <vector>

#include "hwgpt/core/error.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "isa_scope.hpp"
#include "surrogate_fixture.hpp"

namespace hwgpt::surrogate {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

TEST(TreeEnsemble, CompiledLayoutPredictsExactlyLikeTheNestedTrees) {
  const auto& fx = test::fitted_t_surrogate();
  const auto& t = space::SearchSpace::builtin("t");
  TreeEnsemble nested;
  nested.base_score = fx.model.trees().base_score;
  nested.trees = fx.model.trees().trees;  // not compiled: walks the nested trees
  std::vector<double> x(feature_count(fx.model.info().features, t));
  for (const auto& arch : fx.data.archs) {
    features(arch, t, fx.model.info().features, x);
    ASSERT_EQ(fx.model.predict_log(x), nested.predict(x)) << space::format_arch(arch);
  }
  // A hand-made tree of uneven depth: the shallow leaf must fill its whole padded subtree.
  TreeEnsemble uneven;
  uneven.trees = {{{0, 0.5f, 1, 2, 0}, {-1, 0, -1, -1, 10.0f}, {1, 0.5f, 3, 4, 0}, {-1, 0, -1, -1, 20.0f},
                   {-1, 0, -1, -1, 30.0f}}};
  TreeEnsemble compiled = uneven;
  compiled.compile();
  for (double a : {0.0, 1.0})
    for (double b : {0.0, 1.0}) {
      const std::vector<double> point = {a, b};
      EXPECT_EQ(compiled.predict(point), uneven.predict(point)) << a << " " << b;
    }
  EXPECT_EQ(compiled.predict(std::vector<double>{0.0, 1.0}), 10.0);
  EXPECT_EQ(compiled.predict(std::vector<double>{1.0, 1.0}), 30.0);
}

// A random tree of exactly `depth` levels over `features` features (thresholds in [0, 1)).
std::vector<TreeNode> random_tree(Rng& rng, int depth, int features) {
  std::vector<TreeNode> tree;
  auto grow = [&](auto&& self, int level) -> std::int32_t {
    const auto index = static_cast<std::int32_t>(tree.size());
    tree.emplace_back();
    // Some branches stop early so that padded subtrees are exercised too.
    if (level == depth || (level > 0 && rng.uniform_index(5) == 0)) {
      tree[static_cast<std::size_t>(index)].value = static_cast<float>(rng.uniform_double() - 0.5);
      return index;
    }
    const std::int32_t left = self(self, level + 1), right = self(self, level + 1);
    auto& n = tree[static_cast<std::size_t>(index)];
    n.feature = static_cast<std::int32_t>(rng.uniform_index(static_cast<std::uint64_t>(features)));
    n.threshold = static_cast<float>(rng.uniform_double());
    n.left = left;
    n.right = right;
    return index;
  };
  grow(grow, 0);
  return tree;
}

TEST(TreeEnsemble, BatchPredictionIsBitIdenticalToSinglePredictionsAtEveryDepth) {
  constexpr int kFeatures = 9;
  for (int depth = 0; depth <= 9; ++depth) {  // 9: deeper than the perfect layout (scalar fallback)
    Rng rng(100 + static_cast<std::uint64_t>(depth));
    TreeEnsemble e;
    e.base_score = 0.25;
    for (int t = 0; t < 37; ++t) e.trees.push_back(random_tree(rng, depth, kFeatures));
    e.compile();
    // 131 rows: two full blocks of 64 and a partial one; some values exactly on thresholds.
    const std::size_t rows = 131;
    std::vector<double> x(rows * kFeatures);
    for (std::size_t i = 0; i < x.size(); ++i)
      x[i] = i % 7 == 0 ? static_cast<double>(e.trees[i % e.trees.size()][0].threshold) : rng.uniform_double();
    std::vector<double> batch(rows);
    for (const IsaLevel level : supported_isa_levels()) {  // every instruction-set level (isa.hpp)
      const IsaLevelScope scope(level);
      e.predict_batch(x, kFeatures, batch);
      for (std::size_t r = 0; r < rows; ++r)
        ASSERT_EQ(batch[r], e.predict(std::span<const double>(x).subspan(r * kFeatures, kFeatures)))
            << "depth " << depth << " row " << r << " at " << isa_name(level);
    }
  }
}

TEST(TreeEnsemble, BatchPredictionRefusesMismatchedSizes) {
  const auto& fx = test::fitted_t_surrogate();
  const std::size_t width = feature_count(fx.model.info().features, space::SearchSpace::builtin("t"));
  std::vector<double> x(3 * width), out(2);
  EXPECT_THAT([&] { fx.model.trees().predict_batch(x, width, out); },
              ThrowsMessage<ValueError>(HasSubstr("feature values for 2 rows of")));
  std::vector<double> narrow(2);
  std::vector<double> one(1);
  EXPECT_THAT([&] { fx.model.trees().predict_batch(narrow, 2, one); },
              ThrowsMessage<ValueError>(HasSubstr("rows have 2 features; the trees use feature")));
}

}  // namespace
}  // namespace hwgpt::surrogate
