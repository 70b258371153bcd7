// Shared by the trainer tests (trainer_test.cpp, distill_test.cpp): the t space, a small learnable
// corpus, a tiny training config and a snapshot of every parameter.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "hwgpt/core/rng.hpp"
#include "hwgpt/train/byte_corpus.hpp"
#include "hwgpt/train/trainer.hpp"

namespace hwgpt::test {

inline const space::SearchSpace& t_space() { return space::SearchSpace::builtin("t"); }

// A 20 kB corpus of words drawn from a small vocabulary: learnable in a few steps.
inline std::filesystem::path write_corpus(const std::filesystem::path& dir, std::uint64_t seed = 1) {
  static const char* words[] = {"the ", "king ", "and ", "queen ", "of ", "rome ", "speak ", "now.\n"};
  Rng rng(seed);
  std::string text;
  while (text.size() < 20000) text += words[rng.uniform_index(8)];
  const std::filesystem::path p = dir / ("corpus" + std::to_string(seed) + ".txt");
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

// The splits of write_corpus's text, read as bytes.
inline train::TokenSplits learnable_corpus(const std::filesystem::path& dir) {
  return train::load_byte_corpus(write_corpus(dir));
}

// Five steps of batch 2 x 16, checkpoints every 2 steps, no validation.
inline train::TrainConfig tiny_config() {
  train::TrainConfig c;
  c.max_steps = 5;
  c.batch = 2;
  c.sequence_length = 16;
  c.warmup_steps = 2;
  c.eval_every = 0;
  c.checkpoint_every = 2;
  c.seed = 3;
  return c;
}

// Every parameter of a supernet, in parameter_names() order.
inline std::vector<std::vector<float>> all_params(const model::Supernet& net) {
  std::vector<std::vector<float>> out;
  for (const auto& name : net.parameter_names()) out.push_back(net.parameter(name));
  return out;
}

inline std::vector<std::vector<float>> all_params(const train::Trainer& t) { return all_params(t.supernet()); }

}  // namespace hwgpt::test
