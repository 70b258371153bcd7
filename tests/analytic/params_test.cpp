// Unit tests for src/analytic/params.cpp against independent counts: GPT-2 small from its
// published size, the original's profiled model from its recorded value, and a hand count.
#include "hwgpt/analytic/params.hpp"

#include <gtest/gtest.h>

#include "../common/test_data.hpp"
#include "hwgpt/space/arch_string.hpp"

namespace hwgpt::analytic {
namespace {

using space::SearchSpace;

TEST(Params, Gpt2SmallWithoutItsPositionTable) {
  // E768, L12, h12, r4, bias True, vocabulary 50,257: GPT-2 small's 124,439,808 parameters minus
  // its 1024×768 = 786,432 learned positions (rotary replaces them).
  const auto& s = SearchSpace::builtin("s");
  const auto spec = model_spec(s.largest_arch(), s, ModelVariant::kHwgpt);
  EXPECT_EQ(num_params(spec), 124'439'808u - 786'432u);
  EXPECT_EQ(num_params(spec), 123'653'376u);
  const auto c = count_params(spec);
  EXPECT_EQ(c.embedding, 50257u * 768u);
  EXPECT_EQ(c.lm_head, 0u);  // tied
  EXPECT_EQ(c.norms, 12u * 4u * 768u + 2u * 768u);
  EXPECT_EQ(c.embedding + c.lm_head + c.attention + c.mlp + c.norms, c.total);
}

TEST(Params, OriginalProfiledModelOfTheSpecRecord) {
  // HW-GPT-Bench's first a100/s record: recorded params 148,591,104 (../shared README).
  const auto& s = SearchSpace::builtin("s");
  const auto arch = space::parse_arch("gpt-s-10-768-2-2-4-4-3-3-3-4-4-2-4-12-12-4-4-12-12-8-4-12-False", s);
  EXPECT_EQ(num_params(model_spec(arch, s, ModelVariant::kOriginalProfiled)), 148'591'104u);
}

TEST(Params, HandCountOfATinyModel) {
  const auto tiny = SearchSpace::load(test::fixture_dir() / "space" / "tiny.json");
  const auto arch = space::parse_arch("gpt-tiny-1-16-1-2-False", tiny);
  // E16, A = 2·8 = 16, F = 16, V = 100: embedding 1600; norms 4·16 + 2·16 = 96;
  // qkv 16·48 = 768; proj 16·16 = 256; MLP 2·16·16 = 512.
  const auto c = count_params(model_spec(arch, tiny, ModelVariant::kHwgpt));
  EXPECT_EQ(c.total, 1600u + 96u + 768u + 256u + 512u);
  EXPECT_EQ(c.matmul_weights, 1600u + 768u + 256u + 512u);
}

TEST(Params, BiasesAddExactlyTheLinearBiasVectors) {
  const auto& t = SearchSpace::builtin("t");
  auto arch = space::parse_arch("gpt-t-3-128-2-3-4-1-2-4-True", t);
  const auto with = num_params(model_spec(arch, t, ModelVariant::kHwgpt));
  arch.bias = false;
  const auto without = num_params(model_spec(arch, t, ModelVariant::kHwgpt));
  // Per layer: qkv 3A + proj E + fc F + proj E, with A = h·32, F = r·128.
  std::uint64_t biases = 0;
  for (auto [r, h] : {std::pair{2, 1}, {3, 2}, {4, 4}}) biases += 3u * h * 32u + 128u + r * 128u + 128u;
  EXPECT_EQ(with - without, biases);
  // The gated MLP has one more bias vector of width F per layer.
  arch.bias = true;
  const auto orig_with = num_params(model_spec(arch, t, ModelVariant::kOriginalProfiled));
  arch.bias = false;
  const auto orig_without = num_params(model_spec(arch, t, ModelVariant::kOriginalProfiled));
  EXPECT_EQ(orig_with - orig_without, biases + (2u + 3u + 4u) * 128u);
}

}  // namespace
}  // namespace hwgpt::analytic
