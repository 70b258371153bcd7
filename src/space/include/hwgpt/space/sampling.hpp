// Seeded sampling, one-choice mutation and neighbourhood enumeration over a SearchSpace.
// Every function takes the Rng explicitly; one seed gives one sequence on every platform.
#pragma once

#include <vector>

#include "hwgpt/core/rng.hpp"
#include "hwgpt/space/arch.hpp"
#include "hwgpt/space/search_space.hpp"

namespace hwgpt::space {

enum class SamplingMode {
  // Every choice drawn independently and uniformly (E, L, each layer's r and h, bias): the
  // distribution of the original's 10,000 sampled architectures. Favours small L relative to
  // the space's counts.
  kPerChoice,
  // Every architecture of the space equally likely: L is drawn with weight (|r|·|h|)^L.
  kUniform,
};

// Draw order (part of the reproducibility contract): E, L, r_0..r_(L-1), h_0..h_(L-1), bias.
Arch sample_arch(const SearchSpace& space, Rng& rng, SamplingMode mode = SamplingMode::kPerChoice);

// `count` architectures; with `unique`, repeats are redrawn (throws ValueError when the space has
// fewer than `count` architectures).
std::vector<Arch> sample_archs(const SearchSpace& space, std::size_t count, Rng& rng,
                               SamplingMode mode = SamplingMode::kPerChoice, bool unique = false);

// Changes exactly one choice: a gene (E, L, bias, one layer's r or h) is drawn uniformly among
// those with more than one option, then a different value uniformly. A larger L appends layers
// whose r and h are drawn uniformly; a smaller L drops the last layers.
Arch mutate(const Arch& arch, const SearchSpace& space, Rng& rng);

// Every architecture one choice away, in a fixed order (E, L, bias, then per layer r, h). For L,
// dropped layers are the last ones and appended layers copy the last layer's r and h, so the
// neighbourhood stays small (|E|-1 + |L|-1 + |bias|-1 + L·(|r|-1 + |h|-1) archs).
std::vector<Arch> neighbours(const Arch& arch, const SearchSpace& space);

}  // namespace hwgpt::space
