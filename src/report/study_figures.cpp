// Fronts, HV curves and attainment surfaces of a study (see study_figures.hpp).
#include "hwgpt/report/study_figures.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "hwgpt/analytic/metric_catalogue.hpp"
#include "hwgpt/search/attainment.hpp"
#include "hwgpt/search/pareto.hpp"

namespace hwgpt::report {
namespace {

// A short, file-name-safe slug for figure ids.
std::string slug(const std::string& text) {
  std::string s;
  for (char c : text) s += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  return s;
}

}  // namespace

std::string objective_label(const std::string& objective) {
  const analytic::Objective o = analytic::parse_objective(objective);
  const bool maximised = o.maximise;
  const analytic::MetricInfo* metric = analytic::find_metric(o.metric);
  const std::string shown(metric ? metric->label : o.metric), unit(metric ? metric->unit : "");
  std::string label = (maximised ? "\u2212" : "") + analytic::metric_key(shown, o.device);
  if (maximised) return label + " (" + (unit.empty() ? "" : unit + "; ") + "maximised, shown negated)";
  return unit.empty() ? label : label + " (" + unit + ")";
}

std::vector<std::array<double, 2>> pooled_front(const std::vector<const RunData*>& runs, std::size_t i, std::size_t j) {
  std::vector<double> values;
  for (const auto* r : runs)
    for (const auto& p : r->front) {
      values.push_back(p.at(i));
      values.push_back(p.at(j));
    }
  std::vector<std::array<double, 2>> front;
  for (std::size_t k : search::pareto_front_indices({values, 2})) front.push_back({values[2 * k], values[2 * k + 1]});
  std::sort(front.begin(), front.end());
  front.erase(std::unique(front.begin(), front.end()), front.end());
  return front;
}

HvSummary summarise_hv(const std::vector<const RunData*>& runs, std::size_t max_points) {
  std::size_t longest = 0;
  for (const auto* r : runs) longest = std::max(longest, r->hv_curve.size());
  HvSummary s;
  if (longest == 0) return s;
  const std::size_t stride = std::max<std::size_t>(1, (longest + max_points - 1) / std::max<std::size_t>(max_points, 1));
  for (std::size_t e = 0; e < longest; e += stride) {
    const std::size_t at = (e + stride >= longest) ? longest - 1 : e;  // keep the final evaluation
    std::vector<double> values;
    for (const auto* r : runs)
      if (at < r->hv_curve.size()) values.push_back(r->hv_curve[at]);
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    s.evaluation.push_back(static_cast<double>(at + 1));
    s.median.push_back(n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2);
    s.low.push_back(values.front());
    s.high.push_back(values.back());
    if (at == longest - 1) break;
  }
  return s;
}

namespace {

// The runs of one problem, per algorithm of the study (empty where an algorithm has none).
using RunsPerAlgorithm = std::vector<std::vector<const RunData*>>;

// A chart of objectives i and j of `problem`; with more than two objectives the id and title name
// the pair and the caption ends with `projected` (how the other objectives were dropped).
Chart pair_chart(const std::string& kind, const std::string& title, const std::string& caption,
                 const std::string& projected, const std::string& problem,
                 const std::vector<std::string>& objectives, std::size_t i, std::size_t j) {
  const std::size_t m = objectives.size();
  Chart c;
  c.id = kind + "-" + slug(problem) + (m > 2 ? "-" + std::to_string(i) + std::to_string(j) : "");
  c.title = title + ": " + problem + (m > 2 ? " (" + objectives[i] + " vs " + objectives[j] + ")" : "");
  c.caption = caption;
  if (m > 2) c.caption += " With " + std::to_string(m) + " objectives, " + projected;
  c.x_label = objective_label(objectives[i]);
  c.y_label = objective_label(objectives[j]);
  return c;
}

// Pareto fronts of objectives i and j: the union of each algorithm's seeds' final fronts.
Chart front_chart(const StudyData& study, const std::string& problem, const RunsPerAlgorithm& per_algorithm,
                  const std::vector<std::string>& objectives, std::size_t i, std::size_t j) {
  Chart c = pair_chart("front", "Pareto fronts",
                       "Non-dominated points of each algorithm, pooled over its seeds' final fronts (lower-left is "
                       "better in both objectives). Each staircase bounds the region the algorithm's points dominate.",
                       "points are projected onto this pair first.", problem, objectives, i, j);
  for (std::size_t a = 0; a < study.algorithms.size(); ++a) {
    if (per_algorithm[a].empty()) continue;
    Series step{study.algorithms[a], SeriesKind::kStep, {}, {}, {}, static_cast<int>(a), false};
    for (const auto& p : pooled_front(per_algorithm[a], i, j)) {
      step.x.push_back(p[0]);
      step.y.push_back(p[1]);
    }
    Series points = step;
    points.name.clear();
    points.kind = SeriesKind::kPoints;
    c.series.push_back(std::move(step));
    c.series.push_back(std::move(points));
  }
  return c;
}

// HV versus evaluations: median over seeds with a min–max band.
Chart hv_chart(const StudyData& study, const std::string& problem, const RunsPerAlgorithm& per_algorithm) {
  Chart hv;
  hv.id = "hv-" + slug(problem);
  hv.title = "Hypervolume versus evaluations: " + problem;
  hv.caption = "Normalised hypervolume (objectives scaled by the problem's bounds, reference 1.1 in each) after "
               "each evaluation: line = median over seeds, band = min to max over seeds. Higher is better.";
  hv.x_label = "evaluations (count)";
  hv.y_label = "normalised hypervolume";
  // The first evaluations have a tiny HV and would squeeze the curves' later, telling part
  // into a sliver: the axis starts at the lowest median HV seen at 10 % of the longest run.
  std::size_t longest = 0;
  for (const auto& runs : per_algorithm)
    for (const auto* r : runs) longest = std::max(longest, r->hv_curve.size());
  double floor = 1e300;
  for (std::size_t a = 0; a < study.algorithms.size(); ++a) {
    if (per_algorithm[a].empty()) continue;
    const HvSummary s = summarise_hv(per_algorithm[a], longest);  // every evaluation
    const std::size_t at = std::min(s.median.size(), std::max<std::size_t>(10, longest / 10)) - 1;
    floor = std::min(floor, s.median[at]);
  }
  if (floor < 1e300 && longest >= 20) {
    hv.y_floor = floor;
    hv.caption += " The y axis is cut at the lowest median HV at 10 % of the longest run; the first evaluations "
                  "lie below it.";
  }
  for (std::size_t a = 0; a < study.algorithms.size(); ++a) {
    if (per_algorithm[a].empty()) continue;
    const HvSummary s = summarise_hv(per_algorithm[a]);
    hv.series.push_back({"", SeriesKind::kBand, s.evaluation, s.low, s.high, static_cast<int>(a), false});
    hv.series.push_back({study.algorithms[a], SeriesKind::kLine, s.evaluation, s.median, {}, static_cast<int>(a), false});
  }
  return hv;
}

// Median attainment surfaces of objectives i and j (k = ceil(runs / 2)).
Chart attainment_chart(const StudyData& study, const std::string& problem, const RunsPerAlgorithm& per_algorithm,
                       const std::vector<std::string>& objectives, std::size_t i, std::size_t j) {
  Chart c = pair_chart("eaf", "Median attainment surfaces",
                       "The region above and right of an algorithm's staircase was attained (weakly dominated) by at "
                       "least half of its seeds (k = ceil(R/2) of R runs; Fonseca et al. 2011). Lower-left is better.",
                       "the seeds' fronts are projected onto this pair.", problem, objectives, i, j);
  for (std::size_t a = 0; a < study.algorithms.size(); ++a) {
    const auto& runs = per_algorithm[a];
    if (runs.empty()) continue;
    std::vector<std::vector<search::Point2>> fronts;
    for (const auto* r : runs) {
      std::vector<search::Point2> front;
      for (const auto& p : r->front) front.push_back({p.at(i), p.at(j)});
      fronts.push_back(std::move(front));
    }
    const std::size_t k = (runs.size() + 1) / 2;
    Series s{study.algorithms[a] + " (k=" + std::to_string(k) + "/" + std::to_string(runs.size()) + ")",
             SeriesKind::kStep, {}, {}, {}, static_cast<int>(a), false};
    for (const auto& z : search::attainment_surface(fronts, k)) {
      s.x.push_back(z[0]);
      s.y.push_back(z[1]);
    }
    c.series.push_back(std::move(s));
  }
  return c;
}

}  // namespace

std::vector<Figure> problem_figures(const StudyData& study, const std::string& problem) {
  std::vector<Figure> figures;
  RunsPerAlgorithm per_algorithm;
  for (const auto& a : study.algorithms) per_algorithm.push_back(runs_of(study, problem, a));
  const RunData* any = nullptr;
  for (const auto& runs : per_algorithm)
    if (!runs.empty()) any = runs.front();
  if (!any) return figures;
  const auto& objectives = any->objectives;
  const std::size_t m = objectives.size();
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = i + 1; j < m; ++j) figures.emplace_back(front_chart(study, problem, per_algorithm, objectives, i, j));
  figures.emplace_back(hv_chart(study, problem, per_algorithm));
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = i + 1; j < m; ++j)
      figures.emplace_back(attainment_chart(study, problem, per_algorithm, objectives, i, j));
  return figures;
}

std::vector<Figure> study_figures(const StudyData& study) {
  std::vector<Figure> figures;
  for (const auto& problem : study.problems) {
    auto part = problem_figures(study, problem);
    figures.insert(figures.end(), part.begin(), part.end());
  }
  return figures;
}

}  // namespace hwgpt::report
