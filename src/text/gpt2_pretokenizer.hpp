// Private: GPT-2's pre-tokenizer regex compiled with PCRE2 (JIT), applied to valid UTF-8 runs.
#pragma once

#include <cstddef>
#include <string_view>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace hwgpt::text::detail {

class Gpt2Pretokenizer {
 public:
  Gpt2Pretokenizer();
  ~Gpt2Pretokenizer();
  Gpt2Pretokenizer(const Gpt2Pretokenizer&) = delete;
  Gpt2Pretokenizer& operator=(const Gpt2Pretokenizer&) = delete;

  // Calls piece(std::string_view) for every pre-token of `text`, in order, covering all of it.
  // kAsciiFastPath: pieces that are ASCII up to and including the byte after them are cut by a
  // hand-written scanner (ascii_piece); everything else, and every piece when false, by PCRE2.
  template <bool kAsciiFastPath = true, class F>
  void for_each(std::string_view text, F&& piece) const;

  // Length of GPT-2's pre-token at `offset` of the valid run `text` when it can be decided from
  // ASCII bytes alone, else 0 (then PCRE2 decides). Exposed for the equivalence test.
  static std::size_t ascii_piece(std::string_view text, std::size_t offset);

 private:
  // Length of the pre-token of the valid UTF-8 run `text` that starts at `offset` (> 0).
  std::size_t match_at(std::string_view text, std::size_t offset, pcre2_match_data* match) const;
  pcre2_match_data* new_match_data() const;
  pcre2_code* code_ = nullptr;
};

}  // namespace hwgpt::text::detail

#include "gpt2_pretokenizer_inl.hpp"
