// Token shards: a folder with tokens.bin (64-byte header + little-endian uint16 or uint32 tokens)
// and meta.json (tokenizer, sources, documents, and the train/validation/NAS-evaluation split).
// docs/FORMATS.md, "Token shards", has the byte layout. Writes go to temporary files renamed into
// place, so a failed prepare never touches an existing shard; opening checks magic, version,
// length and checksum, then memory-maps the body.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "hwgpt/text/corpus.hpp"
#include "hwgpt/text/split.hpp"
#include "hwgpt/text/tokenizer.hpp"

namespace hwgpt::text {

inline constexpr char kShardMagic[8] = {'H', 'W', 'G', 'P', 'T', 'T', 'O', 'K'};
inline constexpr std::uint32_t kShardVersion = 1;
inline constexpr std::size_t kShardHeaderBytes = 64;

struct ShardMeta {
  std::string tokenizer;         // "bytes" or "gpt2"
  std::uint32_t vocab_size = 0;
  std::uint32_t token_bytes = 2;  // 2 (uint16) or 4 (uint32)
  std::uint64_t num_tokens = 0;
  std::uint64_t checksum = 0;    // word-wise FNV-1a (core/hash.hpp) of the body
  std::string document_separator;
  std::vector<SourceFile> sources;
  std::vector<std::uint64_t> document_starts;  // token offset of each document
  Splits splits;
};

// Writes `tokens` and `meta` (num_tokens and checksum are filled in) into `dir`, creating it.
// Throws ValueError when a token does not fit `meta.token_bytes` or is >= vocab_size.
void write_shard(const std::filesystem::path& dir, std::span<const TokenId> tokens, ShardMeta meta);

// "uint16" -> 2, "uint32" -> 4; throws ParseError otherwise.
std::uint32_t parse_token_type(const std::string& name);

class TokenShard {
 public:
  // Opens dir/tokens.bin and dir/meta.json. Throws FileError for a missing file, a bad magic or
  // version, a truncated body, a checksum mismatch, or meta.json disagreeing with the header.
  static TokenShard open(const std::filesystem::path& dir);
  ~TokenShard();
  TokenShard(TokenShard&& other) noexcept;
  TokenShard& operator=(TokenShard&& other) noexcept;
  TokenShard(const TokenShard&) = delete;
  TokenShard& operator=(const TokenShard&) = delete;

  const ShardMeta& meta() const { return meta_; }
  std::uint64_t size() const { return meta_.num_tokens; }
  TokenId operator[](std::uint64_t i) const {
    return meta_.token_bytes == 2 ? static_cast<const std::uint16_t*>(body_)[i]
                                  : static_cast<const std::uint32_t*>(body_)[i];
  }
  // Copies tokens [begin, begin + count) into out (precondition: within size()).
  void copy(std::uint64_t begin, std::size_t count, TokenId* out) const;

 private:
  TokenShard() = default;
  ShardMeta meta_;
  void* mapping_ = nullptr;
  std::size_t mapping_bytes_ = 0;
  const void* body_ = nullptr;
};

}  // namespace hwgpt::text
