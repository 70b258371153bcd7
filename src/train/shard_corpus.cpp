// Token shards of the text module as training data (byte_corpus.hpp): each split's token ranges
// concatenated in order, so training and evaluation windows read them as one stream per split.
#include <string>

#include "hwgpt/core/error.hpp"
#include "hwgpt/text/shard.hpp"
#include "hwgpt/train/byte_corpus.hpp"

namespace hwgpt::train {
namespace {

std::vector<std::int32_t> concatenate(const text::TokenShard& shard, const std::vector<text::TokenRange>& ranges) {
  std::vector<std::int32_t> out;
  out.reserve(static_cast<std::size_t>(text::num_tokens(ranges)));
  for (const text::TokenRange& r : ranges)
    for (std::uint64_t i = r.begin; i < r.end; ++i) out.push_back(static_cast<std::int32_t>(shard[i]));
  return out;
}

}  // namespace

TokenSplits load_token_shard(const std::filesystem::path& dir) {
  const text::TokenShard shard = text::TokenShard::open(dir);  // checks header, checksum, meta
  const text::ShardMeta& meta = shard.meta();
  if (meta.vocab_size > static_cast<std::uint32_t>(INT32_MAX))
    throw FileError("shard '" + dir.string() + "' has vocabulary " + std::to_string(meta.vocab_size) +
                    "; expected at most 2^31 - 1 ids");
  TokenSplits s;
  s.tokenizer = meta.tokenizer;
  s.source = dir.filename().empty() ? dir.parent_path().filename().string() : dir.filename().string();
  s.train = concatenate(shard, meta.splits.train);
  s.validation = concatenate(shard, meta.splits.validation);
  s.nas_eval = concatenate(shard, meta.splits.nas_eval);
  if (s.validation.empty() || s.nas_eval.empty())
    throw FileError("shard '" + dir.string() + "' has an empty validation or nas-eval split; prepare it with "
                    "non-zero fractions (hwgpt data prepare)");
  return s;
}

TokenSplits load_corpus(const std::filesystem::path& path) {
  return std::filesystem::is_directory(path) ? load_token_shard(path) : load_byte_corpus(path);
}

}  // namespace hwgpt::train
