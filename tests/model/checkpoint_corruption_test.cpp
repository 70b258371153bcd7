// Seeded corruption of supernet files (issue 9) through Supernet::load, beside the libFuzzer target
// of the file format itself (fuzz/model_file_fuzz.cpp; libtorch's headers do not build with
// clang-14, docs/RELIABILITY.md). A tiny supernet file is truncated, bit-flipped and overwritten in
// windows at 400 seeded places; every load must either throw hwgpt::Error or return a supernet
// with exactly the original's weights, never crash or throw anything else. HWGPT_CORRUPTION_TRIALS scales it up.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "../common/temp_dir.hpp"
#include "../common/test_data.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/model/supernet.hpp"
#include "hwgpt/space/search_space.hpp"

namespace {

namespace fs = std::filesystem;

using hwgpt::test::read_all;
using hwgpt::test::write_all;

// One seeded damage: a truncation, 1-8 flipped bits, or a 4-byte window set to 0x00 or 0xFF
// (sizes and counts are 4-byte fields). Returns what it did, for the failure message.
std::string damage(std::string& bytes, hwgpt::Rng& rng) {
  const std::size_t at = rng.uniform_index(bytes.size());
  switch (rng.uniform_index(3)) {
    case 0:
      bytes.resize(at);
      return "truncated to " + std::to_string(at) + " bytes";
    case 1: {
      const auto flips = 1 + rng.uniform_index(8);
      std::string what = "flipped bits at";
      for (std::uint64_t i = 0; i < flips; ++i) {
        const std::size_t where = rng.uniform_index(bytes.size());
        bytes[where] = static_cast<char>(bytes[where] ^ (1 << rng.uniform_index(8)));
        what += " " + std::to_string(where);
      }
      return what;
    }
    default: {
      const char fill = rng.uniform_index(2) ? '\xFF' : '\0';
      for (std::size_t i = at; i < std::min(bytes.size(), at + 4); ++i) bytes[i] = fill;
      return std::string("4 bytes of ") + (fill ? "0xFF" : "0x00") + " at " + std::to_string(at);
    }
  }
}

TEST(CheckpointCorruption, EveryDamagedFileIsAnErrorOrAnEqualShapedSupernet) {
  const auto space = hwgpt::space::SearchSpace::from_json(
      R"({"name": "tiny", "embed_dims": [8], "layer_counts": [1], "mlp_ratios": [1], "head_counts": [1],
          "head_size": 4, "vocab_size": 8, "tokenizer": "bytes"})");
  const hwgpt::test::TempDir dir("corruption");
  const hwgpt::model::Supernet original(space, 1);
  original.save(dir / "good.pt");
  const std::string good = read_all(dir / "good.pt");
  const char* env = std::getenv("HWGPT_CORRUPTION_TRIALS");
  const int trials = env ? std::atoi(env) : 400;
  hwgpt::Rng rng(9);
  int rejected = 0, loaded = 0;
  for (int trial = 0; trial < trials; ++trial) {
    std::string bytes = good;
    const std::string what = damage(bytes, rng);
    write_all(dir / "bad.pt", bytes);
    try {
      const auto net = hwgpt::model::Supernet::load(dir / "bad.pt");
      ++loaded;
      // The file's checksum: damage that loads touched no weight.
      ASSERT_EQ(net.parameter_names(), original.parameter_names()) << what;
      for (const auto& name : net.parameter_names())
        ASSERT_EQ(net.parameter(name), original.parameter(name)) << what << ": " << name;
    } catch (const hwgpt::Error& e) {
      ++rejected;
      EXPECT_THAT(e.what(), ::testing::HasSubstr("bad.pt")) << what;  // the message names the file
    } catch (const std::exception& e) {
      ADD_FAILURE() << what << ": escaped as " << typeid(e).name() << ": " << e.what();
    }
  }
  std::fprintf(stderr, "corruption: %d trials, %d rejected with hwgpt::Error, %d loaded\n", trials, rejected, loaded);
  EXPECT_GT(rejected, trials / 4);
}

}  // namespace
