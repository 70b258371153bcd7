// GPT-2's pre-tokenizer pattern (encoder.py):
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// GPT-2 compiled it with Python's `regex` module, whose \s on str is Unicode's White_Space
// property. PCRE2's \s differs (it lacks U+0085), so \s is spelled out as White_Space below, and
// \s+(?!\S) becomes [WS]+(?![^WS]) (a negative look-ahead, true at the end of the text too).
#include "gpt2_pretokenizer.hpp"

#include <array>
#include <string>

#include "hwgpt/core/error.hpp"

namespace hwgpt::text::detail {
namespace {

#define HWGPT_WS R"(\t\n\x{0B}\f\r\x{20}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000})"
constexpr const char* kPattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^)" HWGPT_WS R"(\p{L}\p{N}]+|[)" HWGPT_WS
    R"(]+(?![^)" HWGPT_WS R"(])|[)" HWGPT_WS R"(]+)";
#undef HWGPT_WS

}  // namespace

namespace {

// ASCII classes of the pattern: letters (\p{L}), digits (\p{N}), White_Space, and the rest.
enum Class : unsigned char { kOther, kLetter, kDigit, kSpace, kNonAscii };

constexpr std::array<unsigned char, 256> make_classes() {
  std::array<unsigned char, 256> c{};
  for (int b = 0; b < 256; ++b) {
    c[b] = b >= 0x80 ? kNonAscii
           : ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')) ? kLetter
           : (b >= '0' && b <= '9') ? kDigit
           : (b == ' ' || (b >= 0x09 && b <= 0x0D)) ? kSpace
           : kOther;
  }
  return c;
}
constexpr auto kClass = make_classes();

}  // namespace

// The pattern's branches in order, for ASCII. Returns 0 whenever a non-ASCII byte could change
// the outcome (a letter, digit or whitespace run reaching one, or the look-ahead looking at one).
std::size_t Gpt2Pretokenizer::ascii_piece(std::string_view text, std::size_t offset) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  auto cls = [&](std::size_t i) { return i < n ? kClass[s[i]] : static_cast<unsigned char>(kSpace + 10); };
  constexpr unsigned char kEnd = kSpace + 10;
  const unsigned char c = kClass[s[offset]];
  if (c == kNonAscii) return 0;
  // 1) 's 't 're 've 'm 'll 'd
  if (s[offset] == '\'' && offset + 1 < n) {
    const char a = static_cast<char>(s[offset + 1]);
    if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
    if (offset + 2 < n) {
      const char b = static_cast<char>(s[offset + 2]);
      if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return 3;
    }
  }
  // 2)-4) ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: an optional space, then a run of one class
  std::size_t start = offset;
  unsigned char run = c;
  if (s[offset] == ' ') {
    const unsigned char next = cls(offset + 1);
    if (next == kNonAscii) return 0;  // a non-ASCII letter, digit, space or other: PCRE2 decides
    if (next != kSpace && next != kEnd) {
      run = next;
      start = offset + 1;
    }
  }
  if (run != kSpace) {
    std::size_t i = start;
    while (i < n && kClass[s[i]] == run) ++i;
    if (i < n && kClass[s[i]] == kNonAscii) return 0;  // the run might continue
    return i - offset;
  }
  // 5)-6) `\s+(?!\S)` then `\s+`: a whitespace run; before a non-space it gives back its last char
  std::size_t i = offset;
  while (i < n && kClass[s[i]] == kSpace) ++i;
  if (i == n) return i - offset;
  if (kClass[s[i]] == kNonAscii) return 0;  // maybe more (Unicode) whitespace
  return i - offset >= 2 ? i - offset - 1 : 1;
}

Gpt2Pretokenizer::Gpt2Pretokenizer() {
  int error = 0;
  PCRE2_SIZE error_offset = 0;
  code_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(kPattern), PCRE2_ZERO_TERMINATED,
                        PCRE2_UTF | PCRE2_ANCHORED | PCRE2_NO_UTF_CHECK, &error, &error_offset, nullptr);
  if (code_ == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof message);
    throw Error("internal: GPT-2 pattern does not compile at offset " + std::to_string(error_offset) +
                ": " + reinterpret_cast<const char*>(message));
  }
  // JIT makes matching several times faster; without it (unsupported CPU) pcre2_match still works.
  pcre2_jit_compile(code_, PCRE2_JIT_COMPLETE);
}

Gpt2Pretokenizer::~Gpt2Pretokenizer() { pcre2_code_free(code_); }

pcre2_match_data* Gpt2Pretokenizer::new_match_data() const {
  return pcre2_match_data_create_from_pattern(code_, nullptr);
}

std::size_t Gpt2Pretokenizer::match_at(std::string_view text, std::size_t offset,
                                       pcre2_match_data* match) const {
  // The run was validated by the caller, so PCRE2's own UTF check (linear in the whole subject,
  // on every call) is skipped.
  const int rc = pcre2_match(code_, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), offset,
                             PCRE2_NO_UTF_CHECK, match, nullptr);
  if (rc <= 0)
    throw Error("internal: GPT-2 pre-tokenizer found no match at byte " + std::to_string(offset) +
                " (pcre2 code " + std::to_string(rc) + ")");
  const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(match);
  return ovector[1] - offset;
}

}  // namespace hwgpt::text::detail
