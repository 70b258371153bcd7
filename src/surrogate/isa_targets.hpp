// Private to the surrogate kernels: the target attributes of the three ISA levels (isa.hpp) and a
// macro that compiles one kernel body three times and picks the version for isa_level().
//
// A kernel is written once as an always-inline body; HWGPT_ISA_VERSIONS compiles it into one
// function per level (GCC inlines a baseline function into an AVX2 or AVX-512 one and then
// vectorises it with the caller's instructions) and a dispatcher for the current level.
// This replaced GCC's target_clones, whose dispatch is fixed when the program loads: a forced
// level is what lets one machine measure every level.
#pragma once

#include "hwgpt/surrogate/isa.hpp"

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define HWGPT_HAVE_ISA_LEVELS 1
#define HWGPT_TARGET_AVX512 __attribute__((target("avx512f")))
#define HWGPT_TARGET_AVX2 __attribute__((target("avx2")))
#else
#define HWGPT_HAVE_ISA_LEVELS 0
#define HWGPT_TARGET_AVX512
#define HWGPT_TARGET_AVX2
#endif

#define HWGPT_KERNEL_BODY __attribute__((always_inline)) inline

// Defines NAME_avx512, NAME_avx2 and NAME_default(const ARG&), each NAME (an always-inline body
// taking `const ARG&`) compiled for its level, and NAME_dispatch(const ARG&), which calls the one
// of isa_level().
#define HWGPT_ISA_VERSIONS(NAME, ARG)                                        \
  HWGPT_TARGET_AVX512 void NAME##_avx512(const ARG& a) { NAME(a); }          \
  HWGPT_TARGET_AVX2 void NAME##_avx2(const ARG& a) { NAME(a); }              \
  void NAME##_default(const ARG& a) { NAME(a); }                             \
  void NAME##_dispatch(const ARG& a) {                                       \
    switch (::hwgpt::surrogate::isa_level()) {                               \
      case ::hwgpt::surrogate::IsaLevel::kAvx512: NAME##_avx512(a); break;   \
      case ::hwgpt::surrogate::IsaLevel::kAvx2: NAME##_avx2(a); break;       \
      default: NAME##_default(a); break;                                     \
    }                                                                        \
  }
