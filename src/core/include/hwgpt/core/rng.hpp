// Seeded pseudo-random numbers that are identical on every platform and standard library.
// std::uniform_int_distribution is implementation-defined, so hwgpt draws through this class:
// xoshiro256** (Blackman & Vigna 2018) seeded by SplitMix64, Lemire's unbiased bounded integers.
#pragma once

#include <cstdint>

namespace hwgpt {

class Rng {
 public:
  explicit Rng(std::uint64_t seed);

  std::uint64_t seed() const { return seed_; }

  // Next 64 raw bits.
  std::uint64_t next_u64();

  // Uniform integer in [0, bound). Precondition: bound > 0. Unbiased (rejection).
  std::uint64_t uniform_index(std::uint64_t bound);

  // Uniform double in [0, 1) with 53 random bits.
  double uniform_double();

  // An independent stream derived from this one's seed and `stream_id`, for work that must not
  // depend on how many numbers another consumer drew (e.g. one stream per run of a study).
  static Rng derive(std::uint64_t seed, std::uint64_t stream_id);

 private:
  std::uint64_t seed_;
  std::uint64_t state_[4];
};

}  // namespace hwgpt
