// The MLP kernels at AVX2: 8-float vectors, 3 outputs × 4 vectors of rows per tile (12 accumulators
// + 4 inputs of 16 ymm, the broadcast from memory; measured 12 % faster than 2 × 4 and than 6 × 2 on
// the s perplexity batch, docs/BENCHMARKS.md). Compiled with -fno-trapping-math, which lets GCC vectorise SiLU here (mlp_kernels.hpp).
#include "mlp_kernels.hpp"

namespace hwgpt::surrogate::detail {

HWGPT_TARGET_AVX2 void layer_block_avx2(const LayerBlock& b) { layer_block_tiled<V8, 3, 4>(b); }
HWGPT_TARGET_AVX2 void layer_by_input_avx2(const LayerInput& in) { layer_by_input_body<V8>(in); }

}  // namespace hwgpt::surrogate::detail
