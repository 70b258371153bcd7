// scripts/convert_model.py on files of the old libtorch-zip format, written by hwgpt before 2026-12
// (tests/data/model/old_format_*): a converted supernet holds exactly the weights PyTorch reads from
// the old file (an independent reader), a converted checkpoint resumes training at its step, and
// hwgpt refuses the unconverted files with the command that converts them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "../common/temp_dir.hpp"
#include "../common/test_data.hpp"
#include "hwgpt/model/supernet.hpp"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class ConvertModel : public ::testing::Test {
 protected:
  hwgpt::test::TempDir dir{"convert_model"};
  void SetUp() override {
    if (std::system(HWGPT_PYTHON " -c 'import torch' 2>/dev/null") != 0)
      GTEST_SKIP() << HWGPT_PYTHON << " has no torch (Debian: python3-torch); the converter needs it";
  }
  // Runs a shell command in `dir`; returns its exit code, output and errors in `log`.
  int run(const std::string& command, std::string& log) const {
    const int status = std::system(("cd '" + dir.path().string() + "' && " + command + " >log.txt 2>&1").c_str());
    log = hwgpt::test::read_all(dir / "log.txt");
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  }
  int convert(const std::string& fixture, const std::string& out, std::string& log) const {
    return run(std::string(HWGPT_PYTHON) + " '" + HWGPT_SOURCE_DIR + "/scripts/convert_model.py' '" +
                   (hwgpt::test::fixture_dir() / "model" / fixture).string() + "' " + out,
               log);
  }
};

TEST_F(ConvertModel, ASupernetKeepsEveryWeightAsPyTorchReadsIt) {
  std::string log;
  ASSERT_EQ(convert("old_format_supernet.pt", "new.hwgpt", log), 0) << log;
  const fs::path old = hwgpt::test::fixture_dir() / "model" / "old_format_supernet.pt";
  ASSERT_EQ(run(std::string(HWGPT_PYTHON) +
                    " -c \"import json, sys, torch; m = torch.jit.load(sys.argv[1]); "
                    "json.dump({n: t.flatten().tolist() for n, t in m.state_dict().items()}, open('weights.json', 'w'))\" '" +
                    old.string() + "'",
                log),
            0)
      << log;
  const auto expected = nlohmann::json::parse(hwgpt::test::read_all(dir / "weights.json"));
  const auto net = hwgpt::model::Supernet::load(dir / "new.hwgpt");
  ASSERT_EQ(expected.size(), net.parameter_names().size());
  for (const auto& name : net.parameter_names()) {
    const auto values = expected.at("param/" + name).get<std::vector<double>>();
    const std::vector<float> got = net.parameter(name);
    ASSERT_EQ(got.size(), values.size()) << name;
    for (std::size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], static_cast<float>(values[i])) << name << "[" << i << "]";
  }
}

TEST_F(ConvertModel, ACheckpointResumesAtItsStepAndUnconvertedFilesAreRefused) {
  const fs::path corpus = hwgpt::test::shared_dir() / "data" / "corpora" / "tinyshakespeare.txt";
  if (!fs::exists(corpus)) GTEST_SKIP() << "no " << corpus << " (../shared absent)";
  // The options the fixture was trained with (tests/data/model/README.md).
  const std::string train = std::string("OMP_WAIT_POLICY=passive '") + HWGPT_CLI_PATH + "' train --corpus '" +
                            corpus.string() + "' --space-file '" +
                            (hwgpt::test::fixture_dir() / "model" / "old_format_space.json").string() +
                            "' --steps 2 --batch 2 --seq 8 --checkpoint-every 2 --warmup 1 --threads 1 --checkpoint ";
  std::string log;
  ASSERT_EQ(convert("old_format_checkpoint.pt", "ckpt.hwgpt", log), 0) << log;
  EXPECT_THAT(log, HasSubstr("training checkpoint at step 2"));
  ASSERT_EQ(run(train + "ckpt.hwgpt", log), 0) << log;
  EXPECT_THAT(log, HasSubstr("resumed ckpt.hwgpt at step 2/2"));

  fs::copy_file(hwgpt::test::fixture_dir() / "model" / "old_format_checkpoint.pt", dir / "old.pt");
  EXPECT_NE(run(train + "old.pt", log), 0);
  EXPECT_THAT(log, HasSubstr("convert_model.py 'old.pt' NEW"));
}

}  // namespace
