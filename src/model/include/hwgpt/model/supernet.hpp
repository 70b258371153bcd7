// The weight-sharing GPT supernet of DESIGN.md ("Model") and the dense models extracted from it.
// Legend: B batch, T sequence length, V vocabulary, E embed width, h heads, hs head size.
//   LitGPT-style decoder: tied embedding/LM head, LayerNorm (eps 1e-5), parallel residual
//   x + attn(ln1(x)) + mlp(ln2(x)), rotary on the first half of each head's dims (base 10000,
//   GPT-NeoX rotate-half), causal attention scaled 1/sqrt(hs), 2-matrix exact-GELU MLP, no dropout.
//   A sub-network uses prefix slices of the super-weights; bias=False skips the linear biases.
// No torch in this header (pimpl): users of the model module never compile libtorch.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "hwgpt/space/arch.hpp"
#include "hwgpt/space/search_space.hpp"

namespace hwgpt::model {

// Row-major (B, T, V) float32 logits.
struct Logits {
  int batch = 0, sequence_length = 0, vocab_size = 0;
  std::vector<float> values;
  float at(int b, int t, int v) const {
    return values[(static_cast<std::size_t>(b) * static_cast<std::size_t>(sequence_length) +
                   static_cast<std::size_t>(t)) * static_cast<std::size_t>(vocab_size) +
                  static_cast<std::size_t>(v)];
  }
};

// Token ids of a (B, T) batch, row-major; every id must be in [0, V).
struct TokenBatch {
  int batch = 0, sequence_length = 0;
  std::vector<std::int32_t> tokens;
};

class DenseModel;

// Threads of libtorch's intra-op pool and of the BLAS library's own pool (0 leaves the defaults:
// one per core). Set it once, before the first forward pass. OpenBLAS's pthread build (Debian's
// libopenblas0-pthread) keeps a pool of its own that torch::set_num_threads does not limit.
void set_num_threads(int threads);
// Threads of OpenBLAS's pool, or -1 when the BLAS library in use is not OpenBLAS.
int blas_threads();

// Compute devices: "cpu" (the default everywhere) or "cuda" / "cuda:N". A libtorch built with
// CUDA runs models, training and profiling on the GPU; Debian's libtorch is CPU-only, and there
// check_compute_device("cuda") says so. Throws ValueError for another name, an index out of
// range, or CUDA where this libtorch or machine has none (the message says which).
void check_compute_device(const std::string& device);
// True when this libtorch was built with CUDA and sees at least one GPU.
bool cuda_available();

// Parameter names (shapes in super dimensions; Em, Hm = max heads·hs, Fm = max ratio·Em):
//   wte (V, Em); h.{i}.norm_1.{weight,bias} (Em); h.{i}.attn.qkv.weight (3·Hm, Em), rows grouped
//   per head as [q_0 k_0 v_0 q_1 k_1 v_1 …] (LitGPT layout) so a prefix of rows is a prefix of
//   heads; h.{i}.attn.qkv.bias (3·Hm); h.{i}.attn.proj.weight (Em, Hm), .bias (Em);
//   h.{i}.norm_2.*; h.{i}.mlp.fc.weight (Fm, Em), .bias (Fm); h.{i}.mlp.proj.weight (Em, Fm),
//   .bias (Em); ln_f.{weight,bias} (Em).
// A mixture of supernets (experts > 1; Jawahar et al., "Mixture-of-Supernets", 2024, layer-wise
// variant) adds, for k = 1 … experts-1, h.{i}.expert{k}.{attn.qkv,attn.proj,mlp.fc,mlp.proj}.weight
// of the same shapes, and a router: router.in.weight (32, 3 + 2·L_max), router.in.bias (32),
// router.out.weight (L_max·experts, 32), router.out.bias (L_max·experts). The router maps an arch
// (E, L, bias, per-layer heads and MLP ratios, as shares of the largest) to per-layer mixture
// weights; each layer's four matrices of the arch are the so-weighted sums of the experts'
// prefix slices, so archs share less than one set of weights would force them to. Embedding,
// biases and LayerNorms stay shared.
// How the sub-networks' layers sit in the supernet's L_max layers: an arch of L layers uses
// super-layers 0 … L-1 (prefix, DESIGN.md), or strided, as the original's `layer_sampling_scheme
// "strided"`: all layers for L = L_max; 0 … L-2 and L_max-1 for L = L_max-1; else
// round(i·(L_max-1)/(L-1)) for i = 0 … L-1 (spread over the depth, first and last kept), so every
// arch ends with the same last layer.
enum class LayerPlacement { kPrefix, kStrided };

// What a supernet is made of beyond its space: the experts of a mixture and the layer placement.
struct SupernetOptions {
  int experts = 1;
  LayerPlacement layers = LayerPlacement::kPrefix;
};

class Supernet {
 public:
  // Initialised from `seed`: linear and embedding weights N(0, 0.02), residual projections
  // N(0, 0.02/sqrt(2·L_max)) (GPT-2), biases 0, LayerNorm weight 1 and bias 0. With experts > 1
  // (at most 16), expert 0 is initialised exactly as the one-expert supernet of `seed`, every
  // other expert from further draws of the same distributions, the router's input layer
  // N(0, 1/sqrt(inputs)) and its output layer 0 (every mixture uniform at the start).
  Supernet(const space::SearchSpace& space, std::uint64_t seed, const SupernetOptions& options = {});
  ~Supernet();
  Supernet(Supernet&&) noexcept;
  Supernet& operator=(Supernet&&) noexcept;

  const space::SearchSpace& search_space() const;
  // 1 for one set of super-weights; > 1 for a mixture of supernets (above).
  int experts() const;
  LayerPlacement layer_placement() const;
  // The super-layer of each of an arch's `num_layers` layers (ValueError outside 1 … L_max).
  std::vector<int> layer_indices(int num_layers) const;
  // The router's weights of `arch` (validated): L_max rows of `experts` numbers, row-major, each
  // row summing to 1; all ones for a one-expert supernet.
  std::vector<double> mixture(const space::Arch& arch) const;
  // A one-expert supernet (same layer placement) whose slice for `arch` holds exactly this
  // supernet's weights of `arch` (the mixed matrices; every other element is expert 0's): what
  // fine-tuning one arch of a mixture starts from. A copy for a one-expert supernet.
  Supernet collapsed(const space::Arch& arch) const;

  // Names in a fixed order (embedding, layers in order, final norm) and their shapes.
  std::vector<std::string> parameter_names() const;
  std::vector<std::int64_t> parameter_shape(const std::string& name) const;
  std::vector<float> parameter(const std::string& name) const;
  // Overwrites one parameter; throws ValueError for an unknown name or a wrong element count.
  void set_parameter(const std::string& name, const std::vector<float>& values);
  // Total number of super-weights.
  std::uint64_t num_parameters() const;

  // Logits of the sub-network `arch` (validated against the space; throws ValueError naming the
  // field outside it) on `batch` (throws ValueError for a bad shape or a token outside [0, V)).
  Logits forward(const space::Arch& arch, const TokenBatch& batch) const;

  // A dense stand-alone model holding copies of the slices `arch` uses (on this supernet's device).
  DenseModel extract(const space::Arch& arch) const;

  // Moves the super-weights to `device` (check_compute_device); "cpu" after construction and
  // load. Files are always written from CPU copies, so a GPU-trained supernet loads anywhere.
  void to_device(const std::string& device);
  std::string device() const;  // "cpu", "cuda:0", …

  // Atomic save (temporary file renamed into place) and checked load. Throws FileError for a
  // missing, truncated or foreign file, and for a supernet of another space than `expected`
  // (when given).
  void save(const std::filesystem::path& path) const;
  static Supernet load(const std::filesystem::path& path,
                       const space::SearchSpace* expected = nullptr);

  struct Impl;  // torch state; defined in supernet_impl.hpp, used by the train module
  Impl& impl() { return *impl_; }
  const Impl& impl() const { return *impl_; }

 private:
  explicit Supernet(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Options of text generation. temperature 0 picks the most likely token (greedy).
struct GenerateOptions {
  int max_new_tokens = 200;
  double temperature = 0.8;
  int top_k = 0;                 // 0: sample from the whole vocabulary
  std::uint64_t seed = 1;        // sampling draws through hwgpt::Rng
  // Keys/values kept in the cache (sliding window); 0 keeps all. Set it to the training sequence
  // length: a model trained on T positions has never attended over more than T keys. Rotary
  // scores depend only on relative positions, so dropping the oldest keys needs no re-encoding.
  int context_length = 0;
};

// A dense model: the shapes of one arch, no slicing. Built by Supernet::extract.
class DenseModel {
 public:
  ~DenseModel();
  DenseModel(DenseModel&&) noexcept;
  DenseModel& operator=(DenseModel&&) noexcept;

  const space::Arch& arch() const;
  // Elements of every tensor the model holds; equals analytic::num_params of the kHwgpt spec.
  std::uint64_t num_parameters() const;
  Logits forward(const TokenBatch& batch) const;

  // Incremental decoding with a KV cache, one sequence: reset(), then feed tokens one at a time;
  // each call returns the logits (V) of the next token given every token fed since reset().
  // `window` > 0 keeps only the newest `window` keys/values per layer (see GenerateOptions).
  void reset_cache(int window = 0);
  std::vector<float> decode_step(std::int32_t token);
  int cache_length() const;   // tokens fed since reset (absolute position of the next one)
  int cached_keys() const;    // keys held per layer: min(cache_length, window) with a window

  // Feeds `prompt` through the cache, then samples up to max_new_tokens; returns the new tokens.
  std::vector<std::int32_t> generate(const std::vector<std::int32_t>& prompt,
                                     const GenerateOptions& options);

  struct Impl;  // torch state; defined in supernet_impl.hpp, used by the profile module
  Impl& impl() { return *impl_; }

 private:
  friend class Supernet;
  explicit DenseModel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hwgpt::model
