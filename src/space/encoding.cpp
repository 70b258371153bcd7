// Feature-map, one-hot, ordinal and depth-bins encodings (see encoding.hpp for layouts and sources).
#include "hwgpt/space/encoding.hpp"

#include <algorithm>
#include <array>

#include "choice_index.hpp"
#include "hwgpt/core/error.hpp"

namespace hwgpt::space {
namespace {

std::size_t index_of(const std::vector<int>& values, int v) { return detail::choice_index(values, v); }

std::size_t bias_index(const SearchSpace& space, bool bias) {
  const auto& b = space.bias_choices();
  return static_cast<std::size_t>(std::find(b.begin(), b.end(), bias) - b.begin());
}

// Index scaled to [0, 1]; a single choice maps to 0.
double scaled(std::size_t index, std::size_t count) {
  return count > 1 ? static_cast<double>(index) / static_cast<double>(count - 1) : 0.0;
}

}  // namespace

std::string encoding_name(Encoding encoding) {
  switch (encoding) {
    case Encoding::kFeatureMap: return "feature-map";
    case Encoding::kOneHot: return "one-hot";
    case Encoding::kOrdinal: return "ordinal";
    case Encoding::kDepthBins: return "depth-bins";
  }
  return "?";
}

Encoding parse_encoding(std::string_view name) {
  for (Encoding e : {Encoding::kFeatureMap, Encoding::kOneHot, Encoding::kOrdinal, Encoding::kDepthBins})
    if (name == encoding_name(e)) return e;
  throw ParseError("encoding '" + std::string(name) + "'; expected feature-map, one-hot, ordinal or depth-bins");
}

std::size_t encoding_length(Encoding encoding, const SearchSpace& space) {
  const auto lmax = static_cast<std::size_t>(space.max_layers());
  switch (encoding) {
    case Encoding::kFeatureMap: return 3 + 2 * lmax;
    case Encoding::kOneHot:
      return space.embed_dims().size() + space.layer_counts().size() +
             lmax * (space.mlp_ratios().size() + space.head_counts().size()) +
             space.bias_choices().size();
    case Encoding::kOrdinal: return 3 + 3 * lmax;
    case Encoding::kDepthBins: return 6 + kDepthBins * (space.mlp_ratios().size() + space.head_counts().size());
  }
  return 0;
}

void encode(const Arch& arch, const SearchSpace& space, Encoding encoding, std::span<double> out) {
  const std::size_t length = encoding_length(encoding, space);
  if (out.size() != length)
    throw ValueError("encode(" + encoding_name(encoding) + "): output has " +
                     std::to_string(out.size()) + " slots; expected " + std::to_string(length));
  space.validate(arch);
  encode_validated(arch, space, encoding, out);
}

namespace {

// Positions of a validated arch's per-layer choices: the space's tables without their checks
// where it has them (a query's encoding looks up two per layer), else its checked lookups.
struct ValidatedPositions {
  const SearchSpace& space;
  const std::uint8_t* mlp = space.mlp_ratio_positions();
  const std::uint8_t* head = space.head_count_positions();
  std::size_t mlp_ratio(int v) const { return mlp ? mlp[v] : space.mlp_ratio_position(v); }
  std::size_t head_count(int v) const { return head ? head[v] : space.head_count_position(v); }
};

// scaled(position, count) of every position of a choice list, computed once per encoding instead
// of a division per layer (the same division, so the same bits).
struct ScaledPositions {
  static constexpr std::size_t kMax = 8;  // the built-in spaces have 3 or 4 choices (zeroing 64 cost more)
  std::array<double, kMax> value{};
  std::size_t count;
  explicit ScaledPositions(std::size_t n) : count(n) {
    for (std::size_t k = 0; k < std::min(n, kMax); ++k) value[k] = scaled(k, n);
  }
  double operator()(std::size_t position) const { return position < kMax ? value[position] : scaled(position, count); }
};

}  // namespace

void encode_validated(const Arch& arch, const SearchSpace& space, Encoding encoding, std::span<double> out) {
  const auto lmax = static_cast<std::size_t>(space.max_layers());
  const auto layers = static_cast<std::size_t>(arch.num_layers);
  const ValidatedPositions position{space};
  std::fill(out.begin(), out.end(), 0.0);
  switch (encoding) {
    case Encoding::kFeatureMap: {
      out[0] = arch.embed_dim;
      out[1] = arch.num_layers;
      for (std::size_t i = 0; i < lmax; ++i) {
        out[2 + i] = i < layers ? arch.mlp_ratios[i] : -1.0;
        out[2 + lmax + i] = i < layers ? arch.num_heads[i] : -1.0;
      }
      out[2 + 2 * lmax] = arch.bias ? 1.0 : 0.0;
      return;
    }
    case Encoding::kOneHot: {
      const auto& e = space.embed_dims();
      const auto& l = space.layer_counts();
      const auto& r = space.mlp_ratios();
      const auto& h = space.head_counts();
      std::size_t pos = 0;
      out[pos + index_of(e, arch.embed_dim)] = 1.0;
      pos += e.size();
      out[pos + index_of(l, arch.num_layers)] = 1.0;
      pos += l.size();
      for (std::size_t i = 0; i < layers; ++i) out[pos + i * r.size() + position.mlp_ratio(arch.mlp_ratios[i])] = 1.0;
      pos += lmax * r.size();
      for (std::size_t i = 0; i < layers; ++i) out[pos + i * h.size() + position.head_count(arch.num_heads[i])] = 1.0;
      pos += lmax * h.size();
      out[pos + bias_index(space, arch.bias)] = 1.0;
      return;
    }
    case Encoding::kOrdinal: {
      out[0] = scaled(index_of(space.embed_dims(), arch.embed_dim), space.embed_dims().size());
      out[1] = scaled(index_of(space.layer_counts(), arch.num_layers), space.layer_counts().size());
      out[2] = arch.bias ? 1.0 : 0.0;
      const ScaledPositions ratio(space.mlp_ratios().size()), heads(space.head_counts().size());
      for (std::size_t i = 0; i < layers; ++i) {
        out[3 + 3 * i] = 1.0;
        out[4 + 3 * i] = ratio(position.mlp_ratio(arch.mlp_ratios[i]));
        out[5 + 3 * i] = heads(position.head_count(arch.num_heads[i]));
      }
      return;
    }
    case Encoding::kDepthBins: {
      const auto& scales = {"s", "m", "l"};
      std::size_t k = 0;
      for (const char* name : scales) {
        if (space.name() == name) out[k] = 1.0;
        ++k;
      }
      out[3] = scaled(index_of(space.embed_dims(), arch.embed_dim), space.embed_dims().size());
      out[4] = scaled(index_of(space.layer_counts(), arch.num_layers), space.layer_counts().size());
      out[5] = arch.bias ? 1.0 : 0.0;
      const std::size_t ratios = space.mlp_ratios().size(), per_bin = ratios + space.head_counts().size();
      const double share = static_cast<double>(kDepthBins) / static_cast<double>(layers);
      // Layer i falls in bin floor(kDepthBins * i / layers), stepped here without a division per
      // layer (an integer division was ~10 % of an l query's time).
      std::size_t b = 0;
      for (std::size_t i = 0; i < layers; ++i) {
        while ((b + 1) * layers <= kDepthBins * i) ++b;
        double* bin = out.data() + 6 + b * per_bin;
        bin[position.mlp_ratio(arch.mlp_ratios[i])] += share;
        bin[ratios + position.head_count(arch.num_heads[i])] += share;
      }
      return;
    }
  }
}

std::vector<double> encode(const Arch& arch, const SearchSpace& space, Encoding encoding) {
  std::vector<double> out(encoding_length(encoding, space));
  encode(arch, space, encoding, out);
  return out;
}

}  // namespace hwgpt::space
