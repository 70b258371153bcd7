// Corpus reading and validation.
#include "hwgpt/text/corpus.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "hwgpt/core/error.hpp"
#include "hwgpt/text/utf8.hpp"

namespace hwgpt::text {
namespace {

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError("cannot open corpus file '" + path.string() + "'");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string_view trim(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

void check_text_file(const std::string& name, const std::string& bytes) {
  if (bytes.empty()) throw FileError("corpus file '" + name + "' is empty; expected UTF-8 text");
  if (const auto nul = bytes.find('\0'); nul != std::string::npos)
    throw FileError("corpus file '" + name + "' looks binary: NUL byte at offset " + std::to_string(nul) +
                    "; expected UTF-8 text");
  const std::size_t bad = first_invalid_utf8(bytes);
  if (bad != bytes.size()) {
    const std::size_t line = 1 + static_cast<std::size_t>(std::count(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(bad), '\n'));
    const auto line_start = bytes.rfind('\n', bad == 0 ? 0 : bad - 1);
    const std::size_t column = bad - (line_start == std::string::npos || bad == 0 ? 0 : line_start + 1) + 1;
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(bytes[bad]));
    throw FileError("corpus file '" + name + "':" + std::to_string(line) + ":" + std::to_string(column) +
                    ": byte " + hex + " is not valid UTF-8; expected UTF-8 text (convert it, e.g. with iconv)");
  }
}

Corpus read_corpus(const std::filesystem::path& path, const std::string& separator) {
  if (!std::filesystem::exists(path)) throw FileError("corpus '" + path.string() + "' does not exist");
  std::vector<std::filesystem::path> files;
  if (std::filesystem::is_directory(path)) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(path))
      if (entry.is_regular_file() && entry.path().extension() == ".txt") files.push_back(entry.path());
    std::sort(files.begin(), files.end(), [&](const auto& a, const auto& b) {
      return a.lexically_relative(path).string() < b.lexically_relative(path).string();
    });
    if (files.empty()) throw FileError("corpus folder '" + path.string() + "' has no .txt files");
  } else {
    files.push_back(path);
  }
  Corpus corpus;
  for (const auto& file : files) {
    std::string bytes = read_bytes(file);
    check_text_file(file.string(), bytes);
    corpus.files.push_back({file.string(), bytes.size()});
    if (separator.empty()) {
      corpus.documents.push_back({file.string(), std::move(bytes)});
      continue;
    }
    std::string_view rest(bytes);
    while (true) {
      const auto at = rest.find(separator);
      const auto piece = trim(rest.substr(0, at));
      if (!piece.empty()) corpus.documents.push_back({file.string(), std::string(piece)});
      if (at == std::string_view::npos) break;
      rest.remove_prefix(at + separator.size());
    }
  }
  if (corpus.documents.empty())
    throw FileError("corpus '" + path.string() + "' has no non-empty document between separators '" + separator + "'");
  return corpus;
}

}  // namespace hwgpt::text
