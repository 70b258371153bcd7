// The loss one sub-network of a sandwich step learns from (trainer.cpp; private to hwgpt_train,
// tested in tests/train/distill_test.cpp).
#pragma once

#include <torch/torch.h>

namespace hwgpt::train {

// Mean over the n rows of (1 - distill)·CE(logits, targets) + distill·CE(logits, teacher), where
// `logits` is [n, V], `targets` [n] token ids and `teacher` [n, V] probabilities (detached; an
// undefined tensor, or distill 0, gives the label loss alone). The soft term's gradient with
// respect to the logits is (softmax(logits) - teacher) / n: in-place distillation pulls the
// sub-network's distribution towards the teacher's, as KL(teacher || student) does.
struct SandwichLoss {
  torch::Tensor loss;        // what the sub-network learns from (backward)
  torch::Tensor label_loss;  // CE(logits, targets): what progress reports show
};
SandwichLoss sandwich_loss(const torch::Tensor& logits, const torch::Tensor& targets, const torch::Tensor& teacher,
                           double distill);

}  // namespace hwgpt::train
