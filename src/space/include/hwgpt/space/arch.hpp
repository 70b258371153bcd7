// Arch: one architecture of a search space, as plain data. Valid Archs come from parse_arch(),
// the samplers and SearchSpace::validate(); the struct itself checks nothing and does no I/O.
#pragma once

#include <string>
#include <vector>

namespace hwgpt::space {

struct Arch {
  std::string space;                  // name of the search space ("t", "s", "m", "l", a JSON space)
  int num_layers = 0;                 // L
  int embed_dim = 0;                  // E, the residual-stream width
  std::vector<int> mlp_ratios;        // per layer (size L); MLP width of layer i = mlp_ratios[i] * E
  std::vector<int> num_heads;         // per layer (size L); attention width = num_heads[i] * head_size
  bool bias = false;                  // linear-layer biases (LayerNorm always has them)
  friend bool operator==(const Arch&, const Arch&) = default;
};

}  // namespace hwgpt::space
