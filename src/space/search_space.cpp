// SearchSpace construction and validation, the built-in scales, exact sizes, canonical archs.
// JSON reading and writing live in search_space_json.cpp.
#include "hwgpt/space/search_space.hpp"

#include <algorithm>
#include <map>

#include "choice_index.hpp"
#include "hwgpt/core/error.hpp"

namespace hwgpt::space {
namespace {

void check_choice_list(const std::string& space, const char* field, const std::vector<int>& values) {
  const std::string where = "search space '" + space + "': " + field;
  if (values.empty()) throw ValueError(where + " is empty; expected at least one choice");
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i] <= 0)
      throw ValueError(where + " contains " + std::to_string(values[i]) +
                       "; expected positive integers");
    if (i > 0 && values[i] <= values[i - 1])
      throw ValueError(where + " is [" + join_choices(values) +
                       "]; expected strictly increasing values (no duplicates)");
  }
}

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

SearchSpaceConfig builtin_config(const std::string& name, std::vector<int> embed,
                                 std::vector<int> layers, std::vector<int> heads, int head_size,
                                 DefaultWorkload workload) {
  SearchSpaceConfig c;
  c.name = name;
  c.embed_dims = std::move(embed);
  c.layer_counts = std::move(layers);
  c.mlp_ratios = {2, 3, 4};
  c.head_counts = std::move(heads);
  c.bias_choices = {true, false};
  c.head_size = head_size;
  c.vocab_size = 50257;
  c.tokenizer = "gpt2";
  c.workload = workload;
  return c;
}

std::map<std::string, SearchSpace, std::less<>> make_builtins() {
  std::map<std::string, SearchSpace, std::less<>> spaces;
  auto add = [&](SearchSpaceConfig c) {
    std::string name = c.name;  // read before the move below
    spaces.emplace(std::move(name), SearchSpace(std::move(c)));
  };
  // Scale t is ours: small enough to train a supernet on a 2-core CPU with a byte tokenizer.
  SearchSpaceConfig t = builtin_config("t", {64, 128, 192}, {3, 4, 5}, {1, 2, 4}, 32, {4, 256});
  t.vocab_size = 256;
  t.tokenizer = "bytes";
  add(std::move(t));
  // s, m, l: HW-GPT-Bench lib/utils.py search_spaces; batch 8/4/1 × 1024 as the original profiled.
  add(builtin_config("s", {192, 384, 768}, {10, 11, 12}, {4, 8, 12}, 64, {8, 1024}));
  add(builtin_config("m", {256, 512, 1024}, {22, 23, 24}, {8, 12, 16}, 64, {4, 1024}));
  add(builtin_config("l", {320, 640, 1280}, {34, 35, 36}, {8, 16, 20}, 64, {1, 1024}));
  // The original's "wide" variants: fewer, wider choices and an MLP ratio of 1.
  SearchSpaceConfig s_wide = builtin_config("s_wide", {192, 384, 768}, {3, 6, 12}, {4, 8, 12}, 64, {8, 1024});
  SearchSpaceConfig m_wide = builtin_config("m_wide", {256, 512, 1024}, {6, 12, 24}, {4, 8, 16}, 64, {4, 1024});
  SearchSpaceConfig l_wide = builtin_config("l_wide", {320, 640, 1280}, {9, 18, 36}, {5, 10, 20}, 64, {1, 1024});
  for (auto* c : {&s_wide, &m_wide, &l_wide}) {
    c->mlp_ratios = {1, 2, 4};
    add(std::move(*c));
  }
  return spaces;
}

const std::map<std::string, SearchSpace, std::less<>>& builtins() {
  static const auto spaces = make_builtins();
  return spaces;
}

}  // namespace

std::string join_choices(const std::vector<int>& values) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(values[i]);
  }
  return out;
}

SearchSpace::SearchSpace(SearchSpaceConfig config) : config_(std::move(config)) {
  const auto& c = config_;
  if (!valid_name(c.name))
    throw ValueError("search space name '" + c.name +
                     "' is invalid; expected 1-64 characters from a-z, 0-9 and _");
  check_choice_list(c.name, "embed_dims", c.embed_dims);
  check_choice_list(c.name, "layer_counts", c.layer_counts);
  check_choice_list(c.name, "mlp_ratios", c.mlp_ratios);
  check_choice_list(c.name, "head_counts", c.head_counts);
  const std::string where = "search space '" + c.name + "': ";
  if (c.bias_choices.empty() || c.bias_choices.size() > 2 ||
      (c.bias_choices.size() == 2 && c.bias_choices[0] == c.bias_choices[1]))
    throw ValueError(where + "bias_choices must be [true], [false] or both, without repeats");
  if (c.head_size <= 0 || c.head_size % 2 != 0)
    throw ValueError(where + "head_size is " + std::to_string(c.head_size) +
                     "; expected a positive even number (rotary embedding pairs dimensions)");
  if (c.vocab_size <= 0)
    throw ValueError(where + "vocab_size is " + std::to_string(c.vocab_size) + "; expected > 0");
  if (c.tokenizer != "bytes" && c.tokenizer != "gpt2")
    throw ValueError(where + "tokenizer is '" + c.tokenizer + "'; expected bytes or gpt2");
  if (c.workload.batch <= 0 || c.workload.sequence_length <= 0)
    throw ValueError(where + "workload batch and sequence_length must be positive");
  // A bound that keeps per-layer vectors and one-hot encodings of sane size.
  if (c.layer_counts.back() > 4096)
    throw ValueError(where + "layer_counts goes up to " + std::to_string(c.layer_counts.back()) +
                     "; at most 4096 layers are supported");
  auto bits = [](const std::vector<int>& values) {
    std::uint64_t b = 0;
    for (int v : values) {
      if (v < 0 || v >= 64) return std::uint64_t{0};
      b |= std::uint64_t{1} << v;
    }
    return b;
  };
  mlp_ratio_bits_ = bits(c.mlp_ratios);
  head_count_bits_ = bits(c.head_counts);
  auto positions = [](const std::vector<int>& values, std::uint64_t allowed, std::array<std::uint8_t, 64>& at) {
    if (allowed == 0) return;
    for (std::size_t k = values.size(); k-- > 0;) at[static_cast<std::size_t>(values[k])] = static_cast<std::uint8_t>(k);
  };
  positions(c.mlp_ratios, mlp_ratio_bits_, mlp_ratio_position_);
  positions(c.head_counts, head_count_bits_, head_count_position_);
}

const SearchSpace& SearchSpace::builtin(std::string_view name) {
  const auto& spaces = builtins();
  auto it = spaces.find(name);
  if (it == spaces.end()) {
    std::string names;
    for (const auto& n : builtin_names()) names += (names.empty() ? "" : ", ") + n;
    throw ValueError("unknown search space '" + std::string(name) + "'; expected one of " + names +
                     " (or a JSON space file)");
  }
  return it->second;
}

std::vector<std::string> SearchSpace::builtin_names() {
  return {"t", "s", "m", "l", "s_wide", "m_wide", "l_wide"};
}

BigUint SearchSpace::size_with_layers(int num_layers) const {
  const auto& c = config_;
  if (std::find(c.layer_counts.begin(), c.layer_counts.end(), num_layers) == c.layer_counts.end())
    return BigUint(0);
  const BigUint per_layer(static_cast<std::uint64_t>(c.mlp_ratios.size() * c.head_counts.size()));
  return BigUint(c.embed_dims.size() * c.bias_choices.size()) *
         BigUint::pow(per_layer, static_cast<unsigned>(num_layers));
}

BigUint SearchSpace::size() const {
  BigUint total;
  for (int layers : config_.layer_counts) total += size_with_layers(layers);
  return total;
}

void SearchSpace::validate(const Arch& arch) const {
  const auto& c = config_;
  // Fast path without branches per layer (this runs on every query); the checks below only run
  // to name what is wrong.
  const auto layers_in = static_cast<std::size_t>(arch.num_layers);
  if (arch.space == c.name && detail::choice_index(c.layer_counts, arch.num_layers) < c.layer_counts.size() &&
      detail::choice_index(c.embed_dims, arch.embed_dim) < c.embed_dims.size() &&
      arch.mlp_ratios.size() == layers_in && arch.num_heads.size() == layers_in &&
      std::find(c.bias_choices.begin(), c.bias_choices.end(), arch.bias) != c.bias_choices.end()) {
    // Counts of unknown choices, summed without a branch per layer.
    std::size_t unknown = 0;
    if (mlp_ratio_bits_ != 0 && head_count_bits_ != 0) {
      auto allowed = [](std::uint64_t bits, int v) {
        return static_cast<unsigned>(v) < 64u && ((bits >> static_cast<unsigned>(v)) & 1u) != 0;
      };
      for (std::size_t i = 0; i < layers_in; ++i)
        unknown += static_cast<std::size_t>(!allowed(mlp_ratio_bits_, arch.mlp_ratios[i])) +
                   static_cast<std::size_t>(!allowed(head_count_bits_, arch.num_heads[i]));
    } else {
      for (std::size_t i = 0; i < layers_in; ++i)
        unknown += static_cast<std::size_t>(detail::choice_index(c.mlp_ratios, arch.mlp_ratios[i]) >= c.mlp_ratios.size()) +
                   static_cast<std::size_t>(detail::choice_index(c.head_counts, arch.num_heads[i]) >= c.head_counts.size());
    }
    if (unknown == 0) return;
  }
  // The message prefix is built only on failure: validate() runs on every query and encoding.
  const auto where = [&c] { return "arch of space '" + c.name + "': "; };
  auto in = [](const std::vector<int>& values, int v) {
    return std::find(values.begin(), values.end(), v) != values.end();
  };
  if (arch.space != c.name)
    throw ValueError(where() + "space is '" + arch.space + "'; expected '" + c.name + "'");
  if (!in(c.layer_counts, arch.num_layers))
    throw ValueError(where() + "num_layers is " + std::to_string(arch.num_layers) +
                     "; expected one of " + join_choices(c.layer_counts));
  if (!in(c.embed_dims, arch.embed_dim))
    throw ValueError(where() + "embed_dim is " + std::to_string(arch.embed_dim) +
                     "; expected one of " + join_choices(c.embed_dims));
  const auto layers = static_cast<std::size_t>(arch.num_layers);
  if (arch.mlp_ratios.size() != layers || arch.num_heads.size() != layers)
    throw ValueError(where() + "has " + std::to_string(arch.mlp_ratios.size()) + " MLP ratios and " +
                     std::to_string(arch.num_heads.size()) + " head counts; expected " +
                     std::to_string(layers) + " of each (one per layer)");
  for (std::size_t i = 0; i < layers; ++i) {
    if (!in(c.mlp_ratios, arch.mlp_ratios[i]))
      throw ValueError(where() + "mlp_ratio[" + std::to_string(i) + "] is " +
                       std::to_string(arch.mlp_ratios[i]) + "; expected one of " +
                       join_choices(c.mlp_ratios));
    if (!in(c.head_counts, arch.num_heads[i]))
      throw ValueError(where() + "num_heads[" + std::to_string(i) + "] is " +
                       std::to_string(arch.num_heads[i]) + "; expected one of " +
                       join_choices(c.head_counts));
  }
  if (std::find(c.bias_choices.begin(), c.bias_choices.end(), arch.bias) == c.bias_choices.end())
    throw ValueError(where() + "bias is " + (arch.bias ? "True" : "False") +
                     "; this space allows only " + (c.bias_choices[0] ? "True" : "False"));
}

bool SearchSpace::contains(const Arch& arch) const {
  try {
    validate(arch);
    return true;
  } catch (const ValueError&) {
    return false;
  }
}

Arch SearchSpace::uniform_arch(int embed_dim, int num_layers, int mlp_ratio, int num_heads,
                               bool bias) const {
  Arch a;
  a.space = config_.name;
  a.num_layers = num_layers;
  a.embed_dim = embed_dim;
  a.mlp_ratios.assign(static_cast<std::size_t>(num_layers), mlp_ratio);
  a.num_heads.assign(static_cast<std::size_t>(num_layers), num_heads);
  a.bias = bias;
  return a;
}

Arch SearchSpace::largest_arch() const {
  const auto& c = config_;
  const bool bias = std::find(c.bias_choices.begin(), c.bias_choices.end(), true) != c.bias_choices.end();
  return uniform_arch(c.embed_dims.back(), c.layer_counts.back(), c.mlp_ratios.back(),
                      c.head_counts.back(), bias);
}

Arch SearchSpace::smallest_arch() const {
  const auto& c = config_;
  const bool bias = std::find(c.bias_choices.begin(), c.bias_choices.end(), false) == c.bias_choices.end();
  return uniform_arch(c.embed_dims.front(), c.layer_counts.front(), c.mlp_ratios.front(),
                      c.head_counts.front(), bias);
}

Arch SearchSpace::mid_arch() const {
  const auto& c = config_;
  auto mid = [](const std::vector<int>& v) { return v[(v.size() - 1) / 2]; };
  const bool bias = std::find(c.bias_choices.begin(), c.bias_choices.end(), true) != c.bias_choices.end();
  return uniform_arch(mid(c.embed_dims), mid(c.layer_counts), mid(c.mlp_ratios), mid(c.head_counts),
                      bias);
}

bool operator==(const SearchSpace& a, const SearchSpace& b) {
  const auto &x = a.config_, &y = b.config_;
  return x.name == y.name && x.embed_dims == y.embed_dims && x.layer_counts == y.layer_counts &&
         x.mlp_ratios == y.mlp_ratios && x.head_counts == y.head_counts &&
         x.bias_choices == y.bias_choices && x.head_size == y.head_size &&
         x.vocab_size == y.vocab_size && x.tokenizer == y.tokenizer && x.workload == y.workload;
}

}  // namespace hwgpt::space
