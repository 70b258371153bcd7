// Studies: algorithms × seeds × problems (objective sets of one space, and test problems) run in
// parallel over the cores, every run written to <output>/runs/<id>.csv (evaluations) and
// <id>.json (HV curve, front; written last, so its presence marks a finished run). Re-running a
// study skips finished runs (resume) and rewrites <output>/config.json, summary.csv, hv_curves.csv and, for
// 2-objective problems, attainment.csv (best, median and worst attainment surfaces over seeds).
// The config is JSON (docs/FORMATS.md, "Study configs"); benchmark metrics (perplexity,
// latency@DEVICE) come from the shipped surrogates, and a `devices` list multiplies objective sets
// whose hardware metrics name no device.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hwgpt/benchmark/benchmark.hpp"
#include "hwgpt/core/communicator.hpp"
#include "hwgpt/search/optimizer.hpp"
#include "hwgpt/search/problem.hpp"
#include "hwgpt/search/run.hpp"
#include "hwgpt/search/test_problems.hpp"

namespace hwgpt::search {

// What to optimise: a test problem, or an arch problem of a space with analytic objectives.
struct ProblemSpec {
  std::string test_problem;                              // "zdt1", "zdt2", "dtlz2"; empty: arch
  TestProblemConfig test_config;
  std::string space = "s";                               // built-in name, or a path to a JSON space
  std::vector<std::string> objectives{"params", "flops"};
  // "zdt1-n30-levels101" or "arch-s-params+flops": names runs and files.
  std::string label() const;
};

// The problem of `spec`; its benchmark objectives (perplexity, latency@h100, ...) are answered by
// `bench`, which must be the space's benchmark when there are any (benchmark_for). Throws
// ValueError (unknown problem, objective, benchmark metric, no benchmark for benchmark objectives)
// or FileError (space file).
Problem make_problem(const ProblemSpec& spec, std::shared_ptr<const benchmark::Benchmark> bench = nullptr);

// The id of a run in a study folder: "<problem label>__<algorithm>__seed<seed>".
std::string run_id(const std::string& problem_label, const std::string& algorithm, std::uint64_t seed);

// The benchmark `spec` needs: the surrogates its objectives name, of its space, under
// `surrogate_dir` (default: benchmark::default_surrogate_dir()); every surrogate of the space when
// an objective names no file (a device alias); null when its objectives need none.
std::shared_ptr<const benchmark::Benchmark> benchmark_for(const ProblemSpec& spec,
                                                          const std::filesystem::path& surrogate_dir = {});

struct StudyConfig {
  std::vector<ProblemSpec> problems;
  std::vector<std::string> algorithms;
  std::vector<std::uint64_t> seeds;
  std::size_t budget = 1000;
  // Per-algorithm budgets (config key "algorithm_budgets"), e.g. fewer evaluations for the BO
  // optimizers, whose steps cost O(gp_max_points³).
  std::map<std::string, std::size_t> algorithm_budgets;
  std::size_t budget_of(const std::string& algorithm) const {
    const auto it = algorithm_budgets.find(algorithm);
    return it == algorithm_budgets.end() ? budget : it->second;
  }
  std::size_t threads = 0;            // 0: std::thread::hardware_concurrency()
  OptimizerOptions options;
  std::filesystem::path output = "study";
  // "data_dir": the folder whose surrogates/ answer benchmark objectives (a pipeline's fitted
  // ones); empty: the shipped surrogates (benchmark::default_surrogate_dir()).
  std::filesystem::path data_dir;
  std::filesystem::path surrogate_dir() const { return data_dir.empty() ? std::filesystem::path() : data_dir / "surrogates"; }
};

// Parses a study config; `origin` names the source in messages. Throws ParseError naming the key.
StudyConfig parse_study_config(std::string_view json_text, std::string_view origin = "<config>");

// Parses the "options" object of a study config alone (any OptimizerOptions field by name), e.g.
// for the Python API's search(options=...). Throws ParseError naming the key and value.
OptimizerOptions parse_optimizer_options(std::string_view json_object_text, std::string_view origin = "<options>");

// The problems of `config`, each space's benchmark loaded once for all of its problems (from
// config.data_dir, else the shipped surrogates).
std::vector<Problem> make_problems(const StudyConfig& config);

struct StudyRunSummary {
  std::string id, problem, algorithm;
  std::uint64_t seed = 0;
  std::size_t evaluations = 0;
  double final_hypervolume = 0.0;
  double duration_s = 0.0;
  bool resumed = false;                // read back from a finished run's JSON, not run again
  std::vector<double> hv_curve;
  std::vector<double> front;           // final non-dominated objective vectors (raw), row-major
};

// The config as JSON that parse_study_config reads back to an equal config (problems expanded:
// one objective set per problem, no "devices"; every optimizer option written out). run_study
// writes it to <output>/config.json, so a study folder records how it was made.
std::string study_config_to_json(const StudyConfig& config);

// Runs (or resumes) the study; progress lines with rate and ETA go to `progress` when given.
// Returns one summary per run in config order (problem, algorithm, seed).
//
// Distributed (`comm` of N > 1 ranks, e.g. `mpirun -np N hwgpt study`): every rank calls it with
// the same config; rank 0 reads the finished runs, run k of the rest goes to rank k mod N, and
// after every round of `threads` runs per rank the runs' files travel to rank 0, which alone
// writes the output folder (no shared file system needed). The files equal a one-process run's
// (runs are seeded; only the wall-clock fields time_s and duration_s differ, as between any two
// runs). Ranks other than 0 return an empty vector. A failing run stops every rank with an Error
// naming the rank and the run.
std::vector<StudyRunSummary> run_study(const StudyConfig& config, std::ostream* progress = nullptr,
                                       Communicator& comm = single_process());

// ---- A study folder's tables (study_tables.cpp) ----------------------------------------------

inline constexpr const char* kSummaryHeader = "id,problem,algorithm,seed,evaluations,final_hypervolume,duration_s";
inline constexpr const char* kCurvesHeader = "id,evaluation,hypervolume";
std::string summary_row(const StudyRunSummary& s);                                   // with "\n"
std::string curve_rows(const std::string& id, const std::vector<double>& hv_curve);  // one per evaluation

// Adds a run made outside the study's config (a user's optimizer, e.g. through Python's
// hwgpt.Problem) to the study folder `folder`: runs/<label>__<algorithm>__seed<seed>.csv and .json
// (the formats run_study writes) and its rows in summary.csv and hv_curves.csv, replacing rows of
// the same id; creates the folder's tables when they do not exist. `problem_label` is the label
// of the study's problem it competes on (ProblemSpec::label(), e.g.
// "arch-s-perplexity+latency@h100"). Returns the run's id. Throws ValueError for a run without
// evaluations or an algorithm name unfit for a file name, FileError when writing fails.
std::string add_run_to_study(const std::filesystem::path& folder, const std::string& problem_label,
                             const RunResult& run);

// Rows of `folder`'s tables whose ids are not in `config_ids` and whose runs/<id>.json exists: the
// runs add_run_to_study placed there. run_study appends them when it rewrites the tables, so a
// resumed study keeps them.
struct ExternalRows {
  std::string summary, curves;  // lines with "\n", without headers
};
ExternalRows external_rows(const std::filesystem::path& folder, const std::vector<std::string>& config_ids);

}  // namespace hwgpt::search
