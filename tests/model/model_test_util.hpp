// Shared by the model tests (supernet_test.cpp, mixture_test.cpp): seeded token batches and the
// largest element-wise difference of two logit tensors.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "hwgpt/core/rng.hpp"
#include "hwgpt/model/supernet.hpp"

namespace hwgpt::test {

inline model::TokenBatch random_batch(int batch, int seq, std::uint64_t seed) {
  Rng rng(seed);
  model::TokenBatch b{batch, seq, {}};
  for (int i = 0; i < batch * seq; ++i) b.tokens.push_back(static_cast<std::int32_t>(rng.uniform_index(256)));
  return b;
}

inline double max_abs_diff(const model::Logits& a, const model::Logits& b) {
  EXPECT_EQ(a.values.size(), b.values.size());
  double m = 0;
  for (std::size_t i = 0; i < a.values.size() && i < b.values.size(); ++i)
    m = std::max(m, std::fabs(static_cast<double>(a.values[i]) - b.values[i]));
  return m;
}

}  // namespace hwgpt::test
