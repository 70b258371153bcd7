// Workload: what one profiled call processes (batch × sequence tokens in a dtype).
#pragma once

#include <string>
#include <string_view>

#include "hwgpt/space/search_space.hpp"

namespace hwgpt::analytic {

enum class Dtype { kFloat32, kFloat16, kBFloat16, kInt8 };

std::string dtype_name(Dtype dtype);            // "float32", "float16", "bfloat16", "int8"
Dtype parse_dtype(std::string_view name);       // also fp32, fp16, bf16; throws ParseError
int dtype_bytes(Dtype dtype);

struct Workload {
  int batch = 1;                 // B
  int sequence_length = 1024;    // T
  Dtype dtype = Dtype::kFloat32;
  friend bool operator==(const Workload&, const Workload&) = default;
};

// The space's default workload (s 8×1024, m 4×1024, l 1×1024, t 4×256) in float32.
Workload default_workload(const space::SearchSpace& space);

}  // namespace hwgpt::analytic
