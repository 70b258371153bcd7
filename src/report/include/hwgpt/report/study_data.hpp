// A finished study read back from its folder (docs/FORMATS.md, "Search runs and studies"):
// summary.csv names the runs, runs/<id>.json gives each run's objectives, bounds, HV curve and
// final front, config.json (when present) the configuration. Nothing is re-run.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace hwgpt::report {

struct RunData {
  std::string id, problem, algorithm;    // problem: the label of summary.csv
  std::uint64_t seed = 0;
  std::size_t budget = 0;
  std::vector<std::string> objectives;   // as minimised: "max:params" is stored negated
  std::vector<double> hv_curve;          // normalised HV after each evaluation
  double final_hypervolume = 0, duration_s = 0;
  std::vector<std::vector<double>> front;  // final non-dominated objective vectors (raw, minimised)
};

struct StudyData {
  std::filesystem::path folder;
  std::string config_json;               // config.json's text; empty when the study predates it
  std::vector<RunData> runs;             // in summary.csv order
  std::vector<std::string> problems;     // in first-seen order
  std::vector<std::string> algorithms;   // in first-seen order
};

// Throws FileError naming the file (missing summary.csv or run JSON, unreadable) and ParseError
// naming file and line for malformed content.
StudyData load_study(const std::filesystem::path& folder);

// The runs of one problem and algorithm, in seed order as listed.
std::vector<const RunData*> runs_of(const StudyData& study, const std::string& problem, const std::string& algorithm);

}  // namespace hwgpt::report
