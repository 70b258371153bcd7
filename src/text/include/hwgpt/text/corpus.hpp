// Reading a plain-text corpus (a file or a folder of .txt files) into documents, with the checks
// that keep bad files out of shards: empty, binary (a NUL byte), not UTF-8 (with line and column).
//
// Document rule: every file is one document. With a separator (e.g. "<|endoftext|>", as in
// TinyStories), a file is split at each occurrence of it; each piece is trimmed of surrounding
// whitespace and empty pieces are dropped. Folders are read recursively, files ending in .txt only,
// in byte order of their relative paths, so the same folder always gives the same token stream.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace hwgpt::text {

struct Document {
  std::string source;  // path of the file it came from
  std::string text;    // UTF-8
};

struct SourceFile {
  std::string path;
  std::uint64_t size_bytes = 0;
};

struct Corpus {
  std::vector<Document> documents;
  std::vector<SourceFile> files;
};

// Throws FileError naming the path: missing, empty, binary, not UTF-8 (line:column and byte), a
// folder without .txt files, or a corpus with no document left after splitting.
Corpus read_corpus(const std::filesystem::path& path, const std::string& separator = "");

// The checks of read_corpus on bytes already in memory; `name` is used in messages.
void check_text_file(const std::string& name, const std::string& bytes);

}  // namespace hwgpt::text
