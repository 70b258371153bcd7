// Benchmark: everything hwgpt knows about the architectures of one space, behind one query:
// analytic metrics computed exactly, and per-device hardware metrics, perplexity and accuracy
// from surrogate files (loaded once; no disk access per query, unlike the original).
//
//   const auto bench = Benchmark::load(SearchSpace::builtin("s"), default_data_dir());
//   double ms = bench.query(arch, "latency_ms", "h100");               // point prediction
//   double p90 = bench.query(arch, "latency_ms", "h100", Query::quantile(0.9));
//   double draw = bench.query(arch, "energy_mj", "a100", Query::sample(7));  // reproducible
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hwgpt/space/arch.hpp"
#include "hwgpt/space/search_space.hpp"

namespace hwgpt::benchmark {

struct Query {
  enum class Mode { kMean, kQuantile, kSample };
  Mode mode = Mode::kMean;
  double level = 0.5;        // kQuantile: in (0, 1)
  std::uint64_t seed = 0;    // kSample: the same (arch, metric, device, seed) gives the same value
  static Query mean() { return {}; }
  static Query quantile(double q) { return {Mode::kQuantile, q, 0}; }
  static Query sample(std::uint64_t seed) { return {Mode::kSample, 0.5, seed}; }
};
// "mean", "quantile:Q" or "sample:SEED"; throws ParseError.
Query parse_query_mode(std::string_view text);

struct MetricInfo {
  std::string name;          // e.g. latency_ms
  std::string unit;          // ms, mJ, MB, count, "" (dimensionless)
  std::string source;        // "analytic" (exact) or "surrogate"
  std::vector<std::string> devices;  // devices with a surrogate; empty for device-free metrics
};

struct DeviceInfo {
  std::string name;
  std::vector<std::string> aliases;
  std::string model_variant;  // which model was measured on it (original | hwgpt)
  int batch = 0, sequence_length = 0;
  std::string dtype;
  std::vector<std::string> metrics;
};

// The folder of shipped surrogates: $HWGPT_DATA_DIR/surrogates if set, else the source tree's
// data/surrogates recorded at build time.
std::filesystem::path default_surrogate_dir();

// True for the metrics computed in closed form (params, flops, kv_cache_mb, weights_mb,
// activations_mb; any case): they need no surrogate file and ignore the device.
bool is_analytic_metric(std::string_view metric);

// Which surrogate files to load, by file stem ("latency_ms@h100", "perplexity"); empty: all.
using FileFilter = std::function<bool(std::string_view stem)>;
// A filter for the one file that answers `metric` on `device` ("" for device-free metrics),
// matching names in any case. A device given by an alias matches no file name: load() then finds
// nothing and the caller loads everything (as the CLI's query does).
FileFilter only_file_for(std::string_view metric, std::string_view device);

class Benchmark {
 public:
  // Loads every surrogate file of `dir/<space name>/` (those `only` accepts, when given). Throws
  // FileError for a bad file (naming it); a space without surrogates still answers analytic metrics.
  static Benchmark load(const space::SearchSpace& space, const std::filesystem::path& dir,
                        const FileFilter& only = {});
  ~Benchmark();
  Benchmark(Benchmark&&) noexcept;
  Benchmark& operator=(Benchmark&&) noexcept;

  const space::SearchSpace& space() const;
  std::vector<MetricInfo> metrics() const;
  std::vector<DeviceInfo> devices() const;

  // Canonical names: metric and device names (and device aliases) match in any case, e.g.
  // "H100" -> "h100", "LATENCY_MS" -> "latency_ms". Throw ValueError naming the unknown name and
  // listing the known ones.
  std::string canonical_metric(std::string_view metric) const;
  std::string canonical_device(std::string_view device) const;
  // Whether a surrogate answers `metric` on `device` (any case), e.g. to fall back to a full load.
  bool has(std::string_view metric, std::string_view device) const;

  // Throws ValueError naming the unknown metric or device (and listing the known ones) or an arch
  // outside the space. Analytic metrics ignore `device` and the mode.
  double query(const space::Arch& arch, std::string_view metric, std::string_view device = "",
               const Query& how = {}) const;
  std::vector<double> query(const std::vector<space::Arch>& archs, std::string_view metric,
                            std::string_view device = "", const Query& how = {}) const;

  // Measured ground truth: attach a store (read-only), then measured() returns the stored mean
  // of `metric` for the arch on `device` (perplexity/accuracy: device ""), or nothing when that
  // arch was not measured. Per-(metric, device) tables are read on first use and cached.
  void attach_store(const std::filesystem::path& db);
  std::optional<double> measured(const space::Arch& arch, std::string_view metric,
                                 std::string_view device = "") const;

 private:
  Benchmark();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hwgpt::benchmark
