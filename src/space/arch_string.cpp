// Strict parser and formatter of canonical arch strings (see arch_string.hpp).
#include "hwgpt/space/arch_string.hpp"

#include <algorithm>
#include <vector>

#include "hwgpt/core/error.hpp"

namespace hwgpt::space {
namespace {

std::vector<std::string_view> split_dashes(std::string_view s) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t dash = s.find('-', start);
    if (dash == std::string_view::npos) {
      fields.push_back(s.substr(start));
      return fields;
    }
    fields.push_back(s.substr(start, dash - start));
    start = dash + 1;
  }
}

class FieldParser {
 public:
  FieldParser(std::string_view canonical) : canonical_(canonical) {}

  [[noreturn]] void fail(std::size_t index, const std::string& field_name,
                         std::string_view value, const std::string& expected) const {
    throw ParseError("arch '" + std::string(canonical_) + "': field " + std::to_string(index) +
                     " (" + field_name + ") is '" + std::string(value) + "'; expected " + expected);
  }

  // A choice in `allowed`, written in canonical decimal form. The field is named `kind`, or
  // `kind[layer]` for per-layer fields; names are built only on failure (parsing is hot).
  int choice(std::size_t index, const char* kind, int layer, std::string_view value,
             const std::vector<int>& allowed) const {
    auto fail_here = [&] {
      const std::string name = layer < 0 ? std::string(kind)
                                         : std::string(kind) + "[" + std::to_string(layer) + "]";
      fail(index, name, value, "one of " + join_choices(allowed));
    };
    const bool digits = !value.empty() && value.size() <= 9 &&
                        std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || (value.size() > 1 && value[0] == '0')) fail_here();
    int number = 0;
    for (char c : value) number = number * 10 + (c - '0');
    if (std::find(allowed.begin(), allowed.end(), number) == allowed.end()) fail_here();
    return number;
  }

 private:
  std::string_view canonical_;
};

std::string bias_expected(const SearchSpace& space) {
  const auto& b = space.bias_choices();
  if (b.size() == 2) return "True or False";
  return b[0] ? "True" : "False";
}

}  // namespace

std::string format_arch(const Arch& arch) {
  std::string s;
  s.reserve(16 + arch.space.size() + 6 * arch.mlp_ratios.size());
  s.append("gpt-").append(arch.space).push_back('-');
  s.append(std::to_string(arch.num_layers)).push_back('-');
  s.append(std::to_string(arch.embed_dim));
  for (int r : arch.mlp_ratios) s.append("-").append(std::to_string(r));
  for (int h : arch.num_heads) s.append("-").append(std::to_string(h));
  s.append(arch.bias ? "-True" : "-False");
  return s;
}

std::string arch_space_name(std::string_view canonical) {
  const auto fields = split_dashes(canonical);
  if (fields.size() < 2 || fields[0] != "gpt")
    throw ParseError("arch '" + std::string(canonical) +
                     "': expected the form gpt-{space}-{L}-{E}-{mlp ratios}-{heads}-{True|False}");
  return std::string(fields[1]);
}

Arch parse_arch(std::string_view canonical) {
  const std::string name = arch_space_name(canonical);
  const SearchSpace* space = nullptr;
  try {
    space = &SearchSpace::builtin(name);
  } catch (const ValueError& e) {
    throw ParseError("arch '" + std::string(canonical) + "': field 1 (space) is '" + name +
                     "'; expected a built-in space (t, s, m, l, s_wide, m_wide, l_wide) or pass "
                     "the space explicitly");
  }
  return parse_arch(canonical, *space);
}

Arch parse_arch(std::string_view canonical, const SearchSpace& space) {
  const FieldParser p(canonical);
  const auto fields = split_dashes(canonical);
  if (fields.size() < 4)
    throw ParseError("arch '" + std::string(canonical) + "': has " + std::to_string(fields.size()) +
                     " dash-separated fields; expected gpt-{space}-{L}-{E}-{mlp ratios}-{heads}-"
                     "{True|False}");
  if (fields[0] != "gpt") p.fail(0, "prefix", fields[0], "gpt");
  if (fields[1] != space.name()) p.fail(1, "space", fields[1], space.name());

  Arch arch;
  arch.space = space.name();
  arch.num_layers = p.choice(2, "num_layers", -1, fields[2], space.layer_counts());
  const auto layers = static_cast<std::size_t>(arch.num_layers);
  const std::size_t expected_fields = 4 + 2 * layers + 1;
  if (fields.size() != expected_fields)
    throw ParseError("arch '" + std::string(canonical) + "': has " + std::to_string(fields.size()) +
                     " fields; expected " + std::to_string(expected_fields) + " for num_layers=" +
                     std::to_string(layers) + " (gpt, space, L, E, " + std::to_string(layers) +
                     " MLP ratios, " + std::to_string(layers) + " head counts, bias)");
  arch.embed_dim = p.choice(3, "embed_dim", -1, fields[3], space.embed_dims());
  arch.mlp_ratios.resize(layers);
  arch.num_heads.resize(layers);
  for (std::size_t i = 0; i < layers; ++i) {
    const int layer = static_cast<int>(i);
    arch.mlp_ratios[i] = p.choice(4 + i, "mlp_ratio", layer, fields[4 + i], space.mlp_ratios());
    arch.num_heads[i] = p.choice(4 + layers + i, "num_heads", layer, fields[4 + layers + i],
                                 space.head_counts());
  }
  const std::size_t bias_index = expected_fields - 1;
  const std::string_view bias = fields[bias_index];
  const auto& choices = space.bias_choices();
  if (bias == "True" && std::find(choices.begin(), choices.end(), true) != choices.end())
    arch.bias = true;
  else if (bias == "False" && std::find(choices.begin(), choices.end(), false) != choices.end())
    arch.bias = false;
  else
    p.fail(bias_index, "bias", bias, bias_expected(space));
  return arch;
}

}  // namespace hwgpt::space
