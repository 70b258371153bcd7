// Inline SVG for the report's figures: axes with nice ticks and labelled units, grid, legend,
// series and heat maps with a colour bar. Output is well-formed XML (every name escaped), sized
// by width/height attributes and a viewBox, so it scales in the page.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "hwgpt/report/chart.hpp"
#include "hwgpt/report/scale.hpp"

namespace hwgpt::report {

// &, <, >, " and ' as XML entities; other bytes (UTF-8 included) unchanged.
std::string xml_escape(std::string_view text);

struct SvgSize {
  int width = 640, height = 400;   // pixels
};

// Plot-area layout in pixels (inside the SVG), exposed so tests can map pixels back to data.
struct PlotArea {
  double left = 70, top = 20, right = 470, bottom = 350;  // legend to the right of `right`
};
PlotArea plot_area(const SvgSize& size);

// Throws ValueError for a chart without any finite point or a band whose y_high size differs.
std::string render_svg(const Chart& chart, const SvgSize& size = {});
std::string render_svg(const HeatMap& map, const SvgSize& size = {});
std::string render_svg(const Figure& figure, const SvgSize& size = {});

// The axes' ticks render_svg draws: nice ticks over all finite series values (y from y_floor
// when set). Throws as render_svg.
std::pair<Ticks, Ticks> chart_ticks(const Chart& chart);

// The axis ranges render_svg chose for a chart (nice ticks over all finite series values).
struct ChartRanges {
  double x_low, x_high, y_low, y_high;
};
ChartRanges chart_ranges(const Chart& chart);

}  // namespace hwgpt::report
