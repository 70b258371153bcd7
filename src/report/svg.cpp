// SVG rendering of charts and heat maps (see svg.hpp). Pixel coordinates are printed with two
// decimals; the plot area is clipped so a series never draws over the axes.
#include "hwgpt/report/svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>

#include "hwgpt/core/error.hpp"
#include "hwgpt/report/scale.hpp"

namespace hwgpt::report {
namespace {

std::string num(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", v);
  return buffer;
}

std::string open_svg(const std::string& id, const std::string& title, const SvgSize& size) {
  const std::string w = std::to_string(size.width), h = std::to_string(size.height);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + h + "\" viewBox=\"0 0 " + w +
         " " + h + "\" role=\"img\" aria-labelledby=\"" + xml_escape(id) + "-title\" font-family=\"sans-serif\" " +
         "font-size=\"12\">\n<title id=\"" + xml_escape(id) + "-title\">" + xml_escape(title) + "</title>\n" +
         "<rect width=\"" + w + "\" height=\"" + h + "\" fill=\"#ffffff\"/>\n";
}

std::string text(double x, double y, const std::string& content, const std::string& attributes = "") {
  return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\"" + (attributes.empty() ? "" : " " + attributes) + ">" +
         xml_escape(content) + "</text>\n";
}

std::string line(double x1, double y1, double x2, double y2, const std::string& stroke) {
  return "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" + num(y2) +
         "\" stroke=\"" + stroke + "\"/>\n";
}

void widen(double v, double& low, double& high) {
  if (!std::isfinite(v)) return;
  low = std::min(low, v);
  high = std::max(high, v);
}

// Where a chart draws: the plot area and the data-to-pixel scales of its axes.
struct Plot {
  PlotArea area;
  LinearScale x, y;
};

// Grid lines under the series, with the tick labels outside the plot area.
void append_grid(std::string& svg, const Ticks& xt, const Ticks& yt, const Plot& p) {
  const PlotArea& a = p.area;
  svg += "<g stroke-width=\"1\">\n";
  for (double v : xt.values) {
    svg += line(p.x(v), a.top, p.x(v), a.bottom, "#e5e5e5");
    svg += text(p.x(v), a.bottom + 16, format_tick(v, xt.step, axis_extent(xt)), "text-anchor=\"middle\"");
  }
  for (double v : yt.values) {
    svg += line(a.left, p.y(v), a.right, p.y(v), "#e5e5e5");
    svg += text(a.left - 6, p.y(v) + 4, format_tick(v, yt.step, axis_extent(yt)), "text-anchor=\"end\"");
  }
  svg += "</g>\n";
}

// The indices of a series' points with finite x and y, in data order: the others are not drawn.
std::vector<std::size_t> finite_points(const Series& s) {
  std::vector<std::size_t> order(s.x.size());
  std::iota(order.begin(), order.end(), 0);
  auto finite = [&](std::size_t i) { return std::isfinite(s.x[i]) && i < s.y.size() && std::isfinite(s.y[i]); };
  std::erase_if(order, [&](std::size_t i) { return !finite(i); });
  return order;
}

// One series in its kind's shape; the caller clips it to the plot area.
void append_series(std::string& svg, const Series& s, const Plot& p) {
  const std::string colour = palette_colour(s.colour);
  const std::string dash = s.dashed ? " stroke-dasharray=\"5 4\"" : "";
  std::vector<std::size_t> order = finite_points(s);
  if (order.empty()) return;
  switch (s.kind) {
    case SeriesKind::kLine: {
      svg += "<polyline stroke=\"" + colour + "\"" + dash + " points=\"";
      for (std::size_t i : order) svg += num(p.x(s.x[i])) + "," + num(p.y(s.y[i])) + " ";
      svg += "\"/>\n";
      break;
    }
    case SeriesKind::kStep: {
      std::sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return s.x[i] < s.x[j]; });
      svg += "<path stroke=\"" + colour + "\"" + dash + " d=\"M" + num(p.x(s.x[order[0]])) + "," + num(p.area.top);
      for (std::size_t k = 0; k < order.size(); ++k) {
        if (k > 0) svg += " H" + num(p.x(s.x[order[k]]));
        svg += " V" + num(p.y(s.y[order[k]]));
      }
      svg += " H" + num(p.area.right) + "\"/>\n";
      break;
    }
    case SeriesKind::kPoints: {
      svg += "<g fill=\"" + colour + "\" fill-opacity=\"0.75\" stroke=\"none\">";
      for (std::size_t i : order)
        svg += "<circle cx=\"" + num(p.x(s.x[i])) + "\" cy=\"" + num(p.y(s.y[i])) + "\" r=\"3\"/>";
      svg += "</g>\n";
      break;
    }
    case SeriesKind::kBand: {
      svg += "<polygon fill=\"" + colour + "\" fill-opacity=\"0.2\" stroke=\"none\" points=\"";
      for (std::size_t i : order) svg += num(p.x(s.x[i])) + "," + num(p.y(s.y[i])) + " ";
      for (auto it = order.rbegin(); it != order.rend(); ++it)
        svg += num(p.x(s.x[*it])) + "," + num(p.y(s.y_high[*it])) + " ";
      svg += "\"/>\n";
      break;
    }
  }
}

// The frame drawn over the series' edges, and the axis labels outside it.
void append_frame(std::string& svg, const Chart& chart, const PlotArea& a) {
  svg += "<rect x=\"" + num(a.left) + "\" y=\"" + num(a.top) + "\" width=\"" + num(a.right - a.left) + "\" height=\"" +
         num(a.bottom - a.top) + "\" fill=\"none\" stroke=\"#333333\"/>\n";
  svg += text((a.left + a.right) / 2, a.bottom + 38, chart.x_label, "text-anchor=\"middle\" font-size=\"13\"");
  svg += text(16, (a.top + a.bottom) / 2, chart.y_label,
              "text-anchor=\"middle\" font-size=\"13\" transform=\"rotate(-90 16 " + num((a.top + a.bottom) / 2) + ")\"");
}

// Right of the plot area, one row per named series with a swatch in its kind's shape.
void append_legend(std::string& svg, const std::vector<Series>& series, const PlotArea& a) {
  double legend_y = a.top + 10;
  for (const auto& s : series) {
    if (s.name.empty()) continue;
    const std::string colour = palette_colour(s.colour);
    const double x = a.right + 14;
    if (s.kind == SeriesKind::kPoints)
      svg += "<circle cx=\"" + num(x + 10) + "\" cy=\"" + num(legend_y - 4) + "\" r=\"4\" fill=\"" + colour + "\"/>\n";
    else if (s.kind == SeriesKind::kBand)
      svg += "<rect x=\"" + num(x) + "\" y=\"" + num(legend_y - 10) + "\" width=\"20\" height=\"12\" fill=\"" + colour +
             "\" fill-opacity=\"0.2\"/>\n";
    else
      svg += "<line x1=\"" + num(x) + "\" y1=\"" + num(legend_y - 4) + "\" x2=\"" + num(x + 20) + "\" y2=\"" +
             num(legend_y - 4) + "\" stroke=\"" + colour + "\" stroke-width=\"2.5\"" +
             (s.dashed ? " stroke-dasharray=\"5 4\"" : "") + "/>\n";
    svg += text(x + 26, legend_y, s.name);
    legend_y += 18;
  }
}

}  // namespace

std::string xml_escape(std::string_view input) {
  std::string out;
  out.reserve(input.size());
  for (char c : input) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string diverging_colour(double v, double low, double high) {
  if (std::isnan(v)) return "#bbbbbb";
  double t = high > low ? (v - low) / (high - low) : 0.5;
  t = std::clamp(t, 0.0, 1.0);
  // Blue #2166ac at 0, white at 0.5, red #b2182b at 1 (ColorBrewer RdBu ends).
  const double blue[3] = {33, 102, 172}, red[3] = {178, 24, 43};
  int rgb[3];
  for (int c = 0; c < 3; ++c) {
    const double value = t < 0.5 ? blue[c] + (255 - blue[c]) * (t / 0.5) : 255 + (red[c] - 255) * ((t - 0.5) / 0.5);
    rgb[c] = static_cast<int>(std::lround(value));
  }
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
  return buffer;
}

PlotArea plot_area(const SvgSize& size) {
  return {70.0, 20.0, static_cast<double>(size.width) - 170.0, static_cast<double>(size.height) - 50.0};
}

std::pair<Ticks, Ticks> chart_ticks(const Chart& chart) {
  double x_low = std::numeric_limits<double>::infinity(), x_high = -x_low, y_low = x_low, y_high = -x_low;
  for (const auto& s : chart.series) {
    if (s.kind == SeriesKind::kBand && s.y_high.size() != s.y.size())
      throw ValueError("chart '" + chart.id + "': band '" + s.name + "' has " + std::to_string(s.y.size()) +
                       " lower and " + std::to_string(s.y_high.size()) + " upper values; expected equal counts");
    for (double v : s.x) widen(v, x_low, x_high);
    for (double v : s.y) widen(v, y_low, y_high);
    for (double v : s.y_high) widen(v, y_low, y_high);
  }
  if (!(x_low <= x_high) || !(y_low <= y_high))
    throw ValueError("chart '" + chart.id + "' (" + chart.title + ") has no finite point to plot");
  if (chart.y_floor && std::isfinite(*chart.y_floor) && *chart.y_floor < y_high) y_low = std::max(y_low, *chart.y_floor);
  return {nice_ticks(x_low, x_high), nice_ticks(y_low, y_high)};
}

ChartRanges chart_ranges(const Chart& chart) {
  const auto [xt, yt] = chart_ticks(chart);
  return {xt.low, xt.high, yt.low, yt.high};
}

std::string render_svg(const Chart& chart, const SvgSize& size) {
  const auto [xt, yt] = chart_ticks(chart);
  const PlotArea a = plot_area(size);
  const Plot plot{a, LinearScale(xt.low, xt.high, a.left, a.right), LinearScale(yt.low, yt.high, a.bottom, a.top)};
  std::string svg = open_svg(chart.id, chart.title, size);

  // 1) Grid and tick labels.
  append_grid(svg, xt, yt, plot);

  // 2) Series, clipped to the plot area.
  const std::string clip = xml_escape(chart.id) + "-clip";
  svg += "<clipPath id=\"" + clip + "\"><rect x=\"" + num(a.left) + "\" y=\"" + num(a.top) + "\" width=\"" +
         num(a.right - a.left) + "\" height=\"" + num(a.bottom - a.top) + "\"/></clipPath>\n";
  svg += "<g clip-path=\"url(#" + clip + ")\" fill=\"none\" stroke-width=\"1.8\">\n";
  for (const auto& s : chart.series) append_series(svg, s, plot);
  svg += "</g>\n";

  // 3) Frame, axis labels and legend.
  append_frame(svg, chart, a);
  append_legend(svg, chart.series, a);
  return svg + "</svg>\n";
}

std::string render_svg(const HeatMap& map, const SvgSize& size) {
  const std::size_t rows = map.row_labels.size(), cols = map.column_labels.size();
  if (rows == 0 || cols == 0 || map.values.size() != rows * cols)
    throw ValueError("heat map '" + map.id + "' has " + std::to_string(map.values.size()) + " values for " +
                     std::to_string(rows) + " x " + std::to_string(cols) + " labels; expected rows x columns");
  std::size_t longest = 0;
  for (const auto& l : map.row_labels) longest = std::max(longest, l.size());
  for (const auto& l : map.column_labels) longest = std::max(longest, l.size());
  const double label_px = 6.5 * static_cast<double>(longest) + 10;  // ~6.5 px per character at 11 px
  const double left = label_px, top = label_px, bar_width = 90;
  const double cell = std::max(4.0, std::min((size.width - left - bar_width - 10) / static_cast<double>(cols),
                                             (size.height - top - 10) / static_cast<double>(rows)));
  std::string svg = open_svg(map.id, map.title, size);
  svg += "<g font-size=\"11\">\n";
  for (std::size_t r = 0; r < rows; ++r) {
    const double y = top + static_cast<double>(r) * cell;
    svg += text(left - 4, y + cell / 2 + 4, map.row_labels[r], "text-anchor=\"end\"");
    for (std::size_t c = 0; c < cols; ++c) {
      const double x = left + static_cast<double>(c) * cell, v = map.values[r * cols + c];
      svg += "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(cell) + "\" height=\"" + num(cell) +
             "\" fill=\"" + diverging_colour(v, map.value_low, map.value_high) + "\"><title>" +
             xml_escape(map.row_labels[r] + " / " + map.column_labels[c] + ": ") +
             (std::isnan(v) ? std::string("n/a") : num(v)) + "</title></rect>\n";
      if (cell >= 24 && !std::isnan(v)) {
        const double mid = (map.value_low + map.value_high) / 2, half = (map.value_high - map.value_low) / 2;
        const bool dark = std::fabs(v - mid) > 0.6 * half;
        svg += text(x + cell / 2, y + cell / 2 + 3, num(v),
                    std::string("text-anchor=\"middle\" font-size=\"9\" fill=\"") + (dark ? "#ffffff" : "#000000") + "\"");
      }
    }
  }
  for (std::size_t c = 0; c < cols; ++c) {
    const double x = left + (static_cast<double>(c) + 0.5) * cell + 4;
    svg += text(x, top - 4, map.column_labels[c], "transform=\"rotate(-90 " + num(x) + " " + num(top - 4) + ")\"");
  }
  svg += "</g>\n";
  // Colour bar: a vertical gradient from high (top) to low (bottom) with nice ticks.
  const double bar_x = left + static_cast<double>(cols) * cell + 20, bar_top = top,
               bar_bottom = top + static_cast<double>(rows) * cell;
  const std::string gradient = xml_escape(map.id) + "-gradient";
  svg += "<defs><linearGradient id=\"" + gradient + "\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">";
  for (int i = 0; i <= 10; ++i) {
    const double t = i / 10.0;
    svg += "<stop offset=\"" + num(t) + "\" stop-color=\"" +
           diverging_colour(map.value_low + t * (map.value_high - map.value_low), map.value_low, map.value_high) + "\"/>";
  }
  svg += "</linearGradient></defs>\n";
  svg += "<rect x=\"" + num(bar_x) + "\" y=\"" + num(bar_top) + "\" width=\"16\" height=\"" + num(bar_bottom - bar_top) +
         "\" fill=\"url(#" + gradient + ")\" stroke=\"#333333\"/>\n";
  const LinearScale sv(map.value_low, map.value_high, bar_bottom, bar_top);
  const Ticks vt = nice_ticks(map.value_low, map.value_high, 5);
  for (double v : vt.values) {
    if (v < map.value_low - 1e-12 || v > map.value_high + 1e-12) continue;
    svg += line(bar_x + 16, sv(v), bar_x + 20, sv(v), "#333333");
    svg += text(bar_x + 22, sv(v) + 4, format_tick(v, vt.step), "font-size=\"11\"");
  }
  svg += text(bar_x + 8, bar_top - 8, map.value_label, "text-anchor=\"middle\" font-size=\"11\"");
  return svg + "</svg>\n";
}

std::string render_svg(const Figure& figure, const SvgSize& size) {
  return std::visit([&](const auto& f) { return render_svg(f, size); }, figure);
}

}  // namespace hwgpt::report
