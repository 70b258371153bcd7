// The MLP kernels at the x86-64 baseline: 4-float SSE vectors, 3 outputs × 2 vectors of rows per tile
// (6 accumulators + 2 inputs + 1 broadcast of 16 xmm; 1 × 8 before, 4-8 % slower) (mlp_kernels.hpp).
#include "mlp_kernels.hpp"

namespace hwgpt::surrogate::detail {

void layer_block_default(const LayerBlock& b) { layer_block_tiled<V4, 3, 2>(b); }
void layer_by_input_default(const LayerInput& in) { layer_by_input_body<V4>(in); }

}  // namespace hwgpt::surrogate::detail
