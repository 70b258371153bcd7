// Surrogate quality table, calibration figures and the Kendall tau heat map (see
// benchmark_section.hpp).
#include "hwgpt/report/benchmark_section.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "hwgpt/analytic/metric_catalogue.hpp"
#include "hwgpt/benchmark/benchmark.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "hwgpt/space/sampling.hpp"
#include "hwgpt/surrogate/evaluation.hpp"
#include "hwgpt/surrogate/dataset.hpp"

namespace hwgpt::report {
namespace {

std::string fixed(double v, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
  return buffer;
}

std::string key_of(const surrogate::SurrogateInfo& info) {
  return analytic::metric_key(info.metric, info.device);
}

std::string with_unit(const std::string& what, const std::string& unit) {
  return unit.empty() ? what : what + " (" + unit + ")";
}

// The surrogates shipped for the space, in file-name order.
std::vector<surrogate::Surrogate> load_models(const std::filesystem::path& folder, const std::string& space) {
  std::vector<std::filesystem::path> files;
  if (std::filesystem::is_directory(folder))
    for (const auto& e : std::filesystem::directory_iterator(folder))
      if (e.path().extension() == ".hsur") files.push_back(e.path());
  if (files.empty())
    throw FileError("no surrogate files (*.hsur) in '" + folder.string() + "'; space '" + space +
                    "' has no shipped benchmark (data/surrogates/README.md)");
  std::sort(files.begin(), files.end());
  std::vector<surrogate::Surrogate> models;
  for (const auto& f : files) models.push_back(surrogate::Surrogate::load(f, space));
  return models;
}

// The space's shipped surrogates and their devices by store name; aliases (e.g. the original's
// names) map to it, so options may name a device either way.
class ShippedSurrogates {
 public:
  ShippedSurrogates(std::vector<surrogate::Surrogate> models, const space::SearchSpace& search_space)
      : models_(std::move(models)), space_(search_space) {
    for (const auto& m : models_) {
      if (m.info().device.empty()) continue;
      if (std::find(devices_.begin(), devices_.end(), m.info().device) == devices_.end())
        devices_.push_back(m.info().device);
      device_of_[m.info().device] = m.info().device;
      for (const auto& alias : m.info().device_aliases) device_of_.emplace(alias, m.info().device);
    }
  }

  const space::SearchSpace& search_space() const { return space_; }
  const std::vector<surrogate::Surrogate>& models() const { return models_; }
  const std::vector<std::string>& devices() const { return devices_; }  // store names, in file order

  // The store name of a device name or alias; throws ValueError listing the known devices.
  std::string resolve_device(const std::string& device) const {
    const auto it = device_of_.find(device);
    if (it != device_of_.end()) return it->second;
    std::string list;
    for (const auto& d : devices_) list += (list.empty() ? "" : ", ") + d;
    throw ValueError("unknown device '" + device + "' for space '" + space_.name() + "'; known: " + list);
  }

  // The surrogate of key "metric" or "metric@device"; throws ValueError listing the available keys.
  const surrogate::Surrogate& find(const std::string& requested) const {
    const analytic::MetricKey parts = analytic::split_metric_key(requested);
    const std::string key =
        analytic::metric_key(parts.metric, parts.device.empty() ? "" : resolve_device(parts.device));
    for (const auto& m : models_)
      if (key_of(m.info()) == key) return m;
    std::string available;
    for (const auto& m : models_) available += (available.empty() ? "" : ", ") + key_of(m.info());
    throw ValueError("no surrogate '" + requested + "' for space '" + space_.name() + "'; available: " + available);
  }

 private:
  std::vector<surrogate::Surrogate> models_;
  const space::SearchSpace& space_;
  std::vector<std::string> devices_;
  std::map<std::string, std::string> device_of_;
};

// From the models' recorded test evaluation, so it needs no store.
Table quality_table(const std::vector<surrogate::Surrogate>& models) {
  Table quality{"surrogate-quality", "Held-out test quality of each surrogate", "", {"surrogate", "unit", "test archs",
                "Kendall tau", "R²", "MAPE (%)", "90 % coverage", "90 % width (rel.)"}, {}};
  for (const auto& m : models) {
    const auto& t = m.info().test;
    quality.rows.push_back({key_of(m.info()), m.info().unit.empty() ? "-" : m.info().unit, std::to_string(t.n),
                            fixed(t.kendall_tau, 3), fixed(t.r2, 4), fixed(100 * t.mape, 2), fixed(t.coverage_90, 3),
                            fixed(t.width_90, 3)});
  }
  quality.caption = "90 % coverage: share of test archs whose measured mean lies in the predicted [5 %, 95 %] "
                    "interval (ideal 0.90); width relative to the prediction.";
  return quality;
}

// The coverage chart with its ideal diagonal; each calibrated surrogate adds its curve.
Chart coverage_chart(const std::filesystem::path& db) {
  Chart coverage;
  coverage.id = "calibration-coverage";
  coverage.title = "Interval coverage on held-out archs";
  coverage.caption = "Share of held-out test archs whose measured value lies inside the central predictive "
                     "interval, against the interval's nominal level. On the dashed diagonal the intervals are "
                     "calibrated; below it they are too narrow. Store: " + db.string() + ".";
  coverage.x_label = "nominal central interval level";
  coverage.y_label = "empirical coverage (fraction)";
  coverage.series.push_back({"ideal", SeriesKind::kLine, {0, 1}, {0, 1}, {}, -1, true});
  return coverage;
}

// Predicted versus measured for the k-th calibrated surrogate (colour k, as in the coverage chart).
Chart calibration_scatter(const CalibrationData& c, std::size_t k) {
  Chart scatter;
  scatter.id = "calibration-" + std::to_string(k);
  scatter.title = "Predicted versus measured: " + c.key;
  scatter.caption = std::to_string(c.measured.size()) + " held-out test archs measured in the store; dashed line "
                    "y = x. Kendall tau " + fixed(surrogate::kendall_tau(c.measured, c.predicted), 3) +
                    ", 90 % interval coverage " + fixed(c.coverage_90, 3) + ".";
  scatter.x_label = with_unit("measured " + c.key, c.unit);
  scatter.y_label = with_unit("predicted " + c.key, c.unit);
  const auto [lo, hi] = std::minmax_element(c.measured.begin(), c.measured.end());
  scatter.series.push_back(
      {"test archs", SeriesKind::kPoints, c.measured, c.predicted, {}, static_cast<int>(k), false});
  scatter.series.push_back({"y = x", SeriesKind::kLine, {*lo, *hi}, {*lo, *hi}, {}, -1, true});
  return scatter;
}

// One scatter per calibrated key, then the coverage of all of them in one chart.
void add_calibration_figures(const BenchmarkReportOptions& o, const ShippedSurrogates& shipped,
                             const std::vector<std::string>& devices, std::vector<Figure>& figures) {
  std::vector<std::string> keys = o.calibrate;
  if (keys.empty()) keys = {"perplexity", "latency_ms@" + (devices.empty() ? std::string("a100") : devices.front())};
  const store::Store db(o.db, store::Store::Mode::kReadOnly);
  Chart coverage = coverage_chart(o.db);
  for (std::size_t k = 0; k < keys.size(); ++k) {
    const CalibrationData c = calibration_data(shipped.find(keys[k]), shipped.search_space(), db);
    figures.emplace_back(calibration_scatter(c, k));
    coverage.series.push_back({c.key, SeriesKind::kLine, c.nominal, c.coverage, {}, static_cast<int>(k), false});
  }
  figures.emplace_back(std::move(coverage));
}

// Device-free metrics (perplexity, accuracy) first, then metric@device of `devices` in file order.
std::vector<const surrogate::Surrogate*> heat_map_models(const std::vector<surrogate::Surrogate>& models,
                                                         const std::vector<std::string>& devices) {
  std::vector<const surrogate::Surrogate*> ordered;
  for (const auto& m : models)
    if (m.info().device.empty()) ordered.push_back(&m);
  for (const auto& m : models)
    if (!m.info().device.empty() && std::find(devices.begin(), devices.end(), m.info().device) != devices.end())
      ordered.push_back(&m);
  return ordered;
}

// Rank agreement of every pair of metric@device, from the benchmark's mean predictions on the sample
// of `o.sample_size` archs drawn with `o.seed`.
HeatMap kendall_tau_map(const ShippedSurrogates& shipped, const std::filesystem::path& dir,
                        const std::vector<std::string>& devices, const BenchmarkReportOptions& o) {
  const auto& space = shipped.search_space();
  const auto bench = benchmark::Benchmark::load(space, dir);
  Rng rng(o.seed);
  const auto archs = space::sample_archs(space, o.sample_size, rng);
  std::vector<std::string> keys;
  std::vector<std::vector<double>> predictions;
  for (const auto* m : heat_map_models(shipped.models(), devices)) {
    const auto& info = m->info();
    keys.push_back(key_of(info));
    predictions.push_back(bench.query(archs, info.metric, info.device));
  }
  HeatMap map;
  map.id = "kendall-tau";
  map.title = "Kendall tau between metrics and devices";
  map.caption = "Rank correlation (tau-b) of the benchmark's mean predictions for every pair of metric@device, on " +
                std::to_string(archs.size()) + " archs sampled uniformly per choice (seed " + std::to_string(o.seed) +
                "). Computed from surrogate predictions, not measurements: it shows how the surrogates rank archs. "
                "Red: the two metrics order archs alike; blue: in opposite order.";
  map.row_labels = keys;
  map.column_labels = keys;
  map.value_label = "Kendall tau";
  map.values.assign(keys.size() * keys.size(), 1.0);
  for (std::size_t i = 0; i < keys.size(); ++i)
    for (std::size_t j = i + 1; j < keys.size(); ++j)
      map.values[i * keys.size() + j] = map.values[j * keys.size() + i] =
          surrogate::kendall_tau(predictions[i], predictions[j]);
  return map;
}

// Room for the labels (~6.5 px a character) and 24-px cells, plus the colour bar beside them.
SvgSize heat_map_size(const HeatMap& map) {
  std::size_t longest = 0;
  for (const auto& k : map.row_labels) longest = std::max(longest, k.size());
  const int side =
      static_cast<int>(6.5 * static_cast<double>(longest) + 10 + 24.0 * static_cast<double>(map.row_labels.size()));
  return {side + 110, side + 20};
}

}  // namespace

CalibrationData calibration_data(const surrogate::Surrogate& model, const space::SearchSpace& space,
                                 const store::Store& store) {
  const auto& info = model.info();
  // The split and data selection of `hwgpt fit` (cmd_fit.cpp), so these are the held-out archs.
  const auto data = surrogate::dataset_from_store(store, space, info.device, info.metric,
                                                  info.device.empty() ? "" : info.run_kind);
  const surrogate::SplitOptions split_options;  // the defaults, which the shipped fits used
  CalibrationData c;
  c.key = key_of(info);
  c.unit = info.unit;
  c.nominal = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98};
  std::vector<std::size_t> inside(c.nominal.size(), 0);
  std::size_t inside_90 = 0;
  std::vector<double> row(surrogate::feature_count(info.features, space));
  for (std::size_t i = 0; i < data.archs.size(); ++i) {
    if (surrogate::split_of(space::format_arch(data.archs[i]), split_options) != surrogate::Split::kTest) continue;
    surrogate::features(data.archs[i], space, info.features, row);
    const double y = data.targets[i];
    c.measured.push_back(y);
    c.predicted.push_back(model.predict(row));
    for (std::size_t k = 0; k < c.nominal.size(); ++k) {
      const double tail = (1 - c.nominal[k]) / 2;
      if (y >= model.quantile(row, tail) && y <= model.quantile(row, 1 - tail)) ++inside[k];
    }
    if (y >= model.quantile(row, 0.05) && y <= model.quantile(row, 0.95)) ++inside_90;
  }
  if (c.measured.empty())
    throw ValueError("store has no measured test-split archs for " + c.key + " of space '" + space.name() +
                     "'; expected the data the surrogate was fitted on (`hwgpt store import`)");
  const auto n = static_cast<double>(c.measured.size());
  for (std::size_t k = 0; k < c.nominal.size(); ++k) c.coverage.push_back(static_cast<double>(inside[k]) / n);
  c.coverage_90 = static_cast<double>(inside_90) / n;
  return c;
}

Section benchmark_section(const BenchmarkReportOptions& o) {
  const auto& space = space::SearchSpace::builtin(o.space);
  const auto dir = o.surrogate_dir.empty() ? benchmark::default_surrogate_dir() : o.surrogate_dir;
  const ShippedSurrogates shipped(load_models(dir / space.name(), space.name()), space);
  Section s{"benchmark", "Benchmark " + space.name() + ": surrogate quality and metric correlations", "", {}, {}, {}, ""};
  s.intro = "Surrogates of space " + space.name() + " from " + (dir / space.name()).string() +
            ". Test scores are on archs held out of fitting and calibration (hash split, 20 %).";

  // 1) Quality table from the models' recorded test evaluation.
  s.tables.push_back(quality_table(shipped.models()));
  // Devices by store name; none asked for: every device of the space.
  std::vector<std::string> devices;
  for (const auto& d : o.devices) devices.push_back(shipped.resolve_device(d));
  if (devices.empty()) devices = shipped.devices();

  // 2) Calibration figures from a store.
  if (!o.db.empty()) add_calibration_figures(o, shipped, devices, s.figures);

  // 3) Kendall tau between every pair of metric@device on a seeded sample of archs.
  HeatMap map = kendall_tau_map(shipped, dir, devices, o);
  const SvgSize size = heat_map_size(map);
  s.sizes.resize(s.figures.size());
  s.figures.emplace_back(std::move(map));
  s.sizes.push_back(size);
  return s;
}

}  // namespace hwgpt::report
