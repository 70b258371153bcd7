// The tokenizer concept of hwgpt: bytes in, ids out, and back. Two implementations: ByteTokenizer
// (vocabulary 256, scale t) and Gpt2Tokenizer (GPT-2's byte-level BPE, 50,257 ids). Both are
// lossless on every byte string: decode(encode(x)) == x, valid UTF-8 or not.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hwgpt::text {

using TokenId = std::uint32_t;

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;

  // "bytes" or "gpt2": the name recorded in shards and accepted by make_tokenizer().
  virtual std::string name() const = 0;
  // Number of ids; every id produced is < vocab_size().
  virtual std::uint32_t vocab_size() const = 0;
  // The id that separates documents in a shard, if the vocabulary has one (GPT-2: 50256).
  virtual std::optional<TokenId> end_of_text() const = 0;

  // Appends the ids of `text` (any bytes) to `out`. Special tokens are not parsed from text:
  // "<|endoftext|>" in the input is encoded as ordinary text (tiktoken's encode_ordinary).
  virtual void encode(std::string_view text, std::vector<TokenId>& out) const = 0;
  std::vector<TokenId> encode(std::string_view text) const {
    std::vector<TokenId> out;
    encode(text, out);
    return out;
  }

  // The bytes of `ids`. Throws ValueError naming the position and value of an id >= vocab_size().
  virtual std::string decode(std::span<const TokenId> ids) const = 0;
};

struct TokenizerOptions {
  // Folder holding GPT-2's encoder.json and vocab.bpe; empty: gpt2_files_dir().
  std::string gpt2_dir;
};

// "bytes" or "gpt2". Throws ValueError for another name, FileError when GPT-2's files are missing.
// Makes room for `extra` more ids with geometric growth. Encoders call it instead of a plain
// reserve(size + extra), which would reallocate on every call when many small documents are
// appended to one vector (quadratic copying).
inline void reserve_more(std::vector<TokenId>& out, std::size_t extra) {
  const std::size_t needed = out.size() + extra;
  if (out.capacity() < needed) out.reserve(std::max(needed, 2 * out.capacity()));
}

std::unique_ptr<Tokenizer> make_tokenizer(std::string_view name, const TokenizerOptions& options = {});

}  // namespace hwgpt::text
