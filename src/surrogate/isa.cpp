// Instruction-set levels of the surrogate kernels (isa.hpp).
#include "hwgpt/surrogate/isa.hpp"

#include <atomic>
#include <cstdlib>
#include <string>

#include "hwgpt/core/error.hpp"
#include "isa_targets.hpp"

namespace hwgpt::surrogate {
namespace {

IsaLevel detect() {
#if HWGPT_HAVE_ISA_LEVELS
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return IsaLevel::kAvx512;
  if (__builtin_cpu_supports("avx2")) return IsaLevel::kAvx2;
#endif
  return IsaLevel::kDefault;
}

// -1: not chosen yet (HWGPT_ISA is read at first use).
std::atomic<int> chosen{-1};

IsaLevel initial_level() {
  const IsaLevel max = max_isa_level();
  const char* env = std::getenv("HWGPT_ISA");
  if (env == nullptr || *env == '\0') return max;
  IsaLevel wanted;
  try {
    wanted = parse_isa_level(env);
  } catch (const ValueError& e) {
    throw ValueError("HWGPT_ISA=" + std::string(env) + ": " + e.what());
  }
  if (static_cast<int>(wanted) > static_cast<int>(max))
    throw ValueError("HWGPT_ISA=" + std::string(env) + ": this CPU (or build) supports up to " +
                     std::string(isa_name(max)));
  return wanted;
}

}  // namespace

IsaLevel max_isa_level() {
  static const IsaLevel level = detect();
  return level;
}

IsaLevel isa_level() {
  int level = chosen.load(std::memory_order_relaxed);
  if (level < 0) {
    level = static_cast<int>(initial_level());
    chosen.store(level, std::memory_order_relaxed);
  }
  return static_cast<IsaLevel>(level);
}

void set_isa_level(IsaLevel level) {
  if (static_cast<int>(level) > static_cast<int>(max_isa_level()))
    throw ValueError("ISA level " + std::string(isa_name(level)) + " is beyond this CPU (or build): it supports up to " +
                     std::string(isa_name(max_isa_level())));
  chosen.store(static_cast<int>(level), std::memory_order_relaxed);
}

std::vector<IsaLevel> supported_isa_levels() {
  std::vector<IsaLevel> levels;
  for (int l = 0; l <= static_cast<int>(max_isa_level()); ++l) levels.push_back(static_cast<IsaLevel>(l));
  return levels;
}

std::string_view isa_name(IsaLevel level) {
  switch (level) {
    case IsaLevel::kAvx512: return "avx512";
    case IsaLevel::kAvx2: return "avx2";
    default: return "default";
  }
}

IsaLevel parse_isa_level(std::string_view name) {
  for (IsaLevel l : {IsaLevel::kDefault, IsaLevel::kAvx2, IsaLevel::kAvx512})
    if (name == isa_name(l)) return l;
  throw ValueError("unknown ISA level '" + std::string(name) + "'; expected default, avx2 or avx512");
}

}  // namespace hwgpt::surrogate
