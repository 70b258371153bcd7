// glibc malloc's policy for processes that free and reallocate the same large buffers over and
// over: a training step (activations, gradients) and a timed forward pass (activations, logits).
// By default glibc serves each such buffer with a fresh mmap and faults its pages in again
// (perf: page faults and memset ~5 % of a training step, ~14 % of a profiled t forward pass).
// Process-wide; a no-op where the C library is not glibc.
#pragma once

namespace hwgpt {

enum class MallocPolicy {
  kDefault,    // glibc's own (an adaptive mmap threshold from 128 KiB up)
  kKeepFreed,  // blocks up to 32 MiB from the heap, up to 1 GiB of free heap kept mapped
  kExact,      // every block over 128 KiB its own mapping, freed at once: glibc's initial
               // thresholds, fixed (no adaptation), so a pass's peak RSS counts its large buffers
};

// Sets the policy (setting any explicit one also stops glibc's adaptation for the process).
void set_malloc_policy(MallocPolicy policy);
// The policy last set in this process (kDefault when none was).
MallocPolicy malloc_policy();

// Sets `policy` for its lifetime and the previous one back after (from kDefault: kExact, as glibc's
// adaptation cannot be restarted).
class ScopedMallocPolicy {
 public:
  explicit ScopedMallocPolicy(MallocPolicy policy) : previous_(malloc_policy()) { set_malloc_policy(policy); }
  ~ScopedMallocPolicy() { set_malloc_policy(previous_ == MallocPolicy::kDefault ? MallocPolicy::kExact : previous_); }
  ScopedMallocPolicy(const ScopedMallocPolicy&) = delete;
  ScopedMallocPolicy& operator=(const ScopedMallocPolicy&) = delete;

 private:
  MallocPolicy previous_;
};

}  // namespace hwgpt
