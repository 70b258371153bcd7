// analyze(): all closed-form metrics of one arch and workload.
#include "hwgpt/analytic/summary.hpp"

namespace hwgpt::analytic {

AnalyticMetrics analyze(const space::Arch& arch, const space::SearchSpace& space,
                        const Workload& workload, ModelVariant variant) {
  const ModelSpec spec = model_spec(arch, space, variant);
  AnalyticMetrics m;
  m.variant = variant;
  m.workload = workload;
  m.params = count_params(spec);
  m.forward = forward_flops(spec, workload);
  m.linear_macs = linear_macs(spec, static_cast<std::uint64_t>(workload.batch) *
                                        static_cast<std::uint64_t>(workload.sequence_length));
  m.decode_per_token = decode_flops_per_token(spec, static_cast<std::uint64_t>(workload.sequence_length));
  m.weight_bytes = weight_bytes(spec, workload.dtype);
  m.kv_cache_bytes = kv_cache_bytes(spec, workload);
  m.activation_bytes = forward_activation_bytes(spec, workload);
  return m;
}

}  // namespace hwgpt::analytic
