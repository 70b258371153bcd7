// ModelExecutor (see model_executor.hpp). The one translation unit of profile that includes torch.
#include "hwgpt/profile/model_executor.hpp"

#include <chrono>
#include <optional>

#include "hwgpt/core/error.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/model/supernet.hpp"
#include "autocast_guard.hpp"
#include "supernet_impl.hpp"

#ifdef HWGPT_TORCH_CUDA  // set by CMake when libtorch was built with CUDA (CAFFE2_USE_CUDA)
#include <c10/cuda/CUDACachingAllocator.h>
#endif

namespace hwgpt::profile {
namespace {

torch::Device checked_device(const std::string& name) {
  model::check_compute_device(name);  // a ValueError naming the problem, before torch parses it
  return torch::Device(name);
}

// GPU work is asynchronous: wait for it before reading the clock (a no-op on the CPU).
void synchronize(const torch::Device& device) {
  if (device.is_cuda()) torch::cuda::synchronize(device.index());
}

class ModelExecutor final : public ArchExecutor {
 public:
  ModelExecutor(const space::SearchSpace& space, const ModelExecutorConfig& config)
      : supernet_(config.checkpoint ? model::Supernet::load(*config.checkpoint, &space)
                                    : model::Supernet(space, config.seed)),
        seed_(config.seed),
        device_(checked_device(config.device)) {
    model::set_num_threads(config.threads);
    if (!device_.is_cpu()) {
      supernet_.to_device(config.device);
      device_ = torch::Device(supernet_.device());  // "cuda" resolved to its index
    }
  }
  std::string model_variant() const override { return "hwgpt"; }
  bool on_gpu() const override { return device_.is_cuda(); }

  void prepare(const space::Arch& arch, const analytic::Workload& workload) override {
    switch (workload.dtype) {
      case analytic::Dtype::kFloat32: autocast_.reset(); break;
      case analytic::Dtype::kBFloat16: autocast_ = at::kBFloat16; break;
      case analytic::Dtype::kFloat16:
        if (!device_.is_cuda())
          throw hwgpt::ValueError("profile: autocast to float16 needs a GPU (the CPU autocasts to bfloat16)");
        autocast_ = at::kHalf;
        break;
      default:
        throw hwgpt::ValueError("profile: the executor runs float32 or autocasts to bfloat16/float16; got " +
                                analytic::dtype_name(workload.dtype));
    }
    dense_.reset();
    dense_.emplace(supernet_.extract(arch));
    const auto vocab = static_cast<std::uint64_t>(supernet_.search_space().vocab_size());
    Rng rng(seed_);
    std::vector<std::int64_t> ids(static_cast<std::size_t>(workload.batch) * static_cast<std::size_t>(workload.sequence_length));
    for (auto& id : ids) id = static_cast<std::int64_t>(rng.uniform_index(vocab));
    // clone(): from_blob views `ids`, which ends here (and to() on the same device copies nothing).
    tokens_ = torch::from_blob(ids.data(), {workload.batch, workload.sequence_length}, torch::kInt64).clone().to(device_);
    next_token_ = torch::full({1, 1}, static_cast<std::int64_t>(rng.uniform_index(vocab)), torch::kInt64).to(device_);
  }

  double forward() override {
    torch::NoGradGuard no_grad;
    model::AutocastGuard autocast(device_, autocast_);
    synchronize(device_);
    const auto start = std::chrono::steady_clock::now();
    const torch::Tensor logits = model::forward_logits(dense_->impl().weights, tokens_);
    synchronize(device_);  // on the CPU, eager ops are synchronous: the result exists here
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  }

  void reset_decode() override { dense_->impl().cache = model::KvCache{}; }

  double decode_token() override {
    torch::NoGradGuard no_grad;
    model::AutocastGuard autocast(device_, autocast_);
    synchronize(device_);
    const auto start = std::chrono::steady_clock::now();
    const torch::Tensor logits = model::forward_logits(dense_->impl().weights, next_token_, &dense_->impl().cache);
    synchronize(device_);
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  }

  std::optional<double> gpu_forward_memory_mb(std::string* why_not) override {
#ifdef HWGPT_TORCH_CUDA
    if (!device_.is_cuda()) return ArchExecutor::gpu_forward_memory_mb(why_not);
    namespace alloc = c10::cuda::CUDACachingAllocator;
    const int index = device_.index();
    // Index 0 is StatType::AGGREGATE in every libtorch; the enum itself moved between namespaces
    // in libtorch 2.x (out of c10::cuda::CUDACachingAllocator); the index did not change.
    constexpr std::size_t aggregate = 0;
    synchronize(device_);
    alloc::resetPeakStats(index);
    const std::int64_t before = alloc::getDeviceStats(index).allocated_bytes[aggregate].current;
    (void)forward();
    const std::int64_t peak = alloc::getDeviceStats(index).allocated_bytes[aggregate].peak;
    return static_cast<double>(peak - before) / 1e6;
#else
    if (why_not) *why_not = "this build's libtorch has no CUDA allocator";
    return std::nullopt;
#endif
  }

 private:
  model::Supernet supernet_;
  std::uint64_t seed_;
  torch::Device device_;
  std::optional<at::ScalarType> autocast_;  // the workload's 16-bit type; none: float32
  std::optional<model::DenseModel> dense_;
  torch::Tensor tokens_, next_token_;
};

}  // namespace

std::unique_ptr<ArchExecutor> make_model_executor(const space::SearchSpace& space, const ModelExecutorConfig& config) {
  return std::make_unique<ModelExecutor>(space, config);
}

}  // namespace hwgpt::profile
