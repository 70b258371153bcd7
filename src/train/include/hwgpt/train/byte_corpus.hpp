// A byte-level corpus split into disjoint contiguous blocks: train (first 80 %), validation (next
// 10 %), NAS-evaluation (last 10 %, never seen in training; the block nanoGPT validates on for
// Tiny Shakespeare). Bytes are the tokens (vocabulary 256), the tokenizer of scale t.
// Deliberately small: the text module (tokenizers, shards) replaces it for BPE scales.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace hwgpt::train {

struct TokenSplits {
  std::string tokenizer = "bytes";     // the space's tokenizer these ids belong to
  std::string source;                  // file name, for messages and logs
  std::vector<std::int32_t> train, validation, nas_eval;
  // FNV-1a over all token ids of the three splits: a checkpoint refuses other data.
  std::uint64_t fingerprint() const;
};

// Reads `path` as bytes and splits it 80/10/10. Throws FileError when it cannot be read or holds
// fewer than 1,000 bytes.
TokenSplits load_byte_corpus(const std::filesystem::path& path);

// Which split: "train", "validation" or "nas-eval" (throws ParseError otherwise).
const std::vector<std::int32_t>& split_by_name(const TokenSplits& splits, const std::string& name);

}  // namespace hwgpt::train
