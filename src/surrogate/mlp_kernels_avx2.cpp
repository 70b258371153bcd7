// The MLP kernels at AVX2: 8-float vectors, 2 outputs per tile (8 accumulators + 4 inputs + 1 broadcast of
// 16 ymm). Compiled with -fno-trapping-math, which lets GCC vectorise SiLU here (mlp_kernels.hpp).
#include "mlp_kernels.hpp"

namespace hwgpt::surrogate::detail {

HWGPT_TARGET_AVX2 void layer_block_avx2(const LayerBlock& b) { layer_block_tiled<V8, 2>(b); }
HWGPT_TARGET_AVX2 void layer_by_input_avx2(const LayerInput& in) { layer_by_input_body(in); }

}  // namespace hwgpt::surrogate::detail
