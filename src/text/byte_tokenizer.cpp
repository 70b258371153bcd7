// ByteTokenizer and the tokenizer factory.
#include "hwgpt/text/byte_tokenizer.hpp"

#include "hwgpt/core/error.hpp"
#include "hwgpt/text/gpt2_tokenizer.hpp"

namespace hwgpt::text {

void ByteTokenizer::encode(std::string_view text, std::vector<TokenId>& out) const {
  reserve_more(out, text.size());
  for (char c : text) out.push_back(static_cast<unsigned char>(c));
}

std::string ByteTokenizer::decode(std::span<const TokenId> ids) const {
  std::string out;
  out.reserve(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] > 255)
      throw ValueError("token " + std::to_string(i) + " is " + std::to_string(ids[i]) +
                       "; the bytes tokenizer has ids 0..255");
    out.push_back(static_cast<char>(ids[i]));
  }
  return out;
}

std::unique_ptr<Tokenizer> make_tokenizer(std::string_view name, const TokenizerOptions& options) {
  if (name == "bytes") return std::make_unique<ByteTokenizer>();
  if (name == "gpt2")
    return std::make_unique<Gpt2Tokenizer>(options.gpt2_dir.empty() ? gpt2_files_dir()
                                                                    : std::filesystem::path(options.gpt2_dir));
  throw ValueError("tokenizer '" + std::string(name) + "'; expected bytes or gpt2");
}

}  // namespace hwgpt::text
