// Helpers for the text tests: the GPT-2 tokenizer (loaded once), hex, corpora paths. Temporary
// folders: ../common/temp_dir.hpp.
#pragma once

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "../common/test_data.hpp"
#include "hwgpt/text/gpt2_tokenizer.hpp"

namespace hwgpt::test {

inline std::filesystem::path corpora_dir() { return shared_dir() / "data" / "corpora"; }

// GPT-2's files must be in the cache in CI (scripts/setup.sh fetches them); when they are not,
// the test fails with the tokenizer's own message, which names the command that fetches them.
inline const text::Gpt2Tokenizer& gpt2() {
  static const auto tokenizer = std::make_unique<text::Gpt2Tokenizer>(text::gpt2_files_dir());
  return *tokenizer;
}

inline std::string from_hex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

}  // namespace hwgpt::test

#define HWGPT_REQUIRE_CORPORA()                                                    \
  do {                                                                             \
    if (!std::filesystem::exists(::hwgpt::test::corpora_dir()))                    \
      GTEST_SKIP() << "no " << ::hwgpt::test::corpora_dir() << " (../shared absent)"; \
  } while (0)
