// Feature vectors for the surrogates (see features.hpp).
#include "hwgpt/surrogate/features.hpp"

#include <cstdint>

#include "hwgpt/analytic/flops.hpp"
#include "hwgpt/analytic/memory.hpp"
#include "hwgpt/analytic/params.hpp"
#include "hwgpt/core/error.hpp"

namespace hwgpt::surrogate {
namespace {

constexpr std::size_t kAnalyticFeatures = 7;

}  // namespace

std::size_t feature_count(const FeatureConfig& config, const space::SearchSpace& space) {
  return space::encoding_length(config.encoding, space) + (config.analytic ? kAnalyticFeatures : 0);
}

std::vector<std::string> feature_names(const FeatureConfig& config, const space::SearchSpace& space) {
  std::vector<std::string> names;
  const auto n = space::encoding_length(config.encoding, space);
  for (std::size_t i = 0; i < n; ++i) names.push_back(space::encoding_name(config.encoding) + "[" + std::to_string(i) + "]");
  if (config.analytic)
    for (const char* name : {"params", "matmul_weights", "attention_width", "mlp_width", "forward_linear_flops",
                             "forward_attention_flops", "kv_cache_bytes"})
      names.emplace_back(name);
  return names;
}

void features(const space::Arch& arch, const space::SearchSpace& space, const FeatureConfig& config,
              std::span<double> out) {
  const std::size_t n = space::encoding_length(config.encoding, space);
  if (out.size() != feature_count(config, space))
    throw ValueError("features: output has " + std::to_string(out.size()) + " slots; expected " +
                     std::to_string(feature_count(config, space)));
  // One validation for the encoding and the closed-form features (each would validate alone).
  space.validate(arch);
  space::encode_validated(arch, space, config.encoding, out.subspan(0, n));
  if (!config.analytic) return;
  // The spec's layer storage is reused from query to query on each thread (no allocation).
  thread_local analytic::ModelSpec spec;
  analytic::fill_model_spec(arch, space, config.variant, spec);
  const auto params = analytic::count_params(spec);
  std::int64_t attention_width = 0, mlp_width = 0;  // exact integer sums, one conversion each
  for (const auto& layer : spec.layers) {
    attention_width += layer.num_heads;
    mlp_width += layer.mlp_hidden;
  }
  attention_width *= spec.head_size;
  const auto flops = analytic::forward_flops(spec, config.workload, params);
  out[n + 0] = static_cast<double>(params.total);
  out[n + 1] = static_cast<double>(params.matmul_weights);
  out[n + 2] = static_cast<double>(attention_width);
  out[n + 3] = static_cast<double>(mlp_width);
  out[n + 4] = static_cast<double>(flops.linear);
  out[n + 5] = static_cast<double>(flops.attention);
  out[n + 6] = static_cast<double>(analytic::kv_cache_bytes(spec, config.workload));
}

}  // namespace hwgpt::surrogate
