// A byte-level corpus split into disjoint contiguous blocks: train (first 80 %), validation (next
// 10 %), NAS-evaluation (last 10 %, never seen in training; the block nanoGPT validates on for
// Tiny Shakespeare). Bytes are the tokens (vocabulary 256), the tokenizer of scale t.
// Token shards of the text module (any tokenizer) load into the same splits (load_token_shard).
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

// A token shard of the text module (`hwgpt data prepare`, any tokenizer): its own train /
// validation / NAS-evaluation ranges, each split's ranges concatenated in order (a window may
// span two documents, as GPT-2 training streams do). The tokenizer is the shard's; the trainer
// and `hwgpt eval` refuse a shard of another tokenizer than the space's. Throws FileError for a
// damaged shard (text::TokenShard::open) or empty validation / nas-eval splits.
TokenSplits load_token_shard(const std::filesystem::path& dir);

// A folder is a token shard, a file a byte corpus.
TokenSplits load_corpus(const std::filesystem::path& path);

// Which split: "train", "validation" or "nas-eval" (throws ParseError otherwise).
const std::vector<std::int32_t>& split_by_name(const TokenSplits& splits, const std::string& name);

}  // namespace hwgpt::train
