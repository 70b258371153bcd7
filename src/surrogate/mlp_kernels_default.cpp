// The MLP kernels at the x86-64 baseline: 4-float SSE vectors, 1 output per tile (8 accumulators + 1 input
// + 1 broadcast of 16 xmm) (mlp_kernels.hpp).
#include "mlp_kernels.hpp"

namespace hwgpt::surrogate::detail {

void layer_block_default(const LayerBlock& b) { layer_block_tiled<V4, 1>(b); }
void layer_by_input_default(const LayerInput& in) { layer_by_input_body(in); }

}  // namespace hwgpt::surrogate::detail
