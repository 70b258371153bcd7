// Tests of the surrogate MLP (src/surrogate/predictor.cpp, mlp_batch.cpp, activation.hpp): its
// activation against std::exp, float32 predictions against a double reference, and batches
// bit-identical to single rows.
#include "hwgpt/surrogate/predictor.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <span>
#include <vector>

#include "../../src/surrogate/activation.hpp"
#include "isa_scope.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/rng.hpp"

namespace hwgpt::surrogate {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// The MLP's vectorisable exp against std::exp, and SiLU against its definition.
TEST(Activation, ArithmeticExpMatchesStdExp) {
  double worst = 0;
  for (float x = -80.0f; x <= 80.0f; x += 0.0137f)
    worst = std::max(worst, std::fabs(static_cast<double>(detail::exp_arith(x)) / std::exp(static_cast<double>(x)) - 1));
  EXPECT_LT(worst, 2.4e-7);  // within 2 ulp of float (2^-22 = 2.4e-7 relative at most)
  EXPECT_EQ(detail::exp_arith(0.0f), 1.0f);
  EXPECT_GT(detail::exp_arith(-1e6f), 0.0f);  // clamped, no denormal underflow to garbage
  EXPECT_TRUE(std::isfinite(detail::exp_arith(1e6f)));
  for (float x : {-90.0f, -5.0f, -0.5f, 0.0f, 0.25f, 3.0f, 90.0f})
    EXPECT_NEAR(detail::silu(x), x / (1 + std::exp(-static_cast<double>(x))), 1e-6 * (1 + std::fabs(x)));
}

// A reference MLP in double with std::exp, written independently of predictor.cpp.
double reference_mlp(const Mlp& m, std::span<const double> x) {
  std::vector<double> a(x.size());
  for (std::size_t f = 0; f < x.size(); ++f) a[f] = (x[f] - m.input.offset[f]) / m.input.scale[f];
  for (std::size_t l = 0; l < m.layers.size(); ++l) {
    const MlpLayer& layer = m.layers[l];
    std::vector<double> next(layer.outputs);
    for (std::size_t o = 0; o < layer.outputs; ++o) {
      double sum = layer.bias[o];
      for (std::size_t i = 0; i < layer.inputs; ++i) sum += layer.weights[o * layer.inputs + i] * a[i];
      next[o] = l + 1 < m.layers.size() ? sum / (1 + std::exp(-sum)) : sum;
    }
    a = next;
  }
  return m.output_offset + m.output_scale * a[0];
}

// Float32 evaluation (the precision libtorch trains in) against the double reference, and the
// batch kernel (tiles of 1, 2 or 8 outputs by ISA level, blocks of 32 rows) bit-identical to
// single rows at every ISA level, with widths that leave remainders of both; a prepared and an
// unprepared MLP give the same bits.
TEST(Mlp, Float32PredictionsMatchADoubleReferenceAndBatchesEqualSingleRows) {
  Rng rng(5);
  auto normal = [&rng] {
    const double u1 = 1.0 - rng.uniform_double(), u2 = rng.uniform_double();
    return std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  };
  for (const std::vector<std::size_t>& widths : {std::vector<std::size_t>{7, 6, 3, 1}, {34, 128, 128, 1}, {5, 1}}) {
    Mlp m;
    for (std::size_t f = 0; f < widths[0]; ++f) {
      m.input.offset.push_back(normal());
      m.input.scale.push_back(0.5 + rng.uniform_double());
    }
    for (std::size_t l = 1; l < widths.size(); ++l) {
      MlpLayer layer;
      layer.inputs = widths[l - 1];
      layer.outputs = widths[l];
      // float-representable, as libtorch's float32 weights are
      for (std::size_t k = 0; k < layer.inputs * layer.outputs; ++k)
        layer.weights.push_back(static_cast<float>(normal() / std::sqrt(static_cast<double>(layer.inputs))));
      for (std::size_t k = 0; k < layer.outputs; ++k) layer.bias.push_back(static_cast<float>(0.1 * normal()));
      m.layers.push_back(layer);
    }
    m.output_offset = 3.0;
    m.output_scale = 0.2;
    m.check();
    // Weights that are not float32 values (what no fit writes) are refused by name, not evaluated.
    for (const double bad : {1e300, std::nan(""), 0.1}) {
      Mlp broken = m;
      broken.layers.back().weights[0] = bad;
      EXPECT_THAT([&] { broken.check(); }, ThrowsMessage<ValueError>(HasSubstr("not a float32 value")));
    }
    const std::size_t rows = 77, width = widths[0];
    std::vector<double> x(rows * width), batch(rows), unprepared_batch(rows);
    for (double& v : x) v = normal();
    const Mlp bare = m;
    bare.predict_batch(x, width, unprepared_batch);
    m.prepare();
    ASSERT_TRUE(m.prepared());
    ASSERT_FALSE(bare.prepared());
    // Every instruction-set level this machine has (isa.hpp) gives the same bits.
    std::vector<double> baseline;
    for (const IsaLevel level : supported_isa_levels()) {
      const IsaLevelScope scope(level);
      m.predict_batch(x, width, batch);
      if (baseline.empty()) baseline = batch;
      for (std::size_t r = 0; r < rows; ++r) {
        const auto row = std::span<const double>(x).subspan(r * width, width);
        const double single = m.predict(row);
        ASSERT_EQ(batch[r], single) << "row " << r << " of widths " << widths.size() << " at " << isa_name(level);
        ASSERT_EQ(batch[r], baseline[r]) << "row " << r << ": " << isa_name(level) << " differs from the baseline";
        ASSERT_EQ(bare.predict(row), single) << "row " << r;
        ASSERT_EQ(unprepared_batch[r], single) << "row " << r;
        EXPECT_NEAR(single, reference_mlp(m, row), 2e-6 * (1 + std::fabs(single)));
      }
    }
  }
}

}  // namespace
}  // namespace hwgpt::surrogate
