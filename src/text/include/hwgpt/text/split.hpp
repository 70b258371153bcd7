// Disjoint train / validation / NAS-evaluation splits of a token stream. The original benchmark
// reported perplexity on data its supernet trained on; here the NAS-evaluation split (what the
// benchmark reports) and the validation split (training curves) never share a token with train.
//
// Units are whole documents (when the corpus has enough of them) or contiguous blocks of
// `block_tokens` tokens. Units are shuffled with the seed (hwgpt::Rng, Fisher-Yates) and dealt:
// the first ceil(f_val * n) to validation, the next ceil(f_nas * n) to NAS evaluation, the rest to
// train. Each split is then a sorted list of disjoint token ranges, adjacent units merged.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hwgpt::text {

struct TokenRange {
  std::uint64_t begin = 0;  // first token
  std::uint64_t end = 0;    // one past the last
  friend bool operator==(const TokenRange&, const TokenRange&) = default;
};

enum class SplitUnit { kAuto, kDocument, kBlock };

struct SplitOptions {
  double validation_fraction = 0.05;  // of units, in [0, 1)
  double nas_eval_fraction = 0.05;    // of units, in [0, 1); the two sum to < 1
  std::uint64_t seed = 0;
  SplitUnit unit = SplitUnit::kAuto;  // auto: documents when there are >= kMinDocuments, else blocks
  std::uint64_t block_tokens = 8192;  // block size when splitting by blocks
  static constexpr std::size_t kMinDocuments = 100;
};

struct Splits {
  std::string unit;  // "document" or "block"
  std::uint64_t seed = 0;
  std::uint64_t block_tokens = 0;  // 0 for documents
  double validation_fraction = 0, nas_eval_fraction = 0;
  std::vector<TokenRange> train, validation, nas_eval;
  friend bool operator==(const Splits&, const Splits&) = default;
};

// `document_starts` are the token offsets where documents begin (first is 0; may be just {0}).
// Throws ValueError for fractions out of range, or too few units to give every non-zero fraction
// a unit and still leave one for train (the message says how many units there are).
Splits make_splits(std::uint64_t num_tokens, const std::vector<std::uint64_t>& document_starts,
                   const SplitOptions& options);

SplitUnit parse_split_unit(const std::string& name);  // auto, document, block; throws ParseError
std::uint64_t num_tokens(const std::vector<TokenRange>& ranges);

}  // namespace hwgpt::text
