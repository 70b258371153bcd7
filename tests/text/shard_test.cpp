// Tests for hwgpt/text/shard.hpp and prepare.hpp: round trips, damaged files, untouched shards.
#include "hwgpt/text/shard.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../common/temp_dir.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/text/byte_tokenizer.hpp"
#include "hwgpt/text/prepare.hpp"
#include "text_test_util.hpp"

namespace hwgpt::text {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

PrepareOptions small_options(const std::filesystem::path& corpus, const std::filesystem::path& out) {
  PrepareOptions o;
  o.corpus = corpus;
  o.out_dir = out;
  o.split.unit = SplitUnit::kBlock;
  o.split.block_tokens = 64;
  o.split.seed = 5;
  return o;
}

TEST(TokenShard, BytesShardRoundTripsTheCorpusAndRecordsTheSplit) {
  test::TempDir dir;
  std::string text;
  for (int i = 0; i < 200; ++i) text += "line " + std::to_string(i) + " of a small corpus\n";
  test::write_all(dir.path() / "c.txt", text);
  const auto meta = prepare_shard(ByteTokenizer(), small_options(dir.path() / "c.txt", dir.path() / "shard"));
  const auto shard = TokenShard::open(dir.path() / "shard");
  ASSERT_EQ(shard.size(), text.size());
  std::vector<TokenId> ids(shard.size());
  shard.copy(0, ids.size(), ids.data());
  EXPECT_EQ(ByteTokenizer().decode(ids), text);
  EXPECT_EQ(shard.meta().splits, meta.splits);
  EXPECT_EQ(shard.meta().splits.seed, 5u);
  EXPECT_EQ(shard.meta().tokenizer, "bytes");
  EXPECT_EQ(num_tokens(shard.meta().splits.train) + num_tokens(shard.meta().splits.validation) +
                num_tokens(shard.meta().splits.nas_eval),
            text.size());
}

TEST(TokenShard, Gpt2ShardOfTheSharedCorporaDecodesBackWithSeparators) {
  HWGPT_REQUIRE_CORPORA();
  test::TempDir dir;
  PrepareOptions o = small_options(test::corpora_dir(), dir.path() / "shard");
  o.split.block_tokens = 4096;
  prepare_shard(test::gpt2(), o);
  const auto shard = TokenShard::open(dir.path() / "shard");
  EXPECT_EQ(shard.meta().vocab_size, 50257u);
  EXPECT_EQ(shard.meta().token_bytes, 2u);
  ASSERT_EQ(shard.meta().document_starts.size(), 3u);
  // 338,025 + 295,877 + 258,659 tokens (tests/data/text/gpt2_vectors.json) + one 50256 per document
  EXPECT_EQ(shard.size(), 338'025u + 295'877u + 258'659u + 3u);
  EXPECT_EQ(shard[338'025], 50256u);
  std::vector<TokenId> first(338'025);
  shard.copy(0, first.size(), first.data());
  EXPECT_EQ(test::gpt2().decode(first), test::read_all(test::corpora_dir() / "tinyshakespeare.txt"));
}

TEST(PrepareShard, ReportsProgressPerDocumentUpToTheTotal) {
  test::TempDir dir;
  test::write_all(dir.path() / "c.txt", "one\n<|endoftext|>\ntwo two\n<|endoftext|>\nthree three three\n");
  PrepareOptions o = small_options(dir.path() / "c.txt", dir.path() / "shard");
  o.document_separator = "<|endoftext|>";
  o.split.block_tokens = 4;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> calls;
  o.progress = [&](std::uint64_t done, std::uint64_t total) { calls.emplace_back(done, total); };
  prepare_shard(ByteTokenizer(), o);
  // Documents "one", "two two", "three three three" (trimmed): 3, 7, 17 bytes.
  const std::vector<std::pair<std::uint64_t, std::uint64_t>> expected{{3, 27}, {10, 27}, {27, 27}};
  EXPECT_EQ(calls, expected);
}

TEST(TokenShard, Uint32ShardsWorkAndUint16RejectsLargeVocabularies) {
  test::TempDir dir;
  const std::vector<TokenId> tokens{0, 70000, 5, 99999};
  ShardMeta meta;
  meta.tokenizer = "custom";
  meta.vocab_size = 100000;
  meta.token_bytes = 4;
  meta.splits.unit = "block";
  write_shard(dir.path() / "wide", tokens, meta);
  const auto shard = TokenShard::open(dir.path() / "wide");
  EXPECT_EQ(shard[1], 70000u);
  EXPECT_EQ(shard[3], 99999u);
  meta.token_bytes = 2;
  EXPECT_THAT([&] { write_shard(dir.path() / "narrow", tokens, meta); },
              ThrowsMessage<ValueError>(HasSubstr("vocabulary of 100000 ids does not fit uint16 tokens")));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "narrow"));
}

// A tokenizer whose ids need more than 16 bits, to check prepare's refusal of uint16 shards.
class WideTokenizer final : public Tokenizer {
 public:
  std::string name() const override { return "wide"; }
  std::uint32_t vocab_size() const override { return 70000; }
  std::optional<TokenId> end_of_text() const override { return 69999; }
  using Tokenizer::encode;
  void encode(std::string_view text, std::vector<TokenId>& out) const override {
    for (char c : text) out.push_back(65000u + static_cast<unsigned char>(c));
  }
  std::string decode(std::span<const TokenId>) const override { return ""; }
};

TEST(PrepareShard, RefusesUint16ForLargeVocabulariesBeforeWritingAndAcceptsUint32) {
  test::TempDir dir;
  test::write_all(dir.path() / "c.txt", std::string(3000, 'w'));
  PrepareOptions o = small_options(dir.path() / "c.txt", dir.path() / "shard");
  EXPECT_THAT([&] { (void)prepare_shard(WideTokenizer(), o); },
              ThrowsMessage<ValueError>(HasSubstr("tokenizer wide has 70000 ids, which do not fit uint16 tokens "
                                                  "(at most 65,536); use --token-type uint32")));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "shard"));
  o.token_bytes = 4;
  prepare_shard(WideTokenizer(), o);
  const auto shard = TokenShard::open(dir.path() / "shard");
  EXPECT_EQ(shard[0], 65000u + 'w');
  EXPECT_EQ(shard[3000], 69999u);  // end of text after the document
}

class DamagedShard : public ::testing::Test {
 protected:
  void SetUp() override {
    test::write_all(dir_.path() / "c.txt", std::string(5000, 'x') + "yz\n");
    prepare_shard(ByteTokenizer(), small_options(dir_.path() / "c.txt", shard_dir()));
    bytes_ = test::read_all(shard_dir() / "tokens.bin");
  }
  std::filesystem::path shard_dir() const { return dir_.path() / "shard"; }
  void write_tokens(const std::string& bytes) { test::write_all(shard_dir() / "tokens.bin", bytes); }
  test::TempDir dir_;
  std::string bytes_;
};

TEST_F(DamagedShard, FlippedBodyByteFailsTheChecksum) {
  bytes_[100] ^= 0x01;
  write_tokens(bytes_);
  EXPECT_THAT([&] { (void)TokenShard::open(shard_dir()); },
              ThrowsMessage<FileError>(HasSubstr("body checksum is")));
}

TEST_F(DamagedShard, TruncatedBodyNamesBothLengths) {
  write_tokens(bytes_.substr(0, bytes_.size() - 10));
  EXPECT_THAT([&] { (void)TokenShard::open(shard_dir()); },
              ThrowsMessage<FileError>(HasSubstr("header says 5003 tokens (10006 bytes) but the body has 9996 bytes")));
}

TEST_F(DamagedShard, WrongMagicAndVersionAreNamed) {
  std::string other = bytes_;
  other.replace(0, 8, "GGUFv3\0\0", 8);
  write_tokens(other);
  EXPECT_THAT([&] { (void)TokenShard::open(shard_dir()); },
              ThrowsMessage<FileError>(HasSubstr("expected HWGPTTOK (not a hwgpt token shard)")));
  other = bytes_;
  other[8] = 9;
  write_tokens(other);
  EXPECT_THAT([&] { (void)TokenShard::open(shard_dir()); },
              ThrowsMessage<FileError>(HasSubstr("format version 9; this build reads version 1")));
}

TEST_F(DamagedShard, MetaOfAnotherShardIsRejected) {
  const std::string good_meta = test::read_all(shard_dir() / "meta.json");
  test::write_all(dir_.path() / "d.txt", std::string(5003, 'q'));
  prepare_shard(ByteTokenizer(), small_options(dir_.path() / "d.txt", dir_.path() / "other"));
  test::write_all(shard_dir() / "meta.json", test::read_all(dir_.path() / "other" / "meta.json"));
  EXPECT_THAT([&] { (void)TokenShard::open(shard_dir()); },
              ThrowsMessage<FileError>(HasSubstr("meta.json (checksum")));
  test::write_all(shard_dir() / "meta.json", good_meta);
  EXPECT_NO_THROW((void)TokenShard::open(shard_dir()));
}

TEST_F(DamagedShard, FailedPrepareLeavesTheExistingShardUntouched) {
  const std::string meta_before = test::read_all(shard_dir() / "meta.json");
  test::write_all(dir_.path() / "bad.txt", "caf\xE9\n");
  EXPECT_THROW(prepare_shard(ByteTokenizer(), small_options(dir_.path() / "bad.txt", shard_dir())), FileError);
  test::write_all(dir_.path() / "empty.txt", "");
  EXPECT_THROW(prepare_shard(ByteTokenizer(), small_options(dir_.path() / "empty.txt", shard_dir())), FileError);
  EXPECT_EQ(test::read_all(shard_dir() / "tokens.bin"), bytes_);
  EXPECT_EQ(test::read_all(shard_dir() / "meta.json"), meta_before);
  EXPECT_NO_THROW((void)TokenShard::open(shard_dir()));
}

TEST(TokenShard, MissingFilesSayHowToMakeAShard) {
  test::TempDir dir;
  EXPECT_THAT([&] { (void)TokenShard::open(dir.path()); },
              ThrowsMessage<FileError>(HasSubstr("missing tokens.bin (make one with `hwgpt data prepare`)")));
}

}  // namespace
}  // namespace hwgpt::text
