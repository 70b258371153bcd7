// Tests of the compute-device path (model::check_compute_device, Supernet::to_device): names are
// checked before torch sees them, CUDA on a CPU-only libtorch is a clear error, "cpu" moves
// nothing, and on a machine with a CUDA libtorch and a GPU the GPU's logits and decoding match the
// CPU's (those tests report SKIPPED elsewhere, naming why).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "../common/temp_dir.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/model/supernet.hpp"
#include "hwgpt/space/arch_string.hpp"

namespace {

using hwgpt::model::Supernet;
using hwgpt::model::TokenBatch;
using hwgpt::space::SearchSpace;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

const SearchSpace& t_space() { return SearchSpace::builtin("t"); }

TokenBatch batch_of(int b, int t) {
  hwgpt::Rng rng(4);
  TokenBatch out{b, t, {}};
  for (int i = 0; i < b * t; ++i) out.tokens.push_back(static_cast<std::int32_t>(rng.uniform_index(256)));
  return out;
}

TEST(ComputeDevice, NamesAreCheckedAndCudaNeedsACudaLibtorch) {
  EXPECT_NO_THROW(hwgpt::model::check_compute_device("cpu"));
  for (const char* bad : {"tpu", "", "gpu", "cuda:x", "cpu:0:1"})
    EXPECT_THAT([&] { hwgpt::model::check_compute_device(bad); },
                ThrowsMessage<hwgpt::ValueError>(HasSubstr("expected cpu, cuda or cuda:N")))
        << bad;
  if (hwgpt::model::cuda_available()) {
    EXPECT_NO_THROW(hwgpt::model::check_compute_device("cuda"));
    EXPECT_THAT([&] { hwgpt::model::check_compute_device("cuda:999"); },
                ThrowsMessage<hwgpt::ValueError>(HasSubstr("GPU(s)")));
  } else {
    EXPECT_THAT([&] { hwgpt::model::check_compute_device("cuda"); },
                ThrowsMessage<hwgpt::ValueError>(HasSubstr("compute device 'cuda': ")));
    Supernet net(t_space(), 1);
    EXPECT_THROW(net.to_device("cuda:0"), hwgpt::ValueError);
    EXPECT_EQ(net.device(), "cpu");  // a refused move leaves the weights where they were
  }
}

TEST(ComputeDevice, CpuIsTheDefaultAndMovingToItChangesNothing) {
  Supernet net(t_space(), 2);
  EXPECT_EQ(net.device(), "cpu");
  const auto arch = t_space().mid_arch();
  const auto before = net.forward(arch, batch_of(2, 9));
  net.to_device("cpu");
  EXPECT_EQ(net.device(), "cpu");
  EXPECT_EQ(net.forward(arch, batch_of(2, 9)).values, before.values);
}

TEST(ComputeDevice, GpuLogitsAndDecodingMatchTheCpu) {
  if (!hwgpt::model::cuda_available()) GTEST_SKIP() << "no CUDA libtorch or no GPU on this machine";
  Supernet cpu(t_space(), 3), gpu(t_space(), 3);
  gpu.to_device("cuda");
  EXPECT_THAT(gpu.device(), HasSubstr("cuda"));
  const auto arch = t_space().largest_arch();
  const auto a = cpu.forward(arch, batch_of(2, 33)), b = gpu.forward(arch, batch_of(2, 33));
  ASSERT_EQ(a.values.size(), b.values.size());
  double worst = 0;
  for (std::size_t i = 0; i < a.values.size(); ++i) worst = std::max(worst, std::fabs(double(a.values[i]) - b.values[i]));
  EXPECT_LT(worst, 1e-3);  // TF32 may be on for matmuls: not bit-equal, close
  auto dense = gpu.extract(arch);
  dense.reset_cache();
  const TokenBatch one = batch_of(1, 5);
  std::vector<float> step;
  for (auto t : one.tokens) step = dense.decode_step(t);
  const auto full = cpu.forward(arch, one);
  const std::size_t V = step.size(), last = 4 * V;
  for (std::size_t v = 0; v < V; ++v) EXPECT_NEAR(step[v], full.values[last + v], 1e-3);
  // Files are written from CPU copies: a GPU supernet loads on the CPU.
  const hwgpt::test::TempDir dir("device");
  const auto path = dir / "net.hwgpt";
  gpu.save(path);
  EXPECT_EQ(Supernet::load(path).parameter("wte"), gpu.parameter("wte"));
  std::filesystem::remove(path);
}

}  // namespace
