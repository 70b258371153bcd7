// Tests of src/benchmark/benchmark.cpp: loading a folder of surrogates, the three query modes,
// reproducible sampling, analytic metrics, clear errors; and the shipped surrogates of scale s
// against the original's measured means.
#include "hwgpt/benchmark/benchmark.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../common/temp_dir.hpp"
#include "../common/test_data.hpp"
#include "../surrogate/surrogate_fixture.hpp"
#include "hwgpt/analytic/metric_catalogue.hpp"
#include "hwgpt/analytic/summary.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "hwgpt/store/store.hpp"

namespace hwgpt::benchmark {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

class BenchmarkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_ / "t");
    surrogate::test::fitted_t_surrogate().model.save(dir_ / "t" / "latency_ms@box.hsur");
  }
  test::TempDir dir_{"benchmark"};
};

TEST_F(BenchmarkTest, AnswersSurrogateAndAnalyticMetrics) {
  const auto& t = space::SearchSpace::builtin("t");
  const auto bench = Benchmark::load(t, dir_.path());
  const auto arch = t.mid_arch();
  const double mean = bench.query(arch, "latency_ms", "box");
  EXPECT_EQ(mean, bench.query(arch, "latency_ms", "cpu_box"));  // alias
  EXPECT_LT(bench.query(arch, "latency_ms", "box", Query::quantile(0.05)), mean);
  EXPECT_GT(bench.query(arch, "latency_ms", "box", Query::quantile(0.95)), mean);
  // The fixture's target is the parameter count with 5 % noise.
  const double params = bench.query(arch, "params");
  EXPECT_EQ(params, static_cast<double>(analytic::analyze(arch, t, analytic::default_workload(t)).params.total));
  EXPECT_NEAR(mean / params, 1.0, 0.1);
  ASSERT_EQ(bench.devices().size(), 1u);
  EXPECT_EQ(bench.devices()[0].aliases, std::vector<std::string>{"cpu_box"});
}

TEST_F(BenchmarkTest, SamplesAreSeededPerArchAndIndependentOfOrder) {
  const auto& t = space::SearchSpace::builtin("t");
  const auto bench = Benchmark::load(t, dir_.path());
  Rng rng(3);
  const auto archs = space::sample_archs(t, 20, rng);
  const auto forward = bench.query(archs, "latency_ms", "box", Query::sample(42));
  auto reversed_archs = archs;
  std::reverse(reversed_archs.begin(), reversed_archs.end());
  auto reversed = bench.query(reversed_archs, "latency_ms", "box", Query::sample(42));
  std::reverse(reversed.begin(), reversed.end());
  EXPECT_EQ(forward, reversed);
  EXPECT_NE(forward, bench.query(archs, "latency_ms", "box", Query::sample(43)));
}

TEST_F(BenchmarkTest, UnknownNamesAndModesAreClearErrors) {
  const auto& t = space::SearchSpace::builtin("t");
  const auto bench = Benchmark::load(t, dir_.path());
  EXPECT_THAT([&] { (void)bench.query(t.mid_arch(), "latency_ms", "h100"); },
              ThrowsMessage<ValueError>(HasSubstr("unknown device 'h100' for space 't'; known: box, cpu_box")));
  EXPECT_THAT([&] { (void)bench.query(t.mid_arch(), "energy_mj", "box"); },
              ThrowsMessage<ValueError>(HasSubstr("no metric 'energy_mj@box'")));
  EXPECT_THAT([] { (void)parse_query_mode("quantile:1.5"); }, ThrowsMessage<ParseError>(HasSubstr("expected mean")));
  EXPECT_EQ(parse_query_mode("quantile:0.9").level, 0.9);
  EXPECT_EQ(parse_query_mode("sample:17").seed, 17u);
  // A surrogate file of another space in the folder is refused by name.
  std::filesystem::create_directories(dir_ / "s");
  std::filesystem::copy_file(dir_ / "t" / "latency_ms@box.hsur", dir_ / "s" / "latency_ms@box.hsur");
  EXPECT_THAT([&] { (void)Benchmark::load(space::SearchSpace::builtin("s"), dir_.path()); },
              ThrowsMessage<FileError>(HasSubstr("expected space 's'")));
}

TEST_F(BenchmarkTest, MeasuredValuesComeFromAnAttachedStore) {
  const auto& t = space::SearchSpace::builtin("t");
  auto bench = Benchmark::load(t, dir_.path());
  EXPECT_THAT([&] { (void)bench.measured(t.mid_arch(), "latency_ms", "box"); },
              ThrowsMessage<ValueError>(HasSubstr("no store attached")));
  const auto db = dir_ / "m.db";
  {
    store::Store s(db);
    store::Device box;
    box.name = "box";
    box.source = "hwgpt";
    s.put_device(box);
    store::RunInfo run;
    run.uid = "r";
    run.device = "box";
    run.kind = "profile";
    run.space = "t";
    run.model_variant = "hwgpt";
    s.write(run, {store::sample_set(space::format_arch(t.mid_arch()), "latency_ms", {2.0, 4.0})},
            {{space::format_arch(t.mid_arch()), "nas_eval", 7.5, 0.5, 100}});
  }
  bench.attach_store(db);
  EXPECT_EQ(bench.measured(t.mid_arch(), "latency_ms", "box"), 3.0);
  EXPECT_EQ(bench.measured(t.mid_arch(), "perplexity"), 7.5);
  EXPECT_FALSE(bench.measured(t.largest_arch(), "latency_ms", "box").has_value());
  EXPECT_THAT([&] { (void)bench.measured(t.mid_arch(), "latency_ms", "h100"); },
              ThrowsMessage<ValueError>(HasSubstr("device 'h100' is not in the attached store")));
}

TEST(ShippedSurrogates, BatchQueriesEqualSingleQueriesForEveryModelAndMode) {
  for (const char* scale : {"t", "s", "m", "l"}) {
    const auto& space = space::SearchSpace::builtin(scale);
    const auto bench = Benchmark::load(space, default_surrogate_dir());
    Rng rng(11);
    const auto archs = space::sample_archs(space, 70, rng);
    for (const auto& m : bench.metrics()) {
      std::vector<std::string> devices = m.devices;
      if (devices.empty()) devices.push_back("");
      for (const auto& d : devices)
        for (const Query how : {Query::mean(), Query::quantile(0.9), Query::sample(5)}) {
          const auto batch = bench.query(archs, m.name, d, how);
          for (std::size_t i = 0; i < archs.size(); ++i)
            ASSERT_EQ(batch[i], bench.query(archs[i], m.name, d, how)) << scale << " " << m.name << "@" << d;
        }
    }
  }
}

// Every metric a shipped surrogate predicts is in the metric catalogue with the unit its file
// records, so labels, objectives and fits agree with the files (analytic/metric_catalogue.hpp).
TEST(ShippedSurrogates, NameTheirMetricsAndUnitsAsTheCatalogueDoes) {
  int checked = 0;
  for (const char* scale : {"t", "s", "m", "l"}) {
    const auto bench = Benchmark::load(space::SearchSpace::builtin(scale), default_surrogate_dir());
    for (const auto& m : bench.metrics()) {
      const analytic::MetricInfo* info = analytic::find_metric(m.name);
      ASSERT_NE(info, nullptr) << scale << ": " << m.name;
      EXPECT_EQ(m.unit, info->unit) << scale << ": " << m.name;
      EXPECT_EQ(m.source == "analytic", info->analytic) << scale << ": " << m.name;
      ++checked;
    }
  }
  if (checked == 0) GTEST_SKIP() << "no shipped surrogates under " << default_surrogate_dir();
}

TEST(ShippedSurrogates, PredictTheOriginalMeasurementsOfScaleS) {
  HWGPT_REQUIRE_SHARED_DATA();
  const auto& s = space::SearchSpace::builtin("s");
  const auto bench = Benchmark::load(s, default_surrogate_dir());
  if (bench.devices().empty()) GTEST_SKIP() << "no shipped surrogates under " << default_surrogate_dir();
  // Every 10th visible arch of the a100 file (train and test archs alike: a smoke test of the
  // shipped files; the held-out quality is in docs/SURROGATES.md).
  const auto lines = test::read_gz_lines(test::hwgpt_bench_dir() / "hw_a100_s.csv.gz");
  int within = 0, total = 0;
  for (std::size_t i = 1; i < lines.size(); i += 10) {
    const auto fields = test::split_csv(lines[i]);
    double sum = 0;
    int n = 0;
    for (std::size_t start = 0, k = 0; k <= fields[1].size(); ++k)
      if (k == fields[1].size() || fields[1][k] == ';') {
        sum += std::stod(fields[1].substr(start, k - start));
        ++n;
        start = k + 1;
      }
    const double measured = sum / n;
    const double predicted = bench.query(space::parse_arch(fields[0], s), "latency_ms", "a100");
    within += std::fabs(predicted - measured) <= 0.1 * measured;
    ++total;
  }
  EXPECT_GT(within, 0.98 * total) << within << " of " << total;
}

}  // namespace
}  // namespace hwgpt::benchmark
