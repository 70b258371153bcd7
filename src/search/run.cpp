// The ask/tell loop and the run's CSV/JSON forms (see run.hpp).
#include "hwgpt/search/run.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "hwgpt/core/error.hpp"
#include "hwgpt/search/hypervolume.hpp"
#include "hwgpt/search/pareto.hpp"

namespace hwgpt::search {

RunResult run_search(const Problem& problem, const RunConfig& config) {
  if (config.budget == 0) throw ValueError("search budget is 0 evaluations; expected at least 1");
  Optimizer optimizer = make_optimizer(config.algorithm, problem, config.seed, config.options);
  RunResult run{problem.name(), config.algorithm, config.seed, config.budget, problem.objective_names(),
                problem.bounds(), {}, {}, 0.0};
  const std::size_t m = problem.num_objectives();
  HypervolumeArchive archive(problem.normalised_reference());
  const auto start = std::chrono::steady_clock::now();
  while (run.evaluations.size() < config.budget) {
    std::vector<Genome> batch = optimizer.ask();
    if (batch.empty()) throw ValueError("optimizer '" + config.algorithm + "' proposed no genome");
    batch.resize(std::min(batch.size(), config.budget - run.evaluations.size()));
    const std::vector<double> objectives = problem.evaluate(batch);
    optimizer.tell(batch, objectives);
    const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::vector<double> normalised = problem.normalise(objectives);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      archive.add(std::span<const double>(normalised).subspan(i * m, m));
      run.hv_curve.push_back(archive.hypervolume());
      run.evaluations.push_back({batch[i], problem.describe(batch[i]),
                                 {objectives.begin() + static_cast<std::ptrdiff_t>(i * m),
                                  objectives.begin() + static_cast<std::ptrdiff_t>((i + 1) * m)},
                                 t});
    }
  }
  run.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return run;
}

std::vector<std::size_t> run_front_indices(const RunResult& run) {
  std::vector<double> values;
  for (const auto& e : run.evaluations) values.insert(values.end(), e.objectives.begin(), e.objectives.end());
  return pareto_front_indices({values, run.objective_names.size()});
}

namespace {
std::string number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}
}  // namespace

std::string run_to_csv(const RunResult& run) {
  std::string s = "index,time_s";
  for (const auto& name : run.objective_names) s += "," + name;
  s += ",description\n";
  for (std::size_t i = 0; i < run.evaluations.size(); ++i) {
    const auto& e = run.evaluations[i];
    s += std::to_string(i) + "," + number(e.time_s);
    for (double v : e.objectives) s += "," + number(v);
    s += "," + e.description + "\n";
  }
  return s;
}

std::string run_to_json(const RunResult& run) {
  nlohmann::json j;
  j["format"] = "hwgpt-search-run";
  j["version"] = 1;
  j["problem"] = run.problem;
  j["algorithm"] = run.algorithm;
  j["seed"] = run.seed;
  j["budget"] = run.budget;
  j["objectives"] = run.objective_names;
  j["bounds"] = {{"ideal", run.bounds.ideal}, {"nadir", run.bounds.nadir}};
  j["normalised_reference"] = kNormalisedReference;
  j["duration_s"] = run.duration_s;
  j["final_hypervolume"] = run.final_hypervolume();
  j["hv_curve"] = run.hv_curve;
  nlohmann::json front = nlohmann::json::array();
  for (std::size_t i : run_front_indices(run))
    front.push_back({{"index", i}, {"description", run.evaluations[i].description},
                     {"objectives", run.evaluations[i].objectives}});
  j["front"] = front;
  return j.dump(1) + "\n";
}

void write_file_atomically(const std::filesystem::path& path, const std::string& text) {
  const auto tmp = std::filesystem::path(path.string() + ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw FileError("cannot write '" + tmp.string() + "'; check that the folder exists and is writable");
    out << text;
    out.flush();
    if (!out) throw FileError("writing '" + tmp.string() + "' failed (disk full?)");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw FileError("cannot rename '" + tmp.string() + "' to '" + path.string() + "': " + ec.message());
}

}  // namespace hwgpt::search
