// Peak-RSS measurement through /proc (see memory_meter.hpp).
#include "hwgpt/profile/memory_meter.hpp"

#include <malloc.h>

#include <fstream>
#include <optional>
#include <sstream>

#include "hwgpt/core/malloc_policy.hpp"

namespace hwgpt::profile {
namespace {

// A "VmXXX:   1234 kB" line of /proc/self/status, in kB.
std::optional<double> status_kb(const std::string& key) {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key + ":", 0) != 0) continue;
    std::istringstream fields(line.substr(key.size() + 1));
    double kb = 0;
    if (fields >> kb) return kb;
  }
  return std::nullopt;
}

}  // namespace

std::optional<MemoryReading> measure_cpu_memory(const std::function<void()>& work, std::string* reason) {
  // malloc_trim hands every free heap page back to the kernel, so the pass faults in each page it
  // touches (the peak counts them) even where it reuses freed chunks. A process that keeps freed
  // blocks (`hwgpt profile`, for its timed calls) also grows its heap, not new mappings, for
  // blocks the free ones cannot serve: for the pass those get mappings of their own again.
  std::optional<ScopedMallocPolicy> exact;
  if (malloc_policy() == MallocPolicy::kKeepFreed) exact.emplace(MallocPolicy::kExact);
  malloc_trim(0);
  {
    std::ofstream clear("/proc/self/clear_refs");
    if (!(clear << "5") || !clear.flush()) {
      if (reason) *reason = "cannot reset the peak RSS (/proc/self/clear_refs not writable)";
      return std::nullopt;
    }
  }
  const auto baseline = status_kb("VmRSS");
  work();
  const auto peak = status_kb("VmHWM");
  if (!baseline || !peak) {
    if (reason) *reason = "/proc/self/status has no VmRSS/VmHWM";
    return std::nullopt;
  }
  MemoryReading r;
  r.baseline_mb = *baseline * 1024 / 1e6;
  r.peak_mb = *peak * 1024 / 1e6;
  r.added_mb = r.peak_mb - r.baseline_mb;
  return r;
}

}  // namespace hwgpt::profile
