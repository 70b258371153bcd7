// Closed-form parameter counts. Legend: E embed width, L layers, hs head size, h_i heads and
// A_i = h_i·hs attention width of layer i, F_i = r_i·E MLP width, V vocabulary.
//   embedding     V·E
//   lm_head       V·E if untied, else 0 (no bias)
//   per layer     norms 4E; qkv E·3A_i (+3A_i); proj A_i·E (+E);
//                 MLP 2-matrix: 2·E·F_i (+F_i + E); 3-matrix: 3·E·F_i (+2F_i + E)
//   final norm    2E
#pragma once

#include <cstdint>

#include "hwgpt/analytic/model_spec.hpp"

namespace hwgpt::analytic {

struct ParamCounts {
  std::uint64_t embedding = 0;
  std::uint64_t lm_head = 0;          // 0 when tied
  std::uint64_t attention = 0;        // qkv + proj weights and biases, all layers
  std::uint64_t mlp = 0;              // MLP weights and biases, all layers
  std::uint64_t norms = 0;            // all LayerNorm weights and biases
  std::uint64_t total = 0;
  // Weights that take part in a matrix multiply per token: all linear weights including the LM
  // head (tied or not), excluding the embedding lookup and all biases. 2× this is the linear FLOPs
  // per token; it equals the original's DeepSpeed MACs per token.
  std::uint64_t matmul_weights = 0;
};

ParamCounts count_params(const ModelSpec& spec);
std::uint64_t num_params(const ModelSpec& spec);

}  // namespace hwgpt::analytic
