// Corpus -> token shard in one call: read and check the corpus, tokenize every document (GPT-2:
// end-of-text 50256 after each; bytes: plain concatenation), split, write. Nothing is written
// until every check has passed, and then only through temporary files renamed into place.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "hwgpt/text/shard.hpp"
#include "hwgpt/text/split.hpp"
#include "hwgpt/text/tokenizer.hpp"

namespace hwgpt::text {

struct PrepareOptions {
  std::filesystem::path corpus;       // a UTF-8 file or a folder of .txt files
  std::filesystem::path out_dir;      // shard folder (created; an existing shard is replaced)
  std::string document_separator;     // empty: one document per file
  std::uint32_t token_bytes = 2;      // 2 (uint16) or 4 (uint32)
  SplitOptions split;
  // Called after each document with the corpus bytes tokenized so far and in total (for progress
  // on stderr); may be empty.
  std::function<void(std::uint64_t bytes_done, std::uint64_t bytes_total)> progress;
};

// Returns the metadata written. Throws FileError/ValueError (see read_corpus, make_splits,
// write_shard) before writing anything.
ShardMeta prepare_shard(const Tokenizer& tokenizer, const PrepareOptions& options);

}  // namespace hwgpt::text
