// Perplexity and next-token accuracy of one sub-network on a token split, by weight inheritance.
#pragma once

#include <cstdint>
#include <vector>

#include "hwgpt/model/supernet.hpp"

namespace hwgpt::train {

struct EvalOptions {
  int sequence_length = 64;      // window length T; windows do not overlap
  int batch = 16;                // windows per forward pass
  std::int64_t max_tokens = 0;   // 0: the whole split; else the first windows up to this many targets
};

struct EvalResult {
  double loss = 0;               // mean cross-entropy, nats per token
  double perplexity = 0;         // exp(loss)
  double accuracy = 0;           // fraction of targets that are the argmax
  std::int64_t num_tokens = 0;   // targets scored
};

// Scores every target of the non-overlapping windows [i·T, i·T+T] of `tokens` (each window predicts
// its T next tokens). Throws ValueError if `tokens` holds fewer than T+1 tokens.
EvalResult evaluate(const model::Supernet& supernet, const space::Arch& arch,
                    const std::vector<std::int32_t>& tokens, const EvalOptions& options);

}  // namespace hwgpt::train
