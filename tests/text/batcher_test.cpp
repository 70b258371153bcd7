// Tests for hwgpt/text/batcher.hpp: targets are inputs shifted by one, windows stay inside the
// split, every window once per epoch, seeded order, exact resume.
#include "hwgpt/text/batcher.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "../common/temp_dir.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/text/byte_tokenizer.hpp"
#include "hwgpt/text/prepare.hpp"
#include "text_test_util.hpp"

namespace hwgpt::text {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

class BatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string text;
    for (int i = 0; text.size() < 20'000; ++i) text += "sentence number " + std::to_string(i) + ".\n";
    test::write_all(dir_.path() / "c.txt", text);
    PrepareOptions o;
    o.corpus = dir_.path() / "c.txt";
    o.out_dir = dir_.path() / "shard";
    o.split.unit = SplitUnit::kBlock;
    o.split.block_tokens = 500;
    o.split.validation_fraction = 0.2;
    o.split.nas_eval_fraction = 0.2;
    prepare_shard(ByteTokenizer(), o);
    shard_ = std::make_unique<TokenShard>(TokenShard::open(o.out_dir));
  }
  const Splits& splits() const { return shard_->meta().splits; }
  test::TempDir dir_;
  std::unique_ptr<TokenShard> shard_;
};

bool inside(const std::vector<TokenRange>& ranges, std::uint64_t begin, std::uint64_t end) {
  for (const auto& r : ranges)
    if (begin >= r.begin && end <= r.end) return true;
  return false;
}

TEST_F(BatcherTest, TargetsAreInputsShiftedByOneAndWindowsStayInTheirSplit) {
  BatcherOptions o{4, 32, 9};
  Batcher batcher(*shard_, splits().train, o);
  std::set<std::uint64_t> seen;
  for (std::uint64_t k = 0; k < batcher.num_windows(); ++k) {
    const auto start = batcher.window_start(k);
    ASSERT_TRUE(inside(splits().train, start, start + 33)) << start;
    EXPECT_FALSE(inside(splits().validation, start, start + 1));
    EXPECT_FALSE(inside(splits().nas_eval, start, start + 1));
  }
  const std::uint64_t batches_per_epoch = batcher.num_windows() / 4;
  for (std::uint64_t k = 0; k < batches_per_epoch; ++k) {
    const auto batch = batcher.next();
    for (std::size_t b = 0; b < 4; ++b) {
      for (std::size_t t = 0; t + 1 < 32; ++t) ASSERT_EQ(batch.targets[b * 32 + t], batch.inputs[b * 32 + t + 1]);
      // Find the window by content: its first 33 tokens identify it in this text.
      std::vector<TokenId> row(batch.inputs.begin() + static_cast<std::ptrdiff_t>(b * 32),
                               batch.inputs.begin() + static_cast<std::ptrdiff_t>(b * 32 + 32));
      row.push_back(static_cast<TokenId>(batch.targets[b * 32 + 31]));
      bool found = false;
      for (std::uint64_t w = 0; w < batcher.num_windows() && !found; ++w) {
        std::vector<TokenId> window(33);
        shard_->copy(batcher.window_start(w), 33, window.data());
        if (window == row) found = seen.insert(w).second;
      }
      ASSERT_TRUE(found) << "batch " << k << " row " << b << " is not a fresh training window";
    }
  }
  EXPECT_EQ(seen.size(), batches_per_epoch * 4);  // no window twice within the epoch
}

TEST_F(BatcherTest, SameSeedSameOrderAndResumeMatchesTheUninterruptedRun) {
  BatcherOptions o{3, 16, 42};
  Batcher full(*shard_, splits().train, o);
  std::vector<Batch> reference;
  for (int k = 0; k < 400; ++k) reference.push_back(full.next());  // crosses epoch boundaries
  ASSERT_GT(full.epoch(), 0u);
  Batcher resumed(*shard_, splits().train, o, reference[250].position);
  for (int k = 250; k < 400; ++k) {
    const auto batch = resumed.next();
    ASSERT_EQ(batch.inputs, reference[k].inputs) << "batch " << k;
    ASSERT_EQ(batch.position, reference[k].position);
  }
  o.seed = 43;
  EXPECT_NE(Batcher(*shard_, splits().train, o).next().inputs, reference[0].inputs);
}

TEST_F(BatcherTest, RejectsSequencesLongerThanAnyRange) {
  BatcherOptions o{2, 100'000, 1};
  EXPECT_THAT([&] { Batcher b(*shard_, splits().validation, o); },
              ThrowsMessage<ValueError>(HasSubstr("sequence length 100000 needs ranges of at least 100001 tokens")));
  o = BatcherOptions{0, 8, 1};
  EXPECT_THAT([&] { Batcher b(*shard_, splits().validation, o); },
              ThrowsMessage<ValueError>(HasSubstr("batch size 0")));
}

}  // namespace
}  // namespace hwgpt::text
