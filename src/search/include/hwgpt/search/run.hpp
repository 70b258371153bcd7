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
#include <span>
#include <string>
#include <vector>

#include "hwgpt/core/atomic_file.hpp"
#include "hwgpt/search/hypervolume.hpp"
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

// Records a run's evaluations as run_search does: every told result in order, and the normalised
// hypervolume of the exact results after each one. run_search records through it, and so does an
// optimizer outside hwgpt (Python's hwgpt.Problem), so the same evaluations in the same order give
// the same RunResult (hv_curve, front) whoever proposed them.
class RunRecorder {
 public:
  // Throws ValueError for budget 0.
  RunRecorder(const Problem& problem, std::string algorithm, std::uint64_t seed, std::size_t budget);

  // Full evaluations left (a fidelity-r result on a problem with fidelity costs r, else 1).
  double remaining() const { return static_cast<double>(run_.budget) - spent_; }
  // How many of `fidelity`'s evaluations fit the remaining budget, in order (run_search keeps that
  // prefix of a proposal and ends when none fits).
  std::size_t fitting(std::span<const double> fidelity) const;
  // Appends one told batch: `objectives` row-major, raw as the problem returned them, at `time_s`
  // seconds from the run's start. Throws ValueError when the batch exceeds the budget or the
  // sizes disagree.
  void record(std::span<const Genome> batch, std::span<const double> fidelity, std::span<const double> objectives,
              double time_s);
  double spent() const { return spent_; }
  double hypervolume() const;
  const RunResult& result() const { return run_; }
  void set_duration(double seconds) { run_.duration_s = seconds; }

 private:
  Problem problem_;  // a handle: copies share the problem
  RunResult run_;
  double spent_ = 0.0;
  HypervolumeArchive archive_;
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

// Run files, study tables and reports are written with core's atomic writer.
using hwgpt::write_file_atomically;

}  // namespace hwgpt::search
