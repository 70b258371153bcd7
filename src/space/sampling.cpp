// Sampling, mutation and neighbours (see sampling.hpp for the distributions and draw order).
#include "hwgpt/space/sampling.hpp"

#include <cmath>
#include <set>

#include "hwgpt/core/error.hpp"
#include "hwgpt/space/arch_string.hpp"

namespace hwgpt::space {
namespace {

template <typename T>
T pick(const std::vector<T>& values, Rng& rng) {
  return values[rng.uniform_index(values.size())];
}

// A value of `values` other than `current`, uniformly.
int pick_other(const std::vector<int>& values, int current, Rng& rng) {
  std::size_t k = rng.uniform_index(values.size() - 1);
  if (values[k] == current) k = values.size() - 1;  // the slot of `current` maps to the last value
  return values[k];
}

int pick_layers_uniform(const SearchSpace& space, Rng& rng) {
  // P(L) ∝ (|r|·|h|)^L; computed relative to Lmax in log space so large spaces do not overflow.
  const double log_base = std::log(static_cast<double>(space.mlp_ratios().size() * space.head_counts().size()));
  std::vector<double> weights;
  double total = 0.0;
  for (int layers : space.layer_counts()) {
    weights.push_back(std::exp(log_base * (layers - space.max_layers())));
    total += weights.back();
  }
  double u = rng.uniform_double() * total;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (u < weights[i]) return space.layer_counts()[i];
    u -= weights[i];
  }
  return space.layer_counts().back();
}

}  // namespace

Arch sample_arch(const SearchSpace& space, Rng& rng, SamplingMode mode) {
  Arch a;
  a.space = space.name();
  a.embed_dim = pick(space.embed_dims(), rng);
  a.num_layers = mode == SamplingMode::kUniform ? pick_layers_uniform(space, rng)
                                                : pick(space.layer_counts(), rng);
  const auto layers = static_cast<std::size_t>(a.num_layers);
  a.mlp_ratios.resize(layers);
  a.num_heads.resize(layers);
  for (auto& r : a.mlp_ratios) r = pick(space.mlp_ratios(), rng);
  for (auto& h : a.num_heads) h = pick(space.head_counts(), rng);
  a.bias = space.bias_choices()[rng.uniform_index(space.bias_choices().size())];
  return a;
}

std::vector<Arch> sample_archs(const SearchSpace& space, std::size_t count, Rng& rng,
                               SamplingMode mode, bool unique) {
  if (unique && space.size() < BigUint(count))
    throw ValueError("cannot draw " + std::to_string(count) + " distinct archs from space '" +
                     space.name() + "', which has only " + space.size().to_decimal());
  std::vector<Arch> archs;
  archs.reserve(count);
  std::set<std::string> seen;
  while (archs.size() < count) {
    Arch a = sample_arch(space, rng, mode);
    if (unique && !seen.insert(format_arch(a)).second) continue;
    archs.push_back(std::move(a));
  }
  return archs;
}

Arch mutate(const Arch& arch, const SearchSpace& space, Rng& rng) {
  space.validate(arch);
  // Genes: 0 = E, 1 = L, 2 = bias, 3 + 2i = r_i, 4 + 2i = h_i; only those with a choice to make.
  std::vector<std::size_t> genes;
  if (space.embed_dims().size() > 1) genes.push_back(0);
  if (space.layer_counts().size() > 1) genes.push_back(1);
  if (space.bias_choices().size() > 1) genes.push_back(2);
  for (std::size_t i = 0; i < static_cast<std::size_t>(arch.num_layers); ++i) {
    if (space.mlp_ratios().size() > 1) genes.push_back(3 + 2 * i);
    if (space.head_counts().size() > 1) genes.push_back(4 + 2 * i);
  }
  if (genes.empty())
    throw ValueError("cannot mutate: search space '" + space.name() + "' has a single architecture");
  const std::size_t gene = genes[rng.uniform_index(genes.size())];
  Arch m = arch;
  if (gene == 0) {
    m.embed_dim = pick_other(space.embed_dims(), arch.embed_dim, rng);
  } else if (gene == 1) {
    m.num_layers = pick_other(space.layer_counts(), arch.num_layers, rng);
    const auto layers = static_cast<std::size_t>(m.num_layers);
    const std::size_t old_layers = m.mlp_ratios.size();
    m.mlp_ratios.resize(layers);
    m.num_heads.resize(layers);
    for (std::size_t i = old_layers; i < layers; ++i) {
      m.mlp_ratios[i] = pick(space.mlp_ratios(), rng);
      m.num_heads[i] = pick(space.head_counts(), rng);
    }
  } else if (gene == 2) {
    m.bias = !arch.bias;
  } else {
    const std::size_t layer = (gene - 3) / 2;
    if ((gene - 3) % 2 == 0)
      m.mlp_ratios[layer] = pick_other(space.mlp_ratios(), arch.mlp_ratios[layer], rng);
    else
      m.num_heads[layer] = pick_other(space.head_counts(), arch.num_heads[layer], rng);
  }
  return m;
}

std::vector<Arch> neighbours(const Arch& arch, const SearchSpace& space) {
  space.validate(arch);
  std::vector<Arch> out;
  for (int e : space.embed_dims()) {
    if (e == arch.embed_dim) continue;
    out.push_back(arch);
    out.back().embed_dim = e;
  }
  for (int layers : space.layer_counts()) {
    if (layers == arch.num_layers) continue;
    Arch m = arch;
    m.num_layers = layers;
    m.mlp_ratios.resize(static_cast<std::size_t>(layers), arch.mlp_ratios.back());
    m.num_heads.resize(static_cast<std::size_t>(layers), arch.num_heads.back());
    out.push_back(std::move(m));
  }
  if (space.bias_choices().size() > 1) {
    out.push_back(arch);
    out.back().bias = !arch.bias;
  }
  for (std::size_t i = 0; i < static_cast<std::size_t>(arch.num_layers); ++i) {
    for (int r : space.mlp_ratios()) {
      if (r == arch.mlp_ratios[i]) continue;
      out.push_back(arch);
      out.back().mlp_ratios[i] = r;
    }
    for (int h : space.head_counts()) {
      if (h == arch.num_heads[i]) continue;
      out.push_back(arch);
      out.back().num_heads[i] = h;
    }
  }
  return out;
}

}  // namespace hwgpt::space
