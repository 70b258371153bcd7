// Tests of hwgpt/model/supernet.hpp: parameter counts against the closed form, extraction against
// the sliced supernet, slicing invariants, KV-cache decoding against the full forward, files.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "../common/temp_dir.hpp"
#include "hwgpt/analytic/params.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/model/supernet.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "hwgpt/space/sampling.hpp"
#include "model_test_util.hpp"

namespace {

using hwgpt::model::Logits;
using hwgpt::model::Supernet;
using hwgpt::model::TokenBatch;
using hwgpt::space::Arch;
using hwgpt::space::SearchSpace;
using hwgpt::test::max_abs_diff;
using hwgpt::test::random_batch;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

const SearchSpace& t_space() { return SearchSpace::builtin("t"); }

// One shared supernet: initialisation of the ~2 M super-weights is the slow part.
Supernet& shared_supernet() {
  static Supernet net(t_space(), 7);
  return net;
}

TEST(Supernet, ExtractedParameterCountEqualsClosedFormForSampledArchs) {
  hwgpt::Rng rng(11);
  std::vector<Arch> archs = hwgpt::space::sample_archs(t_space(), 60, rng);
  archs.push_back(t_space().largest_arch());
  archs.push_back(t_space().smallest_arch());
  for (const Arch& arch : archs) {
    const auto spec = hwgpt::analytic::model_spec(arch, t_space(), hwgpt::analytic::ModelVariant::kHwgpt);
    EXPECT_EQ(shared_supernet().extract(arch).num_parameters(), hwgpt::analytic::num_params(spec))
        << hwgpt::space::format_arch(arch);
  }
}

TEST(Supernet, SuperWeightCountIsLargestArchPlusNothingElse) {
  // The largest arch (bias True) uses every super-weight.
  const auto spec = hwgpt::analytic::model_spec(t_space().largest_arch(), t_space(),
                                                hwgpt::analytic::ModelVariant::kHwgpt);
  EXPECT_EQ(shared_supernet().num_parameters(), hwgpt::analytic::num_params(spec));
}

TEST(Supernet, ExtractedModelReproducesSlicedLogits) {
  hwgpt::Rng rng(5);
  const TokenBatch batch = random_batch(2, 16, 3);
  for (const Arch& arch : hwgpt::space::sample_archs(t_space(), 8, rng)) {
    const Logits sliced = shared_supernet().forward(arch, batch);
    const Logits dense = shared_supernet().extract(arch).forward(batch);
    EXPECT_EQ(dense.vocab_size, 256);
    EXPECT_LE(max_abs_diff(sliced, dense), 1e-5) << hwgpt::space::format_arch(arch);
  }
}

// Changing a super-weight outside an arch's prefix slice leaves its logits unchanged; inside, not.
TEST(Supernet, OnlyThePrefixSliceInfluencesASubnetwork) {
  Supernet net(t_space(), 3);
  const Arch arch = hwgpt::space::parse_arch("gpt-t-3-64-2-3-4-1-2-4-False", t_space());
  const TokenBatch batch = random_batch(1, 8, 9);
  const Logits before = net.forward(arch, batch);
  auto poke = [&](const std::string& name, std::size_t index) {
    std::vector<float> w = net.parameter(name);
    w.at(index) += 0.5f;
    net.set_parameter(name, w);
  };
  const std::size_t E_max = 192, hs = 32;
  poke("h.0.attn.qkv.weight", 3 * hs * E_max);      // layer 0 has 1 head: row 3·hs is head 1's q
  poke("h.0.attn.qkv.weight", 5 * E_max + 64);      // column 64 is outside E = 64
  poke("h.1.mlp.fc.weight", 3 * 64 * E_max);        // r = 3: row 192 is outside 3·E
  poke("h.3.mlp.fc.weight", 0);                     // layer 3 is outside L = 3
  poke("h.2.attn.proj.bias", 0);                    // bias False
  poke("wte", 100);                                 // column 100 of row 0 is outside E
  EXPECT_EQ(max_abs_diff(before, net.forward(arch, batch)), 0.0);
  poke("h.0.attn.qkv.weight", 2 * hs * E_max);      // head 0's v, inside
  EXPECT_GT(max_abs_diff(before, net.forward(arch, batch)), 1e-4);
}

TEST(Supernet, KvCacheDecodingMatchesFullForward) {
  hwgpt::Rng rng(21);
  const TokenBatch batch = random_batch(1, 12, 4);
  for (const Arch& arch : hwgpt::space::sample_archs(t_space(), 3, rng)) {
    auto dense = shared_supernet().extract(arch);
    const Logits full = dense.forward(batch);
    dense.reset_cache();
    for (int t = 0; t < batch.sequence_length; ++t) {
      const std::vector<float> step = dense.decode_step(batch.tokens[static_cast<std::size_t>(t)]);
      ASSERT_EQ(step.size(), 256u);
      double m = 0;
      for (int v = 0; v < 256; ++v) m = std::max(m, std::fabs(static_cast<double>(step[static_cast<std::size_t>(v)]) - full.at(0, t, v)));
      EXPECT_LE(m, 1e-5) << hwgpt::space::format_arch(arch) << " position " << t;
    }
    EXPECT_EQ(dense.cache_length(), 12);
  }
}

// With a window W the cache holds at most W keys; while fewer than W tokens were fed it decodes
// exactly as the unbounded cache (and so as the full forward), and after that the logits differ
// (older keys are gone).
TEST(Supernet, SlidingWindowCacheKeepsTheNewestKeys) {
  auto dense = shared_supernet().extract(t_space().mid_arch());
  const TokenBatch batch = random_batch(1, 10, 8);
  std::vector<std::vector<float>> unbounded, windowed;
  dense.reset_cache();
  for (std::int32_t t : batch.tokens) unbounded.push_back(dense.decode_step(t));
  dense.reset_cache(4);
  for (std::int32_t t : batch.tokens) {
    windowed.push_back(dense.decode_step(t));
    EXPECT_LE(dense.cached_keys(), 4);
  }
  EXPECT_EQ(dense.cache_length(), 10);
  EXPECT_EQ(dense.cached_keys(), 4);
  for (std::size_t t = 0; t < 4; ++t) EXPECT_EQ(windowed[t], unbounded[t]) << t;
  EXPECT_NE(windowed[9], unbounded[9]);
  EXPECT_THAT([&] { dense.reset_cache(-1); },
              ThrowsMessage<hwgpt::ValueError>(HasSubstr("KV-cache window is -1; expected >= 0")));
}

TEST(Supernet, GenerationIsSeededAndGreedyIsDeterministic) {
  auto dense = shared_supernet().extract(t_space().mid_arch());
  hwgpt::model::GenerateOptions o;
  o.max_new_tokens = 10;
  o.seed = 4;
  const auto a = dense.generate({72, 105}, o), b = dense.generate({72, 105}, o);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.size(), 10u);
  o.temperature = 0.0;
  const auto g = dense.generate({72, 105}, o);
  // Greedy: each token is the argmax of the full forward over prompt + previous tokens.
  std::vector<std::int32_t> seq{72, 105};
  for (std::int32_t tok : g) {
    const Logits l = dense.forward(TokenBatch{1, static_cast<int>(seq.size()), seq});
    int best = 0;
    for (int v = 1; v < 256; ++v)
      if (l.at(0, l.sequence_length - 1, v) > l.at(0, l.sequence_length - 1, best)) best = v;
    EXPECT_EQ(tok, best);
    seq.push_back(tok);
  }
}

TEST(Supernet, SameSeedSameWeightsOtherSeedOther) {
  const Supernet a(t_space(), 5), b(t_space(), 5), c(t_space(), 6);
  EXPECT_EQ(a.parameter("h.2.mlp.fc.weight"), b.parameter("h.2.mlp.fc.weight"));
  EXPECT_NE(a.parameter("h.2.mlp.fc.weight"), c.parameter("h.2.mlp.fc.weight"));
  EXPECT_EQ(a.parameter("ln_f.weight"), std::vector<float>(192, 1.0f));
}

TEST(Supernet, SaveLoadRoundTripsExactly) {
  const hwgpt::test::TempDir dir("supernet");
  const auto path = dir / "net.hwgpt";
  shared_supernet().save(path);
  const Supernet loaded = Supernet::load(path, &t_space());
  for (const std::string& name : shared_supernet().parameter_names())
    EXPECT_EQ(loaded.parameter(name), shared_supernet().parameter(name)) << name;
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
}

TEST(Supernet, RejectsTruncatedForeignAndOtherScaleFiles) {
  const hwgpt::test::TempDir dir("supernet_bad");
  shared_supernet().save(dir / "good.pt");
  const auto size = std::filesystem::file_size(dir / "good.pt");
  std::filesystem::copy_file(dir / "good.pt", dir / "cut.pt");
  std::filesystem::resize_file(dir / "cut.pt", size / 2);
  EXPECT_THAT([&] { Supernet::load(dir / "cut.pt"); },
              ThrowsMessage<hwgpt::FileError>(HasSubstr("cut.pt' is truncated or corrupt")));
  std::ofstream(dir / "text.pt") << "hello";
  EXPECT_THAT([&] { Supernet::load(dir / "text.pt"); },
              ThrowsMessage<hwgpt::FileError>(HasSubstr("text.pt' is not an hwgpt model file")));
  EXPECT_THAT([&] { Supernet::load(dir / "missing.pt"); },
              ThrowsMessage<hwgpt::FileError>(HasSubstr("does not exist")));
  EXPECT_THAT([&] { Supernet::load(dir / "good.pt", &SearchSpace::builtin("s")); },
              ThrowsMessage<hwgpt::FileError>(HasSubstr("holds a supernet of space 't'; expected space 's'")));
}

TEST(Supernet, RejectsArchOutsideItsSpaceAndBadTokens) {
  const Arch s_arch = SearchSpace::builtin("s").smallest_arch();
  EXPECT_THAT([&] { shared_supernet().forward(s_arch, random_batch(1, 4, 1)); },
              ThrowsMessage<hwgpt::ValueError>(HasSubstr("this supernet is of space 't'")));
  Arch wide = t_space().largest_arch();
  wide.embed_dim = 256;
  EXPECT_THROW(shared_supernet().forward(wide, random_batch(1, 4, 1)), hwgpt::ValueError);
  TokenBatch bad{1, 3, {1, 256, 2}};
  EXPECT_THAT([&] { shared_supernet().forward(t_space().mid_arch(), bad); },
              ThrowsMessage<hwgpt::ValueError>(HasSubstr("token 1 is 256; expected an id in [0, 256)")));
  TokenBatch short_batch{2, 3, {1, 2}};
  EXPECT_THAT([&] { shared_supernet().forward(t_space().mid_arch(), short_batch); },
              ThrowsMessage<hwgpt::ValueError>(HasSubstr("token batch of shape (2, 3) holds 2 tokens")));
}

}  // namespace

namespace hwgpt::model {
namespace {

// Debian's libtorch runs its matrix products in OpenBLAS's pthread pool, which torch's own thread
// setting does not limit; set_num_threads must bound both (a one-thread profile used two cores).
TEST(Threads, SetNumThreadsAlsoBoundsOpenBlasPool) {
  const int before = blas_threads();
  if (before < 0) GTEST_SKIP() << "the BLAS library in this process is not OpenBLAS";
  set_num_threads(1);
  EXPECT_EQ(blas_threads(), 1);
  set_num_threads(before);
  EXPECT_EQ(blas_threads(), before);
}

}  // namespace
}  // namespace hwgpt::model
