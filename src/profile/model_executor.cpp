// ModelExecutor (see model_executor.hpp). The one translation unit of profile that includes torch.
#include "hwgpt/profile/model_executor.hpp"

#include <chrono>
#include <optional>

#include "hwgpt/core/error.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/model/supernet.hpp"
#include "supernet_impl.hpp"

namespace hwgpt::profile {
namespace {

class ModelExecutor final : public ArchExecutor {
 public:
  ModelExecutor(const space::SearchSpace& space, const ModelExecutorConfig& config)
      : supernet_(config.checkpoint ? model::Supernet::load(*config.checkpoint, &space)
                                    : model::Supernet(space, config.seed)),
        seed_(config.seed) {
    model::set_num_threads(config.threads);
  }
  std::string model_variant() const override { return "hwgpt"; }

  void prepare(const space::Arch& arch, const analytic::Workload& workload) override {
    if (workload.dtype != analytic::Dtype::kFloat32)
      throw hwgpt::ValueError("profile: the CPU executor runs float32 only; got " + analytic::dtype_name(workload.dtype));
    dense_.reset();
    dense_.emplace(supernet_.extract(arch));
    const auto vocab = static_cast<std::uint64_t>(supernet_.search_space().vocab_size());
    Rng rng(seed_);
    std::vector<std::int64_t> ids(static_cast<std::size_t>(workload.batch) * static_cast<std::size_t>(workload.sequence_length));
    for (auto& id : ids) id = static_cast<std::int64_t>(rng.uniform_index(vocab));
    tokens_ = torch::from_blob(ids.data(), {workload.batch, workload.sequence_length}, torch::kInt64).clone();
    next_token_ = torch::full({1, 1}, static_cast<std::int64_t>(rng.uniform_index(vocab)), torch::kInt64);
  }

  double forward() override {
    torch::NoGradGuard no_grad;
    const auto start = std::chrono::steady_clock::now();
    const torch::Tensor logits = model::forward_logits(dense_->impl().weights, tokens_);
    (void)logits.data_ptr<float>();  // eager CPU ops are synchronous; the result exists here
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  }

  void reset_decode() override { dense_->impl().cache = model::KvCache{}; }

  double decode_token() override {
    torch::NoGradGuard no_grad;
    const auto start = std::chrono::steady_clock::now();
    const torch::Tensor logits = model::forward_logits(dense_->impl().weights, next_token_, &dense_->impl().cache);
    (void)logits.data_ptr<float>();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  }

 private:
  model::Supernet supernet_;
  std::uint64_t seed_;
  std::optional<model::DenseModel> dense_;
  torch::Tensor tokens_, next_token_;
};

}  // namespace

std::unique_ptr<ArchExecutor> make_model_executor(const space::SearchSpace& space, const ModelExecutorConfig& config) {
  return std::make_unique<ModelExecutor>(space, config);
}

}  // namespace hwgpt::profile
