// UTF-8 validation shared by the GPT-2 pre-tokenizer (which splits its input at invalid bytes) and
// the corpus reader (which rejects files that are not UTF-8). Well-formed means Unicode's Table 3-7:
// no overlong forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF.
#pragma once

#include <cstddef>
#include <string_view>

namespace hwgpt::text {

// Length (1..4) of the well-formed UTF-8 sequence starting at text[offset], or 0 when the byte
// there does not start one (a stray continuation byte, a truncated or overlong sequence, a
// surrogate, a code point above U+10FFFF). Precondition: offset < text.size().
std::size_t utf8_sequence_length(std::string_view text, std::size_t offset);

// Offset of the first byte that does not start a well-formed sequence; text.size() if none.
std::size_t first_invalid_utf8(std::string_view text);

}  // namespace hwgpt::text
