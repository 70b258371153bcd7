// The benchmark part of a report: how good the shipped surrogates are, and how metrics and
// devices agree on the ranking of architectures.
//  - Quality table: every surrogate's held-out test scores from its .eval.json (written by
//    `hwgpt fit`).
//  - Calibration (needs a measurement store, e.g. the imported original data): on the surrogate's
//    held-out test archs (the same hash split `hwgpt fit` used), predicted versus measured, and
//    the empirical coverage of central predictive intervals at nominal levels 10 … 98 %.
//  - Kendall tau heat map between every pair of metric@device, from the benchmark's mean
//    predictions on a seeded uniform sample of archs (the paper's correlation analysis, Fig. 3,
//    on predictions rather than measurements).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "hwgpt/report/report.hpp"
#include "hwgpt/space/search_space.hpp"
#include "hwgpt/store/store.hpp"
#include "hwgpt/surrogate/surrogate.hpp"

namespace hwgpt::report {

struct BenchmarkReportOptions {
  std::string space = "s";                 // built-in space with shipped surrogates
  std::filesystem::path surrogate_dir;     // empty: benchmark::default_surrogate_dir()
  std::filesystem::path db;                // measurement store; empty: no calibration figures
  std::vector<std::string> calibrate;      // surrogate keys "metric[@device]" to calibrate;
                                           // empty: perplexity and latency_ms@<first of devices>
  std::vector<std::string> devices;        // heat-map devices; empty: every device of the space
  std::size_t sample_size = 300;           // archs for the Kendall tau heat map
  std::uint64_t seed = 1;                  // of that sample
};

// Held-out pairs of one surrogate and the coverage curve derived from them.
struct CalibrationData {
  std::string key, unit;                   // "latency_ms@a100", "ms"
  std::vector<double> measured, predicted; // per test arch
  std::vector<double> nominal, coverage;   // central-interval levels and the share of measured inside
  double coverage_90 = 0;                  // share inside [q0.05, q0.95], as `hwgpt fit` reports it
};

// Throws ValueError when the store has no measured test archs for the surrogate.
CalibrationData calibration_data(const surrogate::Surrogate& model, const space::SearchSpace& space,
                                 const store::Store& store);

// Throws FileError/ValueError for a space without shipped surrogates or an unknown key/device.
Section benchmark_section(const BenchmarkReportOptions& options);

}  // namespace hwgpt::report
