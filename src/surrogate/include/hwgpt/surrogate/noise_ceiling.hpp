// The noise ceiling of a measured metric: how well the measurements rank archs against
// themselves, which bounds how well any model of them can rank archs.
#pragma once

#include <cstddef>

#include "hwgpt/surrogate/dataset.hpp"

namespace hwgpt::surrogate {

struct NoiseCeiling {
  double kendall_tau = 0;  // between the two halves' statistics over archs; NaN when not computable
  std::size_t archs = 0;   // archs with at least two samples
};

// Split-half reliability of the statistic the benchmark predicts (store::typical_value, the
// median): each arch's samples split into two disjoint halves (even and odd sample indices), the
// median of each half, and Kendall's tau-b between the halves' medians over every arch with at
// least two samples. A half has half the samples, so its median is noisier than the full-sample
// median a model is judged against: the ceiling is conservative. NaN for fewer than 10 such archs
// (perplexity and accuracy have one value per arch).
NoiseCeiling split_half_ceiling(const Dataset& data);

}  // namespace hwgpt::surrogate
