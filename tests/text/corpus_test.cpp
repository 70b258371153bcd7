// Tests for hwgpt/text/corpus.hpp: document rule and the bad-input messages.
#include "hwgpt/text/corpus.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../common/temp_dir.hpp"
#include "hwgpt/core/error.hpp"
#include "text_test_util.hpp"

namespace hwgpt::text {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

TEST(ReadCorpus, FolderGivesOneDocumentPerTxtFileInPathOrder) {
  test::TempDir dir;
  test::write_all(dir.path() / "b.txt", "second");
  test::write_all(dir.path() / "a" / "z.txt", "first");
  test::write_all(dir.path() / "notes.md", "ignored");
  const auto corpus = read_corpus(dir.path());
  ASSERT_EQ(corpus.documents.size(), 2u);
  EXPECT_EQ(corpus.documents[0].text, "first");
  EXPECT_EQ(corpus.documents[1].text, "second");
  EXPECT_EQ(corpus.files[1].size_bytes, 6u);
}

TEST(ReadCorpus, SeparatorSplitsTrimsAndDropsEmptyDocuments) {
  test::TempDir dir;
  test::write_all(dir.path() / "stories.txt", "Once upon a time.\n<|endoftext|>\n  The end.\n<|endoftext|>\n\n<|endoftext|>");
  const auto corpus = read_corpus(dir.path() / "stories.txt", "<|endoftext|>");
  ASSERT_EQ(corpus.documents.size(), 2u);
  EXPECT_EQ(corpus.documents[0].text, "Once upon a time.");
  EXPECT_EQ(corpus.documents[1].text, "The end.");
}

TEST(ReadCorpus, RejectsEmptyFiles) {
  test::TempDir dir;
  test::write_all(dir.path() / "empty.txt", "");
  EXPECT_THAT([&] { (void)read_corpus(dir.path() / "empty.txt"); },
              ThrowsMessage<FileError>(HasSubstr("empty.txt' is empty; expected UTF-8 text")));
}

TEST(ReadCorpus, RejectsBinaryFilesNamingTheNulOffset) {
  test::TempDir dir;
  test::write_all(dir.path() / "image.txt", std::string("GIF89a\0\x01", 8));
  EXPECT_THAT([&] { (void)read_corpus(dir.path()); },
              ThrowsMessage<FileError>(HasSubstr("image.txt' looks binary: NUL byte at offset 6")));
}

TEST(ReadCorpus, RejectsNonUtf8WithLineColumnAndByte) {
  test::TempDir dir;
  test::write_all(dir.path() / "latin1.txt", "line one\ncaf\xE9 au lait\n");
  EXPECT_THAT([&] { (void)read_corpus(dir.path() / "latin1.txt"); },
              ThrowsMessage<FileError>(HasSubstr("latin1.txt':2:4: byte 0xE9 is not valid UTF-8")));
}

TEST(ReadCorpus, RejectsMissingPathsAndFoldersWithoutText) {
  test::TempDir dir;
  EXPECT_THAT([&] { (void)read_corpus(dir.path() / "nope"); },
              ThrowsMessage<FileError>(HasSubstr("nope' does not exist")));
  EXPECT_THAT([&] { (void)read_corpus(dir.path()); }, ThrowsMessage<FileError>(HasSubstr("has no .txt files")));
}

TEST(ReadCorpus, ReadsTheSharedCorporaUnchanged) {
  HWGPT_REQUIRE_CORPORA();
  const auto corpus = read_corpus(test::corpora_dir());
  ASSERT_EQ(corpus.documents.size(), 3u);
  EXPECT_EQ(corpus.files[0].size_bytes, 1115394u);  // tinyshakespeare.txt (corpora README)
  EXPECT_EQ(corpus.documents[0].text.size(), 1115394u);
}

}  // namespace
}  // namespace hwgpt::text
