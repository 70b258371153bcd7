// Memory in closed form (model in memory.hpp).
#include "hwgpt/analytic/memory.hpp"

#include <algorithm>

#include "checked_math.hpp"
#include "hwgpt/analytic/params.hpp"

namespace hwgpt::analytic {

std::uint64_t weight_bytes(const ModelSpec& spec, Dtype dtype) {
  return detail::mul({num_params(spec), detail::u(dtype_bytes(dtype))});
}

std::uint64_t kv_cache_bytes(const ModelSpec& spec, const Workload& workload) {
  using detail::mul, detail::u;
  std::uint64_t width = 0;
  for (const LayerShape& layer : spec.layers) width += u(layer.num_heads) * u(spec.head_size);
  return mul({2, u(workload.batch), u(workload.sequence_length), width,
              u(dtype_bytes(workload.dtype))});
}

std::uint64_t forward_activation_bytes(const ModelSpec& spec, const Workload& workload) {
  using detail::add, detail::mul, detail::u;
  const std::uint64_t B = u(workload.batch), T = u(workload.sequence_length);
  const std::uint64_t N = mul({B, T}), E = u(spec.embed_dim);
  const std::uint64_t NE = mul({N, E});
  std::uint64_t peak_elements = add(mul({2, NE}), mul({N, u(spec.vocab_size)}));  // x, ln_f, logits
  const std::uint64_t hidden_copies = spec.mlp_matrices == 3 ? 3 : 2;
  for (const LayerShape& layer : spec.layers) {
    const std::uint64_t A = u(layer.num_heads) * u(spec.head_size);
    const std::uint64_t attention = add(add(mul({2, NE}), mul({3, N, A})),
                                        mul({2, B, u(layer.num_heads), T, T}));
    const std::uint64_t mlp = add(mul({3, NE}), mul({hidden_copies, N, u(layer.mlp_hidden)}));
    peak_elements = std::max({peak_elements, attention, mlp});
  }
  return mul({peak_elements, u(dtype_bytes(workload.dtype))});
}

}  // namespace hwgpt::analytic
