// Fine-tuning a sub-network from inherited weights (finetune.hpp).
#include "hwgpt/train/finetune.hpp"

#include "hwgpt/core/error.hpp"
#include "hwgpt/space/arch_string.hpp"

namespace hwgpt::train {

TrainConfig finetune_config(const std::filesystem::path& supernet_file, const std::string& arch,
                            const FinetuneOptions& o) {
  TrainConfig c;
  c.standalone_arch = arch;
  c.init_from = supernet_file.string();
  c.max_steps = o.steps;
  c.peak_lr = o.peak_lr;
  c.warmup_steps = o.warmup_steps;
  c.seed = o.seed;
  c.eval_every = 0;
  c.device = o.device;
  return c;
}

Trainer finetune_arch(const space::SearchSpace& space, const std::filesystem::path& supernet_file,
                      const space::Arch& arch, const TokenSplits& data, const FinetuneOptions& o) {
  if (o.steps < 1) throw ValueError("fine-tune: steps is " + std::to_string(o.steps) + "; expected >= 1");
  // No checkpoint path: the trainer starts from init_from and train_step() never writes.
  Trainer trainer(space, finetune_config(supernet_file, space::format_arch(arch), o), data, {});
  while (trainer.step() < o.steps) trainer.train_step();
  return trainer;
}

}  // namespace hwgpt::train
