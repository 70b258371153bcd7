// Unit tests for src/space/encoding.cpp: lengths from the issue (3 + 2·Lmax; 6 + 6·Lmax + 2) and
// hand-worked encodings following the original's get_arch_feature_map / convert_config_to_one_hot.
#include "hwgpt/space/encoding.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <numeric>

#include "hwgpt/core/error.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "hwgpt/space/sampling.hpp"

namespace hwgpt::space {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

TEST(Encoding, LengthsOfTheBuiltinScales) {
  for (const char* name : {"t", "s", "m", "l"}) {
    const auto& s = SearchSpace::builtin(name);
    const auto lmax = static_cast<std::size_t>(s.max_layers());
    EXPECT_EQ(encoding_length(Encoding::kFeatureMap, s), 3 + 2 * lmax);
    EXPECT_EQ(encoding_length(Encoding::kOneHot, s), 6 + 6 * lmax + 2);
    EXPECT_EQ(encoding_length(Encoding::kOrdinal, s), 3 + 3 * lmax);
  }
  EXPECT_EQ(encoding_length(Encoding::kFeatureMap, SearchSpace::builtin("s")), 27u);
  EXPECT_EQ(encoding_length(Encoding::kOneHot, SearchSpace::builtin("s")), 80u);
}

TEST(Encoding, FeatureMapPadsAbsentLayersWithMinusOne) {
  const auto& t = SearchSpace::builtin("t");
  const Arch a = parse_arch("gpt-t-3-128-2-3-4-1-2-4-True", t);
  EXPECT_THAT(encode(a, t, Encoding::kFeatureMap),
              ElementsAre(128, 3, 2, 3, 4, -1, -1, 1, 2, 4, -1, -1, 1));
}

TEST(Encoding, OneHotFollowsTheOriginalLayout) {
  const auto& t = SearchSpace::builtin("t");
  const Arch a = parse_arch("gpt-t-3-128-2-3-4-1-2-4-False", t);
  // E(64,128,192) L(3,4,5) r per layer ×5 (2,3,4) h per layer ×5 (1,2,4) bias (True, False)
  const std::vector<double> expected = {0, 1, 0,  1, 0, 0,
                                        1, 0, 0,  0, 1, 0,  0, 0, 1,  0, 0, 0,  0, 0, 0,
                                        1, 0, 0,  0, 1, 0,  0, 0, 1,  0, 0, 0,  0, 0, 0,
                                        0, 1};
  EXPECT_THAT(encode(a, t, Encoding::kOneHot), ElementsAreArray(expected));
}

TEST(Encoding, OrdinalScalesIndicesToUnitInterval) {
  const auto& t = SearchSpace::builtin("t");
  const Arch a = parse_arch("gpt-t-4-192-2-3-4-4-1-2-4-4-True", t);
  EXPECT_THAT(encode(a, t, Encoding::kOrdinal),
              ElementsAre(1.0, 0.5, 1.0,  1, 0, 0,  1, 0.5, 0.5,  1, 1, 1,  1, 1, 1,  0, 0, 0));
}

TEST(Encoding, OneHotHasOneOnePerPresentChoice) {
  const auto& s = SearchSpace::builtin("s");
  Rng rng(5);
  for (int i = 0; i < 100; ++i) {
    const Arch a = sample_arch(s, rng);
    const auto v = encode(a, s, Encoding::kOneHot);
    EXPECT_EQ(std::accumulate(v.begin(), v.end(), 0.0), 3.0 + 2.0 * a.num_layers);
  }
}

// Depth bins by hand: at s with 12 layers every bin holds one layer (share 1); with 10 layers,
// layer i goes to bin floor(12 i / 10), so bins 5 and 11 stay empty and the others hold 1.2.
// The scale's one-hot marks s, m, l and nothing else (t).
TEST(Encoding, DepthBinsShareLayersOutByRelativeDepth) {
  const auto& s = SearchSpace::builtin("s");
  EXPECT_EQ(encoding_length(Encoding::kDepthBins, s), 6u + 12u * 6u);
  Arch a = s.largest_arch();  // 12 layers, embed 768, ratio 4 and 12 heads everywhere
  a.mlp_ratios[3] = 2;
  a.num_heads[3] = 8;
  auto v = encode(a, s, Encoding::kDepthBins);
  EXPECT_EQ(std::vector<double>(v.begin(), v.begin() + 6), (std::vector<double>{1, 0, 0, 1, 1, a.bias ? 1.0 : 0.0}));
  for (std::size_t b = 0; b < 12; ++b) {
    const double* bin = v.data() + 6 + 6 * b;  // ratios 2, 3, 4 then heads 4, 8, 12
    const bool changed = b == 3;
    EXPECT_EQ(std::vector<double>(bin, bin + 6),
              (std::vector<double>{changed ? 1.0 : 0.0, 0, changed ? 0.0 : 1.0, 0, changed ? 1.0 : 0.0, changed ? 0.0 : 1.0}))
        << "bin " << b;
  }
  Arch ten = s.smallest_arch();  // 10 layers, ratio 2 and 4 heads everywhere
  v = encode(ten, s, Encoding::kDepthBins);
  EXPECT_EQ(v[4], 0.0);
  for (std::size_t b = 0; b < 12; ++b) {
    const double expected = (b == 5 || b == 11) ? 0.0 : 1.2;
    EXPECT_DOUBLE_EQ(v[6 + 6 * b], expected) << "bin " << b;
    EXPECT_DOUBLE_EQ(v[6 + 6 * b + 3], expected) << "bin " << b;
  }
  const auto& l = SearchSpace::builtin("l");
  v = encode(l.mid_arch(), l, Encoding::kDepthBins);
  EXPECT_EQ(std::vector<double>(v.begin(), v.begin() + 3), (std::vector<double>{0, 0, 1}));
  EXPECT_NEAR(std::accumulate(v.begin() + 6, v.end(), 0.0), 24.0, 1e-12);  // 12 per choice kind
  const auto& t = SearchSpace::builtin("t");
  v = encode(t.mid_arch(), t, Encoding::kDepthBins);
  EXPECT_EQ(std::vector<double>(v.begin(), v.begin() + 3), (std::vector<double>{0, 0, 0}));
}

// Every layer of every layer count lands in bin floor(12 i / L): one layer at a time takes a ratio
// that no other layer has, and its share must appear in that bin and nowhere else.
TEST(Encoding, DepthBinsPlaceEveryLayerByFloorOfRelativeDepth) {
  for (const char* name : {"s", "m", "l"}) {
    const auto& space = SearchSpace::builtin(name);
    for (const int layers : space.layer_counts()) {
      Arch a = space.smallest_arch();
      a.num_layers = layers;
      a.mlp_ratios.assign(static_cast<std::size_t>(layers), space.mlp_ratios().front());
      a.num_heads.assign(static_cast<std::size_t>(layers), space.head_counts().front());
      const std::size_t per_bin = space.mlp_ratios().size() + space.head_counts().size();
      for (int i = 0; i < layers; ++i) {
        Arch b = a;
        b.mlp_ratios[static_cast<std::size_t>(i)] = space.mlp_ratios().back();
        const auto v = encode(b, space, Encoding::kDepthBins);
        const auto expected_bin = static_cast<std::size_t>(12 * i / layers);
        for (std::size_t bin = 0; bin < 12; ++bin) {
          const double last_ratio = v[6 + bin * per_bin + space.mlp_ratios().size() - 1];
          EXPECT_DOUBLE_EQ(last_ratio, bin == expected_bin ? 12.0 / layers : 0.0)
              << name << " layers " << layers << " layer " << i << " bin " << bin;
        }
      }
    }
  }
}

// The encodings read choice positions from the space's tables (every choice below 64) or by
// scanning the lists (a choice of 64 or more): two spaces whose choices differ only in value, one
// of each kind, must encode archs at the same positions identically (feature-map, which writes
// the values themselves, aside).
TEST(Encoding, PositionsFromTablesAndScansEncodeAlike) {
  SearchSpaceConfig small = SearchSpace::builtin("s").config(), large = small;
  small.mlp_ratios = {2, 3, 4};
  small.head_counts = {4, 8, 12};
  large.mlp_ratios = {2, 3, 70};
  large.head_counts = {4, 8, 96};
  const SearchSpace a(small), b(large);
  ASSERT_NE(a.mlp_ratio_positions(), nullptr);
  ASSERT_EQ(b.mlp_ratio_positions(), nullptr);
  ASSERT_EQ(b.head_count_positions(), nullptr);
  hwgpt::Rng rng(5);
  for (const Arch& x : sample_archs(a, 50, rng)) {
    Arch y = x;
    for (auto& r : y.mlp_ratios) r = large.mlp_ratios[a.mlp_ratio_position(r)];
    for (auto& h : y.num_heads) h = large.head_counts[a.head_count_position(h)];
    for (Encoding e : {Encoding::kOneHot, Encoding::kOrdinal, Encoding::kDepthBins})
      EXPECT_EQ(encode(x, a, e), encode(y, b, e)) << format_arch(x) << " " << encoding_name(e);
  }
}

// The ordinal encoding's scaled positions come from a small per-arch table for the first 8
// choices and from the division itself beyond: with 11 MLP ratios every position, below and past
// the table, is k / 10.
TEST(Encoding, OrdinalScalesEveryPositionOfALongChoiceList) {
  SearchSpaceConfig config = SearchSpace::builtin("t").config();
  config.mlp_ratios = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  const SearchSpace space(config);
  Arch a = space.smallest_arch();
  for (std::size_t k = 0; k < config.mlp_ratios.size(); ++k) {
    for (auto& r : a.mlp_ratios) r = config.mlp_ratios[k];
    const auto v = encode(a, space, Encoding::kOrdinal);
    for (std::size_t i = 0; i < a.mlp_ratios.size(); ++i)
      EXPECT_EQ(v[4 + 3 * i], static_cast<double>(k) / 10.0) << "position " << k << " layer " << i;
  }
}

TEST(Encoding, DistinctArchsGetDistinctEncodings) {
  const auto& t = SearchSpace::builtin("t");
  const Arch a = t.mid_arch();
  for (const Arch& n : neighbours(a, t))
    for (Encoding e : {Encoding::kFeatureMap, Encoding::kOneHot, Encoding::kOrdinal, Encoding::kDepthBins})
      EXPECT_NE(encode(n, t, e), encode(a, t, e)) << format_arch(n) << " " << encoding_name(e);
}

TEST(Encoding, NamesRoundTripAndErrors) {
  for (Encoding e : {Encoding::kFeatureMap, Encoding::kOneHot, Encoding::kOrdinal, Encoding::kDepthBins})
    EXPECT_EQ(parse_encoding(encoding_name(e)), e);
  EXPECT_THAT([] { (void)parse_encoding("onehot"); },
              ThrowsMessage<ParseError>(HasSubstr("expected feature-map, one-hot, ordinal or depth-bins")));
  const auto& t = SearchSpace::builtin("t");
  std::vector<double> small(4);
  EXPECT_THAT([&] { encode(t.mid_arch(), t, Encoding::kOrdinal, small); },
              ThrowsMessage<ValueError>(HasSubstr("output has 4 slots; expected 18")));
  EXPECT_THROW((void)encode(SearchSpace::builtin("s").mid_arch(), t, Encoding::kOneHot), ValueError);
}

}  // namespace
}  // namespace hwgpt::space
