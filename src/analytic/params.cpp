// Parameter counts in closed form (formulas in params.hpp).
#include "hwgpt/analytic/params.hpp"

#include "checked_math.hpp"

namespace hwgpt::analytic {

ParamCounts count_params(const ModelSpec& spec) {
  using detail::u;
  const std::uint64_t E = u(spec.embed_dim), V = u(spec.vocab_size), hs = u(spec.head_size);
  const std::uint64_t bias = spec.bias ? 1 : 0;
  ParamCounts c;
  c.embedding = V * E;
  c.lm_head = spec.tied_embedding ? 0 : V * E;
  c.matmul_weights = V * E;  // the LM head multiplies whether or not it is tied
  for (const LayerShape& layer : spec.layers) {
    const std::uint64_t A = u(layer.num_heads) * hs, F = u(layer.mlp_hidden);
    const std::uint64_t m = u(spec.mlp_matrices);
    const std::uint64_t attention_weights = E * 3 * A + A * E;
    const std::uint64_t mlp_weights = m * E * F;
    c.attention += attention_weights + bias * (3 * A + E);
    c.mlp += mlp_weights + bias * ((m - 1) * F + E);
    c.norms += 4 * E;
    c.matmul_weights += attention_weights + mlp_weights;
  }
  c.norms += 2 * E;
  c.total = c.embedding + c.lm_head + c.attention + c.mlp + c.norms;
  return c;
}

std::uint64_t num_params(const ModelSpec& spec) { return count_params(spec).total; }

}  // namespace hwgpt::analytic
