// Supernet: the super-weights, prefix slicing for any arch of the space, extraction into dense
// models, and its model file (core/tensor_file.hpp; docs/FORMATS.md, "Model files").
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "hwgpt/core/error.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "supernet_impl.hpp"

namespace hwgpt::model {
namespace {

// The metadata's "format" of supernet files and checkpoints (which add "train").
constexpr const char* kFormat = "hwgpt-supernet";

std::string layer_name(int i, const char* suffix) { return "h." + std::to_string(i) + "." + suffix; }
// Expert k's (k >= 1) copy of a layer matrix: h.{i}.expert{k}.{suffix} (the suffix kept last, so
// initialisation and weight decay treat it as the matrix it mixes into).
std::string expert_name(int i, int k, const char* suffix) {
  return "h." + std::to_string(i) + ".expert" + std::to_string(k) + "." + suffix;
}
constexpr const char* kExpertMatrices[] = {"attn.qkv.weight", "attn.proj.weight", "mlp.fc.weight", "mlp.proj.weight"};

}  // namespace

const torch::Tensor& Supernet::Impl::get(const std::string& name) const {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return tensors[i];
  throw ValueError("supernet has no parameter '" + name + "'; expected one of parameter_names() (e.g. wte, "
                   "h.0.attn.qkv.weight, ln_f.bias)");
}

namespace {

// Width of the router's hidden layer (mixture of supernets).
constexpr std::int64_t kRouterHidden = 32;

// The router's input for `arch`: (3 + 2·L_max) numbers in [0, 1]: E, L and bias, then per layer
// its heads and MLP ratio as shares of the space's largest (0 for layers the arch lacks).
std::vector<float> router_features(const space::SearchSpace& space, const space::Arch& arch) {
  const int L = space.max_layers();
  std::vector<float> x(static_cast<std::size_t>(3 + 2 * L), 0.0F);
  x[0] = static_cast<float>(arch.embed_dim) / static_cast<float>(space.embed_dims().back());
  x[1] = static_cast<float>(arch.num_layers) / static_cast<float>(L);
  x[2] = arch.bias ? 1.0F : 0.0F;
  for (int i = 0; i < arch.num_layers; ++i) {
    const auto u = static_cast<std::size_t>(i);
    x[3 + u] = static_cast<float>(arch.num_heads[u]) / static_cast<float>(space.head_counts().back());
    x[3 + static_cast<std::size_t>(L) + u] =
        static_cast<float>(arch.mlp_ratios[u]) / static_cast<float>(space.mlp_ratios().back());
  }
  return x;
}

}  // namespace

torch::Tensor Supernet::Impl::mixture(const space::Arch& arch) const {
  const std::vector<float> f = router_features(space, arch);
  const torch::Tensor x = torch::tensor(f, torch::kFloat32).to(router_in_weight.device());
  const torch::Tensor hidden = torch::gelu(torch::nn::functional::linear(x, router_in_weight, router_in_bias));
  const torch::Tensor logits = torch::nn::functional::linear(hidden, router_out_weight, router_out_bias);
  return torch::softmax(logits.view({space.max_layers(), experts}), 1);
}

std::vector<int> Supernet::Impl::layer_indices(int L) const {
  const int D = space.max_layers();
  if (L < 1 || L > D)
    throw ValueError("layer count " + std::to_string(L) + " is outside 1 … " + std::to_string(D) + " of space '" + space.name() + "'");
  std::vector<int> out(static_cast<std::size_t>(L));
  for (int i = 0; i < L; ++i) out[static_cast<std::size_t>(i)] = i;
  if (layers == LayerPlacement::kPrefix || L == D || L == 1) return out;
  // One layer short: the original's rule, the last layer instead of the one before it.
  if (L == D - 1) {
    out.back() = D - 1;
    return out;
  }
  // Shallower: evenly spaced, first and last kept (the original's own index rule repeats a layer
  // or runs past the depth here, e.g. L = 10 of 12 uses layer 11 twice).
  for (int i = 0; i < L; ++i)
    out[static_cast<std::size_t>(i)] = static_cast<int>(std::lround(static_cast<double>(i) * (D - 1) / (L - 1)));
  return out;
}

Weights Supernet::Impl::slice(const space::Arch& arch) const {
  if (arch.space != space.name())
    throw ValueError("arch '" + space::format_arch(arch) + "' is of space '" + arch.space +
                     "'; this supernet is of space '" + space.name() + "'");
  space.validate(arch);
  const std::int64_t E = arch.embed_dim, hs = space.head_size();
  const torch::Tensor alpha = experts > 1 ? mixture(arch) : torch::Tensor();
  const std::vector<int> placed = layer_indices(arch.num_layers);
  Weights w;
  w.head_size = space.head_size();
  w.wte = full.wte.narrow(1, 0, E);
  w.ln_f_weight = full.ln_f_weight.narrow(0, 0, E);
  w.ln_f_bias = full.ln_f_bias.narrow(0, 0, E);
  for (int i = 0; i < arch.num_layers; ++i) {
    const auto u = static_cast<std::size_t>(i);
    const auto j = static_cast<std::size_t>(placed[u]);  // the super-layer arch layer i uses
    const LayerWeights& s = full.layers[j];
    const std::int64_t h = arch.num_heads[u];
    const std::int64_t F = arch.mlp_ratios[u] * E, A = h * hs;
    // The (rows, cols) prefix of one matrix: expert 0's view, or the experts' mixture.
    auto matrix = [&](torch::Tensor LayerWeights::*m, std::int64_t rows, std::int64_t cols) {
      torch::Tensor out = (s.*m).narrow(0, 0, rows).narrow(1, 0, cols);
      if (experts == 1) return out;
      out = out * alpha[i][0];
      for (int k = 1; k < experts; ++k)
        out = out + (extra_experts[static_cast<std::size_t>(k - 1)].layers[j].*m).narrow(0, 0, rows).narrow(1, 0, cols) *
                        alpha[i][k];
      return out;
    };
    LayerWeights l;
    l.num_heads = static_cast<int>(h);
    l.norm_1_weight = s.norm_1_weight.narrow(0, 0, E);
    l.norm_1_bias = s.norm_1_bias.narrow(0, 0, E);
    l.norm_2_weight = s.norm_2_weight.narrow(0, 0, E);
    l.norm_2_bias = s.norm_2_bias.narrow(0, 0, E);
    l.qkv_weight = matrix(&LayerWeights::qkv_weight, 3 * A, E);
    l.proj_weight = matrix(&LayerWeights::proj_weight, E, A);
    l.fc_weight = matrix(&LayerWeights::fc_weight, F, E);
    l.mlp_proj_weight = matrix(&LayerWeights::mlp_proj_weight, E, F);
    if (arch.bias) {
      l.qkv_bias = s.qkv_bias.narrow(0, 0, 3 * A);
      l.proj_bias = s.proj_bias.narrow(0, 0, E);
      l.fc_bias = s.fc_bias.narrow(0, 0, F);
      l.mlp_proj_bias = s.mlp_proj_bias.narrow(0, 0, E);
    }
    w.layers.push_back(std::move(l));
  }
  return w;
}

namespace {

// Creates the named super-weights of `space` in a fixed order, uninitialised. A mixture of
// `experts` > 1 appends the other experts' matrices and the router after the one-expert names, so
// expert 0 is initialised exactly as a one-expert supernet of the same seed.
std::unique_ptr<Supernet::Impl> make_impl(const space::SearchSpace& space, const SupernetOptions& options) {
  const int experts = options.experts;
  if (experts < 1 || experts > 16)
    throw ValueError("supernet experts is " + std::to_string(experts) + "; expected 1 (one supernet) to 16");
  auto impl = std::make_unique<Supernet::Impl>(space, options);
  const std::int64_t V = space.vocab_size(), E = space.embed_dims().back(), hs = space.head_size();
  const std::int64_t A = space.head_counts().back() * hs, F = space.mlp_ratios().back() * E;
  auto add = [&](const std::string& name, std::vector<std::int64_t> shape) -> torch::Tensor& {
    impl->names.push_back(name);
    impl->tensors.push_back(torch::empty(shape, torch::kFloat32));
    return impl->tensors.back();
  };
  // References into `tensors` stay valid only until the next push_back: fill `full` afterwards.
  add("wte", {V, E});
  for (int i = 0; i < space.max_layers(); ++i) {
    add(layer_name(i, "norm_1.weight"), {E});
    add(layer_name(i, "norm_1.bias"), {E});
    add(layer_name(i, "attn.qkv.weight"), {3 * A, E});
    add(layer_name(i, "attn.qkv.bias"), {3 * A});
    add(layer_name(i, "attn.proj.weight"), {E, A});
    add(layer_name(i, "attn.proj.bias"), {E});
    add(layer_name(i, "norm_2.weight"), {E});
    add(layer_name(i, "norm_2.bias"), {E});
    add(layer_name(i, "mlp.fc.weight"), {F, E});
    add(layer_name(i, "mlp.fc.bias"), {F});
    add(layer_name(i, "mlp.proj.weight"), {E, F});
    add(layer_name(i, "mlp.proj.bias"), {E});
  }
  add("ln_f.weight", {E});
  add("ln_f.bias", {E});
  if (experts == 1) return impl;
  const std::vector<std::int64_t> shapes[] = {{3 * A, E}, {E, A}, {F, E}, {E, F}};
  for (int k = 1; k < experts; ++k)
    for (int i = 0; i < space.max_layers(); ++i)
      for (std::size_t j = 0; j < 4; ++j) add(expert_name(i, k, kExpertMatrices[j]), shapes[j]);
  const std::int64_t features = 3 + 2 * space.max_layers();
  add("router.in.weight", {kRouterHidden, features});
  add("router.in.bias", {kRouterHidden});
  add("router.out.weight", {space.max_layers() * experts, kRouterHidden});
  add("router.out.bias", {space.max_layers() * experts});
  return impl;
}

void bind_full(Supernet::Impl& impl) {
  Weights& w = impl.full;
  w.head_size = impl.space.head_size();
  w.wte = impl.get("wte");
  w.ln_f_weight = impl.get("ln_f.weight");
  w.ln_f_bias = impl.get("ln_f.bias");
  w.layers.clear();
  for (int i = 0; i < impl.space.max_layers(); ++i) {
    LayerWeights l;
    l.num_heads = impl.space.head_counts().back();
    l.norm_1_weight = impl.get(layer_name(i, "norm_1.weight"));
    l.norm_1_bias = impl.get(layer_name(i, "norm_1.bias"));
    l.qkv_weight = impl.get(layer_name(i, "attn.qkv.weight"));
    l.qkv_bias = impl.get(layer_name(i, "attn.qkv.bias"));
    l.proj_weight = impl.get(layer_name(i, "attn.proj.weight"));
    l.proj_bias = impl.get(layer_name(i, "attn.proj.bias"));
    l.norm_2_weight = impl.get(layer_name(i, "norm_2.weight"));
    l.norm_2_bias = impl.get(layer_name(i, "norm_2.bias"));
    l.fc_weight = impl.get(layer_name(i, "mlp.fc.weight"));
    l.fc_bias = impl.get(layer_name(i, "mlp.fc.bias"));
    l.mlp_proj_weight = impl.get(layer_name(i, "mlp.proj.weight"));
    l.mlp_proj_bias = impl.get(layer_name(i, "mlp.proj.bias"));
    w.layers.push_back(std::move(l));
  }
  impl.extra_experts.clear();
  for (int k = 1; k < impl.experts; ++k) {
    Weights e;
    for (int i = 0; i < impl.space.max_layers(); ++i) {
      LayerWeights l;
      l.qkv_weight = impl.get(expert_name(i, k, kExpertMatrices[0]));
      l.proj_weight = impl.get(expert_name(i, k, kExpertMatrices[1]));
      l.fc_weight = impl.get(expert_name(i, k, kExpertMatrices[2]));
      l.mlp_proj_weight = impl.get(expert_name(i, k, kExpertMatrices[3]));
      e.layers.push_back(std::move(l));
    }
    impl.extra_experts.push_back(std::move(e));
  }
  if (impl.experts > 1) {
    impl.router_in_weight = impl.get("router.in.weight");
    impl.router_in_bias = impl.get("router.in.bias");
    impl.router_out_weight = impl.get("router.out.weight");
    impl.router_out_bias = impl.get("router.out.bias");
  }
  for (auto& t : impl.tensors) t.set_requires_grad(true);
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Supernet::Supernet(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Supernet::Supernet(const space::SearchSpace& space, std::uint64_t seed, const SupernetOptions& options)
    : impl_(make_impl(space, options)) {
  torch::NoGradGuard no_grad;
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const double residual_std = 0.02 / std::sqrt(2.0 * space.max_layers());
  for (std::size_t i = 0; i < impl_->names.size(); ++i) {
    const std::string& n = impl_->names[i];
    torch::Tensor& t = impl_->tensors[i];
    if (n == "router.in.weight")  // inputs in [0, 1]: unit-scale pre-activations
      t.normal_(0.0, 1.0 / std::sqrt(static_cast<double>(t.size(1))), gen);
    else if (n == "router.out.weight")  // every mixture starts uniform
      t.zero_();
    else if (ends_with(n, "norm_1.weight") || ends_with(n, "norm_2.weight") || n == "ln_f.weight")
      t.fill_(1.0);
    else if (ends_with(n, ".bias"))
      t.zero_();
    else
      t.normal_(0.0, ends_with(n, "proj.weight") ? residual_std : 0.02, gen);
  }
  bind_full(*impl_);
}

Supernet::~Supernet() = default;
Supernet::Supernet(Supernet&&) noexcept = default;
Supernet& Supernet::operator=(Supernet&&) noexcept = default;

const space::SearchSpace& Supernet::search_space() const { return impl_->space; }
int Supernet::experts() const { return impl_->experts; }
LayerPlacement Supernet::layer_placement() const { return impl_->layers; }
std::vector<int> Supernet::layer_indices(int num_layers) const { return impl_->layer_indices(num_layers); }

std::vector<double> Supernet::mixture(const space::Arch& arch) const {
  if (impl_->experts == 1) {
    impl_->space.validate(arch);
    return std::vector<double>(static_cast<std::size_t>(impl_->space.max_layers()), 1.0);
  }
  torch::NoGradGuard no_grad;
  impl_->space.validate(arch);
  const torch::Tensor a = impl_->mixture(arch).to(torch::kCPU, torch::kFloat64).contiguous();
  return {a.data_ptr<double>(), a.data_ptr<double>() + a.numel()};
}

Supernet Supernet::collapsed(const space::Arch& arch) const {
  torch::NoGradGuard no_grad;
  const Weights mixed = impl_->slice(arch);
  auto out = make_impl(impl_->space, {1, impl_->layers});
  for (std::size_t i = 0; i < out->names.size(); ++i) out->tensors[i] = impl_->tensors[i].detach().clone();
  bind_full(*out);
  const std::vector<int> placed = impl_->layer_indices(arch.num_layers);
  for (std::size_t i = 0; i < mixed.layers.size(); ++i) {
    const LayerWeights& m = mixed.layers[i];
    LayerWeights& s = out->full.layers[static_cast<std::size_t>(placed[i])];
    for (auto member : {&LayerWeights::qkv_weight, &LayerWeights::proj_weight, &LayerWeights::fc_weight,
                        &LayerWeights::mlp_proj_weight}) {
      const torch::Tensor& src = m.*member;
      (s.*member).narrow(0, 0, src.size(0)).narrow(1, 0, src.size(1)).copy_(src);
    }
  }
  return Supernet(std::move(out));
}
std::vector<std::string> Supernet::parameter_names() const { return impl_->names; }

std::vector<std::int64_t> Supernet::parameter_shape(const std::string& name) const {
  const auto sizes = impl_->get(name).sizes();
  return {sizes.begin(), sizes.end()};
}

std::vector<float> Supernet::parameter(const std::string& name) const {
  const torch::Tensor t = impl_->get(name).detach().to(torch::kCPU).contiguous();
  return {t.data_ptr<float>(), t.data_ptr<float>() + t.numel()};
}

void Supernet::set_parameter(const std::string& name, const std::vector<float>& values) {
  torch::Tensor t = impl_->get(name);
  if (values.size() != static_cast<std::size_t>(t.numel()))
    throw ValueError("parameter '" + name + "' has " + std::to_string(t.numel()) + " elements; " +
                     std::to_string(values.size()) + " values were given");
  torch::NoGradGuard no_grad;
  t.copy_(torch::tensor(values, torch::kFloat32).view(t.sizes()));
}

std::uint64_t Supernet::num_parameters() const {
  std::uint64_t n = 0;
  for (const auto& t : impl_->tensors) n += static_cast<std::uint64_t>(t.numel());
  return n;
}

Logits Supernet::forward(const space::Arch& arch, const TokenBatch& batch) const {
  torch::NoGradGuard no_grad;
  return to_logits(forward_logits(impl_->slice(arch), token_tensor(batch, impl_->space.vocab_size())));
}

void Supernet::to_device(const std::string& device) {
  check_compute_device(device);
  const torch::Device target(device);
  torch::NoGradGuard no_grad;
  for (auto& t : impl_->tensors) t = t.detach().to(target);
  bind_full(*impl_);  // re-aliases `full` and sets requires_grad on the moved leaves
}

std::string Supernet::device() const { return impl_->tensors.front().device().str(); }

DenseModel Supernet::extract(const space::Arch& arch) const {
  auto dense = std::make_unique<DenseModel::Impl>();
  dense->arch = arch;
  dense->weights = impl_->slice(arch);  // views of the super-weights, then each replaced by a copy
  for (torch::Tensor* t : dense->weights.all_tensors())
    if (t->defined()) *t = t->detach().clone().contiguous();
  return DenseModel(std::move(dense));
}

// ---- model files (core/tensor_file.hpp; docs/FORMATS.md "Model files") -------------------------

void ModelFileTensors::add(std::string name, const torch::Tensor& tensor) {
  copies_.push_back(tensor.detach().to(torch::kCPU, torch::kFloat32).contiguous());
  const auto sizes = copies_.back().sizes();
  writer_.add(std::move(name), {sizes.begin(), sizes.end()}, copies_.back().data_ptr<float>());
}

void ModelFileTensors::write(const std::filesystem::path& path) const { writer_.write(path); }

nlohmann::json supernet_metadata(const Supernet::Impl& impl) {
  nlohmann::json meta = {{"format", kFormat}, {"space", nlohmann::json::parse(impl.space.to_json())}};
  // Absent entries: one expert, prefix layers (every file written before the options existed).
  if (impl.experts > 1) meta["experts"] = impl.experts;
  if (impl.layers == LayerPlacement::kStrided) meta["layers"] = "strided";
  return meta;
}

void add_supernet_tensors(ModelFileTensors& file, const Supernet::Impl& impl) {
  for (std::size_t i = 0; i < impl.names.size(); ++i) file.add("param/" + impl.names[i], impl.tensors[i]);
}

nlohmann::json read_model_metadata(const TensorFile& file) {
  nlohmann::json meta = nlohmann::json::parse(file.metadata(), nullptr, /*allow_exceptions=*/false);
  if (!meta.is_object() || meta.value("format", "") != kFormat || !meta.contains("space"))
    file.fail("is not an hwgpt supernet file (its metadata lacks format '" + std::string(kFormat) + "' or space)");
  return meta;
}

void Supernet::save(const std::filesystem::path& path) const {
  ModelFileTensors file(supernet_metadata(*impl_).dump());
  add_supernet_tensors(file, *impl_);
  file.write(path);
}

Supernet Supernet::load(const std::filesystem::path& path, const space::SearchSpace* expected) {
  const TensorFile file = TensorFile::read(path, "hwgpt supernet file");
  const nlohmann::json meta = read_model_metadata(file);
  const space::SearchSpace space = space::SearchSpace::from_json(meta["space"].dump(), path.string());
  if (expected && !(space == *expected))
    file.fail("holds a supernet of space '" + space.name() + "'; expected space '" + expected->name() + "'");
  SupernetOptions options;
  std::string layers = "prefix";
  try {
    options.experts = meta.value("experts", 1);
    layers = meta.value("layers", layers);
  } catch (const nlohmann::json::exception&) {
    file.fail("has a malformed 'experts' or 'layers' entry in its metadata");
  }
  if (options.experts < 1 || options.experts > 16)
    file.fail("has 'experts' " + std::to_string(options.experts) + " in its metadata; expected 1 to 16");
  if (layers != "prefix" && layers != "strided")
    file.fail("has 'layers' \"" + layers + "\" in its metadata; expected \"prefix\" or \"strided\"");
  options.layers = layers == "strided" ? LayerPlacement::kStrided : LayerPlacement::kPrefix;
  auto impl = make_impl(space, options);
  for (std::size_t i = 0; i < impl->names.size(); ++i) {
    const StoredTensor& stored = file.get("param/" + impl->names[i]);
    torch::Tensor& t = impl->tensors[i];
    if (!t.sizes().equals(stored.shape))
      file.fail("has parameter '" + impl->names[i] + "' of shape " + c10::str(at::IntArrayRef(stored.shape)) +
                "; its space needs " + c10::str(t.sizes()));
    stored.copy_to(t.data_ptr<float>());
  }
  bind_full(*impl);
  return Supernet(std::move(impl));
}

}  // namespace hwgpt::model
