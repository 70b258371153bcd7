// Feature vectors for the surrogates (see features.hpp).
#include "hwgpt/surrogate/features.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>

#include "hwgpt/analytic/flops.hpp"
#include "hwgpt/analytic/memory.hpp"
#include "hwgpt/analytic/params.hpp"
#include "hwgpt/core/error.hpp"

namespace hwgpt::surrogate {
namespace {

constexpr std::size_t kAnalyticFeatures = 7;
using AnalyticValues = std::array<double, kAnalyticFeatures>;

AnalyticValues analytic_values(const space::Arch& arch, const space::SearchSpace& space, const FeatureConfig& config) {
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
  return {static_cast<double>(params.total), static_cast<double>(params.matmul_weights),
          static_cast<double>(attention_width), static_cast<double>(mlp_width), static_cast<double>(flops.linear),
          static_cast<double>(flops.attention), static_cast<double>(analytic::kv_cache_bytes(spec, config.workload))};
}

// The largest arch's analytic values, computed once per thread for the space and configuration
// last asked for (a query loop asks for one; a transfer fit alternates between a few spaces, each
// miss one more arch's worth of work). Keyed on what defines the largest arch and its counts.
const AnalyticValues& largest_values(const space::SearchSpace& space, const FeatureConfig& config) {
  struct Key {
    int embed_dim, layers, mlp_ratio, heads, head_size, vocab;
    analytic::ModelVariant variant;
    analytic::Workload workload;
    bool operator==(const Key&) const = default;
  };
  const auto max_of = [](const std::vector<int>& v) { return *std::max_element(v.begin(), v.end()); };
  const Key key{max_of(space.embed_dims()), max_of(space.layer_counts()), max_of(space.mlp_ratios()),
                max_of(space.head_counts()), space.head_size(), space.vocab_size(), config.variant, config.workload};
  thread_local std::optional<Key> cached_key;
  thread_local AnalyticValues cached{};
  if (!cached_key || !(*cached_key == key)) {
    cached = analytic_values(space.largest_arch(), space, config);
    cached_key = key;
  }
  return cached;
}

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
      names.emplace_back(std::string(name) + (config.analytic_relative ? "/largest" : ""));
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
  const AnalyticValues values = analytic_values(arch, space, config);
  if (!config.analytic_relative) {
    std::copy(values.begin(), values.end(), out.begin() + static_cast<std::ptrdiff_t>(n));
    return;
  }
  const AnalyticValues& largest = largest_values(space, config);
  for (std::size_t k = 0; k < kAnalyticFeatures; ++k) out[n + k] = largest[k] > 0 ? values[k] / largest[k] : 0.0;
}

}  // namespace hwgpt::surrogate
