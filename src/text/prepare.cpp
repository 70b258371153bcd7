// prepare_shard: corpus -> tokens -> splits -> shard.
#include "hwgpt/text/prepare.hpp"

#include "hwgpt/core/error.hpp"

namespace hwgpt::text {

ShardMeta prepare_shard(const Tokenizer& tokenizer, const PrepareOptions& options) {
  if (options.token_bytes == 2 && tokenizer.vocab_size() > 65536)
    throw ValueError("tokenizer " + tokenizer.name() + " has " + std::to_string(tokenizer.vocab_size()) +
                     " ids, which do not fit uint16 tokens (at most 65,536); use --token-type uint32");
  const Corpus corpus = read_corpus(options.corpus, options.document_separator);
  ShardMeta meta;
  meta.tokenizer = tokenizer.name();
  meta.vocab_size = tokenizer.vocab_size();
  meta.token_bytes = options.token_bytes;
  meta.document_separator = options.document_separator;
  meta.sources = corpus.files;
  std::vector<TokenId> tokens;
  const auto eot = tokenizer.end_of_text();
  std::uint64_t bytes_total = 0, bytes_done = 0;
  for (const auto& doc : corpus.documents) bytes_total += doc.text.size();
  for (const auto& doc : corpus.documents) {
    meta.document_starts.push_back(tokens.size());
    tokenizer.encode(doc.text, tokens);
    if (eot) tokens.push_back(*eot);
    bytes_done += doc.text.size();
    if (options.progress) options.progress(bytes_done, bytes_total);
  }
  meta.splits = make_splits(tokens.size(), meta.document_starts, options.split);
  write_shard(options.out_dir, tokens, meta);
  meta.num_tokens = tokens.size();
  return TokenShard::open(options.out_dir).meta();
}

}  // namespace hwgpt::text
