// Unit tests for src/analytic/memory.cpp: hand-computed bytes of a tiny model and scaling laws.
#include "hwgpt/analytic/memory.hpp"

#include <gtest/gtest.h>

#include "../common/test_data.hpp"
#include "hwgpt/analytic/params.hpp"
#include "hwgpt/analytic/summary.hpp"
#include "hwgpt/space/arch_string.hpp"

namespace hwgpt::analytic {
namespace {

using space::SearchSpace;

ModelSpec tiny_spec() {
  static const auto tiny = SearchSpace::load(test::fixture_dir() / "space" / "tiny.json");
  return model_spec(space::parse_arch("gpt-tiny-1-16-1-2-False", tiny), tiny, ModelVariant::kHwgpt);
}

TEST(Memory, WeightsAreParamsTimesDtypeSize) {
  const auto spec = tiny_spec();
  EXPECT_EQ(weight_bytes(spec, Dtype::kFloat32), 3232u * 4u);
  EXPECT_EQ(weight_bytes(spec, Dtype::kBFloat16), 3232u * 2u);
  EXPECT_EQ(weight_bytes(spec, Dtype::kInt8), 3232u);
}

TEST(Memory, KvCacheHandCount) {
  // K and V: 2 · B 2 · T 16 · A 16 · 4 bytes.
  EXPECT_EQ(kv_cache_bytes(tiny_spec(), {2, 16, Dtype::kFloat32}), 4096u);
  EXPECT_EQ(kv_cache_bytes(tiny_spec(), {2, 16, Dtype::kFloat16}), 2048u);
}

TEST(Memory, ActivationPeakHandCount) {
  // N = 32, E = 16, A = 16, F = 16, V = 100, h = 2, T = 16 (elements):
  //   head      2·N·E + N·V           = 1024 + 3200        = 4224
  //   attention 2·N·E + 3·N·A + 2·B·h·T² = 1024 + 1536 + 2048 = 4608  <- peak
  //   MLP       3·N·E + 2·N·F         = 1536 + 1024        = 2560
  EXPECT_EQ(forward_activation_bytes(tiny_spec(), {2, 16, Dtype::kFloat32}), 4608u * 4u);
}

TEST(Memory, ScalesWithBatchAndGrowsWithSequence) {
  const auto& s = SearchSpace::builtin("s");
  const auto spec = model_spec(s.mid_arch(), s, ModelVariant::kHwgpt);
  const Workload one{1, 512, Dtype::kFloat32}, four{4, 512, Dtype::kFloat32}, longer{1, 1024, Dtype::kFloat32};
  EXPECT_EQ(forward_activation_bytes(spec, four), 4 * forward_activation_bytes(spec, one));
  EXPECT_EQ(kv_cache_bytes(spec, four), 4 * kv_cache_bytes(spec, one));
  EXPECT_EQ(kv_cache_bytes(spec, longer), 2 * kv_cache_bytes(spec, one));
  // At s the N·V logits dominate (linear in T); at t (vocabulary 256) the T² scores do.
  EXPECT_EQ(forward_activation_bytes(spec, longer), 2 * forward_activation_bytes(spec, one));
  const auto& t = SearchSpace::builtin("t");
  const auto small = model_spec(t.mid_arch(), t, ModelVariant::kHwgpt);
  EXPECT_GT(forward_activation_bytes(small, longer), 3 * forward_activation_bytes(small, one));
}

TEST(Summary, AnalyzeAgreesWithTheIndividualFunctions) {
  const auto& m = SearchSpace::builtin("m");
  const auto arch = m.mid_arch();
  const Workload w{4, 1024, Dtype::kBFloat16};
  const auto spec = model_spec(arch, m, ModelVariant::kOriginalProfiled);
  const auto a = analyze(arch, m, w, ModelVariant::kOriginalProfiled);
  EXPECT_EQ(a.params.total, num_params(spec));
  EXPECT_EQ(a.forward.total, forward_flops(spec, w).total);
  EXPECT_EQ(a.linear_macs, linear_macs(spec, 4096));
  EXPECT_EQ(a.weight_bytes, 2 * num_params(spec));
  EXPECT_EQ(a.kv_cache_bytes, kv_cache_bytes(spec, w));
  EXPECT_EQ(a.activation_bytes, forward_activation_bytes(spec, w));
  EXPECT_EQ(a.decode_per_token.total, decode_flops_per_token(spec, 1024).total);
}

}  // namespace
}  // namespace hwgpt::analytic
