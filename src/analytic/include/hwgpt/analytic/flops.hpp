// Closed-form FLOPs. Convention (nanoGPT's sizing notebook): a multiply-accumulate counts 2 FLOPs;
// the attention score (QKᵀ) and value (PV) matmuls count the full T×T matrix, not its causal half;
// element-wise operations (norms, softmax, GELU, rotary, residual adds, biases) are left out.
#pragma once

#include <cstdint>

#include "hwgpt/analytic/model_spec.hpp"
#include "hwgpt/analytic/params.hpp"
#include "hwgpt/analytic/workload.hpp"

namespace hwgpt::analytic {

struct ForwardFlops {
  std::uint64_t linear = 0;      // 2 · B·T · matmul_weights (incl. LM head)
  std::uint64_t attention = 0;   // Σ_i 2 matmuls · 2 · B · T² · A_i
  std::uint64_t total = 0;       // linear + attention
};

// FLOPs of one forward pass over B×T tokens (logits at every position).
ForwardFlops forward_flops(const ModelSpec& spec, const Workload& workload);
// The same with the spec's count_params() already at hand (surrogate features need both).
ForwardFlops forward_flops(const ModelSpec& spec, const Workload& workload, const ParamCounts& params);

// Multiply-accumulates of the linear layers (incl. LM head) for `num_tokens` tokens: what the
// original's DeepSpeed profiler recorded as `macs` (its SDPA attention is not counted).
std::uint64_t linear_macs(const ModelSpec& spec, std::uint64_t num_tokens);

// FLOPs to produce one new token with a KV cache holding `context_length` positions including
// the new one (batch 1): linear 2·matmul_weights plus attention Σ_i 2·2·A_i·context_length.
ForwardFlops decode_flops_per_token(const ModelSpec& spec, std::uint64_t context_length);

// Total FLOPs of generating `new_tokens` tokens after a prompt of `prompt_length` tokens (batch 1):
// one forward pass over the prompt (its last logits give the first token) plus new_tokens - 1
// cached decode steps at context lengths prompt_length + 1 … prompt_length + new_tokens - 1.
std::uint64_t generation_flops(const ModelSpec& spec, std::uint64_t prompt_length,
                               std::uint64_t new_tokens);

}  // namespace hwgpt::analytic
