// Tests of in-place distillation in the trainer (TrainConfig::distill): its loss against the closed
// form, it starts at its step and not before, it resumes bit for bit,
// checkpoints record it, and checkpoints written before it existed resume as the plain rule.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "../common/temp_dir.hpp"
#include "train_test_util.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/core/tensor_file.hpp"
#include "hwgpt/train/trainer.hpp"
#include "../../src/train/sandwich_loss.hpp"

namespace {

namespace fs = std::filesystem;
using hwgpt::test::TempDir;
using hwgpt::train::TokenSplits;
using hwgpt::train::TrainConfig;
using hwgpt::train::Trainer;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

using hwgpt::test::all_params;
using hwgpt::test::learnable_corpus;
using hwgpt::test::t_space;
using hwgpt::test::tiny_config;

// Before distill_start the run is the plain rule's bit for bit; the first distilled step changes
// the weights.
TEST(Distillation, StartsAtItsStepAndNotBefore) {
  TempDir dir("distill_start");
  const TokenSplits data = learnable_corpus(dir.path());
  TrainConfig kd = tiny_config();
  kd.distill = 0.5;
  kd.distill_start = 3;
  Trainer plain(t_space(), tiny_config(), data, dir / "plain.hwgpt"), distilled(t_space(), kd, data, dir / "kd.hwgpt");
  plain.run(3);
  distilled.run(3);
  EXPECT_TRUE(all_params(plain) == all_params(distilled));
  plain.run(1);
  distilled.run(1);
  EXPECT_FALSE(all_params(plain) == all_params(distilled));
}

// The loss against its closed form: value (1-a)·CE(labels) + a·CE(teacher) and gradient with
// respect to the logits ((1-a)·(softmax - onehot) + a·(softmax - teacher)) / n, in doubles.
TEST(Distillation, LossAndGradientMatchTheClosedForm) {
  torch::manual_seed(1);
  const std::int64_t n = 5, V = 7;
  const torch::Tensor logits = torch::randn({n, V}, torch::kFloat32).requires_grad_(true);
  const torch::Tensor targets = torch::tensor(std::vector<std::int64_t>{0, 3, 6, 2, 3});
  const torch::Tensor teacher = torch::softmax(torch::randn({n, V}), -1);
  for (const double a : {0.0, 0.3, 1.0}) {
    logits.mutable_grad() = torch::Tensor();
    const hwgpt::train::SandwichLoss loss = hwgpt::train::sandwich_loss(logits, targets, teacher, a);
    loss.loss.backward();
    double expected = 0, label = 0;
    for (std::int64_t i = 0; i < n; ++i) {
      double mx = -1e30, z = 0;
      for (std::int64_t v = 0; v < V; ++v) mx = std::max(mx, logits[i][v].item<double>());
      for (std::int64_t v = 0; v < V; ++v) z += std::exp(logits[i][v].item<double>() - mx);
      const std::int64_t y = targets[i].item<std::int64_t>();
      for (std::int64_t v = 0; v < V; ++v) {
        const double log_q = logits[i][v].item<double>() - mx - std::log(z), q = std::exp(log_q);
        const double p = teacher[i][v].item<double>(), onehot = v == y ? 1.0 : 0.0;
        expected -= ((1 - a) * onehot + a * p) * log_q / n;
        if (v == y) label -= log_q / n;
        EXPECT_NEAR(logits.grad()[i][v].item<double>(), ((1 - a) * (q - onehot) + a * (q - p)) / n, 1e-6);
      }
    }
    EXPECT_NEAR(loss.loss.item<double>(), expected, 1e-5) << "distill " << a;
    EXPECT_NEAR(loss.label_loss.item<double>(), label, 1e-5);
  }
  // No teacher (the largest itself, or before distill_start): the label loss alone.
  EXPECT_TRUE(torch::equal(hwgpt::train::sandwich_loss(logits, targets, torch::Tensor(), 0.5).loss,
                           torch::nn::functional::cross_entropy(logits, targets)));
}

// Interrupted after a checkpoint that lies before distill_start and resumed: the same bits as a run
// never interrupted (the teacher is recomputed from the weights, nothing else is state).
TEST(Distillation, ResumeAcrossItsStartIsBitIdentical) {
  TempDir dir("distill_resume");
  const TokenSplits data = learnable_corpus(dir.path());
  TrainConfig kd = tiny_config();
  kd.distill = 0.7;
  kd.distill_start = 3;
  Trainer straight(t_space(), kd, data, dir / "straight.hwgpt");
  straight.run();
  {
    Trainer killed(t_space(), kd, data, dir / "killed.hwgpt");
    killed.run(2);
    killed.train_step();  // lost
  }
  Trainer resumed(t_space(), kd, data, dir / "killed.hwgpt");
  ASSERT_EQ(resumed.step(), 2);
  resumed.run();
  EXPECT_TRUE(all_params(resumed) == all_params(straight));
  TrainConfig plain = kd;
  plain.distill = 0;
  EXPECT_THAT([&] { Trainer(t_space(), plain, data, dir / "killed.hwgpt"); },
              ThrowsMessage<hwgpt::FileError>(HasSubstr("was trained with distill 0.7; this run asks for 0")));
}

// A checkpoint of a version before distillation (no "distill" fields in its config) was trained
// by the plain rule: it resumes as such, and a distilled run refuses it.
TEST(Distillation, CheckpointsWithoutTheFieldResumeAsThePlainRule) {
  TempDir dir("distill_old");
  const TokenSplits data = learnable_corpus(dir.path());
  const TrainConfig c = tiny_config();
  Trainer(t_space(), c, data, dir / "new.hwgpt").run(2);
  const hwgpt::TensorFile file = hwgpt::TensorFile::read(dir / "new.hwgpt", "checkpoint");
  nlohmann::json meta = nlohmann::json::parse(file.metadata());
  ASSERT_TRUE(meta["train"]["config"].contains("distill"));
  meta["train"]["config"].erase("distill");
  meta["train"]["config"].erase("distill_start");
  meta["train"]["config"].erase("sandwich_start");  // nor the later sampling fields
  meta["train"]["config"].erase("largest_weight");
  hwgpt::TensorFileWriter old(meta.dump());
  std::vector<std::vector<float>> values;
  values.reserve(file.tensors().size());
  for (const auto& t : file.tensors()) {
    values.push_back(t.values());
    old.add(t.name, t.shape, values.back().data());
  }
  old.write(dir / "old.hwgpt");
  Trainer resumed(t_space(), c, data, dir / "old.hwgpt");
  EXPECT_EQ(resumed.step(), 2);
  TrainConfig kd = c;
  kd.distill = 0.5;
  EXPECT_THAT([&] { Trainer(t_space(), kd, data, dir / "old.hwgpt"); },
              ThrowsMessage<hwgpt::FileError>(HasSubstr("was trained with distill 0; this run asks for 0.5")));
  TrainConfig weighted = c;
  weighted.largest_weight = 2;
  EXPECT_THAT([&] { Trainer(t_space(), weighted, data, dir / "old.hwgpt"); },
              ThrowsMessage<hwgpt::FileError>(HasSubstr("was trained with largest_weight 1; this run asks for 2")));
}

TEST(Distillation, BadSettingsAreRefused) {
  TempDir dir("distill_bad");
  const TokenSplits data = learnable_corpus(dir.path());
  TrainConfig c = tiny_config();
  c.distill = 1.5;
  EXPECT_THAT([&] { Trainer(t_space(), c, data, dir / "a.hwgpt"); },
              ThrowsMessage<hwgpt::ValueError>(HasSubstr("distill is 1.5")));
  c.distill = 0.5;
  c.standalone_arch = "gpt-t-3-64-2-3-4-1-2-4-True";
  EXPECT_THAT([&] { Trainer(t_space(), c, data, dir / "a.hwgpt"); },
              ThrowsMessage<hwgpt::ValueError>(HasSubstr("a stand-alone run has none")));
  EXPECT_FALSE(fs::exists(dir / "a.hwgpt"));
}

}  // namespace
