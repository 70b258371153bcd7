// The two reports `hwgpt report` writes: a study's (ranking, configuration, per-problem figures,
// and the benchmark section when the study's objectives came from the shipped benchmark) and a
// benchmark's alone.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "hwgpt/report/benchmark_section.hpp"
#include "hwgpt/report/report.hpp"

namespace hwgpt::report {

struct StudyReportOptions {
  std::filesystem::path study;             // folder written by `hwgpt study`
  bool benchmark_section = true;           // add it when the study used benchmark objectives
  BenchmarkReportOptions benchmark;        // its options; space, devices and calibrate keys are
                                           // taken from the study unless set here
  std::uint64_t seed = 1;                  // bootstrap intervals of the ranking
};

// The benchmark metrics among a study's objectives, as surrogate keys: "latency@a100" ->
// "latency_ms@a100", "max:accuracy" -> "accuracy"; analytic objectives are left out.
std::vector<std::string> benchmark_keys(const std::vector<std::string>& objectives);

// The built-in space an arch problem label names ("arch-s-perplexity+latency@a100" -> "s"); empty
// for test problems.
std::string space_of_problem(const std::string& problem);

Report study_report(const StudyReportOptions& options);
Report benchmark_report(const BenchmarkReportOptions& options);

}  // namespace hwgpt::report
