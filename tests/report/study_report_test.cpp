// Tests of the study report (study_data, study_figures, report, report_builder) on a real study
// run here (zdt1, two algorithms, three seeds): files read back equal what the study returned,
// fronts against a brute-force dominance filter, median attainment against the study's own
// attainment.csv, the HTML parsed back by libxml2; and the benchmark section, with calibration
// checked against the held-out scores `hwgpt fit` recorded in the shipped models.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "../common/temp_dir.hpp"
#include "../common/test_data.hpp"
#include "hwgpt/benchmark/benchmark.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/report/benchmark_section.hpp"
#include "hwgpt/report/report_builder.hpp"
#include "hwgpt/report/study_figures.hpp"
#include "hwgpt/search/study.hpp"
#include "hwgpt/store/hwgpt_bench_import.hpp"
#include "hwgpt/surrogate/evaluation.hpp"
#include "xml_util.hpp"

namespace hwgpt::report {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::ThrowsMessage;

class StudyReport : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    config_ = new search::StudyConfig(search::parse_study_config(
        R"({"test_problems": ["zdt1"], "variables": 6, "levels": 11, "algorithms": ["rs", "nsga2"],
            "seeds": [1, 2, 3], "budget": 60, "threads": 2})"));
    dir_ = new test::TempDir("report_test");
    config_->output = *dir_ / "study";  // absent: run_study creates it
    runs_ = new std::vector<search::StudyRunSummary>(search::run_study(*config_));
  }
  static void TearDownTestSuite() {
    delete runs_;
    delete config_;
    delete dir_;
  }
  static test::TempDir* dir_;
  static search::StudyConfig* config_;
  static std::vector<search::StudyRunSummary>* runs_;
};
test::TempDir* StudyReport::dir_ = nullptr;
search::StudyConfig* StudyReport::config_ = nullptr;
std::vector<search::StudyRunSummary>* StudyReport::runs_ = nullptr;

TEST_F(StudyReport, LoadsWhatTheStudyWrote) {
  const StudyData study = load_study(config_->output);
  ASSERT_EQ(study.runs.size(), runs_->size());
  EXPECT_EQ(study.problems, (std::vector<std::string>{"zdt1-n6-levels11"}));
  EXPECT_EQ(study.algorithms, (std::vector<std::string>{"rs", "nsga2"}));
  EXPECT_EQ(study.config_json, search::study_config_to_json(*config_));
  for (std::size_t i = 0; i < runs_->size(); ++i) {
    const auto& expected = (*runs_)[i];
    const auto& got = study.runs[i];
    EXPECT_EQ(got.id, expected.id);
    EXPECT_EQ(got.hv_curve, expected.hv_curve);
    EXPECT_EQ(got.final_hypervolume, expected.final_hypervolume);
    std::vector<double> flat;
    for (const auto& p : got.front) flat.insert(flat.end(), p.begin(), p.end());
    EXPECT_EQ(flat, expected.front) << got.id;
  }
}

TEST_F(StudyReport, HvSummaryIsTheMedianAndRangeOverSeeds) {
  const StudyData study = load_study(config_->output);
  const auto runs = runs_of(study, study.problems[0], "nsga2");
  ASSERT_EQ(runs.size(), 3u);
  std::vector<double> final_hv;
  for (const auto* r : runs) final_hv.push_back(r->final_hypervolume);
  std::sort(final_hv.begin(), final_hv.end());
  const HvSummary s = summarise_hv(runs, 25);
  ASSERT_FALSE(s.evaluation.empty());
  EXPECT_LE(s.evaluation.size(), 25u);
  EXPECT_EQ(s.evaluation.back(), 60.0);  // the final evaluation is always kept
  EXPECT_EQ(s.median.back(), final_hv[1]);
  EXPECT_EQ(s.low.back(), final_hv[0]);
  EXPECT_EQ(s.high.back(), final_hv[2]);
  EXPECT_EQ(s.evaluation.front(), 1.0);
  EXPECT_EQ(s.median.front(), std::max(0.0, s.median.front()));
}

TEST_F(StudyReport, PooledFrontIsTheNonDominatedUnionOfTheSeedsFronts) {
  const StudyData study = load_study(config_->output);
  const auto runs = runs_of(study, study.problems[0], "rs");
  std::vector<std::array<double, 2>> all;
  for (const auto* r : runs)
    for (const auto& p : r->front) all.push_back({p[0], p[1]});
  std::vector<std::array<double, 2>> expected;  // brute force: not dominated by any other point
  for (const auto& p : all) {
    bool dominated = false;
    for (const auto& q : all)
      dominated |= q[0] <= p[0] && q[1] <= p[1] && (q[0] < p[0] || q[1] < p[1]);
    if (!dominated) expected.push_back(p);
  }
  std::sort(expected.begin(), expected.end());
  expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
  EXPECT_EQ(pooled_front(runs, 0, 1), expected);
  EXPECT_GT(expected.size(), 1u);
}

TEST_F(StudyReport, MedianAttainmentMatchesTheStudysAttainmentCsv) {
  const StudyData study = load_study(config_->output);
  const auto figures = study_figures(study);
  ASSERT_EQ(figures.size(), 3u);  // front, HV curve, attainment
  const auto& eaf = std::get<Chart>(figures[2]);
  EXPECT_EQ(eaf.id, "eaf-zdt1-n6-levels11");
  ASSERT_EQ(eaf.series.size(), 2u);
  // attainment.csv rows of nsga2 at k = 2 of 3 runs (17 significant digits: exact round trip).
  std::istringstream csv(hwgpt::test::read_all(config_->output / "attainment.csv"));
  std::string line;
  std::vector<double> f1, f2;
  while (std::getline(csv, line)) {
    const auto prefix = study.problems[0] + ",nsga2,2,3,";
    if (line.rfind(prefix, 0) != 0) continue;
    const auto rest = line.substr(prefix.size());
    f1.push_back(std::stod(rest.substr(0, rest.find(','))));
    f2.push_back(std::stod(rest.substr(rest.find(',') + 1)));
  }
  ASSERT_FALSE(f1.empty());
  EXPECT_EQ(eaf.series[1].name, "nsga2 (k=2/3)");
  EXPECT_EQ(eaf.series[1].x, f1);
  EXPECT_EQ(eaf.series[1].y, f2);
}

TEST_F(StudyReport, HtmlIsWellFormedSelfContainedAndComplete) {
  StudyReportOptions o;
  o.study = config_->output;
  const std::string html = render_html(study_report(o));
  const test::XmlDocument doc(html);  // throws when not well-formed
  EXPECT_EQ(doc.values("//figure[@class='figure']", "id"),
            (std::vector<std::string>{"front-zdt1-n6-levels11", "hv-zdt1-n6-levels11", "eaf-zdt1-n6-levels11"}));
  EXPECT_EQ(doc.values("//table[@id='ranking-table']/tr").size(), 3u);  // header + 2 algorithms
  EXPECT_THAT(doc.values("//pre"), Contains(HasSubstr("\"algorithms\": [")));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  // No reference outside the file: the only URL is the SVG namespace name.
  std::string rest = html;
  for (std::size_t at = rest.find("http"); at != std::string::npos; at = rest.find("http", at + 1))
    EXPECT_EQ(rest.compare(at, 26, "http://www.w3.org/2000/svg"), 0) << rest.substr(at, 40);
  EXPECT_THAT(doc.values("//section[@id='benchmark']"), testing::IsEmpty());  // a test problem: no benchmark
  // The summary opens the report: the first section, one row per algorithm, equal budgets said.
  EXPECT_EQ(doc.values("//section", "id").front(), "summary");
  EXPECT_EQ(doc.values("//table[@id='summary-table']/tr").size(), 3u);
  EXPECT_THAT(html, HasSubstr("Every algorithm had the same budget"));
}

// MOASHA on a problem with a fidelity runs more (cheaper) trials than its budget of full
// evaluations: the summary compares configured budgets, so equal budgets are still called equal,
// and unequal ones are called out.
TEST(StudySummary, StatesWhetherBudgetsWereEqual) {
  const test::TempDir tmp("report_budgets");
  for (const bool equal : {true, false}) {
    auto config = search::parse_study_config(std::string(R"({"test_problems": ["zdt1"], "variables": 6, "levels": 11,
        "algorithms": ["rs", "moasha"], "seeds": [1], "budget": 30)") +
                                             (equal ? "" : R"(, "algorithm_budgets": {"rs": 20})") + "}");
    config.output = tmp / (equal ? "equal" : "unequal");
    search::run_study(config);
    StudyReportOptions o;
    o.study = config.output;
    const std::string html = render_html(study_report(o));
    EXPECT_EQ(html.find("Every algorithm had the same budget, 30 evaluations per run.") != std::string::npos, equal);
    EXPECT_EQ(html.find("Budgets differ between algorithms") != std::string::npos, !equal);
  }
}

TEST(RenderMarkdown, TablesWithTitlesAndCaptions) {
  Section s{"summary", "Summary", "Intro.", {}, {}, {}, ""};
  s.tables.push_back({"t", "Mean rank", "Best: a.", {"algorithm", "mean rank"}, {{"a", "1.00"}, {"b", "2.00"}}});
  EXPECT_EQ(render_markdown(s), "## Summary\n\nIntro.\n\n**Mean rank**\n\n| algorithm | mean rank |\n|---|---|\n"
                                "| a | 1.00 |\n| b | 2.00 |\n\nBest: a.\n\n");
}

TEST(LoadStudy, NamesTheBadFile) {
  const test::TempDir tmp("report_bad");
  const auto dir = tmp / "study";  // absent at first
  EXPECT_THAT([&] { load_study(dir); },
              ThrowsMessage<FileError>(HasSubstr("cannot read '" + (dir / "summary.csv").string() + "'")));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "summary.csv") << "id,problem\n";
  EXPECT_THAT([&] { load_study(dir); }, ThrowsMessage<ParseError>(HasSubstr("summary.csv:1: header is 'id,problem'")));
  std::ofstream(dir / "summary.csv") << "id,problem,algorithm,seed,evaluations,final_hypervolume,duration_s\nr1,p,rs,1,5,0.5,0.1\n";
  EXPECT_THAT([&] { load_study(dir); }, ThrowsMessage<FileError>(HasSubstr("runs/r1.json")));
  std::filesystem::create_directories(dir / "runs");
  std::ofstream(dir / "runs" / "r1.json") << "{\"format\": \"other\"}";
  EXPECT_THAT([&] { load_study(dir); }, ThrowsMessage<ParseError>(HasSubstr("is not a search run JSON")));
}

TEST(ObjectiveLabel, CarriesUnits) {
  EXPECT_EQ(objective_label("latency@a100"), "latency@a100 (ms)");
  EXPECT_EQ(objective_label("energy_mj@h100"), "energy@h100 (mJ)");
  EXPECT_EQ(objective_label("perplexity"), "perplexity");
  EXPECT_EQ(objective_label("kv_cache_mb"), "KV cache (MB)");
  EXPECT_EQ(objective_label("max:params"), "\u2212params (count; maximised, shown negated)");
  EXPECT_EQ(objective_label("f1"), "f1");
}

TEST(BenchmarkKeys, MapShortObjectiveNamesToSurrogates) {
  EXPECT_EQ(benchmark_keys({"perplexity", "latency@h100", "params", "max:accuracy", "energy@a100"}),
            (std::vector<std::string>{"perplexity", "latency_ms@h100", "accuracy", "energy_mj@a100"}));
  EXPECT_EQ(space_of_problem("arch-s-perplexity+latency@h100"), "s");
  EXPECT_EQ(space_of_problem("arch-s_wide-params+flops"), "s_wide");
  EXPECT_EQ(space_of_problem("zdt1-n30-levels101"), "");
}

TEST(BenchmarkSection, KendallTauHeatMapIsASymmetricCorrelationMatrix) {
  BenchmarkReportOptions o;
  o.space = "s";
  o.devices = {"a100", "h100"};
  o.sample_size = 40;
  const Section s = benchmark_section(o);
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(benchmark::default_surrogate_dir() / "s"))
    files += e.path().extension() == ".hsur";
  ASSERT_EQ(s.tables.size(), 1u);
  EXPECT_EQ(s.tables[0].rows.size(), files);
  ASSERT_EQ(s.figures.size(), 1u);  // no store: no calibration figures
  const auto& map = std::get<HeatMap>(s.figures[0]);
  const std::size_t n = map.row_labels.size();
  EXPECT_EQ(map.row_labels[0], "accuracy");  // device-free metrics first
  EXPECT_THAT(map.row_labels, Contains("latency_ms@h100"));
  EXPECT_THAT(map.row_labels, Not(Contains("latency_ms@v100")));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      EXPECT_EQ(map.values[i * n + j], map.values[j * n + i]);
      EXPECT_LE(std::fabs(map.values[i * n + j]), 1.0);
    }
  EXPECT_THAT(map.caption, HasSubstr("40 archs"));
  o.devices = {"nowhere"};
  EXPECT_THAT([&] { benchmark_section(o); },
              ThrowsMessage<ValueError>(HasSubstr("unknown device 'nowhere' for space 's'; known: epyc-2vcpu, P100, a100")));
  o.devices = {"h100"};
  o.calibrate = {"latency_ms@h100"};
  o.db = "/nonexistent.db";
  EXPECT_THAT([&] { benchmark_section(o); }, ThrowsMessage<FileError>(HasSubstr("/nonexistent.db")));
}

// The calibration pairs reproduce the held-out evaluation `hwgpt fit` stored in the shipped
// model: same test archs (count), same 90 % coverage and Kendall tau.
TEST(BenchmarkSection, CalibrationReproducesTheFitsHeldOutScores) {
  HWGPT_REQUIRE_SHARED_DATA();
  const test::TempDir dir("report_cal");
  const auto db_path = dir / "calibration.db";
  {
    store::Store db(db_path);
    store::ImportOptions only;
    only.file_filter = "hw_h100_s.";
    store::import_hwgpt_bench(db, test::hwgpt_bench_dir(), only);
  }
  const auto& space = space::SearchSpace::builtin("s");
  const auto model = surrogate::Surrogate::load(benchmark::default_surrogate_dir() / "s" / "latency_ms@h100.hsur", "s");
  const store::Store db(db_path, store::Store::Mode::kReadOnly);
  const CalibrationData c = calibration_data(model, space, db);
  EXPECT_EQ(static_cast<std::int64_t>(c.measured.size()), model.info().test_count);
  EXPECT_DOUBLE_EQ(c.coverage_90, model.info().test.coverage_90);
  EXPECT_NEAR(surrogate::kendall_tau(c.measured, c.predicted), model.info().test.kendall_tau, 1e-12);
  // Coverage grows with the nominal level.
  EXPECT_TRUE(std::is_sorted(c.coverage.begin(), c.coverage.end()));
}

}  // namespace
}  // namespace hwgpt::report
