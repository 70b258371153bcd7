// Tests for hwgpt/text/gpt2_tokenizer.hpp and bpe.hpp against GPT-2 ids computed by independent
// implementations (tests/data/text/README.md: js-tiktoken and gpt-3-encoder under node).
#include "hwgpt/text/gpt2_tokenizer.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "../common/temp_dir.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/text/checksum.hpp"
#include "text_test_util.hpp"

namespace hwgpt::text {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

const nlohmann::json& vectors() {
  static const auto json = nlohmann::json::parse(test::read_all(test::fixture_dir() / "text" / "gpt2_vectors.json"));
  return json;
}

std::string ids_sha256(const std::vector<TokenId>& ids) {
  std::string bytes;
  for (TokenId id : ids)
    for (int k = 0; k < 4; ++k) bytes.push_back(static_cast<char>((id >> (8 * k)) & 0xFF));
  return sha256_hex(bytes);
}

TEST(Gpt2Tokenizer, MatchesReferenceIdsOnEveryVector) {
  const auto& cases = vectors().at("cases");
  ASSERT_GE(cases.size(), 25u);
  for (const auto& c : cases) {
    const std::string text = test::from_hex(c.at("hex"));
    const auto ids = test::gpt2().encode(text);
    EXPECT_EQ(ids, c.at("ids").get<std::vector<TokenId>>()) << "case " << c.at("name");
    EXPECT_EQ(test::gpt2().decode(ids), text) << "case " << c.at("name");
  }
}

TEST(Gpt2Tokenizer, InvalidUtf8FollowsTheDocumentedRuleAndRoundTrips) {
  for (const auto& c : vectors().at("invalid_utf8")) {
    const std::string bytes = test::from_hex(c.at("hex"));
    const auto ids = test::gpt2().encode(bytes);
    EXPECT_EQ(ids, c.at("ids").get<std::vector<TokenId>>()) << "case " << c.at("name");
    EXPECT_EQ(test::gpt2().decode(ids), bytes) << "case " << c.at("name");
  }
}

TEST(Gpt2Tokenizer, MatchesReferenceOnWholeSharedCorpora) {
  HWGPT_REQUIRE_CORPORA();
  for (const auto& c : vectors().at("corpora")) {
    const std::string text = test::read_all(test::corpora_dir() / c.at("file").get<std::string>());
    const auto ids = test::gpt2().encode(text);
    ASSERT_EQ(ids.size(), c.at("num_tokens").get<std::size_t>()) << c.at("file");
    const auto first = c.at("first_ids").get<std::vector<TokenId>>();
    EXPECT_TRUE(std::equal(first.begin(), first.end(), ids.begin())) << c.at("file");
    EXPECT_EQ(ids_sha256(ids), c.at("ids_sha256").get<std::string>()) << c.at("file");
    EXPECT_EQ(test::gpt2().decode(ids), text) << c.at("file");
  }
}

TEST(Gpt2Tokenizer, RoundTripsRandomBytes) {
  Rng rng(20261125);
  for (int trial = 0; trial < 300; ++trial) {
    std::string bytes(rng.uniform_index(200), '\0');
    // Mix of ASCII-heavy and arbitrary bytes so both valid runs and invalid bytes occur.
    for (char& b : bytes)
      b = static_cast<char>(rng.uniform_index(2) ? rng.uniform_index(128) : rng.uniform_index(256));
    const auto ids = test::gpt2().encode(bytes);
    for (TokenId id : ids) ASSERT_LT(id, Gpt2Tokenizer::kVocabSize);
    ASSERT_EQ(test::gpt2().decode(ids), bytes) << "trial " << trial;
  }
}

TEST(Gpt2Tokenizer, PretokensCoverTheTextAndSplitAsGpt2) {
  const auto pieces = test::gpt2().pretokenize("I'm here  now!!\n\n 42x");
  const std::vector<std::string_view> expected{"I", "'m", " here", " ", " now", "!!", "\n\n", " 42", "x"};
  EXPECT_EQ(pieces, expected);
}

// The hand-written ASCII scanner must cut exactly where PCRE2 cuts: on every vector, the whole
// corpora, and random strings over an alphabet rich in the pattern's corner cases (apostrophes,
// space runs before letters and digits, tabs, newlines, non-ASCII letters, digits and spaces).
TEST(Gpt2Pretokenizer, AsciiFastPathCutsExactlyAsTheRegex) {
  std::vector<std::string> texts;
  for (const auto& c : vectors().at("cases")) texts.push_back(test::from_hex(c.at("hex")));
  for (const auto& c : vectors().at("invalid_utf8")) texts.push_back(test::from_hex(c.at("hex")));
  if (std::filesystem::exists(test::corpora_dir()))
    for (const char* f : {"tinyshakespeare.txt", "wikitext2-valid.txt", "wikitext2-test.txt"})
      texts.push_back(test::read_all(test::corpora_dir() / f));
  const std::vector<std::string> atoms{"'", "s", "t", "re", "ve", "ll", "d", "m", "a", "Z", "0", "9", " ", "  ",
                                       "\t", "\n", "\r\n", "\x0B", "!", "-", "\x1F", "\xC3\xA9", "\xC2\xA0",
                                       "\xE3\x80\x80", "\xD9\xA3", "\xE2\x80\x94", "\xC2\x85", "\xFF"};
  Rng rng(99);
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    for (std::uint64_t k = rng.uniform_index(24); k > 0; --k) s += atoms[rng.uniform_index(atoms.size())];
    texts.push_back(s);
  }
  for (const auto& t : texts) ASSERT_EQ(test::gpt2().pretokenize(t), test::gpt2().pretokenize(t, true)) << t;
}

// GPT-2 compiled its pattern with Python's `regex`, where \s is Unicode White_Space, which has
// U+0085 (NEXT LINE) and lacks U+FEFF; JavaScript's \s (both npm references) is the other way
// round, so these cases are checked here from the definition rather than in the vectors.
TEST(Gpt2Tokenizer, WhitespaceIsUnicodeWhiteSpaceAsInPythonRegex) {
  const auto nel = test::gpt2().pretokenize("\xC2\x85!");  // U+0085 is whitespace, '!' is other
  EXPECT_EQ(nel, (std::vector<std::string_view>{"\xC2\x85", "!"}));
  const auto bom = test::gpt2().pretokenize("\xEF\xBB\xBF!");  // U+FEFF is not whitespace
  EXPECT_EQ(bom, (std::vector<std::string_view>{"\xEF\xBB\xBF!"}));
}

TEST(Gpt2Tokenizer, EndOfTextIsDecodedButNeverParsedFromText) {
  const std::vector<TokenId> eot{Gpt2Tokenizer::kEndOfText};
  EXPECT_EQ(test::gpt2().decode(eot), "<|endoftext|>");
  EXPECT_EQ(test::gpt2().end_of_text(), std::optional<TokenId>(50256));
  const auto ids = test::gpt2().encode("<|endoftext|>");
  EXPECT_GT(ids.size(), 1u);
}

TEST(Gpt2Tokenizer, DecodeRejectsIdsOutsideTheVocabulary) {
  const std::vector<TokenId> ids{1, 50257};
  EXPECT_THAT([&] { (void)test::gpt2().decode(ids); },
              ThrowsMessage<ValueError>(HasSubstr("token 1 is 50257; GPT-2 ids are 0..50256")));
}

TEST(Gpt2Tokenizer, MissingFilesNameTheFileAndTheFetchCommand) {
  test::TempDir dir;
  EXPECT_THAT([&] { Gpt2Tokenizer t(dir.path()); },
              ThrowsMessage<FileError>(AllOf(HasSubstr((dir.path() / "encoder.json").string() + "' not found"),
                                             HasSubstr("scripts/fetch_gpt2_vocab.sh"))));
}

TEST(Gpt2Tokenizer, MalformedMergeLineIsReportedWithItsLineNumber) {
  test::TempDir dir;
  const auto source = gpt2_files_dir();
  std::filesystem::copy_file(source / "encoder.json", dir.path() / "encoder.json");
  std::string merges = test::read_all(source / "vocab.bpe");
  const auto second_line = merges.find('\n', merges.find('\n') + 1) + 1;  // line 3
  merges.insert(second_line, "no_space_here\n");
  test::write_all(dir.path() / "vocab.bpe", merges);
  EXPECT_THAT([&] { Gpt2Tokenizer t(dir.path()); },
              ThrowsMessage<FileError>(HasSubstr("vocab.bpe:3: 'no_space_here' is not a merge")));
}

// The two merge loops must agree: the heap (used for long pieces) against the rank scan (used for
// short ones), on every distinct pre-token of the shared corpora and on long random runs.
TEST(BpeMerges, HeapAndScanLoopsAgree) {
  const auto& merges = test::gpt2().merges();
  std::set<std::string> pieces;
  for (const auto& c : vectors().at("cases")) {
    // The bytes must outlive the loop: pretokenize returns views into them (ASan caught the
    // temporary, which C++20 destroys before the loop body runs).
    const std::string bytes = test::from_hex(c.at("hex"));
    for (auto p : test::gpt2().pretokenize(bytes)) pieces.emplace(p);
  }
  const bool corpora = std::filesystem::exists(test::corpora_dir());
  if (corpora) {
    const std::string text = test::read_all(test::corpora_dir() / "wikitext2-valid.txt");
    for (auto p : test::gpt2().pretokenize(text)) pieces.emplace(p);
  }
  Rng rng(7);
  const std::string alphabet = "aaabbe tth\xC3\xA9";
  for (int i = 0; i < 300; ++i) {
    std::string s(1 + rng.uniform_index(300), ' ');
    for (char& c : s) c = alphabet[rng.uniform_index(alphabet.size())];
    pieces.insert(s);
  }
  // A fresh clone without ../shared still has the vectors and the random runs (~600 pieces).
  ASSERT_GT(pieces.size(), corpora ? 1000u : 500u);
  for (const auto& p : pieces) {
    std::vector<TokenId> scan, heap;
    merges.merge_scan(p, scan);
    merges.merge_heap(p, heap);
    ASSERT_EQ(scan, heap) << "piece '" << p << "'";
  }
}

}  // namespace
}  // namespace hwgpt::text
