// Tests for hwgpt/text/byte_tokenizer.hpp, utf8.hpp and make_tokenizer().
#include "hwgpt/text/byte_tokenizer.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hwgpt/core/error.hpp"
#include "hwgpt/text/utf8.hpp"

namespace hwgpt::text {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

TEST(ByteTokenizer, IdsAreTheBytesAndEveryByteStringRoundTrips) {
  ByteTokenizer t;
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  const auto ids = t.encode(all);
  ASSERT_EQ(ids.size(), 256u);
  for (int b = 0; b < 256; ++b) EXPECT_EQ(ids[b], static_cast<TokenId>(b));
  EXPECT_EQ(t.decode(ids), all);
  EXPECT_EQ(t.vocab_size(), 256u);
  EXPECT_FALSE(t.end_of_text().has_value());
}

TEST(ByteTokenizer, DecodeRejectsIdsAbove255) {
  const std::vector<TokenId> ids{65, 300};
  EXPECT_THAT([&] { (void)ByteTokenizer().decode(ids); },
              ThrowsMessage<ValueError>(HasSubstr("token 1 is 300; the bytes tokenizer has ids 0..255")));
}

TEST(MakeTokenizer, KnowsBytesAndRejectsOtherNames) {
  EXPECT_EQ(make_tokenizer("bytes")->name(), "bytes");
  EXPECT_THAT([] { (void)make_tokenizer("sentencepiece"); },
              ThrowsMessage<ValueError>(HasSubstr("tokenizer 'sentencepiece'; expected bytes or gpt2")));
}

// Unicode 15, Table 3-7 and the examples of section 3.9 (U+FFFD substitution of maximal subparts).
TEST(Utf8, SequenceLengthsFollowTable3_7) {
  EXPECT_EQ(utf8_sequence_length("A", 0), 1u);
  EXPECT_EQ(utf8_sequence_length("\xC3\xA9", 0), 2u);          // é
  EXPECT_EQ(utf8_sequence_length("\xE2\x82\xAC", 0), 3u);      // €
  EXPECT_EQ(utf8_sequence_length("\xF0\x9F\x98\x80", 0), 4u);  // 😀
  EXPECT_EQ(utf8_sequence_length("\xF4\x8F\xBF\xBF", 0), 4u);  // U+10FFFF
  EXPECT_EQ(utf8_sequence_length("\x80", 0), 0u);              // lone continuation
  EXPECT_EQ(utf8_sequence_length("\xC0\xAF", 0), 0u);          // overlong '/'
  EXPECT_EQ(utf8_sequence_length("\xE0\x80\xAF", 0), 0u);      // overlong
  EXPECT_EQ(utf8_sequence_length("\xED\xA0\x80", 0), 0u);      // surrogate U+D800
  EXPECT_EQ(utf8_sequence_length("\xF4\x90\x80\x80", 0), 0u);  // U+110000
  EXPECT_EQ(utf8_sequence_length("\xE2\x82", 0), 0u);          // truncated
  EXPECT_EQ(utf8_sequence_length("\xFF", 0), 0u);
  EXPECT_EQ(first_invalid_utf8("ok \xC3\xA9 \xFF!"), 6u);
  EXPECT_EQ(first_invalid_utf8("all fine \xE2\x82\xAC"), 12u);
}

}  // namespace
}  // namespace hwgpt::text
