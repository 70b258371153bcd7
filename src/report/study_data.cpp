// Reading a study folder back (see study_data.hpp).
#include "hwgpt/report/study_data.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "hwgpt/core/error.hpp"
#include "hwgpt/core/strings.hpp"

namespace hwgpt::report {
namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError("cannot read '" + path.string() + "'; expected a study folder written by `hwgpt study`");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void add_unique(std::vector<std::string>& list, const std::string& name) {
  if (std::find(list.begin(), list.end(), name) == list.end()) list.push_back(name);
}

RunData read_run(const std::filesystem::path& path) {
  const std::string text = read_text(path);
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("format", "") != "hwgpt-search-run")
    throw ParseError("'" + path.string() + "' is not a search run JSON; expected \"format\": \"hwgpt-search-run\"");
  RunData r;
  try {
    r.problem = j.at("problem").get<std::string>();
    r.algorithm = j.at("algorithm").get<std::string>();
    r.seed = j.at("seed").get<std::uint64_t>();
    r.budget = j.at("budget").get<std::size_t>();
    r.objectives = j.at("objectives").get<std::vector<std::string>>();
    r.hv_curve = j.at("hv_curve").get<std::vector<double>>();
    r.final_hypervolume = j.at("final_hypervolume").get<double>();
    r.duration_s = j.value("duration_s", 0.0);
    for (const auto& point : j.at("front")) {
      r.front.push_back(point.at("objectives").get<std::vector<double>>());
      if (r.front.back().size() != r.objectives.size())
        throw ParseError("a front point has " + std::to_string(r.front.back().size()) + " objectives; expected " +
                         std::to_string(r.objectives.size()));
    }
  } catch (const nlohmann::json::exception& e) {
    throw ParseError("'" + path.string() + "': " + e.what());
  } catch (const ParseError& e) {
    throw ParseError("'" + path.string() + "': " + e.what());
  }
  return r;
}

}  // namespace

StudyData load_study(const std::filesystem::path& folder) {
  StudyData study;
  study.folder = folder;
  const auto summary_path = folder / "summary.csv";
  std::istringstream summary(read_text(summary_path));
  std::string line;
  std::getline(summary, line);
  const std::string expected = "id,problem,algorithm,seed,evaluations,final_hypervolume,duration_s";
  if (line != expected)
    throw ParseError(summary_path.string() + ":1: header is '" + line + "'; expected '" + expected + "'");
  for (int number = 2; std::getline(summary, line); ++number) {
    if (line.empty()) continue;
    const auto fields = split(line, ',');
    if (fields.size() != 7)
      throw ParseError(summary_path.string() + ":" + std::to_string(number) + ": " + std::to_string(fields.size()) +
                       " fields; expected 7");
    RunData run = read_run(folder / "runs" / (fields[0] + ".json"));
    run.id = fields[0];
    // The JSON names the problem's family ("arch-s"); summary.csv its label, which tells the
    // objective sets apart ("arch-s-perplexity+latency@h100"): the label is the problem here.
    run.problem = fields[1];
    if (run.algorithm != fields[2])
      throw ParseError(summary_path.string() + ":" + std::to_string(number) + ": run '" + run.id + "' is by " +
                       run.algorithm + " in its JSON but by " + fields[2] + " in summary.csv");
    add_unique(study.problems, run.problem);
    add_unique(study.algorithms, run.algorithm);
    study.runs.push_back(std::move(run));
  }
  if (study.runs.empty()) throw ParseError(summary_path.string() + " lists no runs; expected at least one");
  if (std::filesystem::exists(folder / "config.json")) study.config_json = read_text(folder / "config.json");
  return study;
}

std::vector<const RunData*> runs_of(const StudyData& study, const std::string& problem, const std::string& algorithm) {
  std::vector<const RunData*> out;
  for (const auto& r : study.runs)
    if (r.problem == problem && r.algorithm == algorithm) out.push_back(&r);
  return out;
}

}  // namespace hwgpt::report
