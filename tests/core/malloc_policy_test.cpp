// MallocPolicy against glibc's own accounting (mallinfo2): under kExact a fresh 1 MiB block is a
// mapping of its own, under kKeepFreed it comes from the heap, and a scoped policy puts the one
// before it back. One test: the policy is process-wide.
#include "hwgpt/core/malloc_policy.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

// AddressSanitizer replaces glibc's malloc (mallopt and mallinfo2 do nothing there).
#if defined(__SANITIZE_ADDRESS__)
#define HWGPT_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HWGPT_TEST_ASAN 1
#endif
#endif

namespace hwgpt {
namespace {

#if defined(__GLIBC__) && !defined(HWGPT_TEST_ASAN)
// Whether a fresh 1 MiB block is served by a mapping of its own.
bool one_mib_is_mapped() {
  const auto before = mallinfo2().hblks;
  void* block = std::malloc(1 << 20);
  static_cast<volatile char*>(block)[0] = 1;  // used: the compiler may not drop the pair
  const bool mapped = mallinfo2().hblks == before + 1;
  std::free(block);
  return mapped;
}
#endif

TEST(MallocPolicy, ExactMapsLargeBlocksAndKeepFreedServesThemFromTheHeap) {
#if !defined(__GLIBC__) || defined(HWGPT_TEST_ASAN)
  GTEST_SKIP() << "not glibc's malloc (another C library, or AddressSanitizer's): nothing to observe";
#else
  EXPECT_EQ(malloc_policy(), MallocPolicy::kDefault);
  set_malloc_policy(MallocPolicy::kExact);
  EXPECT_TRUE(one_mib_is_mapped());
  set_malloc_policy(MallocPolicy::kKeepFreed);
  EXPECT_EQ(malloc_policy(), MallocPolicy::kKeepFreed);
  EXPECT_FALSE(one_mib_is_mapped());
  {
    // (Not checked by mapping: the heap now holds a free 1 MiB chunk, which malloc reuses under
    // any threshold; a threshold only decides how the heap grows.)
    ScopedMallocPolicy exact(MallocPolicy::kExact);
    EXPECT_EQ(malloc_policy(), MallocPolicy::kExact);
  }
  EXPECT_EQ(malloc_policy(), MallocPolicy::kKeepFreed);
  EXPECT_FALSE(one_mib_is_mapped());
  set_malloc_policy(MallocPolicy::kDefault);  // cannot restart glibc's adaptation: stays as it is
  EXPECT_EQ(malloc_policy(), MallocPolicy::kKeepFreed);
#endif
}

}  // namespace
}  // namespace hwgpt
