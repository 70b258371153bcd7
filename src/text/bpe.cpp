// The BPE merge loops. Reference: GPT-2's encoder.py, Encoder.bpe() (github.com/openai/gpt-2).
#include "hwgpt/text/bpe.hpp"

#include <queue>

namespace hwgpt::text {

BpeMerges::BpeMerges(const std::vector<TokenId>& byte_ids) : byte_ids_(byte_ids) {
  slots_.resize(16);
  mask_ = 15;
  shift_ = 60;
}

void BpeMerges::grow() {
  std::vector<Slot> old(slots_.size() * 2);
  old.swap(slots_);
  mask_ = slots_.size() - 1;
  --shift_;
  for (const Slot& s : old) {
    if (s.key == kEmpty) continue;
    std::size_t i = slot_of(s.key);
    while (slots_[i].key != kEmpty) i = (i + 1) & mask_;
    slots_[i] = s;
  }
}

void BpeMerges::add(TokenId left, TokenId right, TokenId merged, std::uint32_t rank) {
  if (2 * (size_ + 1) > slots_.size()) grow();
  const std::uint64_t k = key(left, right);
  std::size_t i = slot_of(k);
  while (slots_[i].key != kEmpty && slots_[i].key != k) i = (i + 1) & mask_;
  if (slots_[i].key == k) return;  // first (lowest-ranked) declaration wins, as in a rank dict
  slots_[i] = Slot{k, Merge{rank, merged}};
  ++size_;
}

void BpeMerges::merge(std::string_view piece, std::vector<TokenId>& out) const {
  if (piece.size() <= kScanMaxLength)
    merge_scan(piece, out);
  else
    merge_heap(piece, out);
}

void BpeMerges::merge_scan(std::string_view piece, std::vector<TokenId>& out) const {
  TokenId ids[kScanMaxLength];
  std::vector<TokenId> long_ids;  // only when called directly on a long piece (tests)
  TokenId* word = ids;
  if (piece.size() > kScanMaxLength) {
    long_ids.resize(piece.size());
    word = long_ids.data();
  }
  std::size_t n = piece.size();
  for (std::size_t i = 0; i < n; ++i) word[i] = byte_ids_[static_cast<unsigned char>(piece[i])];
  while (n > 1) {
    // 1) the lowest-ranked adjacent pair
    Merge best{kNoRank, 0};
    TokenId left = 0, right = 0;
    for (std::size_t i = 0; i + 1 < n; ++i) {
      const Merge m = find(word[i], word[i + 1]);
      if (m.rank < best.rank) {
        best = m;
        left = word[i];
        right = word[i + 1];
      }
    }
    if (best.rank == kNoRank) break;
    // 2) merge every occurrence of it, left to right, without overlap (encoder.py's inner loop)
    std::size_t w = 0;
    for (std::size_t i = 0; i < n;) {
      if (i + 1 < n && word[i] == left && word[i + 1] == right) {
        word[w++] = best.merged;
        i += 2;
      } else {
        word[w++] = word[i++];
      }
    }
    n = w;
  }
  out.insert(out.end(), word, word + n);
}

// Symbols live in a doubly linked list over byte positions; candidate pairs sit in a min-heap by
// (rank, position). All candidates of the lowest rank are taken as one batch in position order,
// which is exactly "merge all occurrences left to right" of encoder.py; stale candidates (a symbol
// that changed or vanished since the push) are skipped.
void BpeMerges::merge_heap(std::string_view piece, std::vector<TokenId>& out) const {
  const std::size_t n = piece.size();
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::vector<TokenId> id(n);
  std::vector<std::size_t> prev(n), next(n);
  std::vector<bool> alive(n, true);
  for (std::size_t i = 0; i < n; ++i) {
    id[i] = byte_ids_[static_cast<unsigned char>(piece[i])];
    prev[i] = i == 0 ? kNone : i - 1;
    next[i] = i + 1 == n ? kNone : i + 1;
  }
  struct Candidate {
    std::uint32_t rank;
    std::size_t pos;
    TokenId left, right;
    bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
  };
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> heap;
  auto push = [&](std::size_t pos) {
    if (pos == kNone || next[pos] == kNone) return;
    const Merge m = find(id[pos], id[next[pos]]);
    if (m.rank != kNoRank) heap.push({m.rank, pos, id[pos], id[next[pos]]});
  };
  for (std::size_t i = 0; i + 1 < n; ++i) push(i);

  std::vector<Candidate> batch;
  while (!heap.empty()) {
    const std::uint32_t rank = heap.top().rank;
    batch.clear();
    while (!heap.empty() && heap.top().rank == rank) {
      batch.push_back(heap.top());
      heap.pop();
    }
    const TokenId merged = find(batch.front().left, batch.front().right).merged;
    std::vector<std::size_t> touched;
    for (const Candidate& c : batch) {
      const std::size_t p = c.pos;
      if (!alive[p] || id[p] != c.left || next[p] == kNone || id[next[p]] != c.right) continue;
      const std::size_t q = next[p];
      id[p] = merged;
      alive[q] = false;
      next[p] = next[q];
      if (next[q] != kNone) prev[next[q]] = p;
      touched.push_back(p);
    }
    // New neighbour pairs are pushed after the batch: their ranks differ from `rank` (a merged
    // token is longer than either part), so they belong to later rounds, as in encoder.py.
    for (std::size_t p : touched) {
      if (!alive[p]) continue;
      push(prev[p]);
      push(p);
    }
  }
  for (std::size_t i = 0; i != kNone; i = next[i]) out.push_back(id[i]);
}

}  // namespace hwgpt::text
