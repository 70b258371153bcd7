// Feature-map, one-hot, ordinal and depth-bins encodings (see encoding.hpp for layouts and sources).
#include "hwgpt/space/encoding.hpp"

#include <algorithm>

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

void encode_validated(const Arch& arch, const SearchSpace& space, Encoding encoding, std::span<double> out) {
  const auto lmax = static_cast<std::size_t>(space.max_layers());
  const auto layers = static_cast<std::size_t>(arch.num_layers);
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
      for (std::size_t i = 0; i < layers; ++i) out[pos + i * r.size() + space.mlp_ratio_position(arch.mlp_ratios[i])] = 1.0;
      pos += lmax * r.size();
      for (std::size_t i = 0; i < layers; ++i) out[pos + i * h.size() + space.head_count_position(arch.num_heads[i])] = 1.0;
      pos += lmax * h.size();
      out[pos + bias_index(space, arch.bias)] = 1.0;
      return;
    }
    case Encoding::kOrdinal: {
      out[0] = scaled(index_of(space.embed_dims(), arch.embed_dim), space.embed_dims().size());
      out[1] = scaled(index_of(space.layer_counts(), arch.num_layers), space.layer_counts().size());
      out[2] = arch.bias ? 1.0 : 0.0;
      for (std::size_t i = 0; i < layers; ++i) {
        out[3 + 3 * i] = 1.0;
        out[4 + 3 * i] = scaled(space.mlp_ratio_position(arch.mlp_ratios[i]), space.mlp_ratios().size());
        out[5 + 3 * i] = scaled(space.head_count_position(arch.num_heads[i]), space.head_counts().size());
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
        bin[space.mlp_ratio_position(arch.mlp_ratios[i])] += share;
        bin[ratios + space.head_count_position(arch.num_heads[i])] += share;
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
