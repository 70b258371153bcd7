// One optimisation run: ask/tell until the evaluation budget is spent, recording every evaluation
// (genome, description, fidelity, objectives, time) and the hypervolume after each one, computed
// on normalised objectives (problem bounds) with reference kNormalisedReference in every
// objective. The budget counts full evaluations: one at fidelity r costs r on a problem with
// fidelity (1 otherwise), and only exact results (fidelity 1, or a problem without fidelity)
// enter the hypervolume.
// Also the run's CSV and JSON forms (docs/FORMATS.md, "Search runs").
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "hwgpt/search/optimizer.hpp"
#include "hwgpt/search/problem.hpp"

namespace hwgpt::search {

struct RunConfig {
  std::string algorithm = "nsga2";
  std::uint64_t seed = 1;
  std::size_t budget = 500;      // full evaluations (see above for multi-fidelity cost)
  OptimizerOptions options;
};

// Called after every told batch with (budget spent in full evaluations, elapsed seconds, current
// normalised HV), e.g. for a progress line.
using RunProgress = std::function<void(double spent, double elapsed_s, double hypervolume)>;

struct Evaluation {
  Genome genome;
  std::string description;       // e.g. the canonical arch string
  double fidelity = 1.0;
  std::vector<double> objectives;  // raw values, as the problem returns them
  double time_s = 0.0;           // seconds from the start of the run to when the result was told
};

struct RunResult {
  std::string problem, algorithm;
  std::uint64_t seed = 0;
  std::size_t budget = 0;
  std::vector<std::string> objective_names;
  ObjectiveBounds bounds;
  bool has_fidelity = false;     // the problem's; else every evaluation is exact
  std::vector<Evaluation> evaluations;
  std::vector<double> hv_curve;  // normalised hypervolume after each evaluation
  double duration_s = 0.0;
  double final_hypervolume() const { return hv_curve.empty() ? 0.0 : hv_curve.back(); }
};

// Throws ValueError for budget 0 or an unknown algorithm; whatever the problem throws propagates.
RunResult run_search(const Problem& problem, const RunConfig& config, const RunProgress& progress = {});

// Indices (ascending) of the run's non-dominated exact evaluations (fidelity 1, or all on a
// problem without fidelity), by raw objectives.
std::vector<std::size_t> run_front_indices(const RunResult& run);

// CSV: header `index,time_s,fidelity,<objective…>,description`, one line per evaluation.
std::string run_to_csv(const RunResult& run);
// JSON: metadata, bounds, reference, hv_curve, final front (no per-evaluation list: that is the CSV).
std::string run_to_json(const RunResult& run);

// Writes `text` to `path` through a temporary file renamed into place, so a crash never leaves a
// partial file under the final name. Throws FileError naming the path.
void write_file_atomically(const std::filesystem::path& path, const std::string& text);

}  // namespace hwgpt::search
