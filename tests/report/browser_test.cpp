// The report in a real browser: headless Chromium (Debian's `chromium`) renders the HTML of a
// small benchmark study, takes a screenshot, and the test checks (1) that the browser logged no
// console message at all (the report has no script; every message would be an error such as a
// blocked resource), and (2) that every figure is present and drawn: its region of the screenshot,
// located by a probe script in a copy of the page, holds non-white and coloured pixels. A second
// test injects a console error and a hidden figure and checks that both are caught. Chromium is
// launched once per test (start-up takes seconds). Skipped where chromium is absent; CI has it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "../common/temp_dir.hpp"
#include "../common/test_data.hpp"
#include "hwgpt/report/report_builder.hpp"
#include "hwgpt/search/run.hpp"
#include "hwgpt/search/study.hpp"
#include "png_image.hpp"
#include "xml_util.hpp"

namespace hwgpt::report {
namespace {

constexpr int kWidth = 1400, kHeight = 7000;

std::string chromium_path() {
  for (const char* name : {"chromium", "chromium-browser"}) {
    const std::string probe = std::string("command -v ") + name + " >/dev/null 2>&1";
    if (std::system(probe.c_str()) == 0) return name;
  }
  return "";
}

struct FigureRect {
  int x = 0, y = 0, width = 0, height = 0;
};

struct PageCheck {
  std::vector<std::string> console;        // console messages other than the probe's
  std::map<std::string, FigureRect> figures;  // by id, from the probe
  int scroll_height = 0;
  test::Image screenshot;
};

// Renders `html` (a copy with the probe script) and collects what the page logged and showed.
PageCheck render(const std::string& html, const std::filesystem::path& dir) {
  // The probe logs each figure's SVG box in page pixels and the page height, after layout.
  const std::string probe =
      "<script>addEventListener('load', () => { const r = {}; for (const f of document.querySelectorAll("
      "'figure.figure')) { const b = f.querySelector('svg').getBoundingClientRect(); r[f.id] = [Math.round(b.left + "
      "scrollX), Math.round(b.top + scrollY), Math.round(b.width), Math.round(b.height)]; } console.log('HWGPT_PROBE ' "
      "+ JSON.stringify({figures: r, height: document.documentElement.scrollHeight})); });</script>\n";
  std::string page = html;
  page.insert(page.rfind("</body>"), probe);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "page.html") << page;
  const auto png = dir / "screenshot.png", log = dir / "chromium.log";
  const std::string command = "timeout 120 " + chromium_path() +
                              " --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars"
                              " --force-device-scale-factor=1"
                              " --no-first-run --user-data-dir=" + (dir / "profile").string() +
                              " --enable-logging=stderr --v=0 --window-size=" + std::to_string(kWidth) + "," +
                              std::to_string(kHeight) + " --screenshot=" + png.string() + " file://" +
                              (dir / "page.html").string() + " >" + (dir / "stdout.log").string() + " 2>" + log.string();
  const int status = std::system(command.c_str());
  if (status != 0) throw std::runtime_error("chromium exited with " + std::to_string(status) + ": " + hwgpt::test::read_all(log));
  PageCheck check;
  std::istringstream lines(hwgpt::test::read_all(log));
  std::string line;
  bool probed = false;
  while (std::getline(lines, line)) {
    if (line.find("CONSOLE") == std::string::npos) continue;
    const auto at = line.find("HWGPT_PROBE ");
    if (at == std::string::npos) {
      check.console.push_back(line);
      continue;
    }
    const std::string json_text = line.substr(at + 12, line.find("\", source:") - at - 12);
    const auto j = nlohmann::json::parse(json_text);
    for (const auto& [id, r] : j.at("figures").items())
      check.figures[id] = {r[0].get<int>(), r[1].get<int>(), r[2].get<int>(), r[3].get<int>()};
    check.scroll_height = j.at("height").get<int>();
    probed = true;
  }
  if (!probed) throw std::runtime_error("the probe script logged nothing; chromium log:\n" + hwgpt::test::read_all(log));
  check.screenshot = test::read_png(png);
  return check;
}

class ReportInChromium : public ::testing::Test {
 protected:
  void SetUp() override {
    if (chromium_path().empty()) GTEST_SKIP() << "chromium is not on PATH (Debian package chromium)";
    // A small study on the shipped benchmark, so the report has every kind of figure: fronts,
    // HV bands, attainment staircases and the Kendall tau heat map.
    search::StudyConfig config = search::parse_study_config(
        R"({"space": "s", "objective_sets": [["perplexity", "latency@h100"]], "algorithms": ["rs", "nsga2", "ehvi"],
            "seeds": [1, 2, 3], "budget": 40, "algorithm_budgets": {"ehvi": 20}, "threads": 2})");
    config.output = dir_ / "study";
    search::run_study(config);
    StudyReportOptions o;
    o.study = config.output;
    o.benchmark.devices = {"a100", "h100", "rtx2080"};
    o.benchmark.sample_size = 60;
    html_ = render_html(study_report(o));
    ids_ = test::XmlDocument(html_).values("//figure[@class='figure']", "id");
  }

  test::TempDir dir_{"browser_test"};
  std::string html_;
  std::vector<std::string> ids_;
};

TEST_F(ReportInChromium, EveryFigureIsDrawnAndTheConsoleIsSilent) {
  ASSERT_EQ(ids_.size(), 4u);  // front, HV, attainment, heat map
  const PageCheck page = render(html_, dir_ / "clean");
  EXPECT_THAT(page.console, testing::IsEmpty());
  ASSERT_EQ(page.screenshot.width, kWidth);
  ASSERT_EQ(page.screenshot.height, kHeight);
  ASSERT_LE(page.scroll_height, kHeight) << "the page is taller than the screenshot; raise kHeight";
  for (const auto& id : ids_) {
    ASSERT_TRUE(page.figures.count(id)) << id << " is not laid out";
    const FigureRect r = page.figures.at(id);
    // Charts share the page's width (two columns of the 1400-pixel body at most), not a third of it.
    EXPECT_GT(r.width, 600) << id;
    EXPECT_GT(r.height, 200) << id;
    const auto stats = test::pixel_stats(page.screenshot, r.x, r.y, r.width, r.height);
    // Axes, labels and series cover a few per cent of a chart; a blank or white box covers none.
    EXPECT_GT(stats.non_white_fraction(), 0.02) << id;
    EXPECT_GT(stats.coloured_fraction(), 0.003) << id;
  }
  // The heat map is mostly coloured cells.
  const FigureRect tau = page.figures.at("kendall-tau");
  EXPECT_GT(test::pixel_stats(page.screenshot, tau.x, tau.y, tau.width, tau.height).coloured_fraction(), 0.2);
}

TEST_F(ReportInChromium, ACaughtConsoleErrorAndABlankFigureFailTheChecks) {
  std::string broken = html_;
  const std::string hidden = ids_.at(1);
  broken.insert(broken.find("</head>"), "<style>#" + hidden + " svg { visibility: hidden; }</style>\n");
  broken.insert(broken.rfind("</body>"), "<script>console.error('injected fault');</script>\n");
  const PageCheck page = render(broken, dir_ / "broken");
  ASSERT_EQ(page.console.size(), 1u);
  EXPECT_THAT(page.console[0], testing::HasSubstr("injected fault"));
  const FigureRect r = page.figures.at(hidden);
  const auto stats = test::pixel_stats(page.screenshot, r.x, r.y, r.width, r.height);
  EXPECT_LT(stats.non_white_fraction(), 0.02);
  EXPECT_EQ(stats.coloured, 0);
}

}  // namespace
}  // namespace hwgpt::report
