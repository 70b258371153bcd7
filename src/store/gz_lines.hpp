// Private: line-by-line reading of a gzip (or plain) text file through zlib.
#pragma once

#include <zlib.h>

#include <filesystem>
#include <string>

#include "hwgpt/core/error.hpp"

namespace hwgpt::store::detail {

class GzLineReader {
 public:
  explicit GzLineReader(const std::filesystem::path& path) : path_(path) {
    file_ = gzopen(path.c_str(), "rb");
    if (file_ == nullptr) throw FileError("cannot open '" + path.string() + "'");
    gzbuffer(file_, 1 << 18);
  }
  ~GzLineReader() {
    if (file_ != nullptr) gzclose(file_);
  }
  GzLineReader(const GzLineReader&) = delete;
  GzLineReader& operator=(const GzLineReader&) = delete;

  // Next line without its newline (and without a trailing '\r'); false at end of file.
  bool next(std::string& line) {
    line.clear();
    char buffer[1 << 16];
    while (true) {
      if (gzgets(file_, buffer, sizeof buffer) == nullptr) {
        int code = 0;
        const char* message = gzerror(file_, &code);
        if (code != Z_OK && code != Z_STREAM_END)
          throw FileError("'" + path_.string() + "': corrupt or truncated gzip data (" + message + ")");
        if (line.empty()) return false;
        break;
      }
      line += buffer;
      if (!line.empty() && line.back() == '\n') {
        line.pop_back();
        break;
      }
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    ++line_number_;
    return true;
  }
  std::size_t line_number() const { return line_number_; }

 private:
  std::filesystem::path path_;
  gzFile file_ = nullptr;
  std::size_t line_number_ = 0;
};

}  // namespace hwgpt::store::detail
