// Surrogate inputs: an architecture encoding from space/ plus closed-form features from analytic/
// of the model variant that was measured (the original's devices measured another model than ours,
// docs/ANALYTIC.md). Tree models split on raw values, so no scaling is applied.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hwgpt/analytic/model_spec.hpp"
#include "hwgpt/analytic/workload.hpp"
#include "hwgpt/space/arch.hpp"
#include "hwgpt/space/encoding.hpp"
#include "hwgpt/space/search_space.hpp"

namespace hwgpt::surrogate {

struct FeatureConfig {
  space::Encoding encoding = space::Encoding::kOrdinal;
  // Append analytic features: parameters, matmul weights, Σ attention width, Σ MLP width,
  // forward FLOPs (linear, attention) and KV-cache bytes under `workload`, of `variant`.
  bool analytic = true;
  analytic::ModelVariant variant = analytic::ModelVariant::kHwgpt;
  analytic::Workload workload;
  friend bool operator==(const FeatureConfig&, const FeatureConfig&) = default;
};

std::size_t feature_count(const FeatureConfig& config, const space::SearchSpace& space);
std::vector<std::string> feature_names(const FeatureConfig& config, const space::SearchSpace& space);

// Writes the features of `arch` into `out` (size feature_count). Throws ValueError if the arch is
// not in the space.
void features(const space::Arch& arch, const space::SearchSpace& space, const FeatureConfig& config,
              std::span<double> out);

}  // namespace hwgpt::surrogate
