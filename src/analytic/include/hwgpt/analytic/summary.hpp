// AnalyticMetrics: every closed-form metric of one arch under one workload, as the CLI and the
// benchmark report them.
#pragma once

#include <cstdint>

#include "hwgpt/analytic/flops.hpp"
#include "hwgpt/analytic/memory.hpp"
#include "hwgpt/analytic/model_spec.hpp"
#include "hwgpt/analytic/params.hpp"
#include "hwgpt/analytic/workload.hpp"

namespace hwgpt::analytic {

struct AnalyticMetrics {
  ModelVariant variant = ModelVariant::kHwgpt;
  Workload workload;
  ParamCounts params;
  ForwardFlops forward;                  // one forward pass of the workload
  std::uint64_t linear_macs = 0;         // the original's `macs` convention, same workload
  ForwardFlops decode_per_token;         // at context length = workload.sequence_length
  std::uint64_t weight_bytes = 0;        // in the workload's dtype
  std::uint64_t kv_cache_bytes = 0;      // for the whole workload
  std::uint64_t activation_bytes = 0;    // peak, forward pass
};

AnalyticMetrics analyze(const space::Arch& arch, const space::SearchSpace& space,
                        const Workload& workload, ModelVariant variant = ModelVariant::kHwgpt);

}  // namespace hwgpt::analytic
