// The ArchExecutor that runs our models: the dense model extracted from a supernet (a trained
// checkpoint, or a seeded random initialisation: latency, energy and memory do not depend on the
// weights' values, as the original's profiling of random models relied on too), on seeded random
// token ids of the workload's shape, under no_grad, on the CPU or a CUDA GPU. Timing with the
// steady clock (on a GPU with the device synchronised before and after each call).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "hwgpt/profile/runner.hpp"

namespace hwgpt::profile {

struct ModelExecutorConfig {
  std::optional<std::filesystem::path> checkpoint;  // a supernet file of the space; else random
  std::uint64_t seed = 1;                           // weights (if random) and token ids
  int threads = 1;                                  // libtorch intra-op threads
  std::string device = "cpu";                       // or "cuda[:N]" (model::check_compute_device)
};

std::unique_ptr<ArchExecutor> make_model_executor(const space::SearchSpace& space,
                                                  const ModelExecutorConfig& config);

}  // namespace hwgpt::profile
