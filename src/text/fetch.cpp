// fetch(): libcurl easy interface, streamed to a temporary file while hashing.
#include "hwgpt/text/fetch.hpp"

#include <curl/curl.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>

#include "hwgpt/core/error.hpp"
#include "hwgpt/text/checksum.hpp"

namespace hwgpt::text {
namespace {

struct Sink {
  std::ofstream* out;
  Sha256* sha;
  std::uint64_t bytes = 0;
};

std::size_t write_chunk(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::size_t n = size * count;
  sink->out->write(data, static_cast<std::streamsize>(n));
  if (!*sink->out) return 0;  // makes curl fail with CURLE_WRITE_ERROR
  sink->sha->update(std::string_view(data, n));
  sink->bytes += n;
  return n;
}

std::string file_sha256(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  Sha256 sha;
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    sha.update(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
  }
  return sha.hex_digest();
}

}  // namespace

const std::vector<KnownCorpus>& known_corpora() {
  // Checksums of the files as published (they match ../shared/data/corpora/README.md).
  static const std::vector<KnownCorpus> corpora{
      {"tinyshakespeare", "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt",
       "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed", "tinyshakespeare.txt",
       "Tiny Shakespeare, 1.1 MB (karpathy/char-rnn)"},
      {"wikitext2-valid",
       "https://raw.githubusercontent.com/pytorch/examples/main/word_language_model/data/wikitext-2/valid.txt",
       "f0737ed31fc1329026e95cb8b98e19c2a182c39c240ab909dc31abf2f8af58e8", "wikitext2-valid.txt",
       "WikiText-2 validation split, tokenised release, 1.1 MB (pytorch/examples; CC BY-SA 3.0)"},
      {"wikitext2-test",
       "https://raw.githubusercontent.com/pytorch/examples/main/word_language_model/data/wikitext-2/test.txt",
       "d790b833ef8cf03a90db7bf1271b7520b83c45ce07ba3c1a9699df81e239eca0", "wikitext2-test.txt",
       "WikiText-2 test split, tokenised release, 1.3 MB (pytorch/examples; CC BY-SA 3.0)"},
  };
  return corpora;
}

std::filesystem::path corpora_cache_dir() {
  if (const char* cache = std::getenv("HWGPT_CACHE_DIR"); cache != nullptr && *cache != '\0')
    return std::filesystem::path(cache) / "corpora";
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0')
    return std::filesystem::path(home) / ".cache" / "hwgpt" / "corpora";
  return "corpora";
}

const KnownCorpus& known_corpus(const std::string& name) {
  std::string names;
  for (const auto& c : known_corpora()) {
    if (c.name == name) return c;
    names += (names.empty() ? "" : ", ") + c.name;
  }
  throw ValueError("corpus '" + name + "' is not known; expected one of " + names +
                   " (or give --url and --sha256)");
}

FetchResult fetch(const FetchOptions& options) {
  FetchResult result;
  result.path = options.out_file;
  // 1) already there with the right checksum: nothing to do
  if (!options.sha256.empty() && std::filesystem::exists(options.out_file) &&
      file_sha256(options.out_file) == options.sha256) {
    result.size_bytes = std::filesystem::file_size(options.out_file);
    result.sha256 = options.sha256;
    return result;
  }
  // 2) download to a temporary file, hashing as it streams
  if (options.out_file.has_parent_path()) std::filesystem::create_directories(options.out_file.parent_path());
  const auto temporary = options.out_file.string() + ".download";
  std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
  if (!out) throw FileError("cannot write '" + temporary + "'");
  Sha256 sha;
  Sink sink{&out, &sha};
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) throw Error("internal: curl_easy_init failed");
  char curl_error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl.get(), CURLOPT_URL, options.url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, options.connect_timeout_s);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, write_chunk);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, curl_error);
  curl_easy_setopt(curl.get(), CURLOPT_USERAGENT, "hwgpt/0.1");
  const CURLcode code = curl_easy_perform(curl.get());
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  out.close();
  auto fail = [&](const std::string& message) {
    std::filesystem::remove(temporary);
    throw FileError(message);
  };
  if (code != CURLE_OK) {
    const std::string detail = curl_error[0] != '\0' ? curl_error : curl_easy_strerror(code);
    const bool offline = code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_CONNECT ||
                         code == CURLE_OPERATION_TIMEDOUT || code == CURLE_COULDNT_RESOLVE_PROXY;
    fail("cannot download " + options.url + ": " + detail +
         (offline ? " (is this machine offline? copy the file by hand and pass its path to `hwgpt data prepare`)" : ""));
  }
  if (status >= 400) fail("cannot download " + options.url + ": the server answered HTTP " + std::to_string(status));
  // 3) verify, then rename into place
  result.sha256 = sha.hex_digest();
  result.size_bytes = sink.bytes;
  if (!options.sha256.empty() && result.sha256 != options.sha256)
    fail("downloaded " + options.url + " (" + std::to_string(sink.bytes) + " bytes) has SHA-256 " + result.sha256 +
         "; expected " + options.sha256 + " (file not saved)");
  std::filesystem::rename(temporary, options.out_file);
  result.downloaded = true;
  return result;
}

}  // namespace hwgpt::text
