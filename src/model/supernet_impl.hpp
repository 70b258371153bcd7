// Private to the model and train modules: the torch state behind Supernet and DenseModel, and the
// forward math both share. Included only by .cpp files (never by public headers).
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hwgpt/core/tensor_file.hpp"
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
  int experts = 1;                          // mixture of supernets when > 1 (Supernet::experts)
  LayerPlacement layers = LayerPlacement::kPrefix;
  std::vector<std::string> names;           // fixed order
  std::vector<torch::Tensor> tensors;       // same order; requires_grad
  // Super-weights grouped as the forward uses them (aliases of `tensors`). With experts > 1,
  // `full` holds expert 0's matrices and `extra_experts[k-1]` expert k's four matrices per layer
  // (qkv, proj, fc, mlp_proj; nothing else of it is defined).
  Weights full;
  std::vector<Weights> extra_experts;
  torch::Tensor router_in_weight, router_in_bias, router_out_weight, router_out_bias;
  Impl(space::SearchSpace s, const SupernetOptions& o) : space(std::move(s)), experts(o.experts), layers(o.layers) {}
  SupernetOptions options() const { return {experts, layers}; }
  // Super-layer of each of an arch's L layers (Supernet::layer_indices).
  std::vector<int> layer_indices(int L) const;
  const torch::Tensor& get(const std::string& name) const;
  // The router's mixture weights of `arch`: (max_layers, experts), each row summing to 1.
  torch::Tensor mixture(const space::Arch& arch) const;
  // Prefix slices for `arch` (validated). With one expert they are views sharing storage with the
  // super-weights; with more, each layer's four matrices are the router-weighted sums of the
  // experts' slices (new tensors, differentiable in the experts and the router).
  Weights slice(const space::Arch& arch) const;
};

// A model file being written: CPU float32 copies of the tensors, kept until write() has read them.
class ModelFileTensors {
 public:
  explicit ModelFileTensors(std::string metadata) : writer_(std::move(metadata)) {}
  void add(std::string name, const torch::Tensor& tensor);
  void write(const std::filesystem::path& path) const;  // atomic; FileError naming the file

 private:
  std::vector<torch::Tensor> copies_;  // writer_ points into their storage (which never moves)
  TensorFileWriter writer_;
};

// A supernet file's metadata ({"format": "hwgpt-supernet", "space": {...}}) and its tensors
// ("param/<name>"); a training checkpoint adds "train" and the AdamW moments beside them, so every
// checkpoint is also a supernet file.
nlohmann::json supernet_metadata(const Supernet::Impl& impl);
void add_supernet_tensors(ModelFileTensors& file, const Supernet::Impl& impl);
// The metadata of a model file, checked to be a supernet's (FileError naming the file otherwise).
nlohmann::json read_model_metadata(const TensorFile& file);

struct DenseModel::Impl {
  space::Arch arch;
  Weights weights;
  KvCache cache;
};

}  // namespace hwgpt::model
