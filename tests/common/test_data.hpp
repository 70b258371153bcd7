// Test helpers: where ../shared and the fixtures are, and reading the original's gzipped CSVs.
#pragma once

#include <zlib.h>

#include "files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace hwgpt::test {

inline std::filesystem::path shared_dir() { return HWGPT_SHARED_DIR; }
inline std::filesystem::path fixture_dir() { return HWGPT_TEST_DATA_DIR; }
inline std::filesystem::path hwgpt_bench_dir() { return shared_dir() / "data" / "hwgpt-bench"; }

// All lines of a gzip file (without newlines). Throws if it cannot be opened.
inline std::vector<std::string> read_gz_lines(const std::filesystem::path& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) throw std::runtime_error("cannot open " + path.string());
  std::vector<std::string> lines;
  std::string current;
  char buffer[1 << 16];
  int n;
  while ((n = gzread(file, buffer, sizeof buffer)) > 0) {
    for (int i = 0; i < n; ++i) {
      if (buffer[i] == '\n') {
        lines.push_back(std::move(current));
        current.clear();
      } else {
        current.push_back(buffer[i]);
      }
    }
  }
  gzclose(file);
  if (!current.empty()) lines.push_back(std::move(current));
  return lines;
}

// Comma-split one CSV line of the original's data (no quoted fields occur in it).
inline std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == ',') {
      fields.push_back(line.substr(start, i - start));
      start = i + 1;
    }
  }
  return fields;
}

}  // namespace hwgpt::test

// Skips the current test when ../shared is absent (a user's fresh clone); CI has it.
#define HWGPT_REQUIRE_SHARED_DATA()                                                      \
  do {                                                                                   \
    if (!std::filesystem::exists(::hwgpt::test::hwgpt_bench_dir()))                      \
      GTEST_SKIP() << "no " << ::hwgpt::test::hwgpt_bench_dir() << " (../shared absent)"; \
  } while (0)
