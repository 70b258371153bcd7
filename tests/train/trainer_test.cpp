// Tests of hwgpt/train: the schedule's closed form, bit-identical resume after an interrupted run,
// determinism, checked checkpoints, the byte corpus split and perplexity evaluation.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "../common/temp_dir.hpp"
#include "train_test_util.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "hwgpt/train/evaluate.hpp"
#include "hwgpt/train/trainer.hpp"

namespace {

namespace fs = std::filesystem;
using hwgpt::train::TokenSplits;
using hwgpt::train::TrainConfig;
using hwgpt::train::Trainer;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

using hwgpt::test::TempDir;
using hwgpt::test::all_params;
using hwgpt::test::t_space;
using hwgpt::test::tiny_config;
using hwgpt::test::write_corpus;

TEST(LearningRate, WarmupThenCosineToTenPercent) {
  TrainConfig c;
  c.peak_lr = 1e-3;
  c.warmup_steps = 100;
  c.max_steps = 2100;
  EXPECT_DOUBLE_EQ(hwgpt::train::learning_rate(c, 0), 1e-5);
  EXPECT_DOUBLE_EQ(hwgpt::train::learning_rate(c, 99), 1e-3);
  EXPECT_DOUBLE_EQ(hwgpt::train::learning_rate(c, 100), 1e-3);
  EXPECT_NEAR(hwgpt::train::learning_rate(c, 1100), 0.55e-3, 1e-15);  // cosine midpoint
  EXPECT_NEAR(hwgpt::train::learning_rate(c, 2100), 1e-4, 1e-15);
  EXPECT_NEAR(hwgpt::train::learning_rate(c, 5000), 1e-4, 1e-15);
}

TEST(ByteCorpus, SplitsIntoDisjointContiguousBlocks) {
  TempDir dir("corpus");
  const fs::path p = write_corpus(dir.path());
  const TokenSplits s = hwgpt::train::load_byte_corpus(p);
  const std::size_t n = fs::file_size(p);
  EXPECT_EQ(s.train.size(), n * 8 / 10);
  EXPECT_EQ(s.validation.size(), n * 9 / 10 - n * 8 / 10);
  EXPECT_EQ(s.train.size() + s.validation.size() + s.nas_eval.size(), n);
  std::ifstream in(p, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(s.nas_eval.back(), static_cast<unsigned char>(text.back()));
  EXPECT_EQ(s.validation.front(), static_cast<unsigned char>(text[s.train.size()]));
  std::ofstream(dir / "small.txt") << "too small";
  EXPECT_THAT([&] { hwgpt::train::load_byte_corpus(dir / "small.txt"); },
              ThrowsMessage<hwgpt::FileError>(HasSubstr("has 9 bytes; expected at least 1000")));
}

// The exact-resume test: a run interrupted after its step-2 checkpoint (step 3 is done in
// memory and lost, as a kill would lose it) and resumed ends with the same bits as a run that was
// never interrupted.
void expect_bit_identical_resume(const TrainConfig& config, const std::string& name) {
  TempDir dir(name);
  const TokenSplits data = hwgpt::train::load_byte_corpus(write_corpus(dir.path()));
  Trainer straight(t_space(), config, data, dir / "straight.pt");
  straight.run();
  ASSERT_EQ(straight.step(), 5);
  {
    Trainer killed(t_space(), config, data, dir / "killed.pt");
    killed.train_step();
    killed.train_step();
    killed.save_checkpoint();
    killed.train_step();  // lost
  }
  Trainer resumed(t_space(), config, data, dir / "killed.pt");
  EXPECT_TRUE(resumed.resumed());
  EXPECT_EQ(resumed.step(), 2);
  resumed.run();
  EXPECT_EQ(resumed.step(), 5);
  EXPECT_TRUE(all_params(resumed) == all_params(straight));
  // And the comparison can fail: another seed ends elsewhere.
  TrainConfig other = config;
  other.seed = 4;
  Trainer different(t_space(), other, data, dir / "other.pt");
  different.run();
  EXPECT_FALSE(all_params(different) == all_params(straight));
}

TEST(Trainer, ResumeAfterInterruptionIsBitIdentical) { expect_bit_identical_resume(tiny_config(), "resume"); }

// A mixture of supernets checkpoints its experts, its router and their AdamW moments.
TEST(Trainer, MixtureResumeAfterInterruptionIsBitIdentical) {
  TrainConfig c = tiny_config();
  c.experts = 2;
  expect_bit_identical_resume(c, "resume_mixture");
}

// A stand-alone arch trains dense copies of its slices and writes them (and their AdamW moments)
// back into the checkpoint's super-weights: resuming from that file must continue exactly.
TEST(Trainer, StandaloneResumeAfterInterruptionIsBitIdentical) {
  TrainConfig c = tiny_config();
  c.standalone_arch = "gpt-t-4-128-3-2-4-3-2-4-1-2-False";
  expect_bit_identical_resume(c, "resume_standalone");
}

TEST(Trainer, SameSeedSameRunAndEveryWeightMoves) {
  TempDir dir("determinism");
  const TokenSplits data = hwgpt::train::load_byte_corpus(write_corpus(dir.path()));
  TrainConfig c = tiny_config();
  c.max_steps = 2;
  Trainer a(t_space(), c, data, dir / "a.pt"), b(t_space(), c, data, dir / "b.pt");
  const auto initial = all_params(a);
  a.run();
  b.run();
  const auto after = all_params(a);
  EXPECT_TRUE(after == all_params(b));
  // The largest sub-network of the sandwich touches every super-weight.
  for (std::size_t i = 0; i < after.size(); ++i) EXPECT_NE(after[i], initial[i]) << a.supernet().parameter_names()[i];
}

// A stand-alone run trains exactly its arch's prefix slice (as a dense model): tensors it does not
// touch and, inside a touched matrix, the elements outside the slice keep their values.
TEST(Trainer, StandaloneArchTrainsOnlyItsSlice) {
  TempDir dir("standalone");
  const TokenSplits data = hwgpt::train::load_byte_corpus(write_corpus(dir.path()));
  TrainConfig c = tiny_config();
  c.max_steps = 2;
  c.standalone_arch = "gpt-t-3-64-2-3-4-1-2-4-True";
  Trainer t(t_space(), c, data, dir / "s.pt");
  const auto before = all_params(t);
  t.run();
  const auto names = t.supernet().parameter_names();
  for (std::size_t i = 0; i < names.size(); ++i) {
    const bool used = names[i].rfind("h.3.", 0) != 0 && names[i].rfind("h.4.", 0) != 0;
    EXPECT_EQ(all_params(t)[i] != before[i], used) << names[i];
  }
  // Layer 0's MLP matrix is (768, 192) in the supernet, (128, 64) in the arch: element (0, 0)
  // moved; (0, 64) (a column outside E) and (128, 0) (a row outside 2·E) did not.
  const auto fc_index = static_cast<std::size_t>(
      std::find(names.begin(), names.end(), "h.0.mlp.fc.weight") - names.begin());
  const auto fc_before = before[fc_index], fc_after = t.supernet().parameter("h.0.mlp.fc.weight");
  EXPECT_NE(fc_after[0], fc_before[0]);
  EXPECT_NE(fc_after[127 * 192 + 63], fc_before[127 * 192 + 63]);
  EXPECT_EQ(fc_after[64], fc_before[64]);
  EXPECT_EQ(fc_after[128 * 192], fc_before[128 * 192]);
  TrainConfig other = c;
  other.standalone_arch.clear();
  EXPECT_THAT([&] { Trainer(t_space(), other, data, dir / "s.pt"); },
              ThrowsMessage<hwgpt::FileError>(HasSubstr("was trained with standalone arch 'gpt-t-3-64-2-3-4-1-2-4-True'; "
                                                        "this run asks for ''")));
}

// Few-shot (embed_dim): every sub-network of the sandwich has the one width, so the super-weights'
// columns beyond it never move, while the one-shot rule's largest moves them; the width is recorded
// (trained_embed_dim) and a resume must ask for the same one.
TEST(Trainer, EmbedDimTrainsOnlyThatWidthAndIsRecorded) {
  TempDir dir("embed_dim");
  const TokenSplits data = hwgpt::train::load_byte_corpus(write_corpus(dir.path()));
  TrainConfig c = tiny_config();
  c.max_steps = 2;
  c.weight_decay = 0;  // AdamW's decay shrinks every element of a matrix, used or not
  c.embed_dim = 100;
  EXPECT_THAT([&] { Trainer(t_space(), c, data, dir / "bad.pt"); },
              ThrowsMessage<hwgpt::ValueError>(HasSubstr("embed_dim is 100; space 't' has embedding widths 64, 128, 192")));
  c.embed_dim = 128;
  c.standalone_arch = "gpt-t-3-64-2-3-4-1-2-4-True";
  EXPECT_THROW(Trainer(t_space(), c, data, dir / "bad.pt"), hwgpt::ValueError);
  EXPECT_FALSE(fs::exists(dir / "bad.pt"));
  c.standalone_arch.clear();
  // Layer 0's MLP matrix is (768, 192): row 0, columns 127 and 130.
  auto fc_row0 = [](const Trainer& t) { return t.supernet().parameter("h.0.mlp.fc.weight"); };
  Trainer few(t_space(), c, data, dir / "few.pt");
  const auto before = fc_row0(few);
  few.run();
  EXPECT_NE(fc_row0(few)[127], before[127]);
  EXPECT_EQ(fc_row0(few)[130], before[130]);
  EXPECT_EQ(hwgpt::train::trained_embed_dim(dir / "few.pt"), 128);
  TrainConfig one_shot = c;
  one_shot.embed_dim = 0;
  Trainer all(t_space(), one_shot, data, dir / "all.pt");
  all.run();
  EXPECT_NE(fc_row0(all)[130], before[130]);
  EXPECT_EQ(hwgpt::train::trained_embed_dim(dir / "all.pt"), 0);
  EXPECT_THAT([&] { Trainer(t_space(), one_shot, data, dir / "few.pt"); },
              ThrowsMessage<hwgpt::FileError>(HasSubstr("embed_dim")));
  // Fine-tuning an arch from a few-shot supernet of another width would start from untrained
  // weights: refused; of its own width (or from a one-shot supernet) it runs.
  TrainConfig tune = tiny_config();
  tune.max_steps = 1;
  tune.init_from = (dir / "few.pt").string();
  tune.standalone_arch = "gpt-t-3-64-2-3-4-1-2-4-True";
  EXPECT_THAT([&] { Trainer(t_space(), tune, data, dir / "t64.pt"); },
              ThrowsMessage<hwgpt::ValueError>(HasSubstr("is a few-shot supernet of embedding width 128; "
                                                         "gpt-t-3-64-2-3-4-1-2-4-True has width 64")));
  tune.standalone_arch = "gpt-t-3-128-2-3-4-1-2-4-True";
  EXPECT_NO_THROW(Trainer(t_space(), tune, data, dir / "t128.pt"));
  tune.init_from = (dir / "all.pt").string();
  tune.standalone_arch = "gpt-t-3-64-2-3-4-1-2-4-True";
  EXPECT_NO_THROW(Trainer(t_space(), tune, data, dir / "t64.pt"));
}

// The device is checked before anything is written; on a machine with a CUDA libtorch and a GPU,
// two GPU steps end close to the CPU's and the checkpoint (CPU tensors) resumes on the CPU.
TEST(Trainer, DeviceIsCheckedAndAGpuRunMatchesTheCpu) {
  TempDir dir("device");
  const TokenSplits data = hwgpt::train::load_byte_corpus(write_corpus(dir.path()));
  TrainConfig c = tiny_config();
  c.max_steps = 2;
  c.device = "tpu";
  EXPECT_THAT([&] { Trainer(t_space(), c, data, dir / "x.pt"); },
              ThrowsMessage<hwgpt::ValueError>(HasSubstr("compute device 'tpu'; expected cpu, cuda or cuda:N")));
  if (!hwgpt::model::cuda_available()) {
    c.device = "cuda";
    EXPECT_THROW(Trainer(t_space(), c, data, dir / "x.pt"), hwgpt::ValueError);
    EXPECT_FALSE(fs::exists(dir / "x.pt"));
    GTEST_SKIP() << "no CUDA libtorch or no GPU on this machine: the GPU half did not run";
  }
  c.device = "cpu";
  Trainer cpu(t_space(), c, data, dir / "cpu.pt");
  cpu.run();
  c.device = "cuda";
  Trainer gpu(t_space(), c, data, dir / "gpu.pt");
  gpu.run();
  const auto a = all_params(cpu), b = all_params(gpu);
  for (std::size_t i = 0; i < a.size(); ++i)
    for (std::size_t j = 0; j < a[i].size(); ++j) ASSERT_NEAR(a[i][j], b[i][j], 1e-4) << i << " " << j;
  c.device = "cpu";
  c.max_steps = 2;
  Trainer resumed(t_space(), c, data, dir / "gpu.pt");
  EXPECT_TRUE(resumed.resumed());
  EXPECT_TRUE(all_params(resumed) == b);
}

// Seeded bit flips anywhere in a training checkpoint: each resume either fails with a hwgpt::Error
// or continues exactly as the undamaged file does. The model file's checksum (core/tensor_file.hpp)
// changes with any flip of up to four bits (two multiplications by an odd prime cannot cancel a
// changed word; several changed words collide with odds ~2^-64), so every damaged file is refused. Before checksums, flips in
// tensor data resumed silently.
TEST(Trainer, DamagedCheckpointIsAnErrorOrResumesExactly) {
  TempDir dir("damaged");
  const TokenSplits data = hwgpt::train::load_byte_corpus(write_corpus(dir.path()));
  TrainConfig c = tiny_config();
  c.max_steps = 3;
  {
    Trainer t(t_space(), c, data, dir / "good.pt");
    t.run(2);
  }
  std::string good;
  {
    std::ifstream in(dir / "good.pt", std::ios::binary);
    good.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  fs::copy_file(dir / "good.pt", dir / "ref.pt");
  Trainer reference(t_space(), c, data, dir / "ref.pt");
  reference.run();
  const auto expected = all_params(reference);
  hwgpt::Rng rng(11);
  int rejected = 0, unchanged = 0;
  const int trials = 40;
  for (int trial = 0; trial < trials; ++trial) {
    std::string bytes = good;
    const auto flips = 1 + rng.uniform_index(4);
    for (std::uint64_t f = 0; f < flips; ++f) {
      const std::size_t at = rng.uniform_index(bytes.size());
      bytes[at] = static_cast<char>(bytes[at] ^ (1 << rng.uniform_index(8)));
    }
    if (bytes == good) {  // two flips of one bit undid each other: nothing to detect
      ++unchanged;
      continue;
    }
    std::ofstream(dir / "bad.pt", std::ios::binary | std::ios::trunc) << bytes;
    try {
      Trainer t(t_space(), c, data, dir / "bad.pt");
      t.run();
      EXPECT_TRUE(all_params(t) == expected) << "trial " << trial << " resumed to other weights";
    } catch (const hwgpt::Error&) {
      ++rejected;
    }
  }
  EXPECT_EQ(rejected + unchanged, trials);
}

// A stand-alone run's validation rows are computed on its trained weights (its dense copies are
// written back first): the smallest arch trained alone logs, at its last step, the loss that
// evaluating the final supernet gives.
TEST(Trainer, StandaloneValidationUsesTheTrainedWeights) {
  TempDir dir("standalone_validation");
  const TokenSplits data = hwgpt::train::load_byte_corpus(write_corpus(dir.path()));
  TrainConfig c = tiny_config();
  c.max_steps = 3;
  c.eval_every = 3;
  c.eval_tokens = 64;
  c.standalone_arch = hwgpt::space::format_arch(t_space().smallest_arch());
  Trainer t(t_space(), c, data, dir / "s.pt", dir / "v.csv");
  t.run();
  std::ifstream in(dir / "v.csv");
  std::string line, logged;
  while (std::getline(in, line))
    if (line.rfind("3,min,", 0) == 0) logged = line.substr(line.find(',', 6) + 1);
  ASSERT_FALSE(logged.empty());
  hwgpt::train::EvalOptions o;
  o.sequence_length = c.sequence_length;
  o.max_tokens = c.eval_tokens;
  const double loss = hwgpt::train::evaluate(t.supernet(), t_space().smallest_arch(), data.validation, o).loss;
  EXPECT_NEAR(std::stod(logged.substr(0, logged.find(','))), loss, 1e-4);  // the CSV has 6 digits
}

TEST(Trainer, LossFallsOnALearnableCorpus) {
  TempDir dir("learn");
  const TokenSplits data = hwgpt::train::load_byte_corpus(write_corpus(dir.path()));
  TrainConfig c = tiny_config();
  c.max_steps = 20;
  c.random_subnets = 0;
  c.peak_lr = 5e-3;
  c.checkpoint_every = 1000;
  Trainer t(t_space(), c, data, dir / "c.pt");
  const auto arch = t_space().largest_arch();
  hwgpt::train::EvalOptions o;
  o.sequence_length = 16;
  const double before = hwgpt::train::evaluate(t.supernet(), arch, data.validation, o).loss;
  t.run();
  const double after = hwgpt::train::evaluate(t.supernet(), arch, data.validation, o).loss;
  EXPECT_NEAR(before, std::log(256.0), 0.3);  // untrained: about uniform over bytes
  EXPECT_LT(after, before - 1.0);
}

TEST(Trainer, RejectsMismatchedCorruptAndForeignCheckpointsWithoutOverwriting) {
  TempDir dir("bad");
  const TokenSplits data = hwgpt::train::load_byte_corpus(write_corpus(dir.path()));
  TrainConfig c = tiny_config();
  c.max_steps = 1;
  Trainer(t_space(), c, data, dir / "ok.pt").run();
  const auto size = fs::file_size(dir / "ok.pt");

  TrainConfig other = c;
  other.batch = 3;
  EXPECT_THAT([&] { Trainer(t_space(), other, data, dir / "ok.pt"); },
              ThrowsMessage<hwgpt::FileError>(HasSubstr("was trained with batch 2; this run asks for 3")));
  const TokenSplits other_data = hwgpt::train::load_byte_corpus(write_corpus(dir.path(), 2));
  EXPECT_THAT([&] { Trainer(t_space(), c, other_data, dir / "ok.pt"); },
              ThrowsMessage<hwgpt::FileError>(HasSubstr("was trained on other data than 'corpus2.txt'")));
  EXPECT_EQ(fs::file_size(dir / "ok.pt"), size);

  fs::copy_file(dir / "ok.pt", dir / "cut.pt");
  fs::resize_file(dir / "cut.pt", size - 1000);
  EXPECT_THROW(Trainer(t_space(), c, data, dir / "cut.pt"), hwgpt::FileError);
  EXPECT_EQ(fs::file_size(dir / "cut.pt"), size - 1000);

  hwgpt::model::Supernet(t_space(), 1).save(dir / "plain.pt");
  EXPECT_THAT([&] { Trainer(t_space(), c, data, dir / "plain.pt"); },
              ThrowsMessage<hwgpt::FileError>(HasSubstr("is a supernet file without training state")));
  EXPECT_THAT([&] { Trainer(hwgpt::space::SearchSpace::builtin("s"), c, data, dir / "new.pt"); },
              ThrowsMessage<hwgpt::ValueError>(HasSubstr("uses tokenizer 'gpt2'; the corpus 'corpus1.txt' is tokenized as 'bytes'")));
}

// Closed form: with every weight 0 the logits are 0, so the loss is ln 256, the perplexity 256 and
// argmax is token 0 (the first of equal values).
TEST(Evaluate, ZeroModelHasUniformLoss) {
  hwgpt::model::Supernet net(t_space(), 1);
  for (const auto& name : net.parameter_names())
    net.set_parameter(name, std::vector<float>(net.parameter(name).size(), 0.0f));
  std::vector<std::int32_t> tokens;
  for (int i = 0; i < 101; ++i) tokens.push_back(i % 5 == 0 ? 0 : i);
  hwgpt::train::EvalOptions o;
  o.sequence_length = 10;
  o.batch = 3;
  const auto r = hwgpt::train::evaluate(net, t_space().mid_arch(), tokens, o);
  EXPECT_EQ(r.num_tokens, 100);
  EXPECT_NEAR(r.loss, std::log(256.0), 1e-6);
  EXPECT_NEAR(r.perplexity, 256.0, 1e-3);
  EXPECT_DOUBLE_EQ(r.accuracy, 20.0 / 100.0);  // targets tokens[1..100]: 20 of them are 0
}

// evaluate() against the cross-entropy computed from Supernet::forward's logits by hand.
TEST(Evaluate, MatchesCrossEntropyOfForwardLogits) {
  const hwgpt::model::Supernet net(t_space(), 9);
  hwgpt::Rng rng(2);
  std::vector<std::int32_t> tokens;
  for (int i = 0; i < 33; ++i) tokens.push_back(static_cast<std::int32_t>(rng.uniform_index(256)));
  const auto arch = hwgpt::space::parse_arch("gpt-t-4-128-3-2-4-3-2-4-1-2-False", t_space());
  hwgpt::train::EvalOptions o;
  o.sequence_length = 8;
  const auto r = hwgpt::train::evaluate(net, arch, tokens, o);
  ASSERT_EQ(r.num_tokens, 32);
  double nll = 0;
  for (int w = 0; w < 4; ++w) {
    hwgpt::model::TokenBatch b{1, 8, std::vector<std::int32_t>(tokens.begin() + w * 8, tokens.begin() + w * 8 + 8)};
    const auto logits = net.forward(arch, b);
    for (int t = 0; t < 8; ++t) {
      double m = -1e300, z = 0;
      for (int v = 0; v < 256; ++v) m = std::max(m, static_cast<double>(logits.at(0, t, v)));
      for (int v = 0; v < 256; ++v) z += std::exp(logits.at(0, t, v) - m);
      nll += m + std::log(z) - logits.at(0, t, tokens[static_cast<std::size_t>(w * 8 + t + 1)]);
    }
  }
  EXPECT_NEAR(r.loss, nll / 32, 1e-5);
  EXPECT_THAT([&] { hwgpt::train::evaluate(net, arch, std::vector<std::int32_t>(8, 1), o); },
              ThrowsMessage<hwgpt::ValueError>(HasSubstr("the split has 8 tokens; expected at least sequence_length + 1 = 9")));
}

}  // namespace
