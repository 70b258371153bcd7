// The figures of a study report, computed from the study's files (never by re-running it):
// per problem, the Pareto front each algorithm found on each objective pair, HV versus
// evaluations with a band over seeds, and the median attainment surfaces.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "hwgpt/report/chart.hpp"
#include "hwgpt/report/study_data.hpp"

namespace hwgpt::report {

// Axis label with unit for an objective name: "latency@a100" -> "latency@a100 (ms)",
// "energy_mj@h100" -> "energy@h100 (mJ)", "perplexity" -> "perplexity", "params" -> "params
// (count)", "max:params" -> "−params (count; maximised, shown negated)", "f1" -> "f1".
std::string objective_label(const std::string& objective);

// The non-dominated points, in objectives (i, j), of the union of the runs' final fronts,
// sorted by the first objective. Each point is {f_i, f_j}.
std::vector<std::array<double, 2>> pooled_front(const std::vector<const RunData*>& runs, std::size_t i, std::size_t j);

// Point-wise median and min/max over the runs' HV curves: at evaluation e (1-based) over the runs
// that reached e. Evaluations are thinned to at most `max_points` (always keeping the last).
struct HvSummary {
  std::vector<double> evaluation, median, low, high;
};
HvSummary summarise_hv(const std::vector<const RunData*>& runs, std::size_t max_points = 250);

// The figures of one problem: its fronts (one chart per objective pair), its HV curves, and its
// median attainment surfaces (one per pair). Empty when no run solved `problem`.
std::vector<Figure> problem_figures(const StudyData& study, const std::string& problem);

// Figures in the order they appear in the report: for each problem, its fronts (one chart per
// objective pair), its HV curves, and its median attainment surfaces (one per pair).
std::vector<Figure> study_figures(const StudyData& study);

}  // namespace hwgpt::report
