// HTML rendering and the study sections (see report.hpp).
#include "hwgpt/report/report.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "hwgpt/core/error.hpp"
#include "hwgpt/core/strings.hpp"
#include "hwgpt/report/statistics.hpp"
#include "hwgpt/report/study_figures.hpp"

namespace hwgpt::report {
namespace {

constexpr const char* kStyle = R"(
body { font-family: sans-serif; margin: 24px auto; max-width: 1400px; color: #222; background: #fff; }
h1 { font-size: 24px; margin-bottom: 4px; } h2 { font-size: 20px; border-bottom: 1px solid #ccc; margin-top: 32px; }
p.facts { color: #555; margin-top: 0; line-height: 1.5; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 16px; }
figure.figure { margin: 0; border: 1px solid #ddd; padding: 8px; min-width: 0; }
figure.figure svg { width: 100%; height: auto; display: block; }
figcaption { font-size: 13px; color: #444; } figcaption b { color: #222; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0 16px; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; } th { background: #f2f2f2; }
td:first-child, th:first-child, td:nth-child(2) { text-align: left; }
pre { background: #f6f6f6; padding: 8px; font-size: 12px; overflow-x: auto; max-width: 1300px; }
)";

std::string fixed(double v, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
  return buffer;
}

std::string render_table(const Table& t) {
  std::string html = "<table id=\"" + xml_escape(t.id) + "\">\n";
  if (!t.title.empty()) html += "<caption><b>" + xml_escape(t.title) + "</b></caption>\n";
  html += "<tr>";
  for (const auto& h : t.header) html += "<th>" + xml_escape(h) + "</th>";
  html += "</tr>\n";
  for (const auto& row : t.rows) {
    html += "<tr>";
    for (const auto& cell : row) html += "<td>" + xml_escape(cell) + "</td>";
    html += "</tr>\n";
  }
  html += "</table>\n";
  if (!t.caption.empty()) html += "<p class=\"note\">" + xml_escape(t.caption) + "</p>\n";
  return html;
}

// Algorithms x groups: "mean rank [low, high]" per cell (groups in order of first appearance).
Table mean_rank_matrix(const std::string& id, const std::string& what, const std::vector<MeanRankRow>& rows,
                       const std::vector<std::string>& algorithms) {
  std::vector<std::string> groups;
  for (const auto& r : rows)
    if (std::find(groups.begin(), groups.end(), r.group) == groups.end()) groups.push_back(r.group);
  Table t{id, "Mean rank per " + what, "", {"algorithm"}, {}};
  for (const auto& g : groups) t.header.push_back(g);
  for (const auto& a : algorithms) {
    std::vector<std::string> row{a};
    for (const auto& g : groups) {
      std::string cell = "-";
      for (const auto& r : rows)
        if (r.group == g && r.algorithm == a)
          cell = fixed(r.mean_rank.estimate, 2) + " [" + fixed(r.mean_rank.low, 2) + ", " + fixed(r.mean_rank.high, 2) + "]";
      row.push_back(cell);
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

// "nsga2 on 9 devices (a100, ...); ehvi on 3 (...)": the algorithm of lowest mean rank per group.
std::string best_per_group(const std::vector<MeanRankRow>& rows, const std::string& noun) {
  std::map<std::string, std::vector<std::string>> groups_won;
  std::vector<std::string> seen;
  for (const auto& r : rows)  // rows of a group are sorted by mean rank: its first is the best
    if (std::find(seen.begin(), seen.end(), r.group) == seen.end()) {
      seen.push_back(r.group);
      groups_won[r.algorithm].push_back(r.group);
    }
  std::vector<std::pair<std::string, std::vector<std::string>>> sorted(groups_won.begin(), groups_won.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& x, const auto& y) { return x.second.size() > y.second.size(); });
  std::string text;
  for (const auto& [algorithm, won] : sorted)
    text += (text.empty() ? "" : "; ") + algorithm + " on " + std::to_string(won.size()) + " " + noun + " (" + join(won, ", ") + ")";
  return text;
}

// The summary first: mean rank over all problems, then per scale and per device.
Section summary_section(const std::vector<RankRow>& rows, std::uint64_t seed) {
  Section s{"summary", "Summary: mean rank over problems", "", {}, {}, {}, ""};
  const auto overall = mean_ranks(rows, all_problems, seed);
  std::vector<std::string> algorithms;
  for (const auto& r : overall) algorithms.push_back(r.algorithm);
  std::set<std::size_t> all_budgets;  // configured budgets (MOASHA's cheap trials count fractionally)
  for (const auto& r : rows) all_budgets.insert(r.budget);
  s.intro = "Per problem, algorithms are ranked by mean final normalised hypervolume over seeds (1 = best, ties "
            "share the mean of their ranks); the tables give each algorithm's mean rank over problems with a 95 % "
            "percentile-bootstrap interval over problems (2,000 resamples, seed " + std::to_string(seed) + "). " +
            (all_budgets.size() == 1 ? "Every algorithm had the same budget, " + std::to_string(*all_budgets.begin()) +
                                           " evaluations per run."
                                     : "Budgets differ between algorithms or problems (the configs' budgets; "
                                       "evaluations per run in the ranking table below): ranks compare unequal "
                                       "budgets.");
  Table t{"summary-table", "Mean rank over all problems", "", {"algorithm", "problems", "mean rank", "95 % CI"}, {}};
  for (const auto& r : overall)
    t.rows.push_back({r.algorithm, std::to_string(r.problems), fixed(r.mean_rank.estimate, 2),
                      "[" + fixed(r.mean_rank.low, 2) + ", " + fixed(r.mean_rank.high, 2) + "]"});
  s.tables.push_back(std::move(t));
  const auto by_scale = mean_ranks(rows, scale_of_problem, seed);
  if (!by_scale.empty()) s.tables.push_back(mean_rank_matrix("summary-scales", "scale", by_scale, algorithms));
  const auto by_device = mean_ranks(rows, devices_of_problem, seed);
  if (!by_device.empty()) {
    Table m = mean_rank_matrix("summary-devices", "device", by_device, algorithms);
    m.caption = "Best mean rank per device: " + best_per_group(by_device, "devices") + ".";
    s.tables.push_back(std::move(m));
  }
  return s;
}

}  // namespace

std::string render_html(const Report& report) {
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>" +
                     xml_escape(report.title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n<h1>" +
                     xml_escape(report.title) + "</h1>\n<p class=\"facts\">";
  for (std::size_t i = 0; i < report.facts.size(); ++i) html += (i ? "<br/>" : "") + xml_escape(report.facts[i]);
  html += "</p>\n";
  for (const auto& s : report.sections) {
    html += "<section id=\"" + xml_escape(s.id) + "\">\n<h2>" + xml_escape(s.title) + "</h2>\n";
    if (!s.intro.empty()) html += "<p>" + xml_escape(s.intro) + "</p>\n";
    for (const auto& t : s.tables) html += render_table(t);
    if (!s.preformatted.empty()) html += "<pre>" + xml_escape(s.preformatted) + "</pre>\n";
    if (!s.figures.empty()) {
      html += "<div class=\"figures\">\n";
      for (std::size_t f = 0; f < s.figures.size(); ++f) {
        const Figure& figure = s.figures[f];
        const SvgSize size = f < s.sizes.size() ? s.sizes[f] : SvgSize{};
        const auto [title, caption] = std::visit([](const auto& x) { return std::pair{x.title, x.caption}; }, figure);
        html += "<figure id=\"" + xml_escape(figure_id(figure)) + "\" class=\"figure\">\n" + render_svg(figure, size) +
                "<figcaption><b>" + xml_escape(title) + ".</b> " + xml_escape(caption) + "</figcaption>\n</figure>\n";
      }
      html += "</div>\n";
    }
    html += "</section>\n";
  }
  return html + "</body>\n</html>\n";
}

std::string render_markdown(const Section& section) {
  std::string md = "## " + section.title + "\n\n";
  if (!section.intro.empty()) md += section.intro + "\n\n";
  for (const auto& t : section.tables) {
    if (!t.title.empty()) md += "**" + t.title + "**\n\n";
    md += "| " + join(t.header, " | ") + " |\n|";
    for (std::size_t c = 0; c < t.header.size(); ++c) md += "---|";
    md += "\n";
    for (const auto& row : t.rows) md += "| " + join(row, " | ") + " |\n";
    md += "\n";
    if (!t.caption.empty()) md += t.caption + "\n\n";
  }
  return md;
}

std::vector<Section> study_sections(const StudyData& study, std::uint64_t seed) {
  std::vector<Section> sections;
  const std::vector<RankRow> rows = rank_algorithms(study, seed);
  sections.push_back(summary_section(rows, seed));
  Section ranking{"ranking", "Ranking by final hypervolume", "", {}, {}, {}, ""};
  ranking.intro = "Per problem, algorithms sorted by the mean final normalised hypervolume over seeds (higher is "
                  "better), with a 95 % percentile-bootstrap interval of the mean (2,000 resamples, seed " +
                  std::to_string(seed) + "). With few seeds the interval is wide and rough: read overlapping "
                  "intervals as no evidence of a difference.";
  Table table{"ranking-table", "", "", {"problem", "algorithm", "rank", "runs", "evaluations", "mean HV", "95 % CI",
                                       "median HV", "min HV", "max HV", "time per run (s)"}, {}};
  for (const auto& r : rows)
    table.rows.push_back({r.problem, r.algorithm, std::to_string(r.rank), std::to_string(r.runs),
                          std::to_string(r.mean_evaluations), fixed(r.mean_hv.estimate, 4),
                          "[" + fixed(r.mean_hv.low, 4) + ", " + fixed(r.mean_hv.high, 4) + "]", fixed(r.median_hv, 4),
                          fixed(r.min_hv, 4), fixed(r.max_hv, 4), fixed(r.mean_duration_s, 2)});
  ranking.tables.push_back(std::move(table));
  sections.push_back(std::move(ranking));

  for (const auto& problem : study.problems) {
    Section s{"problem-" + std::to_string(sections.size()), "Problem " + problem, "", {}, {}, {}, ""};
    const RunData* any = nullptr;
    for (const auto& r : study.runs)
      if (r.problem == problem && !any) any = &r;
    std::string objectives;
    for (const auto& o : any->objectives) objectives += (objectives.empty() ? "" : ", ") + objective_label(o);
    s.intro = "Objectives (all minimised): " + objectives + ".";
    s.figures = problem_figures(study, problem);
    sections.push_back(std::move(s));
  }

  Section config{"configuration", "Configuration", "", {}, {}, {}, ""};
  config.intro = study.config_json.empty()
                     ? "This study folder has no config.json (written by `hwgpt study` since the report was added)."
                     : "config.json of the study folder, as `hwgpt study` ran it (problems expanded per device):";
  config.preformatted = study.config_json;
  sections.push_back(std::move(config));
  return sections;
}

std::vector<Figure> all_figures(const Report& report) {
  std::vector<Figure> out;
  for (const auto& s : report.sections) out.insert(out.end(), s.figures.begin(), s.figures.end());
  return out;
}

}  // namespace hwgpt::report
