// CPU memory of a span of work: the peak resident memory it adds. The kernel's high-water mark
// (VmHWM) is reset to the current RSS before the span (`echo 5 > /proc/self/clear_refs`) and free
// heap is returned to the OS first (malloc_trim), so the result does not depend on what ran before.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace hwgpt::profile {

struct MemoryReading {
  double baseline_mb = 0;   // RSS before the span (10^6 bytes)
  double peak_mb = 0;       // VmHWM after the span
  double added_mb = 0;      // peak - baseline
};

// Runs `work` and measures it; nullopt (with `reason` set) where /proc/self/clear_refs is not
// writable or /proc/self/status has no VmHWM.
std::optional<MemoryReading> measure_cpu_memory(const std::function<void()>& work, std::string* reason = nullptr);

}  // namespace hwgpt::profile
