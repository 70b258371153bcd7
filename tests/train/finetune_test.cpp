// Tests of starting a run from a model file (TrainConfig::init_from) and of fine-tuning one arch
// from its inherited weights before evaluation (finetune.hpp, evaluate_archs with finetune).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "../common/temp_dir.hpp"
#include "train_test_util.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "hwgpt/train/evaluate_archs.hpp"
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

std::vector<std::vector<float>> file_params(const fs::path& file) {
  return all_params(hwgpt::model::Supernet::load(file));
}

// A supernet trained for 5 sandwich steps: weights unlike any seeded initialisation.
fs::path trained_supernet(const TempDir& dir, const TokenSplits& data) {
  Trainer t(t_space(), tiny_config(), data, dir / "supernet.pt");
  t.run();
  return dir / "supernet.pt";
}

TEST(InitFrom, StartsFromTheFilesWeightsAndIsRecorded) {
  TempDir dir("init_from");
  const TokenSplits data = hwgpt::test::learnable_corpus(dir.path());
  const fs::path supernet = trained_supernet(dir, data);
  TrainConfig c = tiny_config();
  c.standalone_arch = kArch;
  c.init_from = supernet.string();
  Trainer tuned(t_space(), c, data, dir / "tuned.pt");
  EXPECT_FALSE(tuned.resumed());
  EXPECT_TRUE(all_params(tuned) == file_params(supernet));  // step 0: the file's weights, not the seed's
  TrainConfig seeded = c;
  seeded.init_from.clear();
  EXPECT_FALSE(all_params(Trainer(t_space(), seeded, data, dir / "seeded.pt")) == file_params(supernet));
  tuned.train_step();
  tuned.save_checkpoint();
  // A resume must start from the same file; the checkpoint says which.
  EXPECT_THAT([&] { Trainer(t_space(), seeded, data, dir / "tuned.pt"); },
              ThrowsMessage<hwgpt::FileError>(HasSubstr("was started from '" + supernet.string() +
                                                        "'; this run asks to start from ''")));
  c.init_from = (dir / "missing.pt").string();
  EXPECT_THROW(Trainer(t_space(), c, data, dir / "other.pt"), hwgpt::FileError);
}

// finetune_arch is the stand-alone trainer started from the file: the same weights as a resumable
// `run()` of finetune_config, without writing anything; and it lowers the arch's training loss.
TEST(Finetune, MatchesTheStandaloneRunFromTheFileAndLowersTheLoss) {
  TempDir dir("finetune");
  const TokenSplits data = hwgpt::test::learnable_corpus(dir.path());
  const fs::path supernet = trained_supernet(dir, data);
  hwgpt::train::FinetuneOptions o;
  o.steps = 8;
  o.peak_lr = 1e-2;
  o.warmup_steps = 2;
  const auto arch = hwgpt::space::parse_arch(kArch, t_space());
  const auto files_before = std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator{});
  const Trainer tuned = hwgpt::train::finetune_arch(t_space(), supernet, arch, data, o);
  EXPECT_EQ(tuned.step(), 8);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator{}), files_before);

  TrainConfig c = hwgpt::train::finetune_config(supernet, kArch, o);
  Trainer reference(t_space(), c, data, dir / "reference.pt");
  reference.run(5);  // interrupted and resumed: still the same steps
  Trainer resumed(t_space(), c, data, dir / "reference.pt");
  resumed.run();
  EXPECT_TRUE(all_params(resumed) == all_params(tuned));

  hwgpt::train::EvalOptions e;
  e.sequence_length = 16;
  e.max_tokens = 4096;
  const double before = hwgpt::train::evaluate(hwgpt::model::Supernet::load(supernet), arch, data.train, e).loss;
  const double after = hwgpt::train::evaluate(tuned.supernet(), arch, data.train, e).loss;
  EXPECT_LT(after, before - 0.05) << "before " << before << ", after " << after;

  o.steps = 0;
  EXPECT_THAT([&] { hwgpt::train::finetune_arch(t_space(), supernet, arch, data, o); },
              ThrowsMessage<hwgpt::ValueError>(HasSubstr("steps is 0; expected >= 1")));
}

// evaluate_archs with fine-tuning: each row is the fine-tuned arch's, the store run is another
// one than the inherited evaluation's, and fine-tuning without the corpus is refused.
TEST(Finetune, EvaluateArchsFineTunesEachArchAndKeysTheStoreRun) {
  TempDir dir("finetune_eval");
  const TokenSplits data = hwgpt::test::learnable_corpus(dir.path());
  const fs::path supernet = trained_supernet(dir, data);
  const hwgpt::model::Supernet net = hwgpt::model::Supernet::load(supernet);
  const std::vector<hwgpt::space::Arch> archs = {hwgpt::space::parse_arch(kArch, t_space()), t_space().smallest_arch()};
  hwgpt::train::ArchEvalOptions o;
  o.eval.sequence_length = 16;
  o.checkpoint = supernet;
  o.finetune.steps = 4;
  o.finetune.peak_lr = 1e-2;
  o.finetune.warmup_steps = 1;
  o.finetune_data = &data;
  std::ostringstream rows;
  hwgpt::train::evaluate_archs(net, archs, data.nas_eval, o, rows);
  for (const auto& arch : archs) {
    const Trainer tuned = hwgpt::train::finetune_arch(t_space(), supernet, arch, data, o.finetune);
    const auto r = hwgpt::train::evaluate(tuned.supernet(), arch, data.nas_eval, o.eval);
    char loss[32];
    std::snprintf(loss, sizeof loss, ",%.6f,", r.loss);
    EXPECT_THAT(rows.str(), HasSubstr(hwgpt::space::format_arch(arch)));
    EXPECT_THAT(rows.str(), HasSubstr(loss));
  }
  const auto plain = hwgpt::train::perplexity_run(supernet, "t", "nas_eval", o.eval, "c");
  const auto tuned = hwgpt::train::perplexity_run(supernet, "t", "nas_eval", o.eval, "c", o.finetune);
  EXPECT_EQ(tuned.uid, plain.uid + ":ft4:lr0.01:w1:s1");
  EXPECT_EQ(tuned.model_variant, "hwgpt-supernet+finetune");
  EXPECT_THAT(tuned.protocol_json, HasSubstr("\"finetune\":{\"steps\":4,\"peak_lr\":0.01,\"warmup\":1,\"seed\":1}"));
  o.finetune_data = nullptr;
  EXPECT_THAT([&] { hwgpt::train::evaluate_archs(net, archs, data.nas_eval, o, rows); },
              ThrowsMessage<hwgpt::ValueError>(HasSubstr("fine-tuning needs the supernet's file and the corpus's train split")));
}

}  // namespace
