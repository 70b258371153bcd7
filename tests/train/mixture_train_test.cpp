// Tests of training with the supernet options: a mixture of supernets (TrainConfig::experts) —
// every expert and the router learn, the option is recorded and checked on resume, fine-tuning an
// arch of a mixture starts from its mixed weights — and strided layers (TrainConfig::strided_layers).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../common/temp_dir.hpp"
#include "train_test_util.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "hwgpt/train/evaluate.hpp"
#include "hwgpt/train/finetune.hpp"

namespace {

namespace fs = std::filesystem;
using hwgpt::test::TempDir;
using hwgpt::test::all_params;
using hwgpt::test::t_space;
using hwgpt::test::tiny_config;
using hwgpt::train::TokenSplits;
using hwgpt::train::TrainConfig;
using hwgpt::train::Trainer;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

constexpr const char* kArch = "gpt-t-4-128-3-2-4-3-2-4-1-2-False";

TEST(MixtureTraining, EveryExpertAndTheRouterLearnAndTheMixturesDiverge) {
  TempDir dir("mixture_train");
  const TokenSplits data = hwgpt::test::learnable_corpus(dir.path());
  TrainConfig c = tiny_config();
  c.experts = 2;
  Trainer t(t_space(), c, data, dir / "m.pt");
  const auto names = t.supernet().parameter_names();
  const auto before = all_params(t);
  t.run();
  const auto after = all_params(t);
  for (std::size_t i = 0; i < names.size(); ++i) {
    const bool unused_bias = names[i].find(".bias") != std::string::npos && names[i].rfind("router", 0) != 0;
    if (!unused_bias) {
      EXPECT_NE(before[i], after[i]) << names[i] << " did not move";
    }
  }
  // The router started uniform for every arch; after training it mixes archs differently.
  const auto& net = t.supernet();
  const auto a = net.mixture(t_space().largest_arch()), b = net.mixture(t_space().smallest_arch());
  double diff = 0;
  for (std::size_t j = 0; j < a.size(); ++j) diff = std::max(diff, std::abs(a[j] - b[j]));
  EXPECT_GT(diff, 1e-6);
}

TEST(MixtureTraining, IsRecordedCheckedOnResumeAndRefusedForOneArch) {
  TempDir dir("mixture_config");
  const TokenSplits data = hwgpt::test::learnable_corpus(dir.path());
  TrainConfig c = tiny_config();
  c.experts = 2;
  Trainer(t_space(), c, data, dir / "m.pt").run(2);
  EXPECT_EQ(hwgpt::model::Supernet::load(dir / "m.pt").experts(), 2);
  TrainConfig one = tiny_config();
  EXPECT_THAT([&] { Trainer(t_space(), one, data, dir / "m.pt"); },
              ThrowsMessage<hwgpt::FileError>(HasSubstr("was trained with experts 2; this run asks for 1")));
  // Starting a sandwich run from a mixture needs the same expert count.
  one.init_from = (dir / "m.pt").string();
  EXPECT_THAT([&] { Trainer(t_space(), one, data, dir / "other.pt"); },
              ThrowsMessage<hwgpt::ValueError>(HasSubstr("is a supernet of 2 expert(s)")));
  TrainConfig alone = c;
  alone.standalone_arch = kArch;
  EXPECT_THAT([&] { Trainer(t_space(), alone, data, dir / "alone.pt"); },
              ThrowsMessage<hwgpt::ValueError>(HasSubstr("a stand-alone run trains one arch")));
  c.experts = 0;
  EXPECT_THAT([&] { Trainer(t_space(), c, data, dir / "zero.pt"); },
              ThrowsMessage<hwgpt::ValueError>(HasSubstr("experts is 0")));
}

// Fine-tuning an arch of a mixture trains one set of weights that starts as the arch's mixture:
// before any step it evaluates exactly as the mixture does, and its checkpoint is a one-expert file.
TEST(MixtureTraining, FineTuningStartsFromTheArchsMixedWeights) {
  TempDir dir("mixture_finetune");
  const TokenSplits data = hwgpt::test::learnable_corpus(dir.path());
  TrainConfig c = tiny_config();
  c.experts = 2;
  Trainer(t_space(), c, data, dir / "m.pt").run();
  const auto arch = hwgpt::space::parse_arch(kArch, t_space());
  hwgpt::train::FinetuneOptions o;
  o.steps = 3;
  o.peak_lr = 1e-2;
  o.warmup_steps = 1;
  Trainer tuned(t_space(), hwgpt::train::finetune_config(dir / "m.pt", kArch, o), data, dir / "tuned.pt");
  hwgpt::train::EvalOptions e;
  e.sequence_length = 16;
  e.max_tokens = 2048;
  const hwgpt::model::Supernet mixture = hwgpt::model::Supernet::load(dir / "m.pt");
  const double inherited = hwgpt::train::evaluate(mixture, arch, data.validation, e).loss;
  EXPECT_NEAR(hwgpt::train::evaluate(tuned.supernet(), arch, data.validation, e).loss, inherited, 1e-5);
  tuned.run();
  EXPECT_EQ(hwgpt::model::Supernet::load(dir / "tuned.pt").experts(), 1);
  EXPECT_GT(std::abs(hwgpt::train::evaluate(tuned.supernet(), arch, data.validation, e).loss - inherited), 1e-4);
}

// With strided layers a 3-layer arch uses super-layers 0, 2, 4: the smallest arch fine-tuned from
// a strided file moves those and leaves 1 and 3 as they were, and writes a strided file. The
// sandwich run records the placement, and a resume or a start from it with the other one is refused.
TEST(StridedTraining, FineTuningFollowsTheFilesPlacementAndResumeChecksIt) {
  TempDir dir("strided_train");
  const TokenSplits data = hwgpt::test::learnable_corpus(dir.path());
  TrainConfig c = tiny_config();
  c.strided_layers = true;
  Trainer(t_space(), c, data, dir / "s.pt").run();
  const hwgpt::model::Supernet trained = hwgpt::model::Supernet::load(dir / "s.pt");
  EXPECT_EQ(trained.layer_placement(), hwgpt::model::LayerPlacement::kStrided);
  TrainConfig prefix = tiny_config();
  EXPECT_THAT([&] { Trainer(t_space(), prefix, data, dir / "s.pt"); },
              ThrowsMessage<hwgpt::FileError>(HasSubstr("was trained with strided_layers 1; this run asks for 0")));
  prefix.init_from = (dir / "s.pt").string();
  EXPECT_THAT([&] { Trainer(t_space(), prefix, data, dir / "p.pt"); },
              ThrowsMessage<hwgpt::ValueError>(HasSubstr("places its layers the other way")));

  const std::string small = hwgpt::space::format_arch(t_space().smallest_arch());  // 3 layers
  hwgpt::train::FinetuneOptions o;
  o.steps = 2;
  o.peak_lr = 1e-2;
  o.warmup_steps = 1;
  Trainer tuned(t_space(), hwgpt::train::finetune_config(dir / "s.pt", small, o), data, dir / "tuned.pt");
  tuned.run();
  const hwgpt::model::Supernet after = hwgpt::model::Supernet::load(dir / "tuned.pt");
  EXPECT_EQ(after.layer_placement(), hwgpt::model::LayerPlacement::kStrided);
  for (int layer = 0; layer < 5; ++layer) {
    const std::string name = "h." + std::to_string(layer) + ".mlp.fc.weight";
    const bool used = layer % 2 == 0;
    EXPECT_EQ(after.parameter(name) != trained.parameter(name), used) << name;
  }
}

}  // namespace
