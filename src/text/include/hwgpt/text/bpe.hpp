// GPT-2's byte-pair merges: the merge table (pair of ids -> rank and merged id) and the merge loop
// that turns one pre-token's bytes into ids. Two loops with the same result: a rank scan for short
// pieces (fast, cache friendly) and a heap for long ones (O(n log n), so a 1 MB run of letters is
// not quadratic). Both follow GPT-2's encoder.py exactly: take the lowest-ranked adjacent pair,
// merge all its occurrences left to right, repeat until no adjacent pair has a rank.
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hwgpt/text/tokenizer.hpp"

namespace hwgpt::text {

class BpeMerges {
 public:
  // `byte_ids[b]` is the id of the one-byte token b.
  explicit BpeMerges(const std::vector<TokenId>& byte_ids);

  // Declares that (left, right) merges into `merged` with priority `rank` (lower merges first).
  void add(TokenId left, TokenId right, TokenId merged, std::uint32_t rank);
  std::size_t size() const { return table_.size(); }

  // Appends the ids of `piece` (non-empty) to `out`, choosing the loop by length.
  void merge(std::string_view piece, std::vector<TokenId>& out) const;
  // The two loops, exposed so tests can check them against each other.
  void merge_scan(std::string_view piece, std::vector<TokenId>& out) const;
  void merge_heap(std::string_view piece, std::vector<TokenId>& out) const;

  // Pieces longer than this use the heap (measured crossover is far above typical word length).
  static constexpr std::size_t kScanMaxLength = 48;

 private:
  struct Merge {
    std::uint32_t rank;
    TokenId merged;
  };
  static constexpr std::uint32_t kNoRank = 0xFFFFFFFFu;
  Merge find(TokenId left, TokenId right) const {
    const auto it = table_.find(key(left, right));
    return it == table_.end() ? Merge{kNoRank, 0} : it->second;
  }
  static std::uint64_t key(TokenId left, TokenId right) {
    return (static_cast<std::uint64_t>(left) << 32) | right;
  }

  std::vector<TokenId> byte_ids_;
  std::unordered_map<std::uint64_t, Merge> table_;
};

}  // namespace hwgpt::text
