// Tests of src/report/png_export.cpp: gnuplot renders every figure to a valid PNG of the requested
// size that is not blank and shows the series' colours (decoded with libpng). Skipped where
// gnuplot is absent (scripts/setup.sh installs gnuplot-nox, so CI runs it).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../common/temp_dir.hpp"
#include "hwgpt/report/png_export.hpp"
#include "png_image.hpp"

namespace hwgpt::report {
namespace {

using ::testing::HasSubstr;

TEST(PngExport, EveryFigureBecomesANonBlankPngOfTheRequestedSize) {
  if (!gnuplot_available()) GTEST_SKIP() << "gnuplot is not on PATH (Debian package gnuplot-nox)";
  const test::TempDir tmp("png_test");
  const auto dir = tmp / "png";  // absent: export_pngs creates it
  Chart chart;
  chart.id = "hv";
  chart.title = "HV with a \"quoted\" title";
  chart.x_label = "evaluations (count)";
  chart.y_label = "normalised_hypervolume";
  chart.series.push_back({"", SeriesKind::kBand, {1, 2, 3, 4}, {0.1, 0.3, 0.4, 0.5}, {0.2, 0.4, 0.6, 0.7}, 0, false});
  chart.series.push_back({"nsga2", SeriesKind::kLine, {1, 2, 3, 4}, {0.15, 0.35, 0.5, 0.6}, {}, 0, false});
  chart.series.push_back({"rs", SeriesKind::kStep, {1, 2, 4}, {0.6, 0.3, 0.2}, {}, 3, false});
  HeatMap map;
  map.id = "tau";
  map.title = "tau";
  map.row_labels = {"perplexity", "latency_ms@h100"};
  map.column_labels = map.row_labels;
  map.values = {1, -1, -1, 1};
  map.value_label = "Kendall tau";
  const auto files = export_pngs({chart, map}, dir, {640, 400});
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0], dir / "hv.png");
  EXPECT_TRUE(std::filesystem::exists(dir / "hv.gp"));  // kept for restyling

  const test::Image hv = test::read_png(files[0]);
  EXPECT_EQ(hv.width, 640);
  EXPECT_EQ(hv.height, 400);
  const auto stats = test::pixel_stats(hv, 0, 0, hv.width, hv.height);
  EXPECT_GT(stats.non_white_fraction(), 0.02);
  EXPECT_GT(test::count_colour(hv, 0x0072B2), 200);  // the nsga2 line (palette 0)
  EXPECT_GT(test::count_colour(hv, 0xD55E00), 100);  // the rs staircase (palette 3)

  const test::Image tau = test::read_png(files[1]);
  EXPECT_EQ(tau.height, 400);  // at least the requested height; wider for the colour bar
  EXPECT_GT(test::count_colour(tau, 0xb2182b, 20), 1000);  // tau = +1 cells
  EXPECT_GT(test::count_colour(tau, 0x2166ac, 20), 1000);  // tau = -1 cells
}

TEST(GnuplotScript, EscapesQuotesAndKeepsTheSvgAxisRanges) {
  Chart chart;
  chart.id = "c";
  chart.title = "a \"b\" \\ c";
  chart.series.push_back({"x", SeriesKind::kLine, {0.13, 0.87}, {3.2, 17.9}, {}, 0, false});
  const std::string gp = gnuplot_script(chart, "/tmp/c.png", {640, 400});
  EXPECT_THAT(gp, HasSubstr("set title \"a \\\"b\\\" \\\\ c\""));
  EXPECT_THAT(gp, HasSubstr("set xrange [0:1]"));   // nice_ticks(0.13, 0.87)
  EXPECT_THAT(gp, HasSubstr("set yrange [0:20]"));  // nice_ticks(3.2, 17.9)
  EXPECT_THAT(gp, HasSubstr("set ytics (\"0\" 0, \"5\" 5, \"10\" 10, \"15\" 15, \"20\" 20)"));
}

}  // namespace
}  // namespace hwgpt::report
