// Private to the model and train modules: the torch state behind Supernet and DenseModel, and the
// forward math both share. Included only by .cpp files (never by public headers).
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "hwgpt/model/supernet.hpp"

namespace hwgpt::model {

// The tensors one layer uses: views of the super-weights (slicing) or owned dense copies.
// Undefined bias tensors mean bias=False.
struct LayerWeights {
  torch::Tensor norm_1_weight, norm_1_bias;  // (E)
  torch::Tensor qkv_weight, qkv_bias;        // (3·h·hs, E), (3·h·hs)
  torch::Tensor proj_weight, proj_bias;      // (E, h·hs), (E)
  torch::Tensor norm_2_weight, norm_2_bias;  // (E)
  torch::Tensor fc_weight, fc_bias;          // (F, E), (F)
  torch::Tensor mlp_proj_weight, mlp_proj_bias;  // (E, F), (E)
  int num_heads = 0;
};

struct Weights {
  torch::Tensor wte;                     // (V, E), tied LM head
  std::vector<LayerWeights> layers;
  torch::Tensor ln_f_weight, ln_f_bias;  // (E)
  int head_size = 0;

  // Every tensor slot in the fixed order (embedding, each layer's twelve, final norm), undefined
  // biases included: for code that treats all weights alike (counting, copying, re-binding).
  std::vector<torch::Tensor*> all_tensors() {
    std::vector<torch::Tensor*> out{&wte};
    for (LayerWeights& l : layers)
      out.insert(out.end(), {&l.norm_1_weight, &l.norm_1_bias, &l.qkv_weight, &l.qkv_bias, &l.proj_weight,
                             &l.proj_bias, &l.norm_2_weight, &l.norm_2_bias, &l.fc_weight, &l.fc_bias,
                             &l.mlp_proj_weight, &l.mlp_proj_bias});
    out.insert(out.end(), {&ln_f_weight, &ln_f_bias});
    return out;
  }
  std::vector<const torch::Tensor*> all_tensors() const {
    std::vector<const torch::Tensor*> out;
    for (torch::Tensor* t : const_cast<Weights*>(this)->all_tensors()) out.push_back(t);
    return out;
  }
};

// Keys and values of past positions, per layer: (B, h, T_past, hs). Empty before the first call.
struct KvCache {
  std::vector<torch::Tensor> keys, values;
  int length = 0;   // positions fed so far: the absolute position of the next token
  int window = 0;   // > 0: keep only the newest `window` keys/values (sliding window)
};

// Logits (B, T, V) for token ids (B, T) (int64). With a cache, positions start at cache->length
// and the new keys/values are appended.
torch::Tensor forward_logits(const Weights& w, const torch::Tensor& tokens, KvCache* cache = nullptr);

// Checks the (B, T) shape and the id range; returns the int64 tensor.
torch::Tensor token_tensor(const TokenBatch& batch, int vocab_size);
Logits to_logits(const torch::Tensor& logits);

struct Supernet::Impl {
  space::SearchSpace space;
  std::vector<std::string> names;           // fixed order
  std::vector<torch::Tensor> tensors;       // same order; requires_grad
  // Super-weights grouped as the forward uses them (aliases of `tensors`).
  Weights full;
  explicit Impl(space::SearchSpace s) : space(std::move(s)) {}
  const torch::Tensor& get(const std::string& name) const;
  // Prefix slices for `arch` (validated); views share storage with the super-weights.
  Weights slice(const space::Arch& arch) const;
};

// 64-bit FNV-1a (text::fnv1a64_words) over each tensor's name and float32 bytes, in order: the
// checksum model files carry so that damaged tensor data is an error, not silently other weights.
std::uint64_t tensor_checksum(const std::vector<std::string>& names, const std::vector<torch::Tensor>& tensors);

// Writes the supernet entries (magic, version, space, param/<name>, checksum) to `archive`; the training
// checkpoint adds its own entries beside them, so every checkpoint is also a supernet file.
void write_supernet_entries(torch::serialize::OutputArchive& archive, const Supernet::Impl& impl);
// Saves `archive` to `path` atomically: a temporary file beside it, then rename.
void save_archive_atomically(torch::serialize::OutputArchive& archive, const std::filesystem::path& path);
// Loads `path` into `archive` after check_zip (zip_check.hpp) has accepted every byte of it:
// libtorch never parses a damaged file. Any failure is a FileError naming the file.
// `kind` names the file in messages ("hwgpt supernet file", "training checkpoint").
void load_archive_checked(torch::serialize::InputArchive& archive, const std::filesystem::path& path,
                          const std::string& kind);

struct DenseModel::Impl {
  space::Arch arch;
  Weights weights;
  KvCache cache;
};

}  // namespace hwgpt::model
