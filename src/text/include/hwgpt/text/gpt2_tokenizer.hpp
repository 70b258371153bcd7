// GPT-2's byte-level BPE (Radford et al. 2019; github.com/openai/gpt-2, src/encoder.py) in C++:
// the pre-tokenizer regex, the byte-to-unicode table, merges by rank, encode and decode. Ids equal
// GPT-2's for every valid UTF-8 input (tests/data/text/gpt2_vectors.json). Invalid UTF-8, which
// GPT-2's str-based encoder cannot take, is handled by a documented rule (docs/FORMATS.md, "GPT-2
// tokenizer"): each invalid byte is a pre-token of its own and the valid runs between them are
// tokenized as GPT-2 would, so decode(encode(x)) == x for every byte string.
#pragma once

#include <filesystem>
#include <memory>

#include "hwgpt/text/bpe.hpp"
#include "hwgpt/text/tokenizer.hpp"

namespace hwgpt::text {

// Where GPT-2's encoder.json and vocab.bpe are looked for: $HWGPT_GPT2_DIR if set, else
// ${HWGPT_CACHE_DIR:-$HOME/.cache/hwgpt}/gpt2 (scripts/fetch_gpt2_vocab.sh fills it).
std::filesystem::path gpt2_files_dir();

class Gpt2Tokenizer final : public Tokenizer {
 public:
  static constexpr TokenId kEndOfText = 50256;
  static constexpr std::uint32_t kVocabSize = 50257;

  // Loads `dir`/encoder.json and `dir`/vocab.bpe. Throws FileError naming a missing file and the
  // command that fetches it, or the line of a malformed one.
  explicit Gpt2Tokenizer(const std::filesystem::path& dir);
  ~Gpt2Tokenizer() override;
  Gpt2Tokenizer(Gpt2Tokenizer&&) noexcept;
  Gpt2Tokenizer& operator=(Gpt2Tokenizer&&) noexcept;

  std::string name() const override { return "gpt2"; }
  std::uint32_t vocab_size() const override { return kVocabSize; }
  std::optional<TokenId> end_of_text() const override { return kEndOfText; }
  using Tokenizer::encode;
  // Not safe to call concurrently on one object: it memoises pre-token -> ids (use one per thread).
  void encode(std::string_view text, std::vector<TokenId>& out) const override;
  std::string decode(std::span<const TokenId> ids) const override;

  // Forgets the memoised pre-token ids (benchmarks measure cold and warm encoding).
  void clear_cache();

  // The pre-tokens of `text` (views into it) in order; their concatenation is `text`. With
  // `regex_only`, every piece comes from PCRE2 (the reference the ASCII fast path is tested against).
  std::vector<std::string_view> pretokenize(std::string_view text, bool regex_only = false) const;
  // The bytes of one id (throws ValueError when out of range).
  const std::string& token_bytes(TokenId id) const;
  // The merge table (for tests that compare the two merge loops).
  const BpeMerges& merges() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hwgpt::text
