// Runs the surrogate kernels at one instruction-set level (surrogate/isa.hpp) for a scope, and
// restores the previous level after it, however the test ends.
#pragma once

#include "hwgpt/surrogate/isa.hpp"

namespace hwgpt::surrogate {

class IsaLevelScope {
 public:
  explicit IsaLevelScope(IsaLevel level) : previous_(isa_level()) { set_isa_level(level); }
  ~IsaLevelScope() { set_isa_level(previous_); }
  IsaLevelScope(const IsaLevelScope&) = delete;
  IsaLevelScope& operator=(const IsaLevelScope&) = delete;

 private:
  IsaLevel previous_;
};

}  // namespace hwgpt::surrogate
