// gnuplot scripts and PNG export (see png_export.hpp).
#include "hwgpt/report/png_export.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "hwgpt/core/error.hpp"
#include "hwgpt/report/scale.hpp"

namespace hwgpt::report {
namespace {

// A gnuplot double-quoted string: backslash and double quote escaped.
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// A POSIX shell single-quoted word.
std::string shell_quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string number(double v) {
  if (!std::isfinite(v)) return "NaN";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.10g", v);
  return buffer;
}

std::string header(const std::string& title, const std::filesystem::path& png, const SvgSize& size) {
  return "set terminal pngcairo noenhanced size " + std::to_string(size.width) + "," + std::to_string(size.height) +
         " font \"sans,10\" background rgb \"white\"\nset output " + quoted(png.string()) + "\nset title " +
         quoted(title) + "\n";
}

std::string chart_script(const Chart& chart, const std::filesystem::path& png, const SvgSize& size) {
  const ChartRanges r = chart_ranges(chart);
  std::string gp = header(chart.title, png, size);
  gp += "set xlabel " + quoted(chart.x_label) + "\nset ylabel " + quoted(chart.y_label) + "\n";
  gp += "set xrange [" + number(r.x_low) + ":" + number(r.x_high) + "]\nset yrange [" + number(r.y_low) + ":" +
        number(r.y_high) + "]\n";
  // The SVG's ticks and labels, so both renderings read the same.
  const auto [xt, yt] = chart_ticks(chart);
  for (const auto& [axis, ticks] : {std::pair{"x", xt}, std::pair{"y", yt}}) {
    std::string list;
    for (double v : ticks.values) list += (list.empty() ? "" : ", ") + quoted(format_tick(v, ticks.step, axis_extent(ticks))) + " " + number(v);
    gp += std::string("set ") + axis + "tics (" + list + ")\n";
  }
  gp += "set grid lc rgb \"#e5e5e5\"\nset key outside right top\n";
  std::string plot;
  for (std::size_t k = 0; k < chart.series.size(); ++k) {
    const Series& s = chart.series[k];
    const std::string block = "$s" + std::to_string(k);
    gp += block + " << EOD\n";
    if (s.kind == SeriesKind::kStep && !s.x.empty()) {
      // The SVG staircase starts at the top edge and ends at the right edge; so does this one.
      std::vector<std::size_t> order(s.x.size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return s.x[a] < s.x[b]; });
      gp += number(s.x[order.front()]) + " " + number(r.y_high) + "\n";
      for (std::size_t i : order) gp += number(s.x[i]) + " " + number(s.y[i]) + "\n";
      gp += number(r.x_high) + " " + number(s.y[order.back()]) + "\n";
    } else {
      for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
        gp += number(s.x[i]) + " " + number(s.y[i]) + (s.kind == SeriesKind::kBand ? " " + number(s.y_high[i]) : "") + "\n";
    }
    gp += "EOD\n";
    const std::string colour = std::string("lc rgb \"") + palette_colour(s.colour) + "\"";
    const std::string title = s.name.empty() ? "notitle" : "title " + quoted(s.name);
    std::string style;
    switch (s.kind) {
      case SeriesKind::kLine: style = "using 1:2 with lines lw 2 " + colour + (s.dashed ? " dt 2" : ""); break;
      case SeriesKind::kStep: style = "using 1:2 with steps lw 2 " + colour + (s.dashed ? " dt 2" : ""); break;
      case SeriesKind::kPoints: style = "using 1:2 with points pt 7 ps 0.6 " + colour; break;
      case SeriesKind::kBand: style = "using 1:2:3 with filledcurves fs transparent solid 0.2 noborder " + colour; break;
    }
    plot += (plot.empty() ? "plot " : ", \\\n     ") + block + " " + style + " " + title;
  }
  return gp + plot + "\n";
}

std::string heat_map_script(const HeatMap& map, const std::filesystem::path& png, const SvgSize& size) {
  std::string gp = header(map.title, png, size);
  const std::size_t rows = map.row_labels.size(), cols = map.column_labels.size();
  gp += "set palette defined (0 \"#2166ac\", 0.5 \"#ffffff\", 1 \"#b2182b\")\nset cbrange [" + number(map.value_low) +
        ":" + number(map.value_high) + "]\nset cblabel " + quoted(map.value_label) + "\n";
  gp += "set xrange [-0.5:" + number(static_cast<double>(cols) - 0.5) + "]\nset yrange [" +
        number(static_cast<double>(rows) - 0.5) + ":-0.5]\nset size ratio -1\nset tics scale 0 font \",8\"\n";
  std::string xtics, ytics;
  for (std::size_t c = 0; c < cols; ++c) xtics += (c ? ", " : "") + quoted(map.column_labels[c]) + " " + std::to_string(c);
  for (std::size_t r = 0; r < rows; ++r) ytics += (r ? ", " : "") + quoted(map.row_labels[r]) + " " + std::to_string(r);
  gp += "set xtics rotate by 90 right (" + xtics + ")\nset ytics (" + ytics + ")\n$m << EOD\n";
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) gp += (c ? " " : "") + number(map.values[r * cols + c]);
    gp += "\n";
  }
  return gp + "EOD\nplot $m matrix with image notitle\n";
}

}  // namespace

bool gnuplot_available() { return std::system("command -v gnuplot >/dev/null 2>&1") == 0; }

std::string gnuplot_script(const Figure& figure, const std::filesystem::path& png, const SvgSize& size) {
  if (const auto* chart = std::get_if<Chart>(&figure)) return chart_script(*chart, png, size);
  return heat_map_script(std::get<HeatMap>(figure), png, size);
}

std::vector<std::filesystem::path> export_pngs(const std::vector<Figure>& figures, const std::filesystem::path& folder,
                                               const SvgSize& size) {
  if (!gnuplot_available())
    throw FileError("PNG export needs gnuplot, which is not on PATH; install Debian's gnuplot-nox (scripts/setup.sh)");
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) throw FileError("cannot create '" + folder.string() + "': " + ec.message());
  std::vector<std::filesystem::path> pngs;
  for (const auto& figure : figures) {
    const auto png = folder / (figure_id(figure) + ".png"), script = folder / (figure_id(figure) + ".gp");
    SvgSize figure_size = size;
    if (const auto* map = std::get_if<HeatMap>(&figure)) {
      const int side = std::max(size.height, static_cast<int>(24 * map->row_labels.size()) + 260);
      figure_size = {side + 120, side};
    }
    {
      std::ofstream out(script, std::ios::binary | std::ios::trunc);
      out << gnuplot_script(figure, png, figure_size);
      if (!out) throw FileError("cannot write '" + script.string() + "'");
    }
    std::filesystem::remove(png, ec);
    const std::string command = "gnuplot " + shell_quoted(script.string()) + " 2>" + shell_quoted(script.string() + ".log");
    const int status = std::system(command.c_str());
    if (status != 0 || !std::filesystem::exists(png))
      throw FileError("gnuplot failed on '" + script.string() + "' (status " + std::to_string(status) + "); see '" +
                      script.string() + ".log'");
    std::filesystem::remove(script.string() + ".log", ec);
    pngs.push_back(png);
  }
  return pngs;
}

}  // namespace hwgpt::report
