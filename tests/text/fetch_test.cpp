// Tests for hwgpt/text/fetch.hpp against a local HTTP server serving a fixture file
// (tests/data/text/fetch_sample.txt): checksum verified, mismatch and 404 and refused connection
// reported, nothing left behind on failure, no second download when the file is already good.
#include "hwgpt/text/fetch.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../common/http_server.hpp"
#include "../common/temp_dir.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/text/checksum.hpp"
#include "text_test_util.hpp"

namespace hwgpt::text {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

std::string sample() { return test::read_all(test::fixture_dir() / "text" / "fetch_sample.txt"); }

TEST(Sha256, MatchesFips180Examples) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Fetch, DownloadsAndVerifiesTheChecksumOnce) {
  test::HttpServer server({{"/corpus.txt", sample()}});
  test::TempDir dir;
  FetchOptions o{server.url("/corpus.txt"), sha256_hex(sample()), dir.path() / "sub" / "corpus.txt"};
  const auto first = fetch(o);
  EXPECT_TRUE(first.downloaded);
  EXPECT_EQ(first.size_bytes, sample().size());
  EXPECT_EQ(test::read_all(o.out_file), sample());
  const auto second = fetch(o);  // already there and good: no request
  EXPECT_FALSE(second.downloaded);
  EXPECT_EQ(server.requests(), 1);
}

TEST(Fetch, ChecksumMismatchDeletesTheDownload) {
  test::HttpServer server({{"/corpus.txt", sample()}});
  test::TempDir dir;
  const std::string wrong(64, '0');
  FetchOptions o{server.url("/corpus.txt"), wrong, dir.path() / "corpus.txt"};
  EXPECT_THAT([&] { (void)fetch(o); },
              ThrowsMessage<FileError>(HasSubstr("has SHA-256 " + sha256_hex(sample()) + "; expected " + wrong +
                                                 " (file not saved)")));
  EXPECT_FALSE(std::filesystem::exists(o.out_file));
  EXPECT_FALSE(std::filesystem::exists(o.out_file.string() + ".download"));
}

TEST(Fetch, HttpErrorsAndRefusedConnectionsAreClear) {
  test::HttpServer server({});
  test::TempDir dir;
  FetchOptions o{server.url("/missing.txt"), "", dir.path() / "x.txt"};
  EXPECT_THAT([&] { (void)fetch(o); }, ThrowsMessage<FileError>(HasSubstr("the server answered HTTP 404")));
  o.url = "http://127.0.0.1:" + std::to_string(test::closed_local_port()) + "/corpus.txt";
  EXPECT_THAT([&] { (void)fetch(o); }, ThrowsMessage<FileError>(HasSubstr("(is this machine offline?")));
  EXPECT_FALSE(std::filesystem::exists(o.out_file));
}

TEST(KnownCorpus, NamesTheKnownCorporaWhenUnknown) {
  EXPECT_EQ(known_corpus("tinyshakespeare").sha256, "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed");
  EXPECT_THAT([] { (void)known_corpus("openwebtext"); },
              ThrowsMessage<ValueError>(HasSubstr("expected one of tinyshakespeare, wikitext2-valid, wikitext2-test")));
}

// The checksums we ship for known corpora must be those of the files we have offline.
TEST(KnownCorpus, ChecksumsMatchTheSharedCopies) {
  HWGPT_REQUIRE_CORPORA();
  for (const auto& c : known_corpora())
    EXPECT_EQ(sha256_hex(test::read_all(test::corpora_dir() / c.file_name)), c.sha256) << c.name;
}

}  // namespace
}  // namespace hwgpt::text
