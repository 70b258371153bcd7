// Tests of the supernet options (SupernetOptions): the mixture of supernets (experts > 1) — its
// initialisation against the one-expert supernet of the same seed, the forward against one-expert
// supernets holding the mixed matrices computed here by hand, the router's control of the mixture,
// collapsed() and files — and the strided layer placement against prefix supernets holding the
// same layers in the first places.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>

#include "../common/temp_dir.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/model/supernet.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "model_test_util.hpp"

namespace {

using hwgpt::model::Logits;
using hwgpt::model::Supernet;
using hwgpt::model::TokenBatch;
using hwgpt::space::Arch;
using hwgpt::space::SearchSpace;
using hwgpt::test::max_abs_diff;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

const SearchSpace& t_space() { return SearchSpace::builtin("t"); }
const Arch kArch = hwgpt::space::parse_arch("gpt-t-4-128-3-2-4-3-2-4-1-2-True", t_space());
const char* const kMatrices[] = {"attn.qkv.weight", "attn.proj.weight", "mlp.fc.weight", "mlp.proj.weight"};

std::string layer_matrix(int i, int k, const char* matrix) {
  return "h." + std::to_string(i) + "." + (k == 0 ? "" : "expert" + std::to_string(k) + ".") + matrix;
}

// A one-expert supernet holding `mixture`'s shared tensors and, in each layer, the matrices
// sum_k w[i][k] · expert k's (computed element-wise here, not by the model code).
Supernet mixed_by_hand(const Supernet& mixture, const std::vector<double>& w) {
  Supernet plain(t_space(), 99);
  for (const std::string& name : plain.parameter_names()) plain.set_parameter(name, mixture.parameter(name));
  const int M = mixture.experts();
  for (int i = 0; i < t_space().max_layers(); ++i)
    for (const char* matrix : kMatrices) {
      std::vector<float> out(mixture.parameter(layer_matrix(i, 0, matrix)).size(), 0.0F);
      for (int k = 0; k < M; ++k) {
        const std::vector<float> e = mixture.parameter(layer_matrix(i, k, matrix));
        for (std::size_t j = 0; j < out.size(); ++j)
          out[j] += static_cast<float>(w[static_cast<std::size_t>(i * M + k)]) * e[j];
      }
      plain.set_parameter(layer_matrix(i, 0, matrix), out);
    }
  return plain;
}

TEST(Mixture, ExpertZeroIsTheOneExpertSupernetOfTheSameSeedAndTheOthersDiffer) {
  const Supernet plain(t_space(), 5), mixture(t_space(), 5, {.experts = 3});
  EXPECT_EQ(plain.experts(), 1);
  EXPECT_EQ(mixture.experts(), 3);
  for (const std::string& name : plain.parameter_names()) EXPECT_EQ(plain.parameter(name), mixture.parameter(name)) << name;
  EXPECT_NE(mixture.parameter(layer_matrix(2, 1, kMatrices[0])), mixture.parameter(layer_matrix(2, 0, kMatrices[0])));
  EXPECT_NE(mixture.parameter(layer_matrix(2, 2, kMatrices[0])), mixture.parameter(layer_matrix(2, 1, kMatrices[0])));
  // Expert and router tensors: 3-1 experts × L × 4 matrices, and the router's four.
  EXPECT_EQ(mixture.parameter_names().size(), plain.parameter_names().size() + 2 * t_space().max_layers() * 4 + 4);
}

TEST(Mixture, StartsUniformAndTheForwardIsTheMixtureOfTheExperts) {
  const Supernet mixture(t_space(), 5, {.experts = 2});
  const std::vector<double> w = mixture.mixture(kArch);
  ASSERT_EQ(w.size(), static_cast<std::size_t>(t_space().max_layers() * 2));
  for (double x : w) EXPECT_DOUBLE_EQ(x, 0.5);  // the router's output layer starts at 0
  const TokenBatch batch = hwgpt::test::random_batch(2, 12, 1);
  EXPECT_LT(max_abs_diff(mixture.forward(kArch, batch), mixed_by_hand(mixture, w).forward(kArch, batch)), 1e-5);
}

// Router output biases of ±20 per layer make each layer's mixture one-hot, chosen per layer: the
// forward is then that of the experts picked, and unlike the uniform mixture's.
TEST(Mixture, TheRouterChoosesTheExpertPerLayer) {
  Supernet mixture(t_space(), 5, {.experts = 2});
  const int L = t_space().max_layers();
  std::vector<float> bias(static_cast<std::size_t>(2 * L));
  std::vector<double> expected(bias.size());
  for (int i = 0; i < L; ++i) {
    const int pick = i % 2;  // expert 0 in even layers, expert 1 in odd ones
    bias[static_cast<std::size_t>(2 * i + pick)] = 20.0F;
    bias[static_cast<std::size_t>(2 * i + 1 - pick)] = -20.0F;
    expected[static_cast<std::size_t>(2 * i + pick)] = 1.0;
  }
  const TokenBatch batch = hwgpt::test::random_batch(2, 12, 2);
  const Logits uniform = mixture.forward(kArch, batch);
  mixture.set_parameter("router.out.bias", bias);
  const std::vector<double> w = mixture.mixture(kArch);
  for (std::size_t j = 0; j < w.size(); ++j) EXPECT_NEAR(w[j], expected[j], 1e-12);
  const Logits chosen = mixture.forward(kArch, batch);
  EXPECT_LT(max_abs_diff(chosen, mixed_by_hand(mixture, expected).forward(kArch, batch)), 1e-5);
  EXPECT_GT(max_abs_diff(chosen, uniform), 1e-3);
}

// The router sees the arch: with random output weights two archs get different mixtures.
TEST(Mixture, DifferentArchsGetDifferentMixtures) {
  Supernet mixture(t_space(), 5, {.experts = 2});
  const auto n = mixture.parameter("router.out.weight").size();
  hwgpt::Rng rng(3);
  std::vector<float> w(n);
  for (float& x : w) x = static_cast<float>(rng.uniform_double() - 0.5);
  mixture.set_parameter("router.out.weight", w);
  const std::vector<double> a = mixture.mixture(kArch), b = mixture.mixture(t_space().smallest_arch());
  double diff = 0;
  for (std::size_t j = 0; j < a.size(); ++j) diff = std::max(diff, std::fabs(a[j] - b[j]));
  EXPECT_GT(diff, 1e-3);
  for (std::size_t i = 0; i < a.size(); i += 2) EXPECT_NEAR(a[i] + a[i + 1], 1.0, 1e-6);
}

// Also with strided layers, where the mixed matrices must land in the arch's placed super-layers.
TEST(Mixture, CollapsedHoldsTheArchsMixedWeights) {
  const Arch shallow = hwgpt::space::parse_arch("gpt-t-3-128-3-2-4-2-4-1-True", t_space());
  for (const auto placement : {hwgpt::model::LayerPlacement::kPrefix, hwgpt::model::LayerPlacement::kStrided})
    for (const Arch& arch : {kArch, shallow}) {
      Supernet mixture(t_space(), 5, {.experts = 2, .layers = placement});
      std::vector<float> bias(static_cast<std::size_t>(2 * t_space().max_layers()));
      for (std::size_t j = 0; j < bias.size(); ++j) bias[j] = j % 3 == 0 ? 1.0F : -0.5F;  // non-uniform mixtures
      mixture.set_parameter("router.out.bias", bias);
      const Supernet one = mixture.collapsed(arch);
      EXPECT_EQ(one.experts(), 1);
      EXPECT_EQ(one.layer_placement(), placement);
      const TokenBatch batch = hwgpt::test::random_batch(2, 12, 3);
      const std::string what = hwgpt::space::format_arch(arch);
      EXPECT_LT(max_abs_diff(one.forward(arch, batch), mixture.forward(arch, batch)), 1e-5) << what;
      EXPECT_LT(max_abs_diff(one.extract(arch).forward(batch), mixture.extract(arch).forward(batch)), 1e-5) << what;
    }
}

TEST(Mixture, FileRoundTripKeepsTheExpertsAndOneExpertFilesStayAsBefore) {
  hwgpt::test::TempDir dir("mixture_file");
  Supernet mixture(t_space(), 5, {.experts = 2});
  mixture.set_parameter("router.out.bias", std::vector<float>(2 * t_space().max_layers(), 0.3F));
  mixture.save(dir / "m.hwgpt");
  const Supernet loaded = Supernet::load(dir / "m.hwgpt");
  EXPECT_EQ(loaded.experts(), 2);
  const TokenBatch batch = hwgpt::test::random_batch(2, 12, 4);
  EXPECT_EQ(loaded.forward(kArch, batch).values, mixture.forward(kArch, batch).values);
  // A one-expert file has no "experts" entry, so files written before the option load unchanged.
  Supernet(t_space(), 5).save(dir / "p.hwgpt");
  std::ifstream in(dir / "p.hwgpt", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(bytes.find("\"experts\""), std::string::npos);
  EXPECT_EQ(Supernet::load(dir / "p.hwgpt").experts(), 1);
}

TEST(Mixture, RejectsAnExpertCountOutsideOneToSixteen) {
  EXPECT_THAT([] { Supernet(t_space(), 1, {.experts = 0}); }, ThrowsMessage<hwgpt::ValueError>(HasSubstr("expected 1")));
  EXPECT_THAT([] { Supernet(t_space(), 1, {.experts = 17}); }, ThrowsMessage<hwgpt::ValueError>(HasSubstr("to 16")));
}

// t (L_max = 5) as the original places them: 4 layers skip the fourth, 3 use every other one.
TEST(StridedLayers, SpreadAnArchsLayersOverTheDepthKeepingFirstAndLast) {
  const Supernet prefix(t_space(), 1), strided(t_space(), 1, {.layers = hwgpt::model::LayerPlacement::kStrided});
  EXPECT_EQ(prefix.layer_indices(3), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(strided.layer_indices(3), (std::vector<int>{0, 2, 4}));
  EXPECT_EQ(strided.layer_indices(4), (std::vector<int>{0, 1, 2, 4}));
  EXPECT_EQ(strided.layer_indices(5), (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(strided.layer_indices(1), (std::vector<int>{0}));
  EXPECT_THROW(strided.layer_indices(6), hwgpt::ValueError);
  // s (L_max = 12): 11 layers skip the eleventh; 10 are spread evenly, all distinct, in range.
  const Supernet s(SearchSpace::builtin("s"), 1, {.layers = hwgpt::model::LayerPlacement::kStrided});
  EXPECT_EQ(s.layer_indices(11), (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11}));
  EXPECT_EQ(s.layer_indices(10), (std::vector<int>{0, 1, 2, 4, 5, 6, 7, 9, 10, 11}));
}

// A 3-layer arch of a strided supernet computes what a prefix supernet computes when its layers
// 0, 1, 2 hold the strided one's layers 0, 2, 4 (copied here parameter by parameter).
TEST(StridedLayers, ForwardUsesTheSpreadLayersAndSurvivesTheFile) {
  const Supernet strided(t_space(), 4, {.layers = hwgpt::model::LayerPlacement::kStrided});
  Supernet prefix(t_space(), 9);
  const std::vector<int> from = {0, 2, 4};
  for (const std::string& name : prefix.parameter_names()) {
    std::string source = name;
    if (name.rfind("h.", 0) == 0) {
      const std::size_t dot = name.find('.', 2);
      const int layer = std::stoi(name.substr(2, dot - 2));
      if (layer >= 3) continue;
      source = "h." + std::to_string(from[static_cast<std::size_t>(layer)]) + name.substr(dot);
    }
    prefix.set_parameter(name, strided.parameter(source));
  }
  const Arch arch = hwgpt::space::parse_arch("gpt-t-3-128-3-2-4-2-4-1-True", t_space());
  const TokenBatch batch = hwgpt::test::random_batch(2, 12, 5);
  EXPECT_LT(max_abs_diff(strided.forward(arch, batch), prefix.forward(arch, batch)), 1e-6);
  EXPECT_GT(max_abs_diff(Supernet(t_space(), 4).forward(arch, batch), strided.forward(arch, batch)), 1e-3);
  hwgpt::test::TempDir dir("strided_file");
  strided.save(dir / "s.hwgpt");
  const Supernet loaded = Supernet::load(dir / "s.hwgpt");
  EXPECT_EQ(loaded.layer_placement(), hwgpt::model::LayerPlacement::kStrided);
  EXPECT_EQ(loaded.forward(arch, batch).values, strided.forward(arch, batch).values);
  EXPECT_EQ(loaded.extract(arch).forward(batch).values, strided.forward(arch, batch).values);
}

}  // namespace
