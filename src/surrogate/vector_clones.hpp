// HWGPT_VECTOR_CLONES: compile a loop kernel for AVX-512, AVX2 and plain x86-64, chosen at run
// time (GCC target_clones), so one binary uses the widest vectors the machine has. Empty on other
// compilers and architectures. Used by the batched surrogate kernels.
#pragma once

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define HWGPT_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define HWGPT_VECTOR_CLONES
#endif
