// The metric catalogue (metric_catalogue.hpp).
#include "hwgpt/analytic/metric_catalogue.hpp"

#include <array>

#include "hwgpt/analytic/summary.hpp"
#include "hwgpt/core/error.hpp"

namespace hwgpt::analytic {
namespace {

constexpr std::array<MetricInfo, 11> kMetrics = {{
    // Exact metrics of our model under the space's default workload, float32 (summary.hpp).
    {"params", "", "count", "params", true, false},
    {"flops", "", "count", "forward FLOPs", true, false},
    {"weights_mb", "", "MB", "weights", true, false},
    {"kv_cache_mb", "", "MB", "KV cache", true, false},
    {"activations_mb", "", "MB", "activations", true, false},
    // Measured per device (profiles, the original's data) and predicted by surrogates.
    {"latency_ms", "latency", "ms", "latency", false, true},
    {"energy_mj", "energy", "mJ", "energy", false, true},
    {"memory_mb", "memory", "MB", "memory", false, true},
    {"decode_ms_per_token", "decode", "ms", "decode latency per token", false, true},
    // Of the supernet's sub-networks: one value per arch, no device.
    {"perplexity", "ppl", "", "perplexity", false, false},
    {"accuracy", "", "", "accuracy", false, false},
}};

}  // namespace

std::span<const MetricInfo> metric_catalogue() { return kMetrics; }

const MetricInfo* find_metric(std::string_view name_or_alias) {
  for (const MetricInfo& m : kMetrics)
    if (m.name == name_or_alias || (!m.alias.empty() && m.alias == name_or_alias)) return &m;
  return nullptr;
}

std::string canonical_metric(std::string_view name_or_alias) {
  const MetricInfo* m = find_metric(name_or_alias);
  return std::string(m ? m->name : name_or_alias);
}

double analytic_metric_value(const AnalyticMetrics& m, std::string_view name) {
  if (name == "params") return static_cast<double>(m.params.total);
  if (name == "flops") return static_cast<double>(m.forward.total);
  if (name == "weights_mb") return static_cast<double>(m.weight_bytes) / 1e6;
  if (name == "kv_cache_mb") return static_cast<double>(m.kv_cache_bytes) / 1e6;
  if (name == "activations_mb") return static_cast<double>(m.activation_bytes) / 1e6;
  throw ValueError("'" + std::string(name) + "' is not an analytic metric");
}

MetricKey split_metric_key(std::string_view key) {
  const auto at = key.find('@');
  if (at == std::string_view::npos) return {std::string(key), ""};
  return {std::string(key.substr(0, at)), std::string(key.substr(at + 1))};
}

std::string metric_key(std::string_view metric, std::string_view device) {
  std::string key(metric);
  if (!device.empty()) key.append("@").append(device);
  return key;
}

Objective parse_objective(std::string_view objective) {
  Objective o;
  o.maximise = objective.starts_with("max:");
  if (o.maximise) objective.remove_prefix(4);
  MetricKey key = split_metric_key(objective);
  o.metric = std::move(key.metric);
  o.device = std::move(key.device);
  return o;
}

}  // namespace hwgpt::analytic
