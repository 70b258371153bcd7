// Fine-tuning one sub-network from its inherited weights before it is evaluated (docs/VALIDITY.md
// section 4): a few AdamW steps on a dense copy of the arch's slice of a trained supernet, the
// one-shot + fine-tune protocol of Once-for-All, which ranks archs more like stand-alone training
// than the inherited weights alone.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "hwgpt/train/byte_corpus.hpp"
#include "hwgpt/train/trainer.hpp"

namespace hwgpt::train {

struct FinetuneOptions {
  int steps = 0;                // AdamW steps per arch; 0: evaluate the inherited weights as they are
  double peak_lr = 3e-4;        // linear warm-up to this, cosine to 10 % of it at `steps`
  int warmup_steps = 30;        // 5 % of the 600 steps the shipped t evaluation uses
  std::uint64_t seed = 1;       // the batches: every arch sees the same ones
  std::string device = "cpu";
};

// The trainer config of a fine-tuning run of `arch` started from the model file `supernet_file`
// (the stand-alone trainer's config with init_from set, no validation, the default batch).
TrainConfig finetune_config(const std::filesystem::path& supernet_file, const std::string& arch,
                            const FinetuneOptions& options);

// Runs options.steps steps of finetune_config on data.train and returns the trainer, whose
// supernet() holds the fine-tuned weights in the arch's slice (the rest as in the file). Nothing
// is written to disk. Throws ValueError for options.steps < 1 and the trainer's errors.
Trainer finetune_arch(const space::SearchSpace& space, const std::filesystem::path& supernet_file,
                      const space::Arch& arch, const TokenSplits& data, const FinetuneOptions& options);

}  // namespace hwgpt::train
