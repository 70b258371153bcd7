// Private to the search module: constructors of optimizers defined in other files.
#pragma once

#include <cstdint>
#include <string_view>

#include "hwgpt/search/optimizer.hpp"

namespace hwgpt::search {

// "lsbo", "rsbo" or "ehvi" (bayesian.cpp); options already validated.
Optimizer make_bayesian_optimizer(std::string_view name, const Problem& problem, std::uint64_t seed,
                                  const OptimizerOptions& options);
// moasha.cpp
Optimizer make_moasha(const Problem& problem, std::uint64_t seed, const OptimizerOptions& options);

}  // namespace hwgpt::search
