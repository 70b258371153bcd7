// Tests of src/surrogate/{surrogate,surrogate_file,fit}.cpp: conformal quantiles by hand, a fit on
// a known function (the native trees are checked against XGBoost inside fit_surrogate), interval
// coverage on unseen archs, and files that round-trip or fail loudly when damaged.
#include "hwgpt/surrogate/surrogate.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "hwgpt/analytic/params.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "hwgpt/space/sampling.hpp"
#include "hwgpt/surrogate/fit.hpp"
#include "hwgpt/surrogate/predictor.hpp"
#include "../../src/surrogate/activation.hpp"
#include "surrogate_fixture.hpp"

namespace hwgpt::surrogate {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

TEST(Conformal, QuantilesUseTheFiniteSampleRanks) {
  std::vector<double> residuals;
  for (int i = 99; i >= 1; --i) residuals.push_back(i);  // 1..99, unsorted
  const auto q = conformal_quantiles(residuals);
  ASSERT_EQ(q.size(), 199u);
  EXPECT_EQ(q[189], 95.0);  // level 0.95: rank ⌈0.95 · 100⌉ = 95
  EXPECT_EQ(q[9], 5.0);     // level 0.05: rank ⌊0.05 · 100⌋ = 5
  EXPECT_EQ(q[99], 50.0);   // level 0.5: rank ⌈50⌉
  EXPECT_TRUE(std::is_sorted(q.begin(), q.end()));
  EXPECT_THAT([] { (void)conformal_quantiles({1, 2, 3}); }, ThrowsMessage<ValueError>(HasSubstr("at least 20")));
}

TEST(Fit, LearnsAKnownFunctionWithCalibratedIntervals) {
  const auto& fx = test::fitted_t_surrogate();
  const auto& info = fx.model.info();
  EXPECT_GT(info.test.r2, 0.98);
  EXPECT_GT(info.test.kendall_tau, 0.9);
  // 90 % intervals on unseen archs, for a target with 5 % log-normal noise.
  EXPECT_GT(info.test.coverage_90, 0.84);
  EXPECT_LT(info.test.coverage_90, 0.96);
  // ~225 calibration archs, fewer than 500: cross-conformal over every non-test arch.
  EXPECT_THAT(info.fitted_with, HasSubstr("cross-conformal residual quantiles (5 folds"));
  EXPECT_EQ(info.train_count, info.calibration_count);
  EXPECT_EQ(info.train_count + info.test_count, 1500);
  EXPECT_EQ(info.data_hash.size(), 16u);
  EXPECT_NEAR(fx.model.noise_log_sigma(), 0.0, 1e-12);  // the fixture has no per-arch samples
}

// The MLP's vectorisable exp against std::exp, and SiLU against its definition.
TEST(Activation, ArithmeticExpMatchesStdExp) {
  double worst = 0;
  for (float x = -80.0f; x <= 80.0f; x += 0.0137f)
    worst = std::max(worst, std::fabs(static_cast<double>(detail::exp_arith(x)) / std::exp(static_cast<double>(x)) - 1));
  EXPECT_LT(worst, 2.4e-7);  // within 2 ulp of float (2^-22 = 2.4e-7 relative at most)
  EXPECT_EQ(detail::exp_arith(0.0f), 1.0f);
  EXPECT_GT(detail::exp_arith(-1e6f), 0.0f);  // clamped, no denormal underflow to garbage
  EXPECT_TRUE(std::isfinite(detail::exp_arith(1e6f)));
  for (float x : {-90.0f, -5.0f, -0.5f, 0.0f, 0.25f, 3.0f, 90.0f})
    EXPECT_NEAR(detail::silu(x), x / (1 + std::exp(-static_cast<double>(x))), 1e-6 * (1 + std::fabs(x)));
}

// Intervals from a small data set (160 archs: ~24 calibration archs) against 3,000 fresh archs
// with fresh noise. Cross-conformal calibration uses out-of-fold residuals of all 128 non-test
// archs; had it used in-sample residuals (a model's fit to its own data is tighter than to new
// archs), the 90 % interval would cover far fewer. The split-conformal path (forced) uses the 24.
TEST(Fit, CrossConformalIntervalsOfASmallDataSetCoverFreshArchs) {
  const auto& t = space::SearchSpace::builtin("t");
  Rng rng(31);
  auto normal = [&rng] {
    const double u1 = 1.0 - rng.uniform_double(), u2 = rng.uniform_double();
    return std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  };
  auto target = [&](const space::Arch& a) {
    const auto p = analytic::num_params(analytic::model_spec(a, t, analytic::ModelVariant::kHwgpt));
    return std::pow(static_cast<double>(p), 0.7) * std::exp(0.05 * normal());
  };
  Dataset data;
  data.archs = space::sample_archs(t, 160, rng, space::SamplingMode::kPerChoice, true);
  for (const auto& a : data.archs) data.targets.push_back(target(a));
  const auto fresh = space::sample_archs(t, 3000, rng, space::SamplingMode::kPerChoice, true);
  std::vector<double> fresh_y;
  for (const auto& a : fresh) fresh_y.push_back(target(a));
  SurrogateInfo info;
  info.space = "t";
  info.metric = "perplexity";
  FitOptions options;
  options.models = {"gbt"};
  options.depths = {3};
  options.max_rounds = 300;
  options.threads = 1;
  auto coverage = [&](const Surrogate& m) {
    const std::size_t width = feature_count(m.info().features, t);
    std::vector<double> row(width);
    int inside = 0;
    for (std::size_t i = 0; i < fresh.size(); ++i) {
      features(fresh[i], t, m.info().features, row);
      inside += m.quantile(row, 0.05) <= fresh_y[i] && fresh_y[i] <= m.quantile(row, 0.95);
    }
    return inside / static_cast<double>(fresh.size());
  };
  const Surrogate cross = fit_surrogate(data, t, info, options);
  EXPECT_THAT(cross.info().fitted_with, HasSubstr("cross-conformal"));
  EXPECT_EQ(cross.info().calibration_count, cross.info().train_count);
  EXPECT_EQ(cross.info().train_count + cross.info().test_count, 160);
  const double cross_coverage = coverage(cross);
  EXPECT_GT(cross_coverage, 0.86);
  EXPECT_LT(cross_coverage, 0.96);
  options.cross_conformal_below = 0;  // split-conformal whatever the size
  const Surrogate split = fit_surrogate(data, t, info, options);
  EXPECT_THAT(split.info().fitted_with, HasSubstr("split-conformal residual quantiles ("));
  EXPECT_LT(split.info().calibration_count, 40);
  EXPECT_EQ(split.info().train_count + split.info().calibration_count + split.info().test_count, 160);
  EXPECT_GT(coverage(split), 0.86);
}

// A reference MLP in double with std::exp, written independently of predictor.cpp.
double reference_mlp(const Mlp& m, std::span<const double> x) {
  std::vector<double> a(x.size());
  for (std::size_t f = 0; f < x.size(); ++f) a[f] = (x[f] - m.input.offset[f]) / m.input.scale[f];
  for (std::size_t l = 0; l < m.layers.size(); ++l) {
    const MlpLayer& layer = m.layers[l];
    std::vector<double> next(layer.outputs);
    for (std::size_t o = 0; o < layer.outputs; ++o) {
      double sum = layer.bias[o];
      for (std::size_t i = 0; i < layer.inputs; ++i) sum += layer.weights[o * layer.inputs + i] * a[i];
      next[o] = l + 1 < m.layers.size() ? sum / (1 + std::exp(-sum)) : sum;
    }
    a = next;
  }
  return m.output_offset + m.output_scale * a[0];
}

// Float32 evaluation (the precision libtorch trains in) against the double reference, and the
// batch kernel (tiles of 4 outputs, blocks of 32 rows) bit-identical to single rows, with widths
// that leave remainders of both; a prepared and an unprepared MLP give the same bits.
TEST(Mlp, Float32PredictionsMatchADoubleReferenceAndBatchesEqualSingleRows) {
  Rng rng(5);
  auto normal = [&rng] {
    const double u1 = 1.0 - rng.uniform_double(), u2 = rng.uniform_double();
    return std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  };
  for (const std::vector<std::size_t>& widths : {std::vector<std::size_t>{7, 6, 3, 1}, {34, 128, 128, 1}, {5, 1}}) {
    Mlp m;
    for (std::size_t f = 0; f < widths[0]; ++f) {
      m.input.offset.push_back(normal());
      m.input.scale.push_back(0.5 + rng.uniform_double());
    }
    for (std::size_t l = 1; l < widths.size(); ++l) {
      MlpLayer layer;
      layer.inputs = widths[l - 1];
      layer.outputs = widths[l];
      // float-representable, as libtorch's float32 weights are
      for (std::size_t k = 0; k < layer.inputs * layer.outputs; ++k)
        layer.weights.push_back(static_cast<float>(normal() / std::sqrt(static_cast<double>(layer.inputs))));
      for (std::size_t k = 0; k < layer.outputs; ++k) layer.bias.push_back(static_cast<float>(0.1 * normal()));
      m.layers.push_back(layer);
    }
    m.output_offset = 3.0;
    m.output_scale = 0.2;
    m.check();
    // Weights that are not float32 values (what no fit writes) are refused by name, not evaluated.
    for (const double bad : {1e300, std::nan(""), 0.1}) {
      Mlp broken = m;
      broken.layers.back().weights[0] = bad;
      EXPECT_THAT([&] { broken.check(); }, ThrowsMessage<ValueError>(HasSubstr("not a float32 value")));
    }
    const std::size_t rows = 77, width = widths[0];
    std::vector<double> x(rows * width), batch(rows), unprepared_batch(rows);
    for (double& v : x) v = normal();
    const Mlp bare = m;
    bare.predict_batch(x, width, unprepared_batch);
    m.prepare();
    ASSERT_TRUE(m.prepared());
    ASSERT_FALSE(bare.prepared());
    m.predict_batch(x, width, batch);
    for (std::size_t r = 0; r < rows; ++r) {
      const auto row = std::span<const double>(x).subspan(r * width, width);
      const double single = m.predict(row);
      ASSERT_EQ(batch[r], single) << "row " << r << " of widths " << widths.size();
      ASSERT_EQ(bare.predict(row), single) << "row " << r;
      ASSERT_EQ(unprepared_batch[r], single) << "row " << r;
      EXPECT_NEAR(single, reference_mlp(m, row), 2e-6 * (1 + std::fabs(single)));
    }
  }
}

// Validation scores "name score" pairs from fitted_with: "... (chosen by validation RMSE of log
// y: gbt 0.01395, mlp 0.02142, ...)".
std::map<std::string, double> validation_scores(const std::string& fitted_with) {
  const auto start = fitted_with.find("log y: ") + 7, end = fitted_with.find(')', start);
  std::map<std::string, double> scores;
  std::istringstream in(fitted_with.substr(start, end - start));
  std::string name, value;
  while (in >> name >> value) scores[name] = std::stod(value.substr(0, value.find(',')));
  return scores;
}

// A smooth target (a power of the parameter count, 1 % noise) on 400 t archs. The fit scores
// boosted trees, the MLP, the GP and every ensemble of them on validation archs and keeps the
// best (an ensemble only when clearly better); each member round-trips through the file, batches
// equal single predictions, and a refit with the same seed is identical.
TEST(Fit, SelectsAmongTreesMlpAndGpByValidationAndRecordsTheChoice) {
  if (!HWGPT_FIT_WITH_MLP) GTEST_SKIP() << "built without libtorch: no MLP (HWGPT_WITH_TORCH=OFF)";
  const auto& t = space::SearchSpace::builtin("t");
  Dataset data;
  Rng rng(21);
  data.archs = space::sample_archs(t, 400, rng, space::SamplingMode::kPerChoice, true);
  for (const auto& a : data.archs) {
    const double u1 = 1.0 - rng.uniform_double(), u2 = rng.uniform_double();
    const double z = std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    const auto p = analytic::num_params(analytic::model_spec(a, t, analytic::ModelVariant::kHwgpt));
    data.targets.push_back(std::pow(static_cast<double>(p), 0.7) * std::exp(0.01 * z));
  }
  SurrogateInfo info;
  info.space = "t";
  info.metric = "perplexity";
  FitOptions options;
  options.depths = {3};
  options.max_rounds = 300;
  options.threads = 1;
  options.mlp.max_epochs = 150;
  const Surrogate all = fit_surrogate(data, t, info, options);
  const auto scores = validation_scores(all.info().fitted_with);
  ASSERT_EQ(scores.size(), 7u) << all.info().fitted_with;  // 3 members, 4 ensembles
  const std::string kind = all.info().model_kind;
  EXPECT_EQ(kind, all.predictor().kind());
  for (const auto& [name, score] : scores) EXPECT_LE(scores.at(kind), score * (1 + 1e-3)) << name;

  options.models = {"mlp", "gp"};
  const Surrogate s = fit_surrogate(data, t, info, options);
  EXPECT_EQ(validation_scores(s.info().fitted_with).size(), 3u) << s.info().fitted_with;
  EXPECT_THAT(s.info().model_kind, ::testing::AnyOf("mlp", "gp", "mlp+gp"));
  EXPECT_GT(s.info().test.kendall_tau, 0.9) << s.info().fitted_with;
  EXPECT_GT(s.info().test.coverage_90, 0.75);
  EXPECT_EQ(fit_surrogate(data, t, info, options), s);  // seeded: the same fit twice
  options.models = {"mlp"};
  const Surrogate mlp = fit_surrogate(data, t, info, options);
  options.models = {"gp"};
  const Surrogate gp = fit_surrogate(data, t, info, options);
  EXPECT_EQ(mlp.info().model_kind, "mlp");
  EXPECT_EQ(gp.info().model_kind, "gp");
  const auto path = std::filesystem::temp_directory_path() / ("hwgpt_select_" + std::to_string(::getpid()) + ".hsur");
  for (const Surrogate* model : {&all, &s, &mlp, &gp}) {
    model->save(path);
    const Surrogate loaded = Surrogate::load(path);
    EXPECT_EQ(loaded, *model);
    const std::size_t width = feature_count(model->info().features, t);
    std::vector<double> rows(70 * width), batch(70);
    for (std::size_t i = 0; i < 70; ++i)
      features(data.archs[i], t, model->info().features, std::span(rows).subspan(i * width, width));
    loaded.predict_log_batch(rows, width, batch);
    for (std::size_t i = 0; i < 70; ++i)
      ASSERT_EQ(batch[i], model->predict_log(std::span<const double>(rows).subspan(i * width, width)))
          << model->info().model_kind << " row " << i;
  }
  std::filesystem::remove(path);
}

TEST(Surrogate, QuantilesAreMonotoneAndSamplesReproducible) {
  const auto& fx = test::fitted_t_surrogate();
  const auto& t = space::SearchSpace::builtin("t");
  std::vector<double> x(feature_count(fx.model.info().features, t));
  features(t.mid_arch(), t, fx.model.info().features, x);
  double previous = 0;
  for (double q : {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99}) {
    const double v = fx.model.quantile(x, q);
    EXPECT_GE(v, previous);
    previous = v;
  }
  Rng a(5), b(5);
  EXPECT_EQ(fx.model.sample(x, a), fx.model.sample(x, b));
  EXPECT_THAT([&] { (void)fx.model.quantile(x, 1.0); }, ThrowsMessage<ValueError>(HasSubstr("outside (0, 1)")));
}

TEST(TreeEnsemble, CompiledLayoutPredictsExactlyLikeTheNestedTrees) {
  const auto& fx = test::fitted_t_surrogate();
  const auto& t = space::SearchSpace::builtin("t");
  TreeEnsemble nested;
  nested.base_score = fx.model.trees().base_score;
  nested.trees = fx.model.trees().trees;  // not compiled: walks the nested trees
  std::vector<double> x(feature_count(fx.model.info().features, t));
  for (const auto& arch : fx.data.archs) {
    features(arch, t, fx.model.info().features, x);
    ASSERT_EQ(fx.model.predict_log(x), nested.predict(x)) << space::format_arch(arch);
  }
  // A hand-made tree of uneven depth: the shallow leaf must fill its whole padded subtree.
  TreeEnsemble uneven;
  uneven.trees = {{{0, 0.5f, 1, 2, 0}, {-1, 0, -1, -1, 10.0f}, {1, 0.5f, 3, 4, 0}, {-1, 0, -1, -1, 20.0f},
                   {-1, 0, -1, -1, 30.0f}}};
  TreeEnsemble compiled = uneven;
  compiled.compile();
  for (double a : {0.0, 1.0})
    for (double b : {0.0, 1.0}) {
      const std::vector<double> point = {a, b};
      EXPECT_EQ(compiled.predict(point), uneven.predict(point)) << a << " " << b;
    }
  EXPECT_EQ(compiled.predict(std::vector<double>{0.0, 1.0}), 10.0);
  EXPECT_EQ(compiled.predict(std::vector<double>{1.0, 1.0}), 30.0);
}

// A random tree of exactly `depth` levels over `features` features (thresholds in [0, 1)).
std::vector<TreeNode> random_tree(Rng& rng, int depth, int features) {
  std::vector<TreeNode> tree;
  auto grow = [&](auto&& self, int level) -> std::int32_t {
    const auto index = static_cast<std::int32_t>(tree.size());
    tree.emplace_back();
    // Some branches stop early so that padded subtrees are exercised too.
    if (level == depth || (level > 0 && rng.uniform_index(5) == 0)) {
      tree[static_cast<std::size_t>(index)].value = static_cast<float>(rng.uniform_double() - 0.5);
      return index;
    }
    const std::int32_t left = self(self, level + 1), right = self(self, level + 1);
    auto& n = tree[static_cast<std::size_t>(index)];
    n.feature = static_cast<std::int32_t>(rng.uniform_index(static_cast<std::uint64_t>(features)));
    n.threshold = static_cast<float>(rng.uniform_double());
    n.left = left;
    n.right = right;
    return index;
  };
  grow(grow, 0);
  return tree;
}

TEST(TreeEnsemble, BatchPredictionIsBitIdenticalToSinglePredictionsAtEveryDepth) {
  constexpr int kFeatures = 9;
  for (int depth = 0; depth <= 9; ++depth) {  // 9: deeper than the perfect layout (scalar fallback)
    Rng rng(100 + static_cast<std::uint64_t>(depth));
    TreeEnsemble e;
    e.base_score = 0.25;
    for (int t = 0; t < 37; ++t) e.trees.push_back(random_tree(rng, depth, kFeatures));
    e.compile();
    // 131 rows: two full blocks of 64 and a partial one; some values exactly on thresholds.
    const std::size_t rows = 131;
    std::vector<double> x(rows * kFeatures);
    for (std::size_t i = 0; i < x.size(); ++i)
      x[i] = i % 7 == 0 ? static_cast<double>(e.trees[i % e.trees.size()][0].threshold) : rng.uniform_double();
    std::vector<double> batch(rows);
    e.predict_batch(x, kFeatures, batch);
    for (std::size_t r = 0; r < rows; ++r)
      ASSERT_EQ(batch[r], e.predict(std::span<const double>(x).subspan(r * kFeatures, kFeatures)))
          << "depth " << depth << " row " << r;
  }
}

TEST(TreeEnsemble, BatchPredictionRefusesMismatchedSizes) {
  const auto& fx = test::fitted_t_surrogate();
  const std::size_t width = feature_count(fx.model.info().features, space::SearchSpace::builtin("t"));
  std::vector<double> x(3 * width), out(2);
  EXPECT_THAT([&] { fx.model.trees().predict_batch(x, width, out); },
              ThrowsMessage<ValueError>(HasSubstr("feature values for 2 rows of")));
  std::vector<double> narrow(2);
  std::vector<double> one(1);
  EXPECT_THAT([&] { fx.model.trees().predict_batch(narrow, 2, one); },
              ThrowsMessage<ValueError>(HasSubstr("rows have 2 features; the trees use feature")));
}

class SurrogateFile : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() / ("hwgpt_surrogate_" + std::to_string(::getpid()) + ".hsur");
    test::fitted_t_surrogate().model.save(path_);
    std::ifstream in(path_, std::ios::binary);
    bytes_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  void TearDown() override { std::filesystem::remove(path_); }
  void write(const std::string& bytes) { std::ofstream(path_, std::ios::binary | std::ios::trunc) << bytes; }
  std::filesystem::path path_;
  std::string bytes_;
};

TEST_F(SurrogateFile, RoundTripsExactly) {
  EXPECT_EQ(Surrogate::load(path_), test::fitted_t_surrogate().model);
  EXPECT_EQ(Surrogate::load(path_, "t"), test::fitted_t_surrogate().model);
}

TEST_F(SurrogateFile, DamagedOrForeignFilesAreClearErrors) {
  EXPECT_THAT([&] { (void)Surrogate::load(path_, "s"); },
              ThrowsMessage<FileError>(HasSubstr("a surrogate of space 't'; expected space 's'")));
  std::string flipped = bytes_;
  flipped[flipped.size() / 2] ^= 0x20;
  write(flipped);
  EXPECT_THAT([&] { (void)Surrogate::load(path_); }, ThrowsMessage<FileError>(HasSubstr("checksum mismatch")));
  write(bytes_.substr(0, bytes_.size() - 7));
  EXPECT_THAT([&] { (void)Surrogate::load(path_); }, ThrowsMessage<FileError>(HasSubstr("truncated")));
  write("PK\x03\x04 definitely not a surrogate model file");
  EXPECT_THAT([&] { (void)Surrogate::load(path_); }, ThrowsMessage<FileError>(HasSubstr("bad magic")));
  std::string newer = bytes_;
  newer[8] = 3;
  write(newer);
  EXPECT_THAT([&] { (void)Surrogate::load(path_); },
              ThrowsMessage<FileError>(HasSubstr("format version 3; this hwgpt reads versions 1 and 2")));
  EXPECT_THAT([&] { (void)Surrogate::load(path_.string() + ".absent"); },
              ThrowsMessage<FileError>(HasSubstr("cannot open surrogate file")));
}

TEST(Split, IsDeterministicAndNearTheRequestedFractions) {
  FitOptions options;
  const auto& s = space::SearchSpace::builtin("s");
  Rng rng(2);
  int test = 0, calibration = 0;
  constexpr int kArchs = 4000;
  for (int i = 0; i < kArchs; ++i) {
    const std::string a = space::format_arch(space::sample_arch(s, rng));
    const Split split = split_of(a, options);
    EXPECT_EQ(split, split_of(a, options));
    test += split == Split::kTest;
    calibration += split == Split::kCalibration;
  }
  EXPECT_NEAR(test, 0.2 * kArchs, 5 * std::sqrt(kArchs * 0.2 * 0.8));
  EXPECT_NEAR(calibration, 0.15 * kArchs, 5 * std::sqrt(kArchs * 0.15 * 0.85));
}

}  // namespace
}  // namespace hwgpt::surrogate
