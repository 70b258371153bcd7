// MallocPolicy (see malloc_policy.hpp).
#include "hwgpt/core/malloc_policy.hpp"

#include <cstdlib>  // defines __GLIBC__ on glibc (through features.h) before it is tested

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace hwgpt {
namespace {

MallocPolicy current = MallocPolicy::kDefault;

}  // namespace

void set_malloc_policy(MallocPolicy policy) {
#if defined(__GLIBC__)
  switch (policy) {
    case MallocPolicy::kDefault:
      break;  // glibc's adaptation cannot be restarted once a threshold was set: nothing to do
    case MallocPolicy::kKeepFreed:
      // 32 MiB is glibc's largest allowed mmap threshold on 64-bit.
      mallopt(M_MMAP_THRESHOLD, 32 << 20);
      mallopt(M_TRIM_THRESHOLD, 1 << 30);
      break;
    case MallocPolicy::kExact:
      mallopt(M_MMAP_THRESHOLD, 128 << 10);
      mallopt(M_TRIM_THRESHOLD, 128 << 10);
      break;
  }
#endif
  if (policy != MallocPolicy::kDefault || current == MallocPolicy::kDefault) current = policy;
}

MallocPolicy malloc_policy() { return current; }

}  // namespace hwgpt
