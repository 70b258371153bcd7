// Seeded, resumable (input, target) batches from one split of a token shard.
//
// Windows: within each range of the split, windows of T + 1 tokens start every T tokens (input =
// first T, target = last T), so no window crosses a range, and hence no split, boundary. An epoch
// visits every window once in an order fixed by (seed, epoch) (Fisher-Yates with hwgpt::Rng), and
// batch k holds windows k*B .. k*B+B-1 of that sequence (continuing into the next epoch). The
// batch at a position depends only on seed and position, so a run resumed at position p yields
// exactly what the uninterrupted run would have.
#pragma once

#include <cstdint>
#include <vector>

#include "hwgpt/text/shard.hpp"

namespace hwgpt::text {

struct BatcherOptions {
  std::size_t batch_size = 8;         // B, windows per batch
  std::size_t sequence_length = 256;  // T, tokens per input row
  std::uint64_t seed = 0;
};

struct Batch {
  // (B, T) row-major; targets[b][t] == inputs[b][t + 1] within the window. int64 for embeddings.
  std::vector<std::int64_t> inputs, targets;
  std::uint64_t position = 0;  // windows consumed before this batch
};

class Batcher {
 public:
  // Keeps a reference to `shard`, which must outlive the batcher. Throws ValueError when B or T
  // is 0, or no range of the split holds T + 1 tokens.
  Batcher(const TokenShard& shard, const std::vector<TokenRange>& split, const BatcherOptions& options,
          std::uint64_t position = 0);

  Batch next();
  std::uint64_t position() const { return position_; }  // windows consumed so far
  std::uint64_t num_windows() const { return window_starts_.size(); }
  std::uint64_t epoch() const { return position_ / num_windows(); }
  // Token offset of window i in shard order (not shuffled), for sequential evaluation.
  std::uint64_t window_start(std::uint64_t i) const { return window_starts_.at(i); }

 private:
  std::uint64_t shuffled_window(std::uint64_t position);
  const TokenShard& shard_;
  BatcherOptions options_;
  std::vector<std::uint64_t> window_starts_;
  std::vector<std::uint64_t> order_;  // permutation of the current epoch
  std::uint64_t order_epoch_ = static_cast<std::uint64_t>(-1);
  std::uint64_t position_ = 0;
};

}  // namespace hwgpt::text
