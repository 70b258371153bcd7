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

RunRecorder::RunRecorder(const Problem& problem, std::string algorithm, std::uint64_t seed, std::size_t budget)
    : problem_(problem),
      run_{problem.name(), std::move(algorithm), seed, budget, problem.objective_names(),
           problem.bounds(), problem.has_fidelity(), {}, {}, 0.0},
      archive_(problem.normalised_reference()) {
  if (budget == 0) throw ValueError("search budget is 0 evaluations; expected at least 1");
}

std::size_t RunRecorder::fitting(std::span<const double> fidelity) const {
  double spent = spent_;
  std::size_t keep = 0;
  for (; keep < fidelity.size(); ++keep) {
    const double cost = problem_.has_fidelity() ? fidelity[keep] : 1.0;
    if (spent + cost > static_cast<double>(run_.budget) + 1e-9) break;
    spent += cost;
  }
  return keep;
}

double RunRecorder::hypervolume() const { return archive_.hypervolume(); }

void RunRecorder::record(std::span<const Genome> batch, std::span<const double> fidelity,
                         std::span<const double> objectives, double time_s) {
  const std::size_t m = problem_.num_objectives();
  if (fidelity.size() != batch.size() || objectives.size() != batch.size() * m)
    throw ValueError("recorded batch of " + std::to_string(batch.size()) + " genomes has " +
                     std::to_string(fidelity.size()) + " fidelities and " + std::to_string(objectives.size()) +
                     " objective values; expected " + std::to_string(batch.size()) + " and " +
                     std::to_string(batch.size() * m));
  if (fitting(fidelity) != batch.size())
    throw ValueError("batch of " + std::to_string(batch.size()) + " evaluations exceeds the budget (" +
                     std::to_string(run_.budget) + " full evaluations, " + std::to_string(spent_) + " spent)");
  const std::vector<double> normalised = problem_.normalise(objectives);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    spent_ += problem_.has_fidelity() ? fidelity[i] : 1.0;
    if (fidelity[i] == 1.0 || !problem_.has_fidelity())
      archive_.add(std::span<const double>(normalised).subspan(i * m, m));
    run_.hv_curve.push_back(archive_.hypervolume());
    run_.evaluations.push_back({batch[i], problem_.describe(batch[i]), fidelity[i],
                                {objectives.begin() + static_cast<std::ptrdiff_t>(i * m),
                                 objectives.begin() + static_cast<std::ptrdiff_t>((i + 1) * m)},
                                time_s});
  }
}

RunResult run_search(const Problem& problem, const RunConfig& config, const RunProgress& progress) {
  if (config.budget == 0) throw ValueError("search budget is 0 evaluations; expected at least 1");
  Optimizer optimizer = make_optimizer(config.algorithm, problem, config.seed, config.options);
  RunRecorder recorder(problem, config.algorithm, config.seed, config.budget);
  const auto start = std::chrono::steady_clock::now();
  while (recorder.remaining() > 1e-9) {
    std::vector<Genome> batch = optimizer.ask();
    if (batch.empty()) throw ValueError("optimizer '" + config.algorithm + "' proposed no genome");
    const std::vector<double> fidelity = optimizer.fidelities(batch.size());
    // Keep the prefix that fits the budget; a run ends when the next proposal does not fit.
    const std::size_t keep = recorder.fitting(std::span<const double>(fidelity).first(batch.size()));
    if (keep == 0) break;
    batch.resize(keep);
    // Evaluate runs of equal fidelity together (single-fidelity optimizers: one call).
    std::vector<double> objectives;
    for (std::size_t i = 0; i < batch.size();) {
      std::size_t j = i;
      while (j < batch.size() && fidelity[j] == fidelity[i]) ++j;
      const auto part = problem.evaluate(std::span<const Genome>(batch).subspan(i, j - i), fidelity[i]);
      objectives.insert(objectives.end(), part.begin(), part.end());
      i = j;
    }
    optimizer.tell(batch, objectives);
    const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    recorder.record(batch, std::span<const double>(fidelity).first(keep), objectives, t);
    if (progress) progress(recorder.spent(), t, recorder.hypervolume());
  }
  recorder.set_duration(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return recorder.result();
}

std::vector<std::size_t> run_front_indices(const RunResult& run) {
  // Exact evaluations only: a low-fidelity result is not a point of the problem's front.
  std::vector<double> values;
  std::vector<std::size_t> index;
  for (std::size_t i = 0; i < run.evaluations.size(); ++i) {
    const auto& e = run.evaluations[i];
    if (e.fidelity != 1.0 && run.has_fidelity) continue;
    values.insert(values.end(), e.objectives.begin(), e.objectives.end());
    index.push_back(i);
  }
  auto front = pareto_front_indices({values, run.objective_names.size()});
  for (auto& i : front) i = index[i];
  return front;
}

namespace {
std::string number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}
}  // namespace

std::string run_to_csv(const RunResult& run) {
  std::string s = "index,time_s,fidelity";
  for (const auto& name : run.objective_names) s += "," + name;
  s += ",description\n";
  for (std::size_t i = 0; i < run.evaluations.size(); ++i) {
    const auto& e = run.evaluations[i];
    s += std::to_string(i) + "," + number(e.time_s) + "," + number(e.fidelity);
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

}  // namespace hwgpt::search
