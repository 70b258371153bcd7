// Closed-form memory in bytes (report in memory_mb = bytes / 1e6).
//   weights      num_params · bytes(dtype)
//   kv cache     2 (K and V) · B · T · Σ_i A_i · bytes(dtype)
//   activations  peak of live tensors in an eager, no-grad forward pass that materialises the
//                attention matrix; see forward_activation_bytes below for the exact model.
#pragma once

#include <cstdint>

#include "hwgpt/analytic/model_spec.hpp"
#include "hwgpt/analytic/workload.hpp"

namespace hwgpt::analytic {

std::uint64_t weight_bytes(const ModelSpec& spec, Dtype dtype);

std::uint64_t kv_cache_bytes(const ModelSpec& spec, const Workload& workload);

// Peak activation bytes of one inference forward pass (weights excluded), with N = B·T:
//   residual x (N·E) is live throughout; per layer the larger of
//     attention branch: x, ln_1(x) (N·E), qkv (3·N·A_i), scores and probabilities (2·B·h_i·T²)
//     MLP branch:       x, attention output (N·E), ln_2(x) (N·E), hidden and activated hidden
//                       (2·N·F_i; the gated MLP holds fc_1, fc_2 and their product: 3·N·F_i)
//   and the head: x, ln_f(x) (N·E), logits (N·V).
// All tensors in the workload's dtype. An estimate of what an eager framework allocates, meant for
// ranking and budgeting; fused kernels (flash attention) need less.
std::uint64_t forward_activation_bytes(const ModelSpec& spec, const Workload& workload);

}  // namespace hwgpt::analytic
