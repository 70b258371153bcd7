// ModelSpec: the dense shape of one network, the input of every closed-form count.
// Two variants exist because the original benchmark measured a different model than it trained:
//   kHwgpt:            our model (DESIGN.md): tied embedding/LM head, vocabulary of the space,
//                      2-matrix GELU MLP, linear biases only when bias=True.
//   kOriginalProfiled: the model HW-GPT-Bench profiled for latency/energy/memory: untied embedding
//                      and LM head of vocabulary 50,254, 3-matrix SiLU-gated MLP (a config typo in
//                      the original), linear biases only when bias=True.
// Both have LayerNorm with weight and bias (2E parameters) before attention, before the MLP and at
// the end, and no LM-head bias.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hwgpt/space/arch.hpp"
#include "hwgpt/space/search_space.hpp"

namespace hwgpt::analytic {

enum class ModelVariant { kHwgpt, kOriginalProfiled };

// "hwgpt" or "original".
std::string variant_name(ModelVariant variant);
ModelVariant parse_variant(std::string_view name);  // throws ParseError

// Vocabulary of the original's profiled model (lit_gpt config padded_vocab_size).
inline constexpr int kOriginalProfiledVocab = 50254;

struct LayerShape {
  int num_heads = 0;
  int mlp_hidden = 0;  // r·E
};

struct ModelSpec {
  int embed_dim = 0;                 // E
  int head_size = 0;                 // hs
  int vocab_size = 0;                // V
  std::vector<LayerShape> layers;    // size L
  bool bias = false;                 // biases of the linear layers
  bool tied_embedding = true;        // LM head shares the embedding matrix
  int mlp_matrices = 2;              // 2: fc + proj (GELU); 3: fc_1, fc_2, proj (SiLU-gated)
};

// Throws ValueError if `arch` is not in `space`.
ModelSpec model_spec(const space::Arch& arch, const space::SearchSpace& space, ModelVariant variant);
// model_spec() into `spec`, reusing its layer storage, for an arch the caller has already passed
// through space.validate() (surrogate features: one validation and no allocation per query).
void fill_model_spec(const space::Arch& arch, const space::SearchSpace& space, ModelVariant variant, ModelSpec& spec);

}  // namespace hwgpt::analytic
