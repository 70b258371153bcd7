// Tests of run_precision (hwgpt/profile/precision.hpp) on a run with hand-made samples whose
// intervals follow from the order statistics: n = 10 gives x(2)..x(9) (tests/profile/profile_test.cpp
// checks those ranks against textbook values).
#include "hwgpt/profile/precision.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../common/temp_dir.hpp"
#include "hwgpt/core/error.hpp"

namespace hwgpt::profile {
namespace {

std::vector<double> ramp(double start, double step, int n) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(start + step * i);
  return v;
}

TEST(RunPrecision, SharesWidthsAndCallsFollowTheOrderStatistics) {
  const test::TempDir dir("precision");
  const auto db = dir / "precision.db";
  {
    store::Store s(db);
    store::Device d;
    d.name = "box";
    s.put_device(d);
    store::RunInfo run;
    run.uid = "box/t/p";
    run.device = "box";
    run.kind = "profile";
    run.space = "t";
    run.model_variant = "hwgpt";
    run.protocol_json = "{}";
    // Samples in shuffled order: the interval must not depend on measurement order.
    std::vector<double> wide = ramp(100, 1, 10);  // x(2)..x(9) = 101..108: width 7 / 104.5
    std::swap(wide[0], wide[7]);
    s.write(run, {store::sample_set("gpt-t-3-64-2-2-2-1-1-1-False", "latency_ms", wide),
                  store::sample_set("gpt-t-3-64-2-2-3-1-1-1-False", "latency_ms", ramp(100, 0.1, 10)),  // 0.7 / 100.45
                  store::sample_set("gpt-t-3-64-2-2-4-1-1-1-False", "latency_ms", ramp(200, 0.2, 10)),  // 1.4 / 200.9
                  store::sample_set("gpt-t-3-64-2-2-4-1-1-1-False", "latency_mx", ramp(1, 0, 3)),
                  store::sample_set("gpt-t-3-64-2-2-2-1-1-1-False", "memory_mb", {70.0}),
                  store::sample_set("gpt-t-3-64-2-2-3-1-1-1-False", "memory_mb", {72.0})});
  }
  const store::Store s(db, store::Store::Mode::kReadOnly);
  const auto p = run_precision(s, "box/t/p", 0.02);
  ASSERT_EQ(p.size(), 3u);  // metrics in name order
  EXPECT_EQ(p[0].metric, "latency_ms");
  EXPECT_EQ(p[0].archs, 3u);
  EXPECT_DOUBLE_EQ(p[0].mean_calls, 10.0);
  EXPECT_EQ(p[0].with_interval, 3u);
  EXPECT_DOUBLE_EQ(p[0].share_within_target, 2.0 / 3.0);
  EXPECT_NEAR(p[0].median_relative_width, 1.4 / 200.9, 1e-12);
  EXPECT_DOUBLE_EQ(p[0].median_value, 104.5);
  EXPECT_EQ(p[1].metric, "latency_mx");
  EXPECT_EQ(p[1].with_interval, 0u);  // 3 samples: too few for an interval
  EXPECT_EQ(p[2].metric, "memory_mb");
  EXPECT_EQ(p[2].with_interval, 0u);
  EXPECT_DOUBLE_EQ(p[2].median_value, 71.0);
  // A tighter target counts fewer archs; a wider one all three.
  EXPECT_DOUBLE_EQ(run_precision(s, "box/t/p", 0.005)[0].share_within_target, 0.0);
  EXPECT_DOUBLE_EQ(run_precision(s, "box/t/p", 0.07)[0].share_within_target, 1.0);
  EXPECT_THROW(run_precision(s, "box/t/other", 0.02), ValueError);
}

}  // namespace
}  // namespace hwgpt::profile
