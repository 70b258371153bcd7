// The MLP kernels at the x86-64 baseline: 4-float SSE vectors, 2 outputs × 4 vectors of rows per tile
// (8 accumulators + 4 inputs + 1 broadcast of 16 xmm; each broadcast weight, two instructions
// without AVX, serves 16 rows). Against 3 × 2, run interleaved on the same VM: l perplexity
// 128 × 128 ~410 -> ~470 k/s, l a100 memory (32 × 32) ~910 -> ~950 k/s; 4 × 2 was no faster
// (mlp_kernels.hpp).
#include "mlp_kernels.hpp"

namespace hwgpt::surrogate::detail {

void layer_block_default(const LayerBlock& b) { layer_block_tiled<V4, 1, 8>(b); }
void layer_by_input_default(const LayerInput& in) { layer_by_input_body<V4>(in); }

}  // namespace hwgpt::surrogate::detail
