// Tests of the sandwich rule's sampling and weighting options (TrainConfig::sandwich_start,
// TrainConfig::largest_weight): the first phase of progressive shrinking is the stand-alone run of
// the largest sub-network, and the largest's loss weight steers the shared weights' update.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "../common/temp_dir.hpp"
#include "train_test_util.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/space/arch_string.hpp"

namespace {

using hwgpt::test::TempDir;
using hwgpt::test::all_params;
using hwgpt::test::learnable_corpus;
using hwgpt::test::t_space;
using hwgpt::test::tiny_config;
using hwgpt::train::TokenSplits;
using hwgpt::train::TrainConfig;
using hwgpt::train::Trainer;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

double max_abs_difference(const std::vector<std::vector<float>>& a, const std::vector<std::vector<float>>& b) {
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    for (std::size_t j = 0; j < a[i].size(); ++j) worst = std::max(worst, std::abs(double(a[i][j]) - b[i][j]));
  return worst;
}

// Before sandwich_start only the largest trains, on the batches a stand-alone run of the largest
// draws (no random sub-network is drawn): the same weights as that run, up to float rounding.
// The first sandwich step then moves away from it.
TEST(SandwichStart, FirstPhaseIsTheStandaloneRunOfTheLargest) {
  TempDir dir("sandwich_start");
  const TokenSplits data = learnable_corpus(dir.path());
  TrainConfig shrink = tiny_config();
  shrink.sandwich_start = 3;
  TrainConfig alone = tiny_config();
  alone.standalone_arch = hwgpt::space::format_arch(t_space().largest_arch());
  Trainer a(t_space(), shrink, data, dir / "a.pt"), b(t_space(), alone, data, dir / "b.pt");
  for (int i = 0; i < 3; ++i) {
    const auto r = a.train_step();
    b.train_step();
    EXPECT_EQ(r.loss_random, 0) << "step " << i << " ran random sub-networks";
  }
  EXPECT_LT(max_abs_difference(all_params(a), all_params(b)), 1e-6);
  a.train_step();
  b.train_step();
  EXPECT_GT(max_abs_difference(all_params(a), all_params(b)), 1e-4);
}

// Update of every parameter element after one step from the same start.
std::vector<float> first_update(const TrainConfig& c, const TokenSplits& data, const std::filesystem::path& file) {
  Trainer t(t_space(), c, data, file);
  const auto before = all_params(t);
  t.train_step();
  const auto after = all_params(t);
  std::vector<float> update;
  for (std::size_t i = 0; i < before.size(); ++i)
    for (std::size_t j = 0; j < before[i].size(); ++j) update.push_back(after[i][j] - before[i][j]);
  return update;
}

// AdamW's first step moves each element by about lr·sign(gradient). The largest and the smallest
// share the smallest's elements; with the largest's loss weighted 1e4 their update takes the
// largest's sign (as in a stand-alone step of the largest), with equal weights many do not (those
// where the smallest's gradient outweighs the largest's).
TEST(LargestWeight, SteersTheSharedWeightsTowardsTheLargest) {
  TempDir dir("largest_weight");
  const TokenSplits data = learnable_corpus(dir.path());
  TrainConfig c = tiny_config();
  c.random_subnets = 0;  // largest + smallest only: no draw, so the stand-alone run's batch
  c.weight_decay = 0;
  c.grad_clip = 0;
  TrainConfig alone = c;
  alone.standalone_arch = hwgpt::space::format_arch(t_space().largest_arch());
  TrainConfig small = c;
  small.standalone_arch = hwgpt::space::format_arch(t_space().smallest_arch());
  TrainConfig heavy = c;
  heavy.largest_weight = 1e4;
  const auto ref = first_update(alone, data, dir / "alone.pt");
  const auto shared = first_update(small, data, dir / "small.pt");
  const auto equal = first_update(c, data, dir / "equal.pt");
  const auto weighted = first_update(heavy, data, dir / "heavy.pt");
  std::size_t moved = 0, agree_equal = 0, agree_weighted = 0;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    if (std::abs(ref[i]) < 1e-6f || std::abs(shared[i]) < 1e-6f) continue;  // not shared by both
    ++moved;
    agree_equal += (ref[i] > 0) == (equal[i] > 0);
    agree_weighted += (ref[i] > 0) == (weighted[i] > 0);
  }
  ASSERT_GT(moved, 10000u);
  const double n = static_cast<double>(moved);
  EXPECT_GT(static_cast<double>(agree_weighted) / n, 0.999);
  EXPECT_LT(static_cast<double>(agree_equal) / n, 0.95) << "equal weights already follow the largest";
}

TEST(SandwichRules, BadSettingsAreRefused) {
  TempDir dir("sandwich_bad");
  const TokenSplits data = learnable_corpus(dir.path());
  TrainConfig c = tiny_config();
  c.largest_weight = 0;
  EXPECT_THAT([&] { Trainer(t_space(), c, data, dir / "a.pt"); },
              ThrowsMessage<hwgpt::ValueError>(HasSubstr("largest_weight is 0")));
  c.largest_weight = 1;
  c.sandwich_start = -1;
  EXPECT_THAT([&] { Trainer(t_space(), c, data, dir / "a.pt"); },
              ThrowsMessage<hwgpt::ValueError>(HasSubstr("sandwich_start must be >= 0")));
}

}  // namespace
