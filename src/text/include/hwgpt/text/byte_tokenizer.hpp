// The byte-level tokenizer of scale t: one id per byte (0..255), no merges, no special tokens.
#pragma once

#include "hwgpt/text/tokenizer.hpp"

namespace hwgpt::text {

class ByteTokenizer final : public Tokenizer {
 public:
  std::string name() const override { return "bytes"; }
  std::uint32_t vocab_size() const override { return 256; }
  // 256 ids are all bytes: there is no room for a separator, documents are simply concatenated.
  std::optional<TokenId> end_of_text() const override { return std::nullopt; }
  using Tokenizer::encode;
  void encode(std::string_view text, std::vector<TokenId>& out) const override;
  std::string decode(std::span<const TokenId> ids) const override;
};

}  // namespace hwgpt::text
