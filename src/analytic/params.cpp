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
  // Every per-layer term is linear in the layer's attention width A and MLP width F, so the sums
  // over layers need only Σ A and Σ F (exact in integers; one multiply per term, not per layer:
  // this runs in every surrogate query, over up to 36 layers).
  std::uint64_t sum_a = 0, sum_f = 0;
  for (const LayerShape& layer : spec.layers) {
    sum_a += u(layer.num_heads) * hs;
    sum_f += u(layer.mlp_hidden);
  }
  const std::uint64_t L = spec.layers.size(), m = u(spec.mlp_matrices);
  const std::uint64_t attention_weights = 4 * E * sum_a;  // Wqkv (E x 3A) and the projection (A x E)
  const std::uint64_t mlp_weights = m * E * sum_f;
  c.attention = attention_weights + bias * (3 * sum_a + L * E);
  c.mlp = mlp_weights + bias * ((m - 1) * sum_f + L * E);
  c.norms = 4 * E * L + 2 * E;
  c.matmul_weights += attention_weights + mlp_weights;
  c.total = c.embedding + c.lm_head + c.attention + c.mlp + c.norms;
  return c;
}

std::uint64_t num_params(const ModelSpec& spec) { return count_params(spec).total; }

}  // namespace hwgpt::analytic
