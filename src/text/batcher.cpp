// Seeded, resumable batches.
#include "hwgpt/text/batcher.hpp"

#include <numeric>

#include "hwgpt/core/error.hpp"
#include "hwgpt/core/rng.hpp"

namespace hwgpt::text {

Batcher::Batcher(const TokenShard& shard, const std::vector<TokenRange>& split, const BatcherOptions& options,
                 std::uint64_t position)
    : shard_(shard), options_(options), position_(position) {
  if (options.batch_size == 0) throw ValueError("batch size 0; expected a positive number of sequences");
  if (options.sequence_length == 0) throw ValueError("sequence length 0; expected a positive number of tokens");
  const std::uint64_t T = options.sequence_length;
  std::uint64_t longest = 0;
  for (const auto& r : split) {
    longest = std::max(longest, r.end - r.begin);
    for (std::uint64_t s = r.begin; s + T + 1 <= r.end; s += T) window_starts_.push_back(s);
  }
  if (window_starts_.empty())
    throw ValueError("sequence length " + std::to_string(T) + " needs ranges of at least " + std::to_string(T + 1) +
                     " tokens; the longest range of this split has " + std::to_string(longest) +
                     " (use a shorter sequence or larger split blocks)");
}

std::uint64_t Batcher::shuffled_window(std::uint64_t position) {
  const std::uint64_t n = window_starts_.size();
  const std::uint64_t epoch = position / n;
  if (epoch != order_epoch_) {
    order_.resize(n);
    std::iota(order_.begin(), order_.end(), std::uint64_t{0});
    Rng rng = Rng::derive(options_.seed, epoch);
    for (std::uint64_t i = n - 1; i > 0; --i) std::swap(order_[i], order_[rng.uniform_index(i + 1)]);
    order_epoch_ = epoch;
  }
  return window_starts_[order_[position % n]];
}

Batch Batcher::next() {
  const std::size_t B = options_.batch_size, T = options_.sequence_length;
  Batch batch;
  batch.position = position_;
  batch.inputs.resize(B * T);
  batch.targets.resize(B * T);
  std::vector<TokenId> window(T + 1);
  for (std::size_t b = 0; b < B; ++b) {
    shard_.copy(shuffled_window(position_++), T + 1, window.data());
    for (std::size_t t = 0; t < T; ++t) {
      batch.inputs[b * T + t] = window[t];
      batch.targets[b * T + t] = window[t + 1];
    }
  }
  return batch;
}

}  // namespace hwgpt::text
