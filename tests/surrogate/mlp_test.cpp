// Tests of the surrogate MLP (src/surrogate/predictor.cpp, mlp_batch.cpp, activation.hpp): its
// activation against std::exp, float32 predictions against a double reference, and batches
// bit-identical to single rows.
#include "hwgpt/surrogate/predictor.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "../../src/surrogate/activation.hpp"
#include "../../src/surrogate/mlp_kernels.hpp"
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

// The kernels' vector SiLU equals the scalar one lane by lane, bit for bit, over the clamps and
// the exponent range (the batch and single paths mix them: whole vectors, then a scalar rest).
TEST(Activation, VectorSiluEqualsScalarSiluBitForBit) {
  std::vector<float> xs;
  for (float x = -120.0f; x <= 120.0f; x += 0.0731f) xs.push_back(x);
  for (float x : {0.0f, -0.0f, 1e-30f, -1e-30f, 87.0f, -87.0f, 88.5f, -88.5f, 1e6f, -1e6f}) xs.push_back(x);
  while (xs.size() % 16 != 0) xs.push_back(0.5f);
  for (std::size_t k = 0; k < xs.size(); k += 16) {
    const auto v16 = detail::silu_v<detail::V16>(detail::load<detail::V16>(xs.data() + k));
    const auto v8 = detail::silu_v<detail::V8>(detail::load<detail::V8>(xs.data() + k));
    const auto v4 = detail::silu_v<detail::V4>(detail::load<detail::V4>(xs.data() + k));
    for (std::size_t j = 0; j < 16; ++j) {
      const float scalar = detail::silu(xs[k + j]);
      ASSERT_EQ(std::bit_cast<std::uint32_t>(v16[j]), std::bit_cast<std::uint32_t>(scalar)) << xs[k + j];
      if (j < 8) {
        ASSERT_EQ(std::bit_cast<std::uint32_t>(v8[j]), std::bit_cast<std::uint32_t>(scalar)) << xs[k + j];
      }
      if (j < 4) {
        ASSERT_EQ(std::bit_cast<std::uint32_t>(v4[j]), std::bit_cast<std::uint32_t>(scalar)) << xs[k + j];
      }
    }
  }
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

double normal(Rng& rng) {
  const double u1 = 1.0 - rng.uniform_double(), u2 = rng.uniform_double();
  return std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

// A random MLP of the given widths (input, hidden..., 1) with float32-representable weights, as
// libtorch's are; the input scaling from the caller.
Mlp random_mlp(Rng& rng, const std::vector<std::size_t>& widths, InputScaling input) {
  Mlp m;
  m.input = std::move(input);
  for (std::size_t l = 1; l < widths.size(); ++l) {
    MlpLayer layer;
    layer.inputs = widths[l - 1];
    layer.outputs = widths[l];
    for (std::size_t k = 0; k < layer.inputs * layer.outputs; ++k)
      layer.weights.push_back(static_cast<float>(normal(rng) / std::sqrt(static_cast<double>(layer.inputs))));
    for (std::size_t k = 0; k < layer.outputs; ++k) layer.bias.push_back(static_cast<float>(0.1 * normal(rng)));
    m.layers.push_back(layer);
  }
  m.output_offset = 3.0;
  m.output_scale = 0.2;
  m.check();
  return m;
}

// Batches of rows x (row-major, `width` features) through m at every ISA level: bit-identical to
// single rows, to the baseline level, to an unprepared copy, and within `tolerance` (relative) of
// the double reference.
void expect_batches_equal_single_rows(Mlp m, const std::vector<double>& x, std::size_t width, double tolerance) {
  const std::size_t rows = x.size() / width;
  std::vector<double> batch(rows), unprepared_batch(rows);
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
      ASSERT_EQ(batch[r], single) << "row " << r << " of width " << width << " at " << isa_name(level);
      ASSERT_EQ(batch[r], baseline[r]) << "row " << r << ": " << isa_name(level) << " differs from the baseline";
      ASSERT_EQ(bare.predict(row), single) << "row " << r;
      ASSERT_EQ(unprepared_batch[r], single) << "row " << r;
      EXPECT_NEAR(single, reference_mlp(m, row), tolerance * (1 + std::fabs(single)));
    }
  }
}

// Float32 evaluation (the precision libtorch trains in) against the double reference, and the
// batch kernel (tiles of 1, 2 or 8 outputs by ISA level, blocks of 32 rows) bit-identical to
// single rows at every ISA level, with widths that leave remainders of both; a prepared and an
// unprepared MLP give the same bits.
TEST(Mlp, Float32PredictionsMatchADoubleReferenceAndBatchesEqualSingleRows) {
  Rng rng(5);
  for (const std::vector<std::size_t>& widths : {std::vector<std::size_t>{7, 6, 3, 1}, {34, 128, 128, 1}, {5, 1}}) {
    InputScaling input;
    for (std::size_t f = 0; f < widths[0]; ++f) {
      input.offset.push_back(normal(rng));
      input.scale.push_back(0.5 + rng.uniform_double());
    }
    Mlp m = random_mlp(rng, widths, input);
    // Weights that are not float32 values (what no fit writes) are refused by name, not evaluated.
    for (const double bad : {1e300, std::nan(""), 0.1}) {
      Mlp broken = m;
      broken.layers.back().weights[0] = bad;
      EXPECT_THAT([&] { broken.check(); }, ThrowsMessage<ValueError>(HasSubstr("not a float32 value")));
    }
    const std::size_t rows = 77, width = widths[0];
    std::vector<double> x(rows * width);
    for (double& v : x) v = normal(rng);
    expect_batches_equal_single_rows(m, x, width, 2e-6);
  }
}

// nonzero_features against a plain loop: rows of every length from 0 to 13 (whole groups of four
// and tails), with zeros of both signs, doubles too small for a float (zero once converted),
// NaN (nonzero) and ordinary values, at every density.
TEST(Mlp, NonzeroFeaturesGathersExactlyTheNonzeroFloatsInOrder) {
  Rng rng(5);
  const double specials[] = {0.0, -0.0, 1e-50, -1e-300, std::numeric_limits<double>::quiet_NaN(), 1.0, -2.5, 3e8, 1e-30};
  for (std::size_t n = 0; n <= 13; ++n)
    for (int trial = 0; trial < 200; ++trial) {
      const double density = rng.uniform_double();
      std::vector<double> x(n);
      for (double& v : x)
        v = rng.uniform_double() < density ? specials[static_cast<std::size_t>(rng.uniform_double() * 9) % 9] : 0.0;
      std::vector<std::uint32_t> expected_index;
      std::vector<float> expected_value;
      for (std::size_t f = 0; f < n; ++f) {
        const float v = static_cast<float>(x[f]);
        if (v != 0.0f || std::isnan(v)) {
          expected_index.push_back(static_cast<std::uint32_t>(f));
          expected_value.push_back(v);
        }
      }
      std::vector<std::uint32_t> index(n + 1, 999);
      std::vector<float> value(n + 1, -7.0f);
      const std::size_t count = detail::nonzero_features(x, index.data(), value.data());
      ASSERT_EQ(count, expected_index.size()) << "n " << n;
      for (std::size_t k = 0; k < count; ++k) {
        EXPECT_EQ(index[k], expected_index[k]);
        if (std::isnan(expected_value[k])) EXPECT_TRUE(std::isnan(value[k]));
        else EXPECT_EQ(std::bit_cast<std::uint32_t>(value[k]), std::bit_cast<std::uint32_t>(expected_value[k]));
      }
      EXPECT_EQ(index[n], 999u);  // nothing written past the row's slots
      EXPECT_EQ(value[n], -7.0f);
    }
}

// The first layer reads raw features with the input scaling folded in and skips zeros. Rows as
// the surrogates see them: one-hot blocks (mostly zeros: the row-by-row path), ordinal blocks
// (mostly nonzero: the block kernel), a block that mixes both, an all-zero row, and analytic
// features of ~1e8 with their training mean and spread (the fold's cancellation), against the
// double reference on scaled inputs.
TEST(Mlp, SparseAndDenseRowsThroughTheFoldedFirstLayer) {
  Rng rng(11);
  constexpr std::size_t groups = 20, choices = 3, analytic = 3, width = groups * choices + analytic;
  InputScaling input;
  for (std::size_t f = 0; f < groups * choices; ++f) {
    input.offset.push_back(1.0 / choices);  // a one-hot column's mean and spread
    input.scale.push_back(std::sqrt((1.0 / choices) * (1 - 1.0 / choices)));
  }
  for (const double size : {1.0, 2.0, 3.0}) {
    input.offset.push_back(1.2e8 * size);
    input.scale.push_back(3.0e7 * size);
  }
  for (const std::vector<std::size_t>& widths : {std::vector<std::size_t>{width, 64, 64, 1}, {width, 128, 128, 1}, {width, 37, 1},
                                                   {width, 48, 32, 1}}) {  // 48: the 32- and 16-output chunks
    const Mlp m = random_mlp(rng, widths, input);
    const std::size_t rows = 32 * 3 + 9;  // three whole blocks and a part
    std::vector<double> x(rows * width, 0.0);
    for (std::size_t r = 0; r < rows; ++r) {
      double* row = x.data() + r * width;
      const bool one_hot = r < 32 || (r >= 64 && r % 2 == 0) || r >= 96;
      for (std::size_t g = 0; g < groups; ++g) {
        const std::size_t pick = static_cast<std::size_t>(rng.uniform_double() * choices) % choices;
        if (one_hot) row[g * choices + pick] = 1.0;
        else for (std::size_t c = 0; c < choices; ++c) row[g * choices + c] = static_cast<double>(1 + (pick + c) % choices);
      }
      for (std::size_t f = 0; f < analytic; ++f)
        row[groups * choices + f] = input.offset[groups * choices + f] + input.scale[groups * choices + f] * normal(rng);
    }
    std::fill(x.begin() + 5 * static_cast<std::ptrdiff_t>(width), x.begin() + 6 * static_cast<std::ptrdiff_t>(width), 0.0);
    expect_batches_equal_single_rows(m, x, width, 2e-6);
  }
}

}  // namespace
}  // namespace hwgpt::surrogate
