// Unit tests for src/report/svg.cpp: output parsed back by libxml2 (well-formedness, escaping),
// series coordinates mapped back to data through the axis scale, staircase geometry, heat-map
// colours against the colour map's defined ends.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "hwgpt/core/error.hpp"
#include "hwgpt/report/scale.hpp"
#include "hwgpt/report/svg.hpp"
#include "xml_util.hpp"

namespace hwgpt::report {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

std::vector<std::pair<double, double>> parse_points(const std::string& points) {
  std::vector<std::pair<double, double>> out;
  std::istringstream in(points);
  std::string pair;
  while (in >> pair) {
    const auto comma = pair.find(',');
    out.emplace_back(std::stod(pair.substr(0, comma)), std::stod(pair.substr(comma + 1)));
  }
  return out;
}

Chart line_chart() {
  Chart c;
  c.id = "fig-1";
  c.title = "HV <median> & \"band\"";
  c.x_label = "evaluations (count)";
  c.y_label = "latency@a100 (ms)";
  c.series.push_back({"a<b&c", SeriesKind::kLine, {1, 2, 3, 4}, {0.1, 0.35, 0.5, 0.62}, {}, 0, false});
  return c;
}

TEST(XmlEscape, EscapesTheFiveSpecialCharacters) {
  EXPECT_EQ(xml_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
  EXPECT_EQ(xml_escape("latency@a100 (ms) \u2212"), "latency@a100 (ms) \u2212");  // UTF-8 unchanged
}

TEST(RenderSvg, IsWellFormedAndNamesRoundTrip) {
  const std::string svg = render_svg(line_chart());
  const test::XmlDocument doc(svg);  // throws when not well-formed
  EXPECT_THAT(doc.values("//s:text"), Contains("a<b&c"));
  EXPECT_THAT(doc.values("//s:text"), Contains("latency@a100 (ms)"));
  EXPECT_THAT(doc.values("/s:svg/s:title"), Contains("HV <median> & \"band\""));
}

TEST(RenderSvg, PolylinePointsMapBackToTheData) {
  const Chart c = line_chart();
  const SvgSize size{640, 400};
  const test::XmlDocument doc(render_svg(c, size));
  const auto polylines = doc.values("//s:polyline", "points");
  ASSERT_EQ(polylines.size(), 1u);
  const auto points = parse_points(polylines[0]);
  ASSERT_EQ(points.size(), 4u);
  // Independent inversion: the axis range is nice_ticks of the data; pixels are linear in it.
  const Ticks xt = nice_ticks(1, 4), yt = nice_ticks(0.1, 0.62);
  const PlotArea a = plot_area(size);
  for (std::size_t i = 0; i < 4; ++i) {
    const double x = xt.low + (points[i].first - a.left) / (a.right - a.left) * (xt.high - xt.low);
    const double y = yt.low + (a.bottom - points[i].second) / (a.bottom - a.top) * (yt.high - yt.low);
    EXPECT_NEAR(x, c.series[0].x[i], 0.01);   // two decimals of a pixel
    EXPECT_NEAR(y, c.series[0].y[i], 0.005);
  }
}

TEST(RenderSvg, TickLabelsAreTheNiceTicks) {
  const test::XmlDocument doc(render_svg(line_chart()));
  const auto texts = doc.values("//s:text");
  for (const char* label : {"1", "2", "4", "0.0", "0.4", "0.8"}) EXPECT_THAT(texts, Contains(label)) << label;
}

TEST(RenderSvg, YFloorCutsTheAxisAndClipsWhatLiesBelow) {
  Chart c = line_chart();  // y from 0.1 to 0.62
  c.y_floor = 0.42;
  const ChartRanges r = chart_ranges(c);
  EXPECT_DOUBLE_EQ(r.y_low, 0.4);  // nice_ticks(0.42, 0.62): step 0.05, rounded down to 0.40
  EXPECT_NEAR(r.y_high, 0.65, 1e-12);
  const test::XmlDocument doc(render_svg(c));
  EXPECT_THAT(doc.values("//s:text"), Contains("0.40"));
  EXPECT_THAT(doc.values("//s:text"), ::testing::Not(Contains("0.20")));
  EXPECT_EQ(doc.values("//s:g[@clip-path]/s:polyline").size(), 1u);  // drawn inside the clip
}

TEST(RenderSvg, StaircaseGoesDownThenRightForMinimisation) {
  Chart c;
  c.id = "eaf";
  c.series.push_back({"front", SeriesKind::kStep, {3, 1, 2}, {1, 3, 2}, {}, 1, false});  // unsorted input
  const SvgSize size{640, 400};
  const test::XmlDocument doc(render_svg(c, size));
  const auto paths = doc.values("//s:path", "d");
  ASSERT_EQ(paths.size(), 1u);
  const PlotArea a = plot_area(size);
  const Ticks xt = nice_ticks(1, 3), yt = nice_ticks(1, 3);
  const LinearScale sx(xt.low, xt.high, a.left, a.right), sy(yt.low, yt.high, a.bottom, a.top);
  char expected[512];
  std::snprintf(expected, sizeof expected, "M%.2f,%.2f V%.2f H%.2f V%.2f H%.2f V%.2f H%.2f", sx(1), a.top, sy(3), sx(2),
                sy(2), sx(3), sy(1), a.right);
  EXPECT_EQ(paths[0], expected);
}

TEST(RenderSvg, BandIsAPolygonBetweenLowerAndUpper) {
  Chart c;
  c.id = "band";
  c.series.push_back({"", SeriesKind::kBand, {0, 1, 2}, {0, 1, 2}, {1, 2, 3}, 0, false});
  const test::XmlDocument doc(render_svg(c));
  const auto polygons = doc.values("//s:polygon", "points");
  ASSERT_EQ(polygons.size(), 1u);
  EXPECT_EQ(parse_points(polygons[0]).size(), 6u);  // 3 lower forwards + 3 upper backwards
  c.series[0].y_high.pop_back();
  EXPECT_THAT([&] { render_svg(c); }, ThrowsMessage<ValueError>(HasSubstr("has 3 lower and 2 upper values")));
}

TEST(RenderSvg, RefusesAChartWithoutFinitePoints) {
  Chart c;
  c.id = "empty";
  c.title = "nothing";
  c.series.push_back({"nan", SeriesKind::kLine, {std::nan("")}, {1.0}, {}, 0, false});
  EXPECT_THAT([&] { render_svg(c); }, ThrowsMessage<ValueError>(HasSubstr("chart 'empty' (nothing) has no finite point")));
}

TEST(DivergingColour, EndsAndMiddleAreTheDefinedColours) {
  EXPECT_EQ(diverging_colour(-1, -1, 1), "#2166ac");
  EXPECT_EQ(diverging_colour(0, -1, 1), "#ffffff");
  EXPECT_EQ(diverging_colour(1, -1, 1), "#b2182b");
  EXPECT_EQ(diverging_colour(5, -1, 1), "#b2182b");  // clamped
  EXPECT_EQ(diverging_colour(std::nan(""), -1, 1), "#bbbbbb");
}

TEST(RenderSvg, HeatMapHasOneCellPerValueWithItsColour) {
  HeatMap m;
  m.id = "tau";
  m.row_labels = {"perplexity", "latency_ms@a100"};
  m.column_labels = m.row_labels;
  m.values = {1.0, -1.0, -1.0, 1.0};
  m.value_label = "Kendall tau";
  const test::XmlDocument doc(render_svg(m, {400, 400}));
  const auto fills = doc.values("//s:rect[s:title]", "fill");
  ASSERT_EQ(fills.size(), 4u);
  EXPECT_EQ(fills[0], "#b2182b");
  EXPECT_EQ(fills[1], "#2166ac");
  EXPECT_THAT(doc.values("//s:rect/s:title"), Contains("perplexity / latency_ms@a100: -1.00"));
  EXPECT_THAT(doc.values("//s:text"), Contains("Kendall tau"));
  m.values.pop_back();
  EXPECT_THAT([&] { render_svg(m); }, ThrowsMessage<ValueError>(HasSubstr("has 3 values for 2 x 2 labels")));
}

}  // namespace
}  // namespace hwgpt::report
