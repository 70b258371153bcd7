// The MLP kernels at the x86-64 baseline: 4-float SSE vectors, 1 output × 8 vectors of rows per
// tile (8 accumulators; one broadcast weight, two instructions without AVX, serves all 32 rows of
// the block). Without FMA each vector step is a load, a multiply and an add (three instructions in
// SSE's two-operand form), so the broadcasts are the overhead to cut: in a stand-alone loop over a
// 128 × 128 layer on this VM, 1 × 8 ran ~21 multiply-adds/ns against ~17–19 for 2 × 4 and ~14–16
// for 3 × 2 and 4 × 2; in the benchmark's batch queries at this level +5–20 % (t and m perplexity
// ~660 -> ~680 k/s and ~880 -> ~970 k/s, interleaved runs).
#include "mlp_kernels.hpp"

namespace hwgpt::surrogate::detail {

void layer_block_default(const LayerBlock& b) { layer_block_tiled<V4, 1, 8>(b); }
void layer_by_input_default(const LayerInput& in) { layer_by_input_body<V4>(in); }

}  // namespace hwgpt::surrogate::detail
