// AutocastGuard (src/model/autocast_guard.hpp), on the CPU with bfloat16 (the GPU takes the same
// calls with its device type): inside the guard matrix products run in bfloat16, outside it
// nothing changed, and a dense model's logits stay within bfloat16's precision of float32's.
#include <gtest/gtest.h>

#include "autocast_guard.hpp"
#include "hwgpt/model/supernet.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "supernet_impl.hpp"

namespace hwgpt::model {
namespace {

torch::Tensor product() { return torch::matmul(torch::ones({4, 8}), torch::ones({8, 4})); }

TEST(AutocastGuard, LowersMatrixProductsInsideItsScopeOnly) {
  const torch::Device cpu(torch::kCPU);
  EXPECT_EQ(product().scalar_type(), torch::kFloat);
  {
    AutocastGuard guard(cpu, at::kBFloat16);
    EXPECT_EQ(product().scalar_type(), torch::kBFloat16);
    {
      AutocastGuard none(cpu, std::nullopt);  // float32 workload: leaves the outer state alone
      EXPECT_EQ(product().scalar_type(), torch::kBFloat16);
    }
    EXPECT_EQ(product().scalar_type(), torch::kBFloat16);
  }
  EXPECT_EQ(product().scalar_type(), torch::kFloat);
}

TEST(AutocastGuard, DenseLogitsStayWithinBfloat16Precision) {
  const auto& space = space::SearchSpace::builtin("t");
  Supernet net(space, 3);
  auto dense = net.extract(space::parse_arch("gpt-t-4-128-3-2-4-3-2-4-1-2-False", space));
  const torch::Tensor tokens = torch::arange(32, torch::kInt64).remainder(256).view({2, 16});
  torch::NoGradGuard no_grad;
  const torch::Tensor exact = forward_logits(dense.impl().weights, tokens);
  torch::Tensor low;
  {
    AutocastGuard guard(torch::Device(torch::kCPU), at::kBFloat16);
    low = forward_logits(dense.impl().weights, tokens);
  }
  EXPECT_EQ(exact.scalar_type(), torch::kFloat);
  EXPECT_EQ(low.scalar_type(), torch::kBFloat16);
  // 8 mantissa bits: ~0.4 % per rounding, a few roundings deep; not bit-equal (it did run lower).
  const double scale = exact.abs().max().item<double>();
  const double error = (low.to(torch::kFloat) - exact).abs().max().item<double>();
  EXPECT_GT(error, 0.0);
  EXPECT_LT(error, 0.05 * scale);
}

}  // namespace
}  // namespace hwgpt::model
