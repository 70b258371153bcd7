// A study folder's tables (summary.csv, hv_curves.csv) and runs made outside the study's config:
// add_run_to_study places a run of a user's optimizer beside the built-in ones, and run_study
// keeps such rows when it rewrites the tables (see study.hpp).
#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "hwgpt/core/error.hpp"
#include "hwgpt/search/run.hpp"
#include "hwgpt/search/study.hpp"

namespace hwgpt::search {
namespace {

std::vector<std::string> lines_of(const std::filesystem::path& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

std::string first_field(const std::string& line) { return line.substr(0, line.find(',')); }

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

}  // namespace

std::string summary_row(const StudyRunSummary& s) {
  std::ostringstream line;
  line.precision(17);
  line << s.id << "," << s.problem << "," << s.algorithm << "," << s.seed << "," << s.evaluations << ","
       << s.final_hypervolume << "," << s.duration_s << "\n";
  return line.str();
}

std::string curve_rows(const std::string& id, const std::vector<double>& hv_curve) {
  std::ostringstream c;
  c.precision(17);
  for (std::size_t e = 0; e < hv_curve.size(); ++e) c << id << "," << e + 1 << "," << hv_curve[e] << "\n";
  return c.str();
}

ExternalRows external_rows(const std::filesystem::path& folder, const std::vector<std::string>& config_ids) {
  ExternalRows kept;
  const auto summary = lines_of(folder / "summary.csv");
  const auto curves = lines_of(folder / "hv_curves.csv");
  for (std::size_t i = 1; i < summary.size(); ++i) {
    const std::string id = first_field(summary[i]);
    if (std::find(config_ids.begin(), config_ids.end(), id) != config_ids.end()) continue;
    if (!std::filesystem::exists(folder / "runs" / (id + ".json"))) continue;  // its files are gone
    kept.summary += summary[i] + "\n";
    for (std::size_t c = 1; c < curves.size(); ++c)
      if (first_field(curves[c]) == id) kept.curves += curves[c] + "\n";
  }
  return kept;
}

std::string add_run_to_study(const std::filesystem::path& folder, const std::string& problem_label,
                             const RunResult& run) {
  if (run.evaluations.empty()) throw ValueError("run of '" + run.algorithm + "' has no evaluations; nothing to add");
  if (run.algorithm.empty() || run.algorithm.find_first_of(",/\n") != std::string::npos)
    throw ValueError("algorithm name '" + run.algorithm + "'; expected a non-empty name without ',', '/' or newlines");
  std::error_code ec;
  std::filesystem::create_directories(folder / "runs", ec);
  if (ec) throw FileError("cannot create '" + (folder / "runs").string() + "': " + ec.message());

  StudyRunSummary s;
  s.id = run_id(problem_label, run.algorithm, run.seed);
  s.problem = problem_label;
  s.algorithm = run.algorithm;
  s.seed = run.seed;
  s.evaluations = run.evaluations.size();
  s.final_hypervolume = run.final_hypervolume();
  s.duration_s = run.duration_s;
  write_file_atomically(folder / "runs" / (s.id + ".csv"), run_to_csv(run));
  write_file_atomically(folder / "runs" / (s.id + ".json"), run_to_json(run));

  // The tables with this id's rows replaced (a rerun of the same optimizer and seed).
  auto keep_others = [&](const std::vector<std::string>& lines, const std::string& header) {
    std::vector<std::string> out{header};
    for (std::size_t i = 1; i < lines.size(); ++i)
      if (first_field(lines[i]) != s.id) out.push_back(lines[i]);
    return joined(out);
  };
  write_file_atomically(folder / "summary.csv",
                        keep_others(lines_of(folder / "summary.csv"), kSummaryHeader) + summary_row(s));
  write_file_atomically(folder / "hv_curves.csv",
                        keep_others(lines_of(folder / "hv_curves.csv"), kCurvesHeader) + curve_rows(s.id, run.hv_curve));
  return s.id;
}

}  // namespace hwgpt::search
