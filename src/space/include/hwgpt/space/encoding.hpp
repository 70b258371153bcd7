// Fixed-length numeric encodings of an Arch, the inputs of the surrogate models.
//   feature-map: the original's get_arch_feature_map: [E, L, r_0..r_(Lmax-1), h_0..h_(Lmax-1), bias]
//                raw values, absent layers padded with -1, bias 1/0. Length 3 + 2·Lmax.
//   one-hot:     the original's convert_config_to_one_hot: one-hot E, L, per-layer r and h (all zero
//                for absent layers), bias (index in bias_choices, True first). Length
//                |E| + |L| + Lmax·(|r| + |h|) + |bias| (6 + 6·Lmax + 2 for the built-in scales).
//   ordinal:     ours. Every choice as its index scaled to [0, 1] (order kept, unlike one-hot; scale
//                free, unlike the raw feature map), plus a per-layer presence flag:
//                [E, L, bias, (present_i, r_i, h_i) for i < Lmax]. Length 3 + 3·Lmax.
//   depth-bins:  ours, one layout for every scale, so a model can learn from several scales at once
//                (surrogate transfer, docs/SURROGATES.md): [one-hot of the space among the original's
//                scales s, m, l (all zero for any other space), E and L as in ordinal, bias 1/0,
//                then for each of 12 bins of relative depth the share of its layers taking each
//                MLP ratio and each head count (indices in the space's lists), scaled so that a bin
//                of the arch's own depth sums to 1 per choice kind]. Layer i of L goes to bin
//                floor(12 i / L). Length 6 + 12·(|r| + |h|).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hwgpt/space/arch.hpp"
#include "hwgpt/space/search_space.hpp"

namespace hwgpt::space {

enum class Encoding { kFeatureMap, kOneHot, kOrdinal, kDepthBins };

// Bins of relative depth in the depth-bins encoding.
inline constexpr std::size_t kDepthBins = 12;

// "feature-map", "one-hot", "ordinal", "depth-bins".
std::string encoding_name(Encoding encoding);
// Throws ParseError listing the names.
Encoding parse_encoding(std::string_view name);

std::size_t encoding_length(Encoding encoding, const SearchSpace& space);

// Writes the encoding of `arch` (which must be valid in `space`) into `out`, whose size must be
// encoding_length(); throws ValueError otherwise. No allocation: meant for batched queries.
void encode(const Arch& arch, const SearchSpace& space, Encoding encoding, std::span<double> out);
std::vector<double> encode(const Arch& arch, const SearchSpace& space, Encoding encoding);
// encode() of an arch the caller has already passed through space.validate(): the same output
// without validating again (surrogate features validate once per query and reuse the result;
// on an l arch each validation is ~50 ns of a ~1 us query budget). An invalid arch is undefined.
void encode_validated(const Arch& arch, const SearchSpace& space, Encoding encoding, std::span<double> out);

}  // namespace hwgpt::space
