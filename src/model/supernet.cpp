// Supernet: the super-weights, prefix slicing for any arch of the space, extraction into dense
// models, and the checked, atomic model file (docs/FORMATS.md, "Supernet files").
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "hwgpt/core/atomic_file.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/zip_check.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "hwgpt/text/checksum.hpp"
#include "supernet_impl.hpp"

namespace hwgpt::model {
namespace {

constexpr const char* kMagic = "hwgpt-supernet";
// 2: adds `checksum` over the parameters (version 1 files, without one, still load).
constexpr std::int64_t kFormatVersion = 2;

std::string layer_name(int i, const char* suffix) { return "h." + std::to_string(i) + "." + suffix; }

}  // namespace

const torch::Tensor& Supernet::Impl::get(const std::string& name) const {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return tensors[i];
  throw ValueError("supernet has no parameter '" + name + "'; expected one of parameter_names() (e.g. wte, "
                   "h.0.attn.qkv.weight, ln_f.bias)");
}

Weights Supernet::Impl::slice(const space::Arch& arch) const {
  if (arch.space != space.name())
    throw ValueError("arch '" + space::format_arch(arch) + "' is of space '" + arch.space +
                     "'; this supernet is of space '" + space.name() + "'");
  space.validate(arch);
  const std::int64_t E = arch.embed_dim, hs = space.head_size();
  Weights w;
  w.head_size = space.head_size();
  w.wte = full.wte.narrow(1, 0, E);
  w.ln_f_weight = full.ln_f_weight.narrow(0, 0, E);
  w.ln_f_bias = full.ln_f_bias.narrow(0, 0, E);
  for (int i = 0; i < arch.num_layers; ++i) {
    const LayerWeights& s = full.layers[static_cast<std::size_t>(i)];
    const std::int64_t h = arch.num_heads[static_cast<std::size_t>(i)];
    const std::int64_t F = arch.mlp_ratios[static_cast<std::size_t>(i)] * E, A = h * hs;
    LayerWeights l;
    l.num_heads = static_cast<int>(h);
    l.norm_1_weight = s.norm_1_weight.narrow(0, 0, E);
    l.norm_1_bias = s.norm_1_bias.narrow(0, 0, E);
    l.norm_2_weight = s.norm_2_weight.narrow(0, 0, E);
    l.norm_2_bias = s.norm_2_bias.narrow(0, 0, E);
    l.qkv_weight = s.qkv_weight.narrow(0, 0, 3 * A).narrow(1, 0, E);
    l.proj_weight = s.proj_weight.narrow(0, 0, E).narrow(1, 0, A);
    l.fc_weight = s.fc_weight.narrow(0, 0, F).narrow(1, 0, E);
    l.mlp_proj_weight = s.mlp_proj_weight.narrow(0, 0, E).narrow(1, 0, F);
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

// Creates the named super-weights of `space` in a fixed order, uninitialised.
std::unique_ptr<Supernet::Impl> make_impl(const space::SearchSpace& space) {
  auto impl = std::make_unique<Supernet::Impl>(space);
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
  for (auto& t : impl.tensors) t.set_requires_grad(true);
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Supernet::Supernet(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Supernet::Supernet(const space::SearchSpace& space, std::uint64_t seed) : impl_(make_impl(space)) {
  torch::NoGradGuard no_grad;
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const double residual_std = 0.02 / std::sqrt(2.0 * space.max_layers());
  for (std::size_t i = 0; i < impl_->names.size(); ++i) {
    const std::string& n = impl_->names[i];
    torch::Tensor& t = impl_->tensors[i];
    if (ends_with(n, "norm_1.weight") || ends_with(n, "norm_2.weight") || n == "ln_f.weight")
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

// ---- model files -----------------------------------------------------------------------------

std::uint64_t tensor_checksum(const std::vector<std::string>& names, const std::vector<torch::Tensor>& tensors) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const torch::Tensor t = tensors[i].detach().to(torch::kCPU, torch::kFloat32).contiguous();
    h = text::fnv1a64_words(names[i], h);
    h = text::fnv1a64_words({static_cast<const char*>(t.data_ptr()), static_cast<std::size_t>(t.numel()) * 4}, h);
  }
  return h;
}

void write_supernet_entries(torch::serialize::OutputArchive& archive, const Supernet::Impl& impl) {
  archive.write("magic", c10::IValue(std::string(kMagic)));
  archive.write("version", c10::IValue(kFormatVersion));
  archive.write("space", c10::IValue(impl.space.to_json()));
  for (std::size_t i = 0; i < impl.names.size(); ++i)
    archive.write("param/" + impl.names[i], impl.tensors[i].detach().to(torch::kCPU));
  // Stored as the int64 with the same bits (IValue has no unsigned integers).
  archive.write("checksum", c10::IValue(static_cast<std::int64_t>(tensor_checksum(impl.names, impl.tensors))));
}

void save_archive_atomically(torch::serialize::OutputArchive& archive, const std::filesystem::path& path) {
  AtomicFile file(path);
  // libtorch 1.13 aborts the process when its own file write fails (its writer's destructor throws
  // after a short write), so we write, and AtomicFile reports a failed write (a full disk) at commit.
  try {
    archive.save_to([&](const void* data, std::size_t bytes) -> std::size_t {
      file.write(data, bytes);
      return bytes;
    });
  } catch (const c10::Error& e) {
    throw FileError("cannot write '" + file.temporary().string() + "': " + e.what_without_backtrace());
  }
  file.commit();
}

void load_archive_checked(torch::serialize::InputArchive& archive, const std::filesystem::path& path,
                          const std::string& kind) {
  check_zip(path, kind);
  const auto refused = [&](const std::string& why) {
    return FileError("'" + path.string() + "' is not a readable " + kind + " (libtorch refused it): " + why);
  };
  try {
    archive.load_from(path.string());
  } catch (const c10::Error& e) {
    throw refused(e.what_without_backtrace());
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw refused(e.what());
  }
}

void Supernet::save(const std::filesystem::path& path) const {
  torch::serialize::OutputArchive archive;
  write_supernet_entries(archive, *impl_);
  save_archive_atomically(archive, path);
}

Supernet Supernet::load(const std::filesystem::path& path, const space::SearchSpace* expected) {
  if (!std::filesystem::is_regular_file(path))
    throw FileError("supernet file '" + path.string() + "' does not exist or is not a regular file");
  // The zip check refuses damaged bytes before libtorch parses them (some crashed it); what libtorch
  // still refuses (c10::Error, std::runtime_error from its TorchScript parser, std::out_of_range)
  // becomes a FileError naming the file too (tests/model/checkpoint_corruption_test.cpp).
  const auto corrupt = [&](const std::string& why) {
    return FileError("'" + path.string() + "' is not a readable hwgpt supernet file (truncated or corrupt?): " + why);
  };
  torch::serialize::InputArchive archive;
  c10::IValue magic, version, space_json;
  try {
    load_archive_checked(archive, path, "hwgpt supernet file");
    if (!archive.try_read("magic", magic) || !magic.isString() || magic.toStringRef() != kMagic)
      throw FileError("'" + path.string() + "' is not a hwgpt supernet file (magic '" + kMagic + "' missing)");
    archive.read("version", version);
    archive.read("space", space_json);
  } catch (const c10::Error& e) {
    throw corrupt(e.what_without_backtrace());
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw corrupt(e.what());
  }
  if (!version.isInt() || version.toInt() < 1 || version.toInt() > kFormatVersion)
    throw FileError("'" + path.string() + "' has supernet format version " +
                    (version.isInt() ? std::to_string(version.toInt()) : std::string("?")) + "; expected 1 to " +
                    std::to_string(kFormatVersion));
  if (!space_json.isString()) throw corrupt("its space entry is not a string");
  const space::SearchSpace space = space::SearchSpace::from_json(space_json.toStringRef(), path.string());
  if (expected && !(space == *expected))
    throw FileError("'" + path.string() + "' holds a supernet of space '" + space.name() +
                    "'; expected space '" + expected->name() + "'");
  auto impl = make_impl(space);
  try {
    for (std::size_t i = 0; i < impl->names.size(); ++i) {
      torch::Tensor t;
      archive.read("param/" + impl->names[i], t);
      if (!t.sizes().equals(impl->tensors[i].sizes()) || t.scalar_type() != torch::kFloat32)
        throw FileError("'" + path.string() + "': parameter '" + impl->names[i] + "' has shape " +
                        c10::str(t.sizes()) + "; expected " + c10::str(impl->tensors[i].sizes()));
      impl->tensors[i] = t.contiguous();
    }
    c10::IValue stored;
    if (version.toInt() >= 2) {
      if (!archive.try_read("checksum", stored) || !stored.isInt())
        throw corrupt("its checksum entry is missing");
      if (static_cast<std::uint64_t>(stored.toInt()) != tensor_checksum(impl->names, impl->tensors))
        throw corrupt("the parameters do not match the file's checksum");
    }
  } catch (const c10::Error& e) {
    throw FileError("'" + path.string() + "' is truncated or corrupt: " + e.what_without_backtrace());
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw FileError("'" + path.string() + "' is truncated or corrupt: " + e.what());
  }
  bind_full(*impl);
  return Supernet(std::move(impl));
}

}  // namespace hwgpt::model
