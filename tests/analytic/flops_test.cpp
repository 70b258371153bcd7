// Unit tests for src/analytic/flops.cpp: nanoGPT's sizing figure for GPT-2 small, the original's
// recorded MACs, a hand count, and consistency between prefill and cached decoding.
#include "hwgpt/analytic/flops.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../common/test_data.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/space/arch_string.hpp"

namespace hwgpt::analytic {
namespace {

using space::SearchSpace;

TEST(Flops, Gpt2SmallForwardPassOf1024Tokens) {
  // nanoGPT transformer_sizing.ipynb convention: 2 FLOPs per MAC, full T×T attention matmuls,
  // no element-wise ops. Bias does not enter.
  const auto& s = SearchSpace::builtin("s");
  auto arch = s.largest_arch();
  arch.bias = false;
  const auto f = forward_flops(model_spec(arch, s, ModelVariant::kHwgpt), {1, 1024, Dtype::kFloat32});
  EXPECT_EQ(f.total, 291'648'307'200u);
  EXPECT_EQ(f.attention, 12ULL * 2 * 2 * 1024 * 1024 * 768);
}

TEST(Flops, OriginalRecordedMacsOfTheSpecRecord) {
  const auto& s = SearchSpace::builtin("s");
  const auto arch = space::parse_arch("gpt-s-10-768-2-2-4-4-3-3-3-4-4-2-4-12-12-4-4-12-12-8-4-12-False", s);
  EXPECT_EQ(linear_macs(model_spec(arch, s, ModelVariant::kOriginalProfiled), 8u * 1024u),
            900'823'252'992u);
}

TEST(Flops, HandCountOfATinyModel) {
  const auto tiny = SearchSpace::load(test::fixture_dir() / "space" / "tiny.json");
  const auto spec = model_spec(space::parse_arch("gpt-tiny-1-16-1-2-False", tiny), tiny, ModelVariant::kHwgpt);
  // matmul weights 3136, N = 2·16 = 32 tokens: linear 2·32·3136; attention 2·2·B·T²·A = 4·2·256·16.
  const auto f = forward_flops(spec, {2, 16, Dtype::kFloat32});
  EXPECT_EQ(f.linear, 200'704u);
  EXPECT_EQ(f.attention, 32'768u);
  EXPECT_EQ(f.total, 233'472u);
}

TEST(Flops, DecodeAndGenerationAreConsistentWithTheForwardPass) {
  const auto& t = SearchSpace::builtin("t");
  const auto spec = model_spec(t.mid_arch(), t, ModelVariant::kHwgpt);
  // Linear work per token is the same cached or not.
  EXPECT_EQ(forward_flops(spec, {1, 100, Dtype::kFloat32}).linear, 100u * decode_flops_per_token(spec, 7).linear);
  // Generation = prompt forward + Σ decode steps.
  const std::uint64_t prompt = 10, new_tokens = 6;
  std::uint64_t expected = forward_flops(spec, {1, static_cast<int>(prompt), Dtype::kFloat32}).total;
  for (std::uint64_t c = prompt + 1; c < prompt + new_tokens; ++c) expected += decode_flops_per_token(spec, c).total;
  EXPECT_EQ(generation_flops(spec, prompt, new_tokens), expected);
  EXPECT_EQ(generation_flops(spec, prompt, 1), forward_flops(spec, {1, 10, Dtype::kFloat32}).total);
  EXPECT_EQ(generation_flops(spec, prompt, 0), 0u);
  // Attention of a decode step grows linearly with the context.
  EXPECT_EQ(decode_flops_per_token(spec, 200).attention, 2 * decode_flops_per_token(spec, 100).attention);
}

TEST(Flops, HugeWorkloadsThrowInsteadOfWrapping) {
  const auto& l = SearchSpace::builtin("l");
  const auto spec = model_spec(l.largest_arch(), l, ModelVariant::kHwgpt);
  EXPECT_THAT([&] { (void)forward_flops(spec, {1'000'000, 10'000'000, Dtype::kFloat32}); },
              ::testing::ThrowsMessage<ValueError>(::testing::HasSubstr("overflows 64 bits")));
}

}  // namespace
}  // namespace hwgpt::analytic
