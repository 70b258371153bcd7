// The benchmark's metrics in one table (canonical name, the short name objectives may use, unit,
// the label figures show, closed-form or measured) and the two name grammars built on them:
// surrogate keys "metric@device" and objectives "[max:]metric[@device]". Every module that names,
// labels or parses a metric reads it here (search, report, benchmark, fitting), so a new metric
// is one row.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace hwgpt::analytic {

struct AnalyticMetrics;  // summary.hpp

struct MetricInfo {
  std::string_view name;   // canonical, as surrogate files and the store name it: "latency_ms"
  std::string_view alias;  // the original's short name objectives may use: "latency" ("" if none)
  std::string_view unit;   // "ms", "mJ", "MB", "count", "" (dimensionless)
  std::string_view label;  // what a chart axis says: "latency"
  bool analytic;           // exact closed form of the arch (summary.hpp), the same on every device
  bool per_device;         // measured per device (an objective without "@device" needs one)
};

// Analytic metrics first, in the order analytic objectives are listed.
std::span<const MetricInfo> metric_catalogue();
// The row of a canonical name or alias (exact match); nullptr when unknown.
const MetricInfo* find_metric(std::string_view name_or_alias);
// The canonical name of an alias; any other name unchanged.
std::string canonical_metric(std::string_view name_or_alias);

// The value of the analytic metric `name` (canonical) in `m`: counts as they are, bytes in
// 10^6 bytes (MB). Throws ValueError for a name that is not an analytic metric.
double analytic_metric_value(const AnalyticMetrics& m, std::string_view name);

// "metric@device" (device "" when there is no '@'), and back.
struct MetricKey {
  std::string metric, device;
};
MetricKey split_metric_key(std::string_view key);
std::string metric_key(std::string_view metric, std::string_view device);

// An objective "[max:]metric[@device]": maximised metrics are minimised negated. `metric` is the
// name as written (an alias stays an alias; canonical_metric resolves it).
struct Objective {
  bool maximise = false;
  std::string metric, device;
  std::string name() const { return metric_key(metric, device); }  // without "max:"
};
Objective parse_objective(std::string_view objective);

}  // namespace hwgpt::analytic
