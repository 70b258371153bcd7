// Assembling the study and benchmark reports (see report_builder.hpp).
#include "hwgpt/report/report_builder.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "hwgpt/analytic/metric_catalogue.hpp"
#include "hwgpt/report/study_data.hpp"
#include "hwgpt/search/arch_problem.hpp"

namespace hwgpt::report {

std::vector<std::string> benchmark_keys(const std::vector<std::string>& objectives) {
  std::vector<std::string> keys;
  for (const auto& objective : objectives) {
    if (!search::is_benchmark_objective(objective)) continue;
    // The surrogates' keys name metrics canonically (objectives may use the short names).
    const analytic::Objective o = analytic::parse_objective(objective);
    keys.push_back(analytic::metric_key(analytic::canonical_metric(o.metric), o.device));
  }
  return keys;
}

std::string space_of_problem(const std::string& problem) {
  if (problem.rfind("arch-", 0) != 0) return "";
  const auto end = problem.find('-', 5);
  return problem.substr(5, end == std::string::npos ? std::string::npos : end - 5);
}

Report study_report(const StudyReportOptions& o) {
  const StudyData study = load_study(o.study);
  Report r;
  r.title = "hwgpt study report: " + std::filesystem::absolute(o.study).lexically_normal().filename().string();
  std::size_t evaluations = 0;
  for (const auto& run : study.runs) evaluations += run.hv_curve.size();
  r.facts = {"Study folder: " + o.study.string(),
             std::to_string(study.runs.size()) + " runs (" + std::to_string(study.problems.size()) + " problem(s) x " +
                 std::to_string(study.algorithms.size()) + " algorithm(s) x seeds), " + std::to_string(evaluations) +
                 " evaluations in all",
             "Algorithms: " + [&] {
               std::string s;
               for (const auto& a : study.algorithms) s += (s.empty() ? "" : ", ") + a;
               return s;
             }(),
             "Written by `hwgpt report` from the study's files (summary.csv, runs/*.json, config.json); nothing was "
             "re-run."};
  r.sections = study_sections(study, o.seed);

  if (o.benchmark_section) {
    // The first arch problem of a built-in space with benchmark objectives decides the section.
    for (const auto& run : study.runs) {
      const std::string space = space_of_problem(run.problem);
      const auto keys = benchmark_keys(run.objectives);
      if (space.empty() || keys.empty()) continue;
      const auto names = space::SearchSpace::builtin_names();
      if (std::find(names.begin(), names.end(), space) == names.end()) continue;
      BenchmarkReportOptions b = o.benchmark;
      b.space = space;
      // The surrogates the study used (its config's data_dir, e.g. a pipeline's), unless given.
      if (b.surrogate_dir.empty() && !study.config_json.empty()) {
        const auto config = nlohmann::json::parse(study.config_json, nullptr, false);
        if (config.is_object() && config.contains("data_dir") && config["data_dir"].is_string())
          b.surrogate_dir = std::filesystem::path(config["data_dir"].get<std::string>()) / "surrogates";
      }
      if (b.calibrate.empty()) b.calibrate = keys;
      // Config stays last: insert the benchmark section before it.
      r.sections.insert(r.sections.end() - 1, benchmark_section(b));
      break;
    }
  }
  return r;
}

Report benchmark_report(const BenchmarkReportOptions& o) {
  Report r;
  r.title = "hwgpt benchmark report: space " + o.space;
  r.facts = {"Surrogates of space " + o.space + "; measurement store: " + (o.db.empty() ? "none (no calibration figures; "
             "pass --db)" : o.db.string()), "Kendall tau sample: " + std::to_string(o.sample_size) + " archs, seed " +
             std::to_string(o.seed)};
  r.sections.push_back(benchmark_section(o));
  return r;
}

}  // namespace hwgpt::report
