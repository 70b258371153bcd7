// FLOPs and MACs in closed form (convention in flops.hpp).
#include "hwgpt/analytic/flops.hpp"

#include "checked_math.hpp"
#include "hwgpt/analytic/params.hpp"

namespace hwgpt::analytic {
namespace {

std::uint64_t attention_width_sum(const ModelSpec& spec) {
  std::uint64_t sum = 0;
  for (const LayerShape& layer : spec.layers)
    sum += detail::u(layer.num_heads) * detail::u(spec.head_size);
  return sum;
}

}  // namespace

std::uint64_t linear_macs(const ModelSpec& spec, std::uint64_t num_tokens) {
  return detail::mul({num_tokens, count_params(spec).matmul_weights});
}

ForwardFlops forward_flops(const ModelSpec& spec, const Workload& workload) {
  return forward_flops(spec, workload, count_params(spec));
}

ForwardFlops forward_flops(const ModelSpec& spec, const Workload& workload, const ParamCounts& params) {
  using detail::mul, detail::u;
  const std::uint64_t B = u(workload.batch), T = u(workload.sequence_length);
  ForwardFlops f;
  f.linear = mul({2, B, T, params.matmul_weights});
  f.attention = mul({2, 2, B, T, T, attention_width_sum(spec)});
  f.total = detail::add(f.linear, f.attention);
  return f;
}

ForwardFlops decode_flops_per_token(const ModelSpec& spec, std::uint64_t context_length) {
  using detail::mul;
  ForwardFlops f;
  f.linear = mul({2, count_params(spec).matmul_weights});
  f.attention = mul({2, 2, context_length, attention_width_sum(spec)});
  f.total = detail::add(f.linear, f.attention);
  return f;
}

std::uint64_t generation_flops(const ModelSpec& spec, std::uint64_t prompt_length,
                               std::uint64_t new_tokens) {
  using detail::add, detail::mul;
  if (new_tokens == 0) return 0;
  const std::uint64_t linear = mul({2, count_params(spec).matmul_weights});
  const std::uint64_t width = attention_width_sum(spec);
  // Prompt: linear over P tokens, attention over P² (full-matrix convention).
  std::uint64_t total = add(mul({prompt_length, linear}), mul({4, prompt_length, prompt_length, width}));
  // Decode steps at context P+1 … P+G-1: Σ c = (G-1)·P + (G-1)·G/2.
  const std::uint64_t steps = new_tokens - 1;
  const std::uint64_t context_sum = add(mul({steps, prompt_length}), steps * new_tokens / 2);
  total = add(total, add(mul({steps, linear}), mul({4, context_sum, width})));
  return total;
}

}  // namespace hwgpt::analytic
