// A report: titled sections of figures, tables and preformatted text, rendered to one
// self-contained HTML file (inline CSS and SVG; no script, no network access) that is also
// well-formed XML, so tests parse it back.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "hwgpt/report/chart.hpp"
#include "hwgpt/report/study_data.hpp"
#include "hwgpt/report/svg.hpp"

namespace hwgpt::report {

struct Table {
  std::string id, title, caption;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

struct Section {
  std::string id, title, intro;
  std::vector<Table> tables;
  std::vector<Figure> figures;
  std::vector<SvgSize> sizes;    // per figure; missing entries use the default size
  std::string preformatted;      // e.g. the configuration JSON; shown in a <pre> block
};

struct Report {
  std::string title;
  std::vector<std::string> facts;  // "label: value" lines under the title (source, date, seed)
  std::vector<Section> sections;
};

// The HTML text. Every figure is `<figure id="ID" class="figure">` holding its SVG and caption.
std::string render_html(const Report& report);

// One section as Markdown: its title as a heading, the intro, every table (caption below it);
// figures are left out. For docs that quote a report's tables (docs/RESULTS.md).
std::string render_markdown(const Section& section);

// Sections of a study: ranking table, configuration, and per problem the figures of
// study_figures(). `seed` drives the bootstrap intervals of the ranking.
std::vector<Section> study_sections(const StudyData& study, std::uint64_t seed = 1);

// Every figure of the report, in page order (for PNG export and tests).
std::vector<Figure> all_figures(const Report& report);

}  // namespace hwgpt::report
