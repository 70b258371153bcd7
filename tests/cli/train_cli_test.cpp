// End-to-end tests of `hwgpt train`, `eval` and `generate`: a run killed between checkpoints and
// resumed ends bit-identical to an uninterrupted one (weights and validation CSV), evaluation
// resumes without duplicates, generation is seeded, bad input is an error that overwrites nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "../common/temp_dir.hpp"
#include "../common/test_data.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/model/supernet.hpp"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

struct Result {
  int exit_code = -1;
  std::string out, err;
};

class TrainCli : public ::testing::Test {
 protected:
  hwgpt::test::TempDir dir{"train_cli"};
  void SetUp() override {
    static const char* words[] = {"the ", "king ", "and ", "queen ", "of ", "rome ", "speak ", "now.\n"};
    hwgpt::Rng rng(1);
    std::string text;
    while (text.size() < 20000) text += words[rng.uniform_index(8)];
    std::ofstream(dir / "corpus.txt", std::ios::binary) << text;
  }

  // Runs `hwgpt <args>` in `dir` with `env` prefixed (e.g. "VAR=1").
  Result run(const std::string& args, const std::string& env = "") const {
    const std::string cmd = "cd '" + dir.path().string() + "' && " + env + " OMP_WAIT_POLICY=passive '" +
                            HWGPT_CLI_PATH + "' " + args + " >out.txt 2>err.txt";
    const int status = std::system(cmd.c_str());
    Result r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = hwgpt::test::read_all(dir / "out.txt");
    r.err = hwgpt::test::read_all(dir / "err.txt");
    return r;
  }
  // Runs `hwgpt <args>` and expects exit code 1 with `message` on stderr.
  void expect_failure(const std::string& args, const std::string& message) const {
    const Result r = run(args);
    EXPECT_EQ(r.exit_code, 1) << args;
    EXPECT_THAT(r.err, HasSubstr(message)) << args;
  }
};

const char* kTrain = "train --corpus corpus.txt --steps 5 --batch 2 --seq 16 --warmup 1 --checkpoint-every 2 "
                     "--eval-every 1 --eval-tokens 64 --threads 1 --log-every 1";

TEST_F(TrainCli, KilledRunResumesBitIdentically) {
  const Result straight = run(std::string(kTrain) + " --checkpoint a.pt --validation-csv a.csv");
  ASSERT_EQ(straight.exit_code, 0) << straight.err;
  EXPECT_THAT(straight.err, HasSubstr("train 5/5 steps | "));
  EXPECT_THAT(straight.err, HasSubstr("tokens/s | loss max "));
  // Killed after step 4's update and step 3's validation rows, the last checkpoint being step 2.
  const Result killed = run(std::string(kTrain) + " --checkpoint b.pt --validation-csv b.csv",
                            "HWGPT_FAULT_EXIT_AFTER_STEP=4");
  EXPECT_EQ(killed.exit_code, 137);
  EXPECT_THAT(hwgpt::test::read_all(dir / "b.csv"), HasSubstr("\n3,max,"));
  const Result resumed = run(std::string(kTrain) + " --checkpoint b.pt --validation-csv b.csv");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_THAT(resumed.err, HasSubstr("train: resumed b.pt at step 2/5"));
  const auto a = hwgpt::model::Supernet::load(dir / "a.pt"), b = hwgpt::model::Supernet::load(dir / "b.pt");
  for (const auto& name : a.parameter_names()) ASSERT_EQ(a.parameter(name), b.parameter(name)) << name;
  const std::string csv = hwgpt::test::read_all(dir / "a.csv");
  EXPECT_EQ(hwgpt::test::read_all(dir / "b.csv"), csv);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 5 * 3);
}

// Few-shot supernets, one per embedding width: `eval --checkpoint A,B,C` gives every arch the row
// its own width's supernet gives alone, and refuses an arch no supernet covers or a width covered twice.
TEST_F(TrainCli, FewShotSupernetsEvaluateTheirOwnWidths) {
  for (const char* e : {"64", "128", "192"})
    ASSERT_EQ(run(std::string(kTrain) + " --embed-dim " + e + " --checkpoint w" + e + ".pt").exit_code, 0) << e;
  const Result all = run("eval --checkpoint w64.pt,w128.pt,w192.pt --corpus corpus.txt --sample 8 --seed 2 --seq 16 --out f.csv");
  ASSERT_EQ(all.exit_code, 0) << all.err;
  std::istringstream rows(hwgpt::test::read_all(dir / "f.csv"));
  std::string line;
  std::getline(rows, line);
  std::map<std::string, std::string> row_of;  // arch -> its CSV row
  std::map<std::string, std::string> archs_of_width;
  while (std::getline(rows, line)) {
    const std::string arch = line.substr(0, line.find(','));
    row_of[arch] = line;
    const std::string width = arch.substr(8, arch.find('-', 8) - 8);  // gpt-t-L-E-...
    archs_of_width[width] += arch + "\n";
  }
  ASSERT_EQ(row_of.size(), 8u);
  ASSERT_GE(archs_of_width.size(), 2u);
  for (const auto& [width, archs] : archs_of_width) {
    std::ofstream(dir / ("a" + width + ".txt")) << archs;
    const Result alone = run("eval --checkpoint w" + width + ".pt --corpus corpus.txt --archs a" + width + ".txt --seq 16");
    ASSERT_EQ(alone.exit_code, 0) << alone.err;
    std::istringstream alone_rows(alone.out);
    std::getline(alone_rows, line);
    while (std::getline(alone_rows, line)) EXPECT_EQ(line, row_of[line.substr(0, line.find(','))]) << width;
  }
  std::ofstream(dir / "wide.txt") << "gpt-t-3-192-2-2-2-1-1-1-False\n";
  expect_failure("eval --checkpoint w64.pt,w128.pt --corpus corpus.txt --archs wide.txt --seq 16",
                 "has embedding width 192; the supernets given were trained on widths 64, 128 only");
  ASSERT_EQ(run(std::string(kTrain) + " --checkpoint one.pt").exit_code, 0);
  expect_failure("eval --checkpoint w64.pt,one.pt --corpus corpus.txt --archs wide.txt --seq 16",
                 "both cover the archs of embedding width 64");
  expect_failure("generate --checkpoint w64.pt --arch gpt-t-3-192-2-2-2-1-1-1-False --prompt x",
                 "w64.pt is a few-shot supernet of embedding width 64");
}

TEST_F(TrainCli, EvalGenerateAndBadInput) {
  ASSERT_EQ(run(std::string(kTrain) + " --checkpoint c.pt").exit_code, 0);
  const std::string eval = "eval --checkpoint c.pt --corpus corpus.txt --sample 3 --seed 2 --seq 16 --out e.csv";
  const Result e1 = run(eval);
  ASSERT_EQ(e1.exit_code, 0) << e1.err;
  const std::string csv = hwgpt::test::read_all(dir / "e.csv");
  EXPECT_THAT(csv, StartsWith("arch,num_params,loss,perplexity,accuracy,tokens\ngpt-t-"));
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);
  const Result e2 = run(eval);
  EXPECT_THAT(e2.err, HasSubstr("3 archs were already in e.csv"));
  EXPECT_EQ(hwgpt::test::read_all(dir / "e.csv"), csv);
  // The same results land in the measurement store; a second evaluation adds no rows.
  const std::string to_db = "eval --checkpoint c.pt --corpus corpus.txt --sample 3 --seed 2 --seq 16 --db s.db";
  ASSERT_EQ(run(to_db).exit_code, 0);
  ASSERT_EQ(run(to_db).exit_code, 0);
  const Result exported = run("store export --db s.db --what perplexities --space t");
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(std::count(exported.out.begin(), exported.out.end(), '\n'), 4) << exported.out;
  EXPECT_THAT(exported.out, HasSubstr(",nas_eval,"));

  const std::string gen = "generate --checkpoint c.pt --arch gpt-t-3-64-2-2-2-1-1-1-False --prompt 'the ' "
                          "--tokens 20 --seed 3";
  const Result g1 = run(gen), g2 = run(gen);
  ASSERT_EQ(g1.exit_code, 0) << g1.err;
  EXPECT_THAT(g1.out, StartsWith("the "));
  EXPECT_EQ(g1.out.size(), 4u + 20u + 1u);
  EXPECT_EQ(g1.out, g2.out);

  const Result other = run("generate --checkpoint c.pt --arch gpt-s-10-192-2-2-2-2-2-2-2-2-2-2-4-4-4-4-4-4-4-4-4-4-False --prompt x");
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_THAT(other.err, StartsWith("error: "));
  const Result missing = run("eval --checkpoint nope.pt --corpus corpus.txt --sample 1");
  EXPECT_THAT(missing.err, HasSubstr("error: hwgpt supernet file 'nope.pt' does not exist"));
  fs::copy_file(dir / "c.pt", dir / "cut.pt");
  fs::resize_file(dir / "cut.pt", fs::file_size(dir / "c.pt") / 3);
  const Result cut = run(std::string(kTrain) + " --checkpoint cut.pt");
  EXPECT_EQ(cut.exit_code, 1);
  EXPECT_THAT(cut.err, HasSubstr("error: hwgpt supernet file 'cut.pt' is truncated or corrupt"));
  EXPECT_EQ(fs::file_size(dir / "cut.pt"), fs::file_size(dir / "c.pt") / 3);
  const Result changed = run("train --corpus corpus.txt --steps 6 --batch 2 --seq 16 --checkpoint c.pt");
  EXPECT_THAT(changed.err, HasSubstr("was trained with max_steps 5; this run asks for 6"));
}

// `eval --finetune-steps N` is `train --arch A --init-from SUPERNET --steps N` followed by `eval`
// of that checkpoint (same defaults), for each arch; its store run is not the inherited one's.
TEST_F(TrainCli, EvalWithFinetuningIsTheStandaloneRunFromTheSupernet) {
  ASSERT_EQ(run(std::string(kTrain) + " --checkpoint c.pt").exit_code, 0);
  const std::string arch = "gpt-t-3-64-2-3-4-1-2-4-True";
  std::ofstream(dir / "a.txt") << arch << "\n";
  const Result tuned = run("eval --checkpoint c.pt --corpus corpus.txt --archs a.txt --seq 16 --finetune-steps 3 "
                           "--finetune-lr 0.002 --finetune-warmup 1 --out tuned.csv --db s.db");
  ASSERT_EQ(tuned.exit_code, 0) << tuned.err;
  const Result trained = run("train --corpus corpus.txt --arch " + arch +
                             " --init-from c.pt --steps 3 --lr 0.002 --warmup 1 --eval-every 0 --checkpoint ft.pt");
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  ASSERT_EQ(run("eval --checkpoint ft.pt --corpus corpus.txt --archs a.txt --seq 16 --out ref.csv").exit_code, 0);
  ASSERT_EQ(run("eval --checkpoint c.pt --corpus corpus.txt --archs a.txt --seq 16 --out plain.csv --db s.db").exit_code, 0);
  EXPECT_EQ(hwgpt::test::read_all(dir / "tuned.csv"), hwgpt::test::read_all(dir / "ref.csv"));
  EXPECT_NE(hwgpt::test::read_all(dir / "tuned.csv"), hwgpt::test::read_all(dir / "plain.csv"));
  const Result runs = run("store info --db s.db");
  EXPECT_THAT(runs.out, HasSubstr("runs            2")) << runs.out;
}

// A mixture of supernets with strided layers, end to end: trained, evaluated inherited and
// fine-tuned (from the arch's mixed weights) through the CLI; a placement it does not know is refused.
TEST_F(TrainCli, MixtureWithStridedLayersTrainsEvaluatesAndFineTunes) {
  const Result trained = run(std::string(kTrain) + " --experts 2 --layers strided --checkpoint m.pt");
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  std::ofstream(dir / "a.txt") << "gpt-t-3-64-2-3-4-1-2-4-True\ngpt-t-4-128-3-2-4-3-2-4-1-2-False\n";
  ASSERT_EQ(run("eval --checkpoint m.pt --corpus corpus.txt --archs a.txt --seq 16 --out plain.csv").exit_code, 0);
  const Result tuned = run("eval --checkpoint m.pt --corpus corpus.txt --archs a.txt --seq 16 --finetune-steps 2 "
                           "--finetune-lr 0.002 --finetune-warmup 1 --out tuned.csv");
  ASSERT_EQ(tuned.exit_code, 0) << tuned.err;
  const std::string plain = hwgpt::test::read_all(dir / "plain.csv"), ft = hwgpt::test::read_all(dir / "tuned.csv");
  EXPECT_EQ(std::count(plain.begin(), plain.end(), '\n'), 3);
  EXPECT_EQ(std::count(ft.begin(), ft.end(), '\n'), 3);
  EXPECT_NE(plain, ft);
  expect_failure(std::string(kTrain) + " --layers zigzag --checkpoint z.pt", "--layers is 'zigzag'; expected prefix or strided");
  EXPECT_FALSE(fs::exists(dir / "z.pt"));
}

// --compute: a name torch does not know, or CUDA on a CPU-only libtorch, is an error before any file
// is written (on a CUDA build with a GPU, the CUDA run must work instead). --device is a benchmark
// device everywhere: the old `--device cuda` points to --compute.
TEST_F(TrainCli, DeviceOptionIsCheckedBeforeAnythingIsWritten) {
  const Result bad = run(std::string(kTrain) + " --checkpoint d.pt --compute tpu");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("error: compute device 'tpu'; expected cpu, cuda or cuda:N"));
  EXPECT_FALSE(fs::exists(dir / "d.pt"));
  const Result cuda = run(std::string(kTrain) + " --checkpoint d.pt --compute cuda");
  const Result profile = run("profile --scale t --sample 1 --db p.db --compute cuda");
  EXPECT_EQ(profile.exit_code, 1);
  if (hwgpt::model::cuda_available()) {
    EXPECT_EQ(cuda.exit_code, 0) << cuda.err;
    EXPECT_THAT(profile.err, HasSubstr("needs --device NAME"));
  } else {
    EXPECT_EQ(cuda.exit_code, 1);
    EXPECT_THAT(cuda.err, HasSubstr("error: compute device 'cuda': "));
    EXPECT_FALSE(fs::exists(dir / "d.pt"));
    EXPECT_THAT(profile.err, HasSubstr("error: compute device 'cuda': "));
    EXPECT_FALSE(fs::exists(dir / "p.db"));
  }
  for (const std::string& command : {std::string(kTrain) + " --checkpoint d.pt --device cpu",
                                    std::string("profile --scale t --sample 1 --db p.db --device cuda:0")}) {
    const Result old = run(command);
    EXPECT_EQ(old.exit_code, 1) << command;
    EXPECT_THAT(old.err, HasSubstr("--device names a benchmark device (h100, epyc-2vcpu, ...)")) << command;
    EXPECT_THAT(old.err, HasSubstr("the hardware to compute on is --compute cpu|cuda[:N]")) << command;
  }
  EXPECT_FALSE(fs::exists(dir / "d.pt"));
}

// --dtype: a bfloat16-autocast run on the CPU is a run of its own (its uid and dtype), beside the
// float32 one of the same archs; float16 autocast on the CPU and int8 are refused before the store
// is opened.
TEST_F(TrainCli, ProfileDtypeIsARunOfItsOwn) {
  const std::string common = "profile --scale t --sample 2 --db p.db --device box --batch 1 --seq 16 --max-seconds 1 "
                             "--decode-tokens 2 --no-memory";
  for (const auto& [options, dtype] : {std::pair{" --dtype bf16", "bfloat16"}, std::pair{"", "float32"}}) {
    const Result r = run(common + options);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr(std::string("run box/t/b1-t16-") + dtype + "-threads1: profiled 2 archs, 0 already done"));
  }
  for (const auto& [dtype, message] : {std::pair{"float16", "autocast to float16 needs a GPU"},
                                       std::pair{"int8", "--dtype int8; expected float32, bfloat16 or float16"},
                                       std::pair{"fp64", "--dtype fp64; expected float32, bfloat16 or float16"}}) {
    const Result r = run(std::string("profile --scale t --sample 1 --db half.db --device box --dtype ") + dtype);
    EXPECT_EQ(r.exit_code, 1) << dtype;
    EXPECT_THAT(r.err, HasSubstr(message)) << dtype;
  }
  EXPECT_FALSE(fs::exists(dir / "half.db"));
}

// `hwgpt data prepare` shards are training and evaluation data too: a byte shard trains the t
// supernet on the shard's own splits, and a shard of another tokenizer is refused before anything
// is written.
TEST_F(TrainCli, TrainsAndEvaluatesOnTokenShards) {
  ASSERT_EQ(run("data prepare --corpus corpus.txt --tokenizer bytes --out bytes-shard --split-unit block "
                "--block-tokens 1000 --validation-fraction 0.1 --nas-eval-fraction 0.1 --seed 1").exit_code,
            0);
  const Result trained = run("train --corpus bytes-shard --steps 3 --batch 2 --seq 16 --warmup 1 --eval-every 0 "
                             "--threads 1 --checkpoint s.pt");
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  // The shard's splits differ from the file's 80/10/10 blocks: the checkpoint knows its data.
  const Result as_file = run("train --corpus corpus.txt --steps 3 --batch 2 --seq 16 --warmup 1 --eval-every 0 "
                             "--threads 1 --checkpoint s.pt");
  EXPECT_EQ(as_file.exit_code, 1);
  EXPECT_THAT(as_file.err, HasSubstr("was trained on other data than 'corpus.txt'"));
  const Result e = run("eval --checkpoint s.pt --corpus bytes-shard --sample 2 --seed 1 --seq 16 --out e.csv");
  ASSERT_EQ(e.exit_code, 0) << e.err;
  const std::string csv = hwgpt::test::read_all(dir / "e.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3) << csv;
  // 20,000 bytes in blocks of 1,000: 2 blocks per held-out split; --max-tokens 0 reads all of it.
  EXPECT_THAT(csv, HasSubstr(",2000\n"));

  const Result gpt2 = run("data prepare --corpus corpus.txt --tokenizer gpt2 --out gpt2-shard --split-unit block "
                          "--block-tokens 500 --validation-fraction 0.1 --nas-eval-fraction 0.1");
  if (gpt2.exit_code != 0) GTEST_SKIP() << "GPT-2 vocabulary not installed: " << gpt2.err;
  const std::string before = hwgpt::test::read_all(dir / "s.pt");
  const Result foreign = run("train --corpus gpt2-shard --steps 3 --batch 2 --seq 16 --checkpoint s.pt");
  EXPECT_EQ(foreign.exit_code, 1);
  EXPECT_THAT(foreign.err, HasSubstr("uses tokenizer 'bytes'; the corpus 'gpt2-shard' is tokenized as 'gpt2'"));
  const Result foreign_eval = run("eval --checkpoint s.pt --corpus gpt2-shard --sample 1 --out f.csv");
  EXPECT_EQ(foreign_eval.exit_code, 1);
  EXPECT_THAT(foreign_eval.err, HasSubstr("uses tokenizer 'bytes'; the corpus 'gpt2-shard' is read as 'gpt2'"));
  EXPECT_FALSE(fs::exists(dir / "f.csv"));
  EXPECT_EQ(hwgpt::test::read_all(dir / "s.pt"), before);
}

}  // namespace
