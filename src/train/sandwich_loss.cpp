#include "sandwich_loss.hpp"

namespace hwgpt::train {

SandwichLoss sandwich_loss(const torch::Tensor& logits, const torch::Tensor& targets, const torch::Tensor& teacher,
                           double distill) {
  const torch::Tensor label_loss = torch::nn::functional::cross_entropy(logits, targets);
  if (!teacher.defined() || distill == 0) return {label_loss, label_loss};
  const torch::Tensor soft_loss = -(teacher * torch::log_softmax(logits, -1)).sum(-1).mean();
  return {label_loss * (1.0 - distill) + soft_loss * distill, label_loss};
}

}  // namespace hwgpt::train
