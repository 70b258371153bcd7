// Downloading a corpus over HTTP(S) with SHA-256 verification (libcurl). The file is written to
// a temporary name, its checksum compared, and only then renamed into place, so a failed or
// tampered download never leaves a file that looks good.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace hwgpt::text {

// A corpus with a public URL and a known checksum.
struct KnownCorpus {
  std::string name;         // e.g. "tinyshakespeare"
  std::string url;
  std::string sha256;       // lower-case hex
  std::string file_name;    // name of the downloaded file
  std::string description;
};

const std::vector<KnownCorpus>& known_corpora();
// Where `hwgpt data fetch NAME` saves by default: ${HWGPT_CACHE_DIR:-$HOME/.cache/hwgpt}/corpora.
std::filesystem::path corpora_cache_dir();
// Throws ValueError listing the known names.
const KnownCorpus& known_corpus(const std::string& name);

struct FetchOptions {
  std::string url;
  std::string sha256;               // expected lower-case hex; empty: not checked (and said so)
  std::filesystem::path out_file;
  long connect_timeout_s = 20;
};

struct FetchResult {
  std::filesystem::path path;
  std::uint64_t size_bytes = 0;
  std::string sha256;
  bool downloaded = false;  // false: the file was already there with the expected checksum
};

// Throws FileError: unreachable host or refused connection (offline?), HTTP status >= 400,
// checksum mismatch (the bad download is deleted), or the output cannot be written.
FetchResult fetch(const FetchOptions& options);

}  // namespace hwgpt::text
