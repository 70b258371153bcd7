// The metric catalogue (analytic/metric_catalogue.hpp): names and aliases resolve, each analytic
// metric's value is the closed-form count analyze() gives (read here field by field), and the two
// name grammars ("metric@device", "[max:]metric[@device]") parse and format back.
#include "hwgpt/analytic/metric_catalogue.hpp"

#include <gtest/gtest.h>

#include <set>

#include "hwgpt/analytic/summary.hpp"
#include "hwgpt/analytic/workload.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/space/search_space.hpp"

namespace hwgpt::analytic {
namespace {

TEST(MetricCatalogue, NamesAndAliasesAreUniqueAndResolve) {
  std::set<std::string_view> seen;
  for (const MetricInfo& m : metric_catalogue()) {
    EXPECT_TRUE(seen.insert(m.name).second) << m.name;
    if (!m.alias.empty()) {
      EXPECT_TRUE(seen.insert(m.alias).second) << m.alias;
    }
    EXPECT_EQ(find_metric(m.name), &m);
    if (!m.alias.empty()) {
      EXPECT_EQ(canonical_metric(m.alias), m.name);
    }
    EXPECT_FALSE(m.label.empty()) << m.name;
    EXPECT_FALSE(m.analytic && m.per_device) << m.name;  // closed forms are the same on every device
  }
  EXPECT_EQ(canonical_metric("latency"), "latency_ms");
  EXPECT_EQ(canonical_metric("ppl"), "perplexity");
  EXPECT_EQ(canonical_metric("no_such_metric"), "no_such_metric");
  EXPECT_EQ(find_metric("Latency"), nullptr);  // exact names; the benchmark matches case-insensitively
  EXPECT_EQ(find_metric("energy_mj")->unit, "mJ");
}

TEST(MetricCatalogue, AnalyticValuesAreTheClosedFormCounts) {
  const auto& s = space::SearchSpace::builtin("s");
  const AnalyticMetrics m = analyze(s.largest_arch(), s, default_workload(s));
  EXPECT_EQ(analytic_metric_value(m, "params"), static_cast<double>(m.params.total));
  EXPECT_EQ(analytic_metric_value(m, "flops"), static_cast<double>(m.forward.total));
  EXPECT_EQ(analytic_metric_value(m, "weights_mb"), static_cast<double>(m.weight_bytes) / 1e6);
  EXPECT_EQ(analytic_metric_value(m, "kv_cache_mb"), static_cast<double>(m.kv_cache_bytes) / 1e6);
  EXPECT_EQ(analytic_metric_value(m, "activations_mb"), static_cast<double>(m.activation_bytes) / 1e6);
  int analytic = 0;
  for (const MetricInfo& info : metric_catalogue()) {
    if (!info.analytic) {
      EXPECT_THROW(analytic_metric_value(m, info.name), ValueError) << info.name;
      continue;
    }
    ++analytic;
    EXPECT_GT(analytic_metric_value(m, info.name), 0) << info.name;
  }
  EXPECT_EQ(analytic, 5);
}

TEST(MetricCatalogue, KeysAndObjectivesParseAndFormatBack) {
  EXPECT_EQ(split_metric_key("latency_ms@a100").metric, "latency_ms");
  EXPECT_EQ(split_metric_key("latency_ms@a100").device, "a100");
  EXPECT_EQ(split_metric_key("perplexity").device, "");
  for (const char* key : {"perplexity", "latency_ms@a100", "energy@cpu_xeon_silver"}) {
    const MetricKey k = split_metric_key(key);
    EXPECT_EQ(metric_key(k.metric, k.device), key);
  }
  const Objective o = parse_objective("max:accuracy");
  EXPECT_TRUE(o.maximise);
  EXPECT_EQ(o.metric, "accuracy");
  EXPECT_EQ(o.name(), "accuracy");
  const Objective l = parse_objective("latency@h100");
  EXPECT_FALSE(l.maximise);
  EXPECT_EQ(l.metric, "latency");  // the name as written; canonical_metric resolves it
  EXPECT_EQ(l.device, "h100");
  EXPECT_EQ(l.name(), "latency@h100");
}

}  // namespace
}  // namespace hwgpt::analytic
