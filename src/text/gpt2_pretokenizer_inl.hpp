// Private: the template part of Gpt2Pretokenizer (split into valid runs, then regex pieces).
#pragma once

#include <memory>

#include "hwgpt/text/utf8.hpp"

namespace hwgpt::text::detail {

template <bool kAsciiFastPath, class F>
void Gpt2Pretokenizer::for_each(std::string_view text, F&& piece) const {
  std::unique_ptr<pcre2_match_data, decltype(&pcre2_match_data_free)> match(new_match_data(),
                                                                            &pcre2_match_data_free);
  std::size_t start = 0;
  while (start < text.size()) {
    // 1) the maximal well-formed run from `start`, and the invalid byte that ends it (if any)
    std::size_t end = start + first_invalid_utf8(text.substr(start));
    const std::string_view run = text.substr(start, end - start);
    // 2) GPT-2's regex on the run; every position of valid text matches one of its branches
    for (std::size_t offset = 0; offset < run.size();) {
      std::size_t length = kAsciiFastPath ? ascii_piece(run, offset) : 0;
      if (length == 0) length = match_at(run, offset, match.get());
      piece(run.substr(offset, length));
      offset += length;
    }
    // 3) an invalid byte is a pre-token of its own (our rule for input GPT-2 cannot take)
    if (end < text.size()) {
      piece(text.substr(end, 1));
      ++end;
    }
    start = end;
  }
}

}  // namespace hwgpt::text::detail
