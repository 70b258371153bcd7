// The forward math shared by the sliced supernet and dense models, and DenseModel with its KV
// cache. Shapes: B batch, T new positions, P = past + T key positions, h heads, hs head size.
#include <dlfcn.h>

#include <charconv>
#include <cmath>
#include <optional>

#include "hwgpt/core/error.hpp"
#include "hwgpt/core/rng.hpp"
#include "supernet_impl.hpp"

namespace hwgpt::model {
namespace {

constexpr double kLayerNormEps = 1e-5;
constexpr double kRotaryBase = 10000.0;

torch::Tensor linear(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b) {
  return b.defined() ? torch::nn::functional::linear(x, w, b) : torch::nn::functional::linear(x, w);
}

torch::Tensor layer_norm(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b) {
  return torch::layer_norm(x, {x.size(-1)}, w, b, kLayerNormEps);
}

// Rotary tables for positions offset..offset+T-1 over n = hs/2 dims: frequencies base^(-2j/n) for
// j < n/2, repeated twice (GPT-NeoX). Built once per forward pass and shared by every layer.
struct Rotary {
  torch::Tensor cos, sin;  // (T, n)
  Rotary(std::int64_t hs, std::int64_t offset, std::int64_t T, torch::Device device) {
    const std::int64_t n = hs / 2;
    const auto opts = torch::TensorOptions().dtype(torch::kFloat32).device(device);
    const torch::Tensor inv_freq = torch::pow(kRotaryBase, -torch::arange(0, n, 2, opts) / static_cast<double>(n));
    const torch::Tensor angle = torch::outer(torch::arange(offset, offset + T, opts), inv_freq).repeat({1, 2});
    cos = angle.cos();
    sin = angle.sin();
  }
  // x (B, h, T, hs): rotate-half on the first n dims, the rest unchanged.
  torch::Tensor apply(const torch::Tensor& x) const {
    const std::int64_t hs = x.size(-1), n = cos.size(-1);
    const torch::Tensor rope = x.narrow(-1, 0, n);
    const torch::Tensor x1 = rope.narrow(-1, 0, n / 2), x2 = rope.narrow(-1, n / 2, n - n / 2);
    const torch::Tensor rotated = torch::cat({-x2, x1}, -1);
    return torch::cat({rope * cos + rotated * sin, x.narrow(-1, n, hs - n)}, -1);
  }
};

// What every layer of one forward pass shares: rotary tables and the causal mask (undefined when
// T = 1, where the single query sees every cached key).
struct PassContext {
  Rotary rotary;
  torch::Tensor future;  // (T, P) true where key position > query position
  KvCache* cache;
};

torch::Tensor attention(const torch::Tensor& x, const LayerWeights& l, int hs, const PassContext& pass,
                        std::size_t layer_index) {
  const std::int64_t B = x.size(0), T = x.size(1), h = l.num_heads;
  // (B, T, h·3·hs) -> (B, h, 3, T, hs): rows are grouped per head as [q k v].
  const torch::Tensor qkv = linear(x, l.qkv_weight, l.qkv_bias).view({B, T, h, 3, hs}).permute({0, 2, 3, 1, 4});
  const torch::Tensor q = pass.rotary.apply(qkv.select(2, 0));
  torch::Tensor k = pass.rotary.apply(qkv.select(2, 1));
  torch::Tensor v = qkv.select(2, 2);
  if (KvCache* cache = pass.cache) {
    if (cache->keys.size() <= layer_index) {
      cache->keys.resize(layer_index + 1);
      cache->values.resize(layer_index + 1);
    }
    auto& ck = cache->keys[layer_index];
    auto& cv = cache->values[layer_index];
    ck = ck.defined() ? torch::cat({ck, k}, 2) : k.contiguous();
    cv = cv.defined() ? torch::cat({cv, v}, 2) : v.contiguous();
    if (cache->window > 0 && T == 1 && ck.size(2) > cache->window) {
      ck = ck.narrow(2, ck.size(2) - cache->window, cache->window).contiguous();
      cv = cv.narrow(2, cv.size(2) - cache->window, cache->window).contiguous();
    }
    k = ck;
    v = cv;
  }
  torch::Tensor scores = torch::matmul(q, k.transpose(-2, -1)) / std::sqrt(static_cast<double>(hs));  // (B,h,T,P)
  if (pass.future.defined()) scores = scores.masked_fill(pass.future, -std::numeric_limits<float>::infinity());
  const torch::Tensor y = torch::matmul(torch::softmax(scores, -1), v);  // (B, h, T, hs)
  return linear(y.transpose(1, 2).reshape({B, T, h * hs}), l.proj_weight, l.proj_bias);
}

torch::Tensor mlp(const torch::Tensor& x, const LayerWeights& l) {
  return linear(torch::gelu(linear(x, l.fc_weight, l.fc_bias)), l.mlp_proj_weight, l.mlp_proj_bias);
}

}  // namespace

torch::Tensor forward_logits(const Weights& w, const torch::Tensor& tokens, KvCache* cache) {
  const std::int64_t T = tokens.size(1), offset = cache ? cache->length : 0;
  const torch::Device device = w.wte.device();
  // Query t (absolute position offset+t) sees keys 0..offset+t.
  PassContext pass{Rotary(w.head_size, offset, T, device),
                   T > 1 ? torch::ones({T, offset + T}, torch::TensorOptions().dtype(torch::kBool).device(device))
                               .triu(offset + 1)
                         : torch::Tensor(),
                   cache};
  torch::Tensor x = torch::embedding(w.wte, tokens.to(device));  // (B, T, E)
  for (std::size_t i = 0; i < w.layers.size(); ++i) {
    const LayerWeights& l = w.layers[i];
    // Parallel residual (LitGPT parallel_residual, separate norms).
    x = x + attention(layer_norm(x, l.norm_1_weight, l.norm_1_bias), l, w.head_size, pass, i) +
        mlp(layer_norm(x, l.norm_2_weight, l.norm_2_bias), l);
  }
  if (cache) cache->length += static_cast<int>(tokens.size(1));
  return torch::nn::functional::linear(layer_norm(x, w.ln_f_weight, w.ln_f_bias), w.wte);
}

torch::Tensor token_tensor(const TokenBatch& batch, int vocab_size) {
  if (batch.batch <= 0 || batch.sequence_length <= 0 ||
      batch.tokens.size() != static_cast<std::size_t>(batch.batch) * static_cast<std::size_t>(batch.sequence_length))
    throw ValueError("token batch of shape (" + std::to_string(batch.batch) + ", " +
                     std::to_string(batch.sequence_length) + ") holds " + std::to_string(batch.tokens.size()) +
                     " tokens; expected a positive shape and batch*sequence_length tokens");
  for (std::size_t i = 0; i < batch.tokens.size(); ++i)
    if (batch.tokens[i] < 0 || batch.tokens[i] >= vocab_size)
      throw ValueError("token " + std::to_string(i) + " is " + std::to_string(batch.tokens[i]) +
                       "; expected an id in [0, " + std::to_string(vocab_size) + ")");
  return torch::tensor(batch.tokens, torch::kInt64).view({batch.batch, batch.sequence_length});
}

Logits to_logits(const torch::Tensor& logits) {
  const torch::Tensor c = logits.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  Logits out;
  out.batch = static_cast<int>(c.size(0));
  out.sequence_length = static_cast<int>(c.size(1));
  out.vocab_size = static_cast<int>(c.size(2));
  out.values.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  return out;
}

namespace {

// OpenBLAS's thread-count functions, when the process has OpenBLAS (looked up at run time, so
// other BLAS libraries and builds without it still link and run).
using SetThreads = void (*)(int);
using GetThreads = int (*)();

}  // namespace

bool cuda_available() { return torch::cuda::is_available(); }

void check_compute_device(const std::string& device) {
  std::optional<torch::Device> parsed;
  try {
    parsed.emplace(device);
  } catch (const c10::Error&) {
  }
  if (!parsed || !(parsed->is_cpu() || parsed->is_cuda()))
    throw ValueError("compute device '" + device + "'; expected cpu, cuda or cuda:N");
  if (parsed->is_cpu()) return;
  if (!torch::cuda::is_available())
    throw ValueError("compute device '" + device + "': " +
                     (torch::cuda::device_count() == 0 && !at::hasCUDA()
                          ? std::string("this libtorch was built without CUDA (Debian's libtorch-dev is CPU-only); "
                                        "build hwgpt against a CUDA libtorch to use a GPU")
                          : std::string("libtorch has CUDA but sees no GPU on this machine")));
  // The index is read from the name, not from torch::Device: libtorch 2.x keeps it in an int8_t,
  // so "cuda:999" parses there as a negative index that no range check would catch.
  const auto colon = device.find(':');
  long index = 0;
  if (colon != std::string::npos) {
    const char* first = device.data() + colon + 1;
    const char* last = device.data() + device.size();
    const auto [end, error] = std::from_chars(first, last, index);
    if (error != std::errc() || end != last || index < 0)
      throw ValueError("compute device '" + device + "'; expected cpu, cuda or cuda:N");
  }
  if (index >= static_cast<long>(torch::cuda::device_count()))
    throw ValueError("compute device '" + device + "': this machine has " +
                     std::to_string(torch::cuda::device_count()) + " GPU(s)");
}

void set_num_threads(int threads) {
  if (threads < 0) throw ValueError("threads is " + std::to_string(threads) + "; expected >= 0 (0: one per core)");
  if (threads == 0) return;
  torch::set_num_threads(threads);
  // Measured: with only torch's pool at 1, OpenBLAS's pthread pool still ran sgemm on a second
  // core (and spun in sched_yield), so a "one thread" profile used two.
  if (auto* set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) set(threads);
}

int blas_threads() {
  auto* get = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  return get ? get() : -1;
}

// ---- DenseModel ------------------------------------------------------------------------------

DenseModel::DenseModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DenseModel::~DenseModel() = default;
DenseModel::DenseModel(DenseModel&&) noexcept = default;
DenseModel& DenseModel::operator=(DenseModel&&) noexcept = default;

const space::Arch& DenseModel::arch() const { return impl_->arch; }

std::uint64_t DenseModel::num_parameters() const {
  const Weights& w = impl_->weights;
  std::uint64_t n = 0;
  auto add = [&n](const torch::Tensor& t) {
    if (t.defined()) n += static_cast<std::uint64_t>(t.numel());
  };
  for (const torch::Tensor* t : w.all_tensors()) add(*t);
  return n;
}

Logits DenseModel::forward(const TokenBatch& batch) const {
  torch::NoGradGuard no_grad;
  return to_logits(forward_logits(impl_->weights, token_tensor(batch, static_cast<int>(impl_->weights.wte.size(0)))));
}

void DenseModel::reset_cache(int window) {
  if (window < 0) throw ValueError("KV-cache window is " + std::to_string(window) + "; expected >= 0 (0: unbounded)");
  impl_->cache = KvCache{};
  impl_->cache.window = window;
}
int DenseModel::cache_length() const { return impl_->cache.length; }
int DenseModel::cached_keys() const {
  return impl_->cache.keys.empty() ? 0 : static_cast<int>(impl_->cache.keys.front().size(2));
}

std::vector<float> DenseModel::decode_step(std::int32_t token) {
  torch::NoGradGuard no_grad;
  const TokenBatch one{1, 1, {token}};
  const torch::Tensor logits =
      forward_logits(impl_->weights, token_tensor(one, static_cast<int>(impl_->weights.wte.size(0))), &impl_->cache);
  const torch::Tensor last = logits.select(1, 0).select(0, 0).to(torch::kCPU).contiguous();
  return {last.data_ptr<float>(), last.data_ptr<float>() + last.numel()};
}

std::vector<std::int32_t> DenseModel::generate(const std::vector<std::int32_t>& prompt, const GenerateOptions& options) {
  if (prompt.empty()) throw ValueError("generate: the prompt is empty; expected at least one token");
  if (options.temperature < 0.0 || !std::isfinite(options.temperature))
    throw ValueError("generate: temperature is " + std::to_string(options.temperature) + "; expected a finite value >= 0");
  reset_cache(options.context_length);
  std::vector<float> logits;
  for (std::int32_t t : prompt) logits = decode_step(t);
  Rng rng(options.seed);
  std::vector<std::int32_t> out;
  for (int i = 0; i < options.max_new_tokens; ++i) {
    std::int32_t next = 0;
    if (options.temperature == 0.0) {
      next = static_cast<std::int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
    } else {
      // Softmax over the top_k (or all) logits at the temperature, drawn with one uniform number.
      std::vector<std::size_t> order(logits.size());
      for (std::size_t j = 0; j < order.size(); ++j) order[j] = j;
      std::size_t keep = order.size();
      if (options.top_k > 0 && static_cast<std::size_t>(options.top_k) < keep) {
        keep = static_cast<std::size_t>(options.top_k);
        std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(keep), order.end(),
                          [&](std::size_t a, std::size_t b) { return logits[a] > logits[b]; });
      }
      double max_logit = -1e300;
      for (std::size_t j = 0; j < keep; ++j) max_logit = std::max(max_logit, static_cast<double>(logits[order[j]]));
      std::vector<double> p(keep);
      double total = 0;
      for (std::size_t j = 0; j < keep; ++j)
        total += p[j] = std::exp((logits[order[j]] - max_logit) / options.temperature);
      double u = rng.uniform_double() * total;
      std::size_t pick = keep - 1;
      for (std::size_t j = 0; j < keep; ++j) {
        if (u < p[j]) {
          pick = j;
          break;
        }
        u -= p[j];
      }
      next = static_cast<std::int32_t>(order[pick]);
    }
    out.push_back(next);
    if (i + 1 < options.max_new_tokens) logits = decode_step(next);
  }
  return out;
}

}  // namespace hwgpt::model
