// Instruction-set levels of the surrogate kernels (tree ensembles in batches, MLP layers). Each
// kernel is compiled for the x86-64 baseline, AVX2 and AVX-512F; predictions use the widest level
// the CPU has, unless the environment variable HWGPT_ISA (default, avx2 or avx512) or
// set_isa_level() asks for a lower one, so one machine can measure and compare every level
// (bench/benchmark_bench --isa, tests). Every level gives bit-identical results: the kernels
// add in the same order and never contract a*b+c into an FMA. On compilers or architectures
// without the GCC target attributes only the baseline exists.
#pragma once

#include <string_view>
#include <vector>

namespace hwgpt::surrogate {

enum class IsaLevel { kDefault = 0, kAvx2 = 1, kAvx512 = 2 };

// The widest level this CPU and build support.
IsaLevel max_isa_level();
// The level the kernels use now: max_isa_level(), or HWGPT_ISA's (read once, at first use) or
// set_isa_level()'s when lower.
IsaLevel isa_level();
// Uses `level` from now on (all threads). Throws ValueError when the CPU lacks it.
void set_isa_level(IsaLevel level);
// Every level this machine can run, lowest first.
std::vector<IsaLevel> supported_isa_levels();

std::string_view isa_name(IsaLevel level);        // "default", "avx2", "avx512"
IsaLevel parse_isa_level(std::string_view name);  // throws ValueError listing the names

}  // namespace hwgpt::surrogate
