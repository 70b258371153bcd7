// Tests of src/surrogate/fit.cpp: a fit on a known function (the native trees are checked against
// XGBoost inside fit_surrogate), interval coverage on unseen archs, and the choice among trees,
// MLP and GP by validation score.
#include "hwgpt/surrogate/fit.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "../common/temp_dir.hpp"
#include "hwgpt/analytic/params.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/space/sampling.hpp"
#include "surrogate_fixture.hpp"
#include "../../src/surrogate/mlp_fit.hpp"

namespace hwgpt::surrogate {
namespace {

using ::testing::HasSubstr;

// What the fits below are of: scale t's perplexity (no device).
SurrogateInfo t_perplexity() {
  SurrogateInfo info;
  info.space = "t";
  info.metric = "perplexity";
  return info;
}

// Boosted trees alone, depth 3, up to `rounds` rounds, one thread: fast fits.
FitOptions small_trees(int rounds) {
  FitOptions options;
  options.models = {"gbt"};
  options.depths = {3};
  options.max_rounds = rounds;
  options.max_tree_levels = 1'000'000;  // the rounds alone decide
  options.threads = 1;
  return options;
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
  const SurrogateInfo info = t_perplexity();
  FitOptions options = small_trees(300);
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

// 400 distinct t archs (seeded) with a smooth target, params^0.7, times log-normal noise of
// spread `noise`.
Dataset power_of_params(std::uint64_t seed, double noise) {
  const auto& t = space::SearchSpace::builtin("t");
  Dataset data;
  Rng rng(seed);
  data.archs = space::sample_archs(t, 400, rng, space::SamplingMode::kPerChoice, true);
  for (const auto& a : data.archs) {
    const double u1 = 1.0 - rng.uniform_double(), u2 = rng.uniform_double();
    const double z = std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    const auto p = analytic::num_params(analytic::model_spec(a, t, analytic::ModelVariant::kHwgpt));
    data.targets.push_back(std::pow(static_cast<double>(p), 0.7) * std::exp(noise * z));
  }
  return data;
}

// A smooth target (a power of the parameter count, 1 % noise) on 400 t archs. The fit scores
// boosted trees, the MLP, the GP and every ensemble of them on validation archs and keeps the
// best (an ensemble only when clearly better); each member round-trips through the file, batches
// equal single predictions, and a refit with the same seed is identical.
TEST(Fit, SelectsAmongTreesMlpAndGpByValidationAndRecordsTheChoice) {
  if (!HWGPT_FIT_WITH_MLP) GTEST_SKIP() << "built without libtorch: no MLP (HWGPT_WITH_TORCH=OFF)";
  const auto& t = space::SearchSpace::builtin("t");
  const Dataset data = power_of_params(21, 0.01);
  const SurrogateInfo info = t_perplexity();
  FitOptions options = small_trees(300);
  options.models = {"gbt", "mlp", "gp"};  // every kind
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
  const hwgpt::test::TempDir dir("select");
  const auto path = dir / "model.hsur";
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
}

// mlp_seed draws the MLP anew on the same split: the same archs are tested (the same counts and
// test set size), the MLP's weights differ, the description says which seed; mlp_seed equal to
// the seed (or 0) is the default fit, bit for bit.
TEST(Fit, MlpSeedRedrawsTheMlpOnTheSameSplit) {
  if (!HWGPT_FIT_WITH_MLP) GTEST_SKIP() << "built without libtorch: no MLP (HWGPT_WITH_TORCH=OFF)";
  const auto& t = space::SearchSpace::builtin("t");
  const Dataset data = power_of_params(23, 0.01);
  const SurrogateInfo info = t_perplexity();
  FitOptions options = small_trees(100);
  options.models = {"mlp"};
  options.encodings = {space::Encoding::kOrdinal};
  options.mlp.max_epochs = 40;
  const Surrogate base = fit_surrogate(data, t, info, options);
  options.mlp_seed = options.seed;
  EXPECT_EQ(fit_surrogate(data, t, info, options), base);
  options.mlp_seed = 7;
  const Surrogate other = fit_surrogate(data, t, info, options);
  EXPECT_EQ(other.info().test_count, base.info().test_count);
  EXPECT_EQ(other.info().train_count, base.info().train_count);
  EXPECT_EQ(other.info().calibration_count, base.info().calibration_count);
  EXPECT_EQ(other.info().data_hash, base.info().data_hash);
  EXPECT_NE(other.predictor().mlp.layers.front().weights, base.predictor().mlp.layers.front().weights);
  EXPECT_THAT(other.info().fitted_with, HasSubstr("seed 1 (MLP seed 7)"));
  EXPECT_THAT(base.info().fitted_with, ::testing::Not(HasSubstr("MLP seed")));
}

// Distillation (MlpOptions::teachers): the student imitates the mean of its teachers, which are
// the plain fits of seeds seed .. seed + K - 1. Where the labelled rows say nothing (x0 > 0.5, only
// sampled rows there) the teachers extrapolate differently; the student, fitted to their mean
// there too, must be much closer to that mean than a typical teacher is. A refit replays every
// network's epochs, deterministically.
#if HWGPT_FIT_WITH_MLP
TEST(Fit, DistilledMlpImitatesTheMeanOfItsTeachers) {
  constexpr std::size_t kFeatures = 4, kLabelled = 300, kValid = 60, kUnlabelled = 1500;
  Rng rng(41);
  auto rows = [&](std::size_t n, double x0_from, double x0_to, std::vector<double>& x, std::vector<double>* y) {
    for (std::size_t i = 0; i < n; ++i) {
      const double x0 = x0_from + (x0_to - x0_from) * rng.uniform_double();
      const double x1 = rng.uniform_double(), x2 = rng.uniform_double(), x3 = rng.uniform_double();
      x.insert(x.end(), {x0, x1, x2, x3});
      if (y != nullptr) y->push_back(std::sin(3 * x0) + x1 * x2 - 0.5 * x3 + 0.02 * (rng.uniform_double() - 0.5));
    }
  };
  std::vector<double> x, y, valid_x, valid_y, unlabelled_x;
  rows(kLabelled, 0.0, 0.5, x, &y);
  rows(kValid, 0.0, 0.5, valid_x, &valid_y);
  rows(kUnlabelled, 0.0, 1.0, unlabelled_x, nullptr);
  detail::MlpFitOptions options;
  options.hidden = {16, 16};
  options.max_epochs = options.patience = 60;
  options.teachers = 3;
  options.seed = 5;
  options.threads = 1;
  const detail::MlpFitResult student =
      detail::fit_distilled_mlp(x, kFeatures, y, unlabelled_x, valid_x, valid_y, nullptr, options);
  ASSERT_EQ(student.teacher_epochs.size(), 3u);
  EXPECT_EQ(student.model.layers.front().outputs, 16u);

  std::vector<Mlp> teachers;
  for (int k = 0; k < 3; ++k) {
    detail::MlpFitOptions one = options;
    one.seed = options.seed + static_cast<std::uint64_t>(k);
    const auto teacher = detail::fit_mlp(x, kFeatures, y, valid_x, valid_y, 0, one);
    EXPECT_EQ(teacher.epochs, student.teacher_epochs[static_cast<std::size_t>(k)]);
    teachers.push_back(teacher.model);
    teachers.back().prepare();
  }
  Mlp fitted = student.model;
  fitted.prepare();
  double student_sse = 0, teacher_sse = 0, n = 0;
  for (std::size_t i = 0; i < kUnlabelled; ++i) {
    const auto row = std::span<const double>(unlabelled_x).subspan(i * kFeatures, kFeatures);
    if (row[0] <= 0.5) continue;
    double mean = 0;
    for (const auto& t : teachers) mean += t.predict(row) / 3;
    student_sse += (fitted.predict(row) - mean) * (fitted.predict(row) - mean);
    for (const auto& t : teachers) teacher_sse += (t.predict(row) - mean) * (t.predict(row) - mean) / 3;
    n += 1;
  }
  ASSERT_GT(n, 500);
  EXPECT_LT(std::sqrt(student_sse / n), 0.25 * std::sqrt(teacher_sse / n))
      << "student " << std::sqrt(student_sse / n) << ", teachers " << std::sqrt(teacher_sse / n);

  const auto refit = detail::fit_distilled_mlp(x, kFeatures, y, unlabelled_x, {}, {}, &student, options);
  EXPECT_EQ(refit.epochs, student.epochs);
  EXPECT_EQ(refit.teacher_epochs, student.teacher_epochs);
  EXPECT_EQ(detail::fit_distilled_mlp(x, kFeatures, y, unlabelled_x, {}, {}, &student, options).model.layers.front().weights,
            refit.model.layers.front().weights);
  options.teachers = 1;
  EXPECT_THROW(detail::fit_distilled_mlp(x, kFeatures, y, unlabelled_x, valid_x, valid_y, nullptr, options), ValueError);
}

// Through fit_surrogate: the distilled MLP keeps the plain one's widths (one network's query
// cost), ranks unseen archs as well, and says what it was distilled from.
TEST(Fit, DistilledMlpIsRecordedAndKeepsOneNetworksShape) {
  const auto& t = space::SearchSpace::builtin("t");
  const Dataset data = power_of_params(23, 0.01);
  FitOptions options = small_trees(100);
  options.models = {"mlp"};
  options.encodings = {space::Encoding::kOrdinal};
  options.mlp.max_epochs = 40;
  const Surrogate plain = fit_surrogate(data, t, t_perplexity(), options);
  options.mlp.teachers = 3;
  options.mlp.distill_archs = 600;
  const Surrogate distilled = fit_surrogate(data, t, t_perplexity(), options);
  EXPECT_THAT(distilled.info().fitted_with, HasSubstr("distilled from 3 MLPs of seeds 1..3"));
  EXPECT_THAT(distilled.info().fitted_with, HasSubstr("and 600 archs sampled per choice"));
  ASSERT_EQ(distilled.predictor().mlp.layers.size(), plain.predictor().mlp.layers.size());
  for (std::size_t i = 0; i < plain.predictor().mlp.layers.size(); ++i)
    EXPECT_EQ(distilled.predictor().mlp.layers[i].outputs, plain.predictor().mlp.layers[i].outputs);
  EXPECT_EQ(distilled.info().test_count, plain.info().test_count);
  EXPECT_GT(distilled.info().test.kendall_tau, plain.info().test.kendall_tau - 0.03);
  EXPECT_EQ(fit_surrogate(data, t, t_perplexity(), options), distilled);  // seeded
}
#endif

// Trees that join the MLP in an ensemble are selected again within ensemble_max_tree_levels;
// trees alone are not held to that cap. The same data and seed with and without the cap: the members' own scores
// are the same, the ensemble's is scored with the capped trees, and the chosen ensemble (this
// data's noise makes averaging pay) has the trees it was scored with.
TEST(Fit, TreesInAnEnsembleAreCappedAtEnsembleMaxTreeLevels) {
  if (!HWGPT_FIT_WITH_MLP) GTEST_SKIP() << "built without libtorch: no MLP (HWGPT_WITH_TORCH=OFF)";
  const auto& t = space::SearchSpace::builtin("t");
  const Dataset data = power_of_params(23, 0.02);
  FitOptions options = small_trees(300);
  options.encodings = {space::Encoding::kOneHot};  // one encoding: the scores compare like for like
  options.models = {"gbt", "mlp"};
  options.mlp.max_epochs = 300;
  options.ensemble_max_tree_levels = 1'000'000;
  const Surrogate uncapped = fit_surrogate(data, t, t_perplexity(), options);
  constexpr int kCap = 60;  // rounds of depth 3; not a multiple of the 25-round steps: never exceeded
  options.ensemble_max_tree_levels = 3 * kCap;
  const Surrogate capped = fit_surrogate(data, t, t_perplexity(), options);
  const auto free_scores = validation_scores(uncapped.info().fitted_with);
  const auto capped_scores = validation_scores(capped.info().fitted_with);
  EXPECT_EQ(capped_scores.at("gbt"), free_scores.at("gbt"));
  EXPECT_EQ(capped_scores.at("mlp"), free_scores.at("mlp"));
  EXPECT_NE(capped_scores.at("gbt+mlp"), free_scores.at("gbt+mlp"));
  options.models = {"gbt"};
  const Surrogate trees_alone = fit_surrogate(data, t, t_perplexity(), options);
  EXPECT_GT(trees_alone.predictor().trees.trees.size(), static_cast<std::size_t>(kCap));  // alone: uncapped
  ASSERT_EQ(capped.info().model_kind, "gbt+mlp") << capped.info().fitted_with;
  EXPECT_EQ(capped.predictor().trees.trees.size(), static_cast<std::size_t>(kCap));
  EXPECT_THAT(capped.info().fitted_with, HasSubstr("at most 180 tree levels (rounds x depth) in an ensemble"));
}

// Trees alone: each depth's rounds stop at max_tree_levels / depth, so a prediction walks at most
// that many levels whichever depth validation chooses; with a budget the deep trees cannot fill,
// the shallow ones get more rounds.
TEST(Fit, TreeRoundsPerDepthStayWithinMaxTreeLevels) {
  const auto& t = space::SearchSpace::builtin("t");
  const Dataset data = power_of_params(23, 0.02);
  FitOptions options = small_trees(1000);
  options.depths = {3, 6};
  for (int budget : {100, 240}) {
    options.max_tree_levels = budget;
    const Surrogate s = fit_surrogate(data, t, t_perplexity(), options);
    // "gbt: xgboost 33 rounds, depth 3 (chosen by validation ..." (no std::regex: GCC 12 warns
    // inside it in the sanitizer build)
    const std::string& text = s.info().fitted_with;
    const auto at = text.find("xgboost ");
    ASSERT_NE(at, std::string::npos) << text;
    std::istringstream in(text.substr(at + 8));
    int rounds = 0, depth = 0;
    std::string word1, word2;
    in >> rounds >> word1 >> word2 >> depth;  // 33 "rounds," "depth" 3
    ASSERT_EQ(word1 + " " + word2, "rounds, depth") << text;
    EXPECT_EQ(s.predictor().trees.trees.size(), static_cast<std::size_t>(rounds));
    EXPECT_LE(rounds * depth, budget) << text;
    EXPECT_THAT(s.info().fitted_with, HasSubstr("at most " + std::to_string(budget) + " tree levels"));
  }
}

// Per-encoding validation scores from fitted_with: "... one-hot arch encoding (chosen by
// validation RMSE: ordinal 0.01395, one-hot 0.00512); ...".
std::map<std::string, double> encoding_scores(const std::string& fitted_with) {
  const std::string key = "encoding (chosen by validation RMSE: ";
  const auto start = fitted_with.find(key);
  if (start == std::string::npos) return {};
  const auto end = fitted_with.find(')', start);
  std::map<std::string, double> scores;
  std::istringstream in(fitted_with.substr(start + key.size(), end - start - key.size()));
  std::string name, value;
  while (in >> name >> value) scores[name] = std::stod(value.substr(0, value.find(',')));
  return scores;
}

// A target with a non-monotone effect of each layer's head count (the middle choice is the most
// expensive) on 400 t archs. The fit tries both encodings with every member, keeps the better on
// validation (recorded), and the file encodes archs that way when queried: the loaded model's
// predictions from one-hot features reproduce its own test evaluation's inputs bit for bit.
TEST(Fit, ChoosesTheArchEncodingByValidationAndQueriesWithIt) {
  const auto& t = space::SearchSpace::builtin("t");
  Dataset data;
  Rng rng(23);
  data.archs = space::sample_archs(t, 400, rng, space::SamplingMode::kPerChoice, true);
  for (const auto& a : data.archs) {
    double log_y = 0;
    for (int i = 0; i < a.num_layers; ++i) log_y += (a.num_heads[i] == 2 ? 0.3 : 0.0) + 0.05 * a.mlp_ratios[i];
    data.targets.push_back(std::exp(log_y + 0.01 * (rng.uniform_double() - 0.5)));
  }
  const SurrogateInfo info = t_perplexity();
  FitOptions options = small_trees(200);
  const Surrogate both = fit_surrogate(data, t, info, options);
  const auto scores = encoding_scores(both.info().fitted_with);
  ASSERT_EQ(scores.size(), 2u) << both.info().fitted_with;
  const std::string chosen = space::encoding_name(both.info().features.encoding);
  EXPECT_THAT(both.info().fitted_with, HasSubstr(chosen + " arch encoding (chosen"));
  for (const auto& [name, score] : scores) EXPECT_LE(scores.at(chosen), score * (1 + 1e-3)) << name;

  options.encodings = {space::Encoding::kOneHot};
  const Surrogate one_hot = fit_surrogate(data, t, info, options);
  EXPECT_EQ(one_hot.info().features.encoding, space::Encoding::kOneHot);
  EXPECT_THAT(one_hot.info().fitted_with, HasSubstr("; one-hot arch encoding; "));
  EXPECT_TRUE(encoding_scores(one_hot.info().fitted_with).empty());
  EXPECT_GT(one_hot.info().test.kendall_tau, 0.9);
  const hwgpt::test::TempDir dir("encoding");
  one_hot.save(dir / "model.hsur");
  const Surrogate loaded = Surrogate::load(dir / "model.hsur");
  EXPECT_EQ(loaded, one_hot);
  const std::size_t width = feature_count(loaded.info().features, t);
  FeatureConfig one_hot_features;
  one_hot_features.encoding = space::Encoding::kOneHot;
  EXPECT_EQ(width, feature_count(one_hot_features, t));
  std::vector<double> row(width);
  features(data.archs[0], t, loaded.info().features, row);
  EXPECT_EQ(loaded.predict(row), one_hot.predict(row));

  options.encodings.clear();
  EXPECT_THROW(fit_surrogate(data, t, info, options), ValueError);
}

// Transfer across scales. One law in relative terms for s and l: log y falls with the embedding
// index and, layer by layer, with more heads in the upper half of the depth. l gets 90 archs
// (about 55 to fit on), s 1,500. The depth-bins candidate, fitted with s's archs as transfer rows,
// ranks l's test archs better than the same fit without them; the transfer rows are recorded
// but never counted as l's training, calibration or test archs.
TEST(Fit, TransferRowsFromAnotherScaleHelpASmallDataSet) {
  if (!HWGPT_FIT_WITH_MLP) GTEST_SKIP() << "built without libtorch: no MLP (HWGPT_WITH_TORCH=OFF)";
  const auto& s = space::SearchSpace::builtin("s");
  const auto& l = space::SearchSpace::builtin("l");
  auto law = [](const space::Arch& a, const space::SearchSpace& sp) {
    const auto& e = sp.embed_dims();
    const auto& h = sp.head_counts();
    double log_y = 3.0 - 0.3 * static_cast<double>(std::find(e.begin(), e.end(), a.embed_dim) - e.begin());
    for (int i = 0; i < a.num_layers; ++i) {
      const double heads = static_cast<double>(std::find(h.begin(), h.end(), a.num_heads[i]) - h.begin());
      log_y -= (2.0 * i >= a.num_layers ? 0.04 : 0.005) * heads * 12.0 / a.num_layers;
    }
    return std::exp(log_y);
  };
  Rng rng(41);
  Dataset small, other;
  small.archs = space::sample_archs(l, 90, rng, space::SamplingMode::kPerChoice, true);
  for (const auto& a : small.archs) small.targets.push_back(law(a, l));
  other.archs = space::sample_archs(s, 1500, rng, space::SamplingMode::kPerChoice, true);
  for (const auto& a : other.archs) other.targets.push_back(law(a, s));
  SurrogateInfo info = t_perplexity();
  info.space = "l";
  FitOptions options;
  options.models = {"mlp"};
  options.encodings = {space::Encoding::kDepthBins};
  options.threads = 1;
  options.mlp.max_epochs = 100;
  const Surrogate alone = fit_surrogate(small, l, info, options);
  options.transfer.push_back({&s, other});
  const Surrogate transferred = fit_surrogate(small, l, info, options);
  EXPECT_THAT(transferred.info().fitted_with, HasSubstr("transfer: fitted with 1500 archs of s"));
  EXPECT_THAT(alone.info().fitted_with, ::testing::Not(HasSubstr("transfer")));
  EXPECT_FALSE(transferred.info().features.analytic);
  EXPECT_EQ(transferred.info().train_count, alone.info().train_count);
  EXPECT_EQ(transferred.info().test_count, alone.info().test_count);
  EXPECT_EQ(transferred.info().train_count + transferred.info().test_count, 90);
  EXPECT_GT(transferred.info().test.kendall_tau, alone.info().test.kendall_tau + 0.05)
      << alone.info().test.kendall_tau << " -> " << transferred.info().test.kendall_tau;
  EXPECT_NE(transferred.info().data_hash, alone.info().data_hash);
  // A transfer space with another number of choices would give rows of another length; a
  // non-positive target has no log: both are refused by name instead of corrupting the fit.
  space::SearchSpaceConfig config = s.config();
  config.name = "s_four_ratios";
  config.mlp_ratios = {1, 2, 3, 4};
  const space::SearchSpace four(config);
  Dataset other_layout;
  other_layout.archs = space::sample_archs(four, 20, rng, space::SamplingMode::kPerChoice, true);
  other_layout.targets.assign(20, 1.0);
  options.transfer = {{&four, other_layout}};
  EXPECT_THAT([&] { (void)fit_surrogate(small, l, info, options); },
              ::testing::ThrowsMessage<ValueError>(HasSubstr("transfer space 's_four_ratios' has 4 MLP ratios")));
  other.targets[7] = 0.0;
  options.transfer = {{&s, other}};
  EXPECT_THAT([&] { (void)fit_surrogate(small, l, info, options); },
              ::testing::ThrowsMessage<ValueError>(HasSubstr("transfer targets must be positive")));
}

}  // namespace
}  // namespace hwgpt::surrogate
