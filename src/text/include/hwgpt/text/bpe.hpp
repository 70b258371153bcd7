// GPT-2's byte-pair merges: the merge table (pair of ids -> rank and merged id) and the merge loop
// that turns one pre-token's bytes into ids. Two loops with the same result: a rank scan for short
// pieces (fast, cache friendly) and a heap for long ones (O(n log n), so a 1 MB run of letters is
// not quadratic). Both follow GPT-2's encoder.py exactly: take the lowest-ranked adjacent pair,
// merge all its occurrences left to right, repeat until no adjacent pair has a rank.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "hwgpt/text/tokenizer.hpp"

namespace hwgpt::text {

class BpeMerges {
 public:
  // `byte_ids[b]` is the id of the one-byte token b.
  explicit BpeMerges(const std::vector<TokenId>& byte_ids);

  // Declares that (left, right) merges into `merged` with priority `rank` (lower merges first).
  void add(TokenId left, TokenId right, TokenId merged, std::uint32_t rank);
  std::size_t size() const { return size_; }

  // Appends the ids of `piece` (non-empty) to `out`, choosing the loop by length.
  void merge(std::string_view piece, std::vector<TokenId>& out) const;
  // The two loops, exposed so tests can check them against each other.
  void merge_scan(std::string_view piece, std::vector<TokenId>& out) const;
  void merge_heap(std::string_view piece, std::vector<TokenId>& out) const;

  // Pieces longer than this use the heap: the scan is quadratic in the piece length, the heap
  // allocates; real words are far shorter (the value is a judgement call, not a measured optimum).
  static constexpr std::size_t kScanMaxLength = 48;

 private:
  struct Merge {
    std::uint32_t rank;
    TokenId merged;
  };
  static constexpr std::uint32_t kNoRank = 0xFFFFFFFFu;
  // Open addressing with linear probing over a power-of-two table kept at most half full: the
  // merge loops do one lookup per adjacent pair, and a flat table avoids std::unordered_map's
  // pointer chasing (cold GPT-2 encoding is dominated by these lookups).
  struct Slot {
    std::uint64_t key = kEmpty;
    Merge merge{kNoRank, 0};
  };
  static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};
  static std::uint64_t key(TokenId left, TokenId right) {
    return (static_cast<std::uint64_t>(left) << 32) | right;
  }
  std::size_t slot_of(std::uint64_t k) const {
    return static_cast<std::size_t>((k * 0x9E3779B97F4A7C15ull) >> shift_);
  }
  Merge find(TokenId left, TokenId right) const {
    const std::uint64_t k = key(left, right);
    for (std::size_t i = slot_of(k);; i = (i + 1) & mask_) {
      if (slots_[i].key == k) return slots_[i].merge;
      if (slots_[i].key == kEmpty) return Merge{kNoRank, 0};
    }
  }
  void grow();

  std::vector<TokenId> byte_ids_;
  std::vector<Slot> slots_;
  std::size_t size_ = 0, mask_ = 0;
  int shift_ = 64;
};

}  // namespace hwgpt::text
