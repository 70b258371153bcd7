// The report's figures as data: a Chart (x-y plot of lines, steps, points and bands) or a HeatMap
// (matrix with a colour bar). The same value is rendered to inline SVG (svg.hpp) and to PNG
// through gnuplot (png_export.hpp), so both show the same numbers.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace hwgpt::report {

enum class SeriesKind {
  kLine,     // polyline through the points in order
  kStep,     // attainment staircase for minimisation: points sorted by x, y decreasing; drawn
             // from the top of the plot down to the first point, then right/down to each next,
             // then right to the plot's edge
  kPoints,   // markers only
  kBand,     // filled area between y (lower) and y_high (upper)
};

struct Series {
  std::string name;              // legend text (escaped when rendered); empty: not in the legend
  SeriesKind kind = SeriesKind::kLine;
  std::vector<double> x, y;
  std::vector<double> y_high;    // kBand only: upper edge, same size as y
  int colour = 0;                // index into the palette (palette.hpp); -1: grey
  bool dashed = false;
};

struct Chart {
  std::string id;                // HTML id and PNG file stem, e.g. "fig-3-hv"
  std::string title;
  std::string caption;           // how to read it; shown under the figure
  std::string x_label, y_label;  // with units, e.g. "latency@a100 (ms)"
  std::vector<Series> series;
  // When set, the y axis starts at this value (rounded down to a tick) even if data lie below;
  // those parts are clipped. For HV curves, whose first evaluations would flatten the rest.
  std::optional<double> y_floor;
};

struct HeatMap {
  std::string id, title, caption;
  std::vector<std::string> row_labels, column_labels;
  std::vector<double> values;    // row-major, rows × columns; NaN: no value (drawn grey)
  double value_low = -1, value_high = 1;  // colour-bar range
  std::string value_label;       // colour bar's label, e.g. "Kendall tau"
};

using Figure = std::variant<Chart, HeatMap>;

inline const std::string& figure_id(const Figure& f) {
  return std::visit([](const auto& x) -> const std::string& { return x.id; }, f);
}

// Eight colours distinguishable with the common colour-vision deficiencies (Okabe & Ito 2008),
// as "#rrggbb"; index i uses kPalette[i % 8].
inline constexpr const char* kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                           "#CC79A7", "#56B4E9", "#000000", "#F0E442"};
inline const char* palette_colour(int index) { return index < 0 ? "#999999" : kPalette[index % 8]; }

// Diverging colour for v in [low, high]: blue (low) through white (middle) to red (high), as
// "#rrggbb"; NaN gives grey. Values outside the range are clamped.
std::string diverging_colour(double v, double low, double high);

}  // namespace hwgpt::report
