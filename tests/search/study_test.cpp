// Unit tests for study.cpp: config parsing (with message text), parallel runs equal to serial
// ones, files written, and resume skipping finished runs without changing results.
#include "../common/test_data.hpp"
#include "hwgpt/search/study.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <fstream>
#include <sstream>

#include "../common/temp_dir.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/search/attainment.hpp"
#include "hwgpt/search/run.hpp"

namespace hwgpt::search {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using ::testing::ThrowsMessage;

// Found by fuzz/study_config_fuzz: budget 1e57 was converted to size_t with undefined behaviour
// (UBSan), and a negative count wrapped to 2^64 - 1.
TEST(StudyConfig, CountsMustBeNonNegativeIntegersInRange) {
  const std::string head = R"({"test_problems": ["zdt1"], "algorithms": ["rs"], )";
  EXPECT_THAT([&] { parse_study_config(head + R"("seeds": [1], "budget": 1004444444444444444444444444444444444444444444444444444444})", "s.json"); },
              ThrowsMessage<ParseError>(HasSubstr("s.json: key 'budget': 1.0044444444444444e+57 is not an integer in [0, 18446744073709551615]")));
  EXPECT_THAT([&] { parse_study_config(head + R"("seeds": [1, -2]})", "s.json"); },
              ThrowsMessage<ParseError>(HasSubstr("s.json: key 'seeds': -2 is not an integer in [0, ")));
  EXPECT_THAT([&] { parse_study_config(head + R"("seeds": [1], "algorithm_budgets": {"rs": 2.5}})", "s.json"); },
              ThrowsMessage<ParseError>(HasSubstr("key 'algorithm_budgets': 2.5 is not an integer")));
  EXPECT_THAT([&] { parse_study_config(head + R"("seeds": [1], "levels": 3000000000})", "s.json"); },
              ThrowsMessage<ParseError>(HasSubstr("key 'levels': 3000000000 is not an integer in [0, 2147483647]")));
  // The fuzzer's next find: the first version of this check read a missing key outside the try.
  EXPECT_THAT([&] { parse_study_config(R"({"test_problems": ["zdt1"], "algorithms": ["nsga2"]})", "s.json"); },
              ThrowsMessage<ParseError>(HasSubstr("s.json: key 'seeds': [json.exception.out_of_range.403] key 'seeds' not found")));
  EXPECT_EQ(parse_study_config(head + R"("seeds": [18446744073709551615], "budget": 7})").seeds.at(0),
            18446744073709551615u);
}

TEST(StudyConfig, ParsesProblemsAndRejectsBadKeys) {
  const auto c = parse_study_config(R"({"space": "t", "objective_sets": [["params", "flops"], ["flops", "kv_cache_mb"]],
      "test_problems": ["zdt1"], "levels": 11, "variables": 5, "algorithms": ["rs", "nsga2"], "seeds": [1, 2],
      "budget": 50, "threads": 2, "output": "x"})");
  ASSERT_EQ(c.problems.size(), 3u);
  EXPECT_EQ(c.problems[0].label(), "arch-t-params+flops");
  EXPECT_EQ(c.problems[2].label(), "zdt1-n5-levels11");
  EXPECT_EQ(c.budget, 50u);
  const auto o = parse_study_config(R"({"test_problems": ["zdt1"], "algorithms": ["nsga2"], "seeds": [1],
      "options": {"population_size": 20, "crossover_probability": 0.5, "moasha_eta": 4}})").options;
  EXPECT_EQ(o.population_size, 20u);
  EXPECT_EQ(o.crossover_probability, 0.5);
  EXPECT_EQ(o.moasha_eta, 4u);
  EXPECT_EQ(o.bo_candidates, OptimizerOptions{}.bo_candidates);
  EXPECT_THAT([] { parse_study_config(R"({"test_problems": ["zdt1"], "algorithms": ["rs"], "seeds": [1], "options": {"pop": 3}})", "o.json"); },
              ThrowsMessage<ParseError>(HasSubstr("o.json: unknown optimizer option 'pop'; expected one of: batch_size")));
  EXPECT_THAT([] { parse_study_config(R"({"test_problems": ["zdt1"], "algorithms": ["rs"], "seeds": [1], "options": {"moasha_eta": -3}})"); },
              ThrowsMessage<ParseError>(HasSubstr("options.moasha_eta is -3; expected a non-negative integer")));
  EXPECT_THAT([] { parse_study_config(R"({"test_problems": ["zdt1"], "algorithms": ["moasha"], "seeds": [1], "options": {"moasha_eta": 1}})"); },
              ThrowsMessage<ValueError>(HasSubstr("moasha_eta is 1; expected at least 2")));
  EXPECT_THAT([] { parse_study_config(R"({"algorithms": ["rs"], "seeds": [1], "objective_sets": [["params"]], "budjet": 5})", "s.json"); },
              ThrowsMessage<ParseError>(HasSubstr("s.json: unknown key 'budjet'")));
  EXPECT_THAT([] { parse_study_config(R"({"algorithms": ["rs"], "seeds": [1], "objective_sets": [["perplexity", "latency@nowhere"]]})"); },
              ThrowsMessage<ValueError>(HasSubstr("unknown device 'nowhere' for space 's'")));
  EXPECT_THAT([] { parse_study_config(R"({"algorithms": ["cmaes"], "seeds": [1], "test_problems": ["zdt1"]})"); },
              ThrowsMessage<ValueError>(HasSubstr("unknown optimizer 'cmaes'")));
  // "devices" multiplies objective sets whose hardware metrics name no device; others stay as they are.
  const auto expanded = parse_study_config(
      R"({"algorithms": ["rs"], "seeds": [1], "objective_sets": [["params"], ["perplexity", "latency"]], "devices": ["h100", "a100"]})");
  ASSERT_EQ(expanded.problems.size(), 3u);
  EXPECT_EQ(expanded.problems[0].objectives, (std::vector<std::string>{"params"}));
  EXPECT_EQ(expanded.problems[1].objectives, (std::vector<std::string>{"perplexity", "latency@h100"}));
  EXPECT_EQ(expanded.problems[2].objectives, (std::vector<std::string>{"perplexity", "latency@a100"}));
  EXPECT_THAT([] { parse_study_config(R"({"algorithms": ["rs"], "seeds": "1", "test_problems": ["zdt1"]})", "c"); },
              ThrowsMessage<ParseError>(HasSubstr("c: key 'seeds'")));
  EXPECT_THAT([] { parse_study_config(R"({"algorithms": ["rs"], "seeds": [1], "test_problems": ["zdt1"], "algorithm_budgets": {"ehvi": 5}})"); },
              ThrowsMessage<ParseError>(HasSubstr("'algorithm_budgets' names 'ehvi', which is not in 'algorithms'")));
}

TEST(StudyConfig, JsonFormRoundTripsThroughTheParser) {
  StudyConfig c = parse_study_config(R"({"space": "t", "objective_sets": [["params", "flops"], ["max:params", "kv_cache_mb"]],
      "test_problems": ["zdt1"], "levels": 11, "variables": 5, "algorithms": ["rs", "ehvi"], "seeds": [3, 1],
      "budget": 50, "algorithm_budgets": {"ehvi": 20}, "threads": 2, "output": "x", "options": {"population_size": 20}})");
  const std::string text = study_config_to_json(c);
  const StudyConfig back = parse_study_config(text, "config.json");
  ASSERT_EQ(back.problems.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(back.problems[i].label(), c.problems[i].label());
  EXPECT_EQ(back.algorithms, c.algorithms);
  EXPECT_EQ(back.seeds, (std::vector<std::uint64_t>{3, 1}));
  EXPECT_EQ(back.budget_of("ehvi"), 20u);
  EXPECT_EQ(back.options.population_size, 20u);
  EXPECT_EQ(text.find("\"output\""), std::string::npos);  // not recorded: config.json lives in that folder
  EXPECT_EQ(study_config_to_json(back), text);  // a fixed point
}

// "spaces" multiplies the objective sets; "devices": "all" gives each set the devices whose
// surrogate files of that space answer all of its device-free metrics (counted here from the
// folder's file names); a study over several spaces writes each set with its space and reads back
// the same problems.
TEST(StudyConfig, SpacesAndAllDevicesExpandFromTheSurrogateFiles) {
  const StudyConfig c = parse_study_config(R"({"spaces": ["s", "m"], "devices": "all",
      "objective_sets": [["perplexity", "memory"], ["perplexity", "latency", "energy"], ["perplexity", "params"]],
      "algorithms": ["rs"], "seeds": [1]})");
  std::size_t expected = 0;
  for (const std::string space : {"s", "m"}) {
    std::map<std::string, int> metrics_of_device;
    for (const auto& e : std::filesystem::directory_iterator(benchmark::default_surrogate_dir() / space)) {
      const std::string stem = e.path().stem().string();
      if (e.path().extension() != ".hsur" || stem.find('@') == std::string::npos) continue;
      const std::string metric = stem.substr(0, stem.find('@'));
      if (metric == "memory_mb") metrics_of_device["memory:" + stem.substr(stem.find('@') + 1)] = 1;
      if (metric == "latency_ms" || metric == "energy_mj") ++metrics_of_device["le:" + stem.substr(stem.find('@') + 1)];
    }
    for (const auto& [key, n] : metrics_of_device) expected += key.starts_with("memory:") || n == 2;
    ++expected;  // perplexity + params: no device
  }
  ASSERT_EQ(c.problems.size(), expected);
  EXPECT_EQ(c.problems.front().label(), "arch-s-perplexity+memory@a100");
  EXPECT_EQ(c.problems.back().label(), "arch-m-perplexity+params");
  const StudyConfig back = parse_study_config(study_config_to_json(c), "config.json");
  ASSERT_EQ(back.problems.size(), c.problems.size());
  for (std::size_t i = 0; i < c.problems.size(); ++i) EXPECT_EQ(back.problems[i].label(), c.problems[i].label());
  EXPECT_THAT([] { parse_study_config(R"({"devices": "most", "objective_sets": [["perplexity", "latency"]], "algorithms": ["rs"], "seeds": [1]})"); },
              ThrowsMessage<ParseError>(HasSubstr("'devices' is 'most'; expected a list of device names or \"all\"")));
  EXPECT_THAT([] { parse_study_config(R"({"space": "s", "spaces": ["m"], "objective_sets": [["params"]], "algorithms": ["rs"], "seeds": [1]})"); },
              ThrowsMessage<ParseError>(HasSubstr("give 'space' or 'spaces', not both")));
  EXPECT_THAT([] { parse_study_config(R"({"objective_sets": [[1, 2]], "algorithms": ["rs"], "seeds": [1]})"); },
              ThrowsMessage<ParseError>(HasSubstr("key 'objective_sets': [json.exception.type_error.302]")));
  EXPECT_THAT([] { parse_study_config(R"({"objective_sets": [7], "algorithms": ["rs"], "seeds": [1]})"); },
              ThrowsMessage<ParseError>(HasSubstr("'objective_sets' holds 7; expected a list of objectives")));
  EXPECT_THAT([] { parse_study_config(R"({"objective_sets": [{"space": "s"}], "algorithms": ["rs"], "seeds": [1]})"); },
              ThrowsMessage<ParseError>(HasSubstr("key 'objectives'")));
}

// benchmark_for loads only the surrogate files a problem's objectives name, and every file of the
// space when a name is not a file's (a device alias), which then answers as the full benchmark.
TEST(BenchmarkFor, LoadsTheNamedFilesOrAllForAnAlias) {
  ProblemSpec spec;
  spec.space = "s";
  spec.objectives = {"perplexity", "latency@h100"};
  const auto named = benchmark_for(spec);
  if (named->metrics().size() <= 5) GTEST_SKIP() << "no shipped surrogates of scale s";
  std::map<std::string, std::vector<std::string>> devices;
  for (const auto& m : named->metrics())
    if (m.source != "analytic") devices[m.name] = m.devices;
  EXPECT_EQ(devices, (std::map<std::string, std::vector<std::string>>{{"latency_ms", {"h100"}}, {"perplexity", {}}}));
  spec.objectives = {"perplexity", "latency@cpu_xeon_gold"};  // the original's name of cpu_meta
  const auto all = benchmark_for(spec);
  EXPECT_GT(all->devices().size(), 10u);
  const auto arch = space::SearchSpace::builtin("s").mid_arch();
  EXPECT_EQ(all->query(arch, "latency_ms", "cpu_xeon_gold"), all->query(arch, "latency_ms", "cpu_meta"));
  EXPECT_EQ(make_problem(spec, all).num_objectives(), 2u);
}

TEST(Study, ParallelRunsEqualSerialRunsAndResume) {
  StudyConfig c = parse_study_config(R"({"space": "t", "objective_sets": [["params", "flops"]],
      "test_problems": ["zdt1"], "variables": 6, "levels": 11, "algorithms": ["rs", "ls", "nsga2", "morea", "ehvi"],
      "seeds": [1, 2], "budget": 120, "algorithm_budgets": {"ehvi": 30}, "threads": 2})");
  const test::TempDir dir("study_test");
  c.output = dir / "parallel";  // absent: run_study creates it
  const auto runs = run_study(c);
  ASSERT_EQ(runs.size(), 20u);
  for (const auto& r : runs) {
    EXPECT_FALSE(r.resumed);
    // Same as a serial run of the same (problem, algorithm, seed).
    const auto& spec = r.problem.starts_with("arch") ? c.problems[0] : c.problems[1];
    const std::size_t budget = r.algorithm == "ehvi" ? 30 : 120;
    const RunResult serial = run_search(make_problem(spec), {r.algorithm, r.seed, budget, {}});
    EXPECT_EQ(r.hv_curve, serial.hv_curve) << r.id;
    EXPECT_EQ(r.evaluations, budget) << r.id;
    EXPECT_TRUE(std::filesystem::exists(c.output / "runs" / (r.id + ".csv"))) << r.id;
  }
  EXPECT_THAT(hwgpt::test::read_all(c.output / "summary.csv"), StartsWith("id,problem,algorithm,seed,evaluations,final_hypervolume"));
  EXPECT_EQ(hwgpt::test::read_all(c.output / "config.json"), study_config_to_json(c));
  const std::string curves = hwgpt::test::read_all(c.output / "hv_curves.csv");
  EXPECT_EQ(std::count(curves.begin(), curves.end(), '\n'), 1 + 16 * 120 + 4 * 30);

  const std::string first_attainment = hwgpt::test::read_all(c.output / "attainment.csv");

  // Resume: delete one run's JSON (an interrupted run); only that run is computed again.
  std::filesystem::remove(c.output / "runs" / (runs[5].id + ".json"));
  c.threads = 1;
  const auto again = run_study(c);
  for (std::size_t i = 0; i < again.size(); ++i) {
    EXPECT_EQ(again[i].resumed, i != 5) << again[i].id;
    EXPECT_EQ(again[i].hv_curve, runs[i].hv_curve) << again[i].id;
  }
  EXPECT_EQ(hwgpt::test::read_all(c.output / "hv_curves.csv"), curves);
  // Attainment surfaces of the two seeds' fronts, best (k=1) and worst (k=2), for each
  // 2-objective problem and algorithm; resumed runs (fronts read back) give the same file.
  const std::string attainment = hwgpt::test::read_all(c.output / "attainment.csv");
  EXPECT_EQ(attainment, first_attainment);
  EXPECT_THAT(attainment, StartsWith("problem,algorithm,k,runs,f1,f2\narch-t-params+flops,rs,1,2,"));
  EXPECT_THAT(attainment, HasSubstr("arch-t-params+flops,nsga2,2,2,"));
  std::vector<std::vector<Point2>> fronts;
  for (std::size_t i : {std::size_t{0}, std::size_t{1}}) {  // zdt1 rs seeds 1, 2
    const auto& f = again[10 + i].front;
    ASSERT_EQ(again[10 + i].algorithm, "rs");
    std::vector<Point2> pts;
    for (std::size_t j = 0; j < f.size(); j += 2) pts.push_back({f[j], f[j + 1]});
    fronts.push_back(pts);
  }
  std::ostringstream best;
  best.precision(17);
  for (const auto& z : attainment_surface(fronts, 1)) best << "zdt1-n6-levels11,rs,1,2," << z[0] << "," << z[1] << "\n";
  EXPECT_THAT(attainment, HasSubstr(best.str()));
}

}  // namespace
}  // namespace hwgpt::search

namespace hwgpt::search {
namespace {

// A run recorded outside run_search (as Python's hwgpt.Problem records a user's optimizer):
// the same evaluations in the same order give the same hypervolume curve and front.
TEST(RunRecorder, SameEvaluationsGiveTheSameRunAsRunSearch) {
  const Problem problem = make_problem({"", {}, "t", {"params", "kv_cache_mb"}});
  const RunResult built_in = run_search(problem, {"nsga2", 3, 150, {}});
  RunRecorder recorder(problem, "mine", 3, 150);
  for (std::size_t i = 0; i < built_in.evaluations.size(); i += 7) {  // batches of 7 (and the rest)
    const std::size_t n = std::min<std::size_t>(7, built_in.evaluations.size() - i);
    std::vector<Genome> batch;
    for (std::size_t j = i; j < i + n; ++j) batch.push_back(built_in.evaluations[j].genome);
    recorder.record(batch, std::vector<double>(n, 1.0), problem.evaluate(batch), 0.0);
  }
  EXPECT_EQ(recorder.result().hv_curve, built_in.hv_curve);
  EXPECT_EQ(run_front_indices(recorder.result()), run_front_indices(built_in));
  EXPECT_DOUBLE_EQ(recorder.remaining(), 0.0);
  const std::vector<Genome> one{built_in.evaluations[0].genome};
  EXPECT_THAT([&] { recorder.record(one, std::vector<double>{1.0}, problem.evaluate(one), 0.0); },
              ThrowsMessage<ValueError>(HasSubstr("exceeds the budget (150 full evaluations")));
  EXPECT_THAT([] { RunRecorder(make_problem({"zdt1", {}, "s", {}}), "x", 1, 0); },
              ThrowsMessage<ValueError>(HasSubstr("budget is 0")));
}

// add_run_to_study places a user's run beside the study's; a resumed study keeps it, a rerun of
// the same algorithm and seed replaces it, and its files are those run_study writes.
TEST(Study, ExternalRunsJoinTheTablesAndSurviveAResume) {
  StudyConfig c = parse_study_config(R"({"space": "t", "objective_sets": [["params", "kv_cache_mb"]],
      "algorithms": ["rs"], "seeds": [1], "budget": 40, "threads": 1})");
  const test::TempDir dir("study_test");
  c.output = dir / "external";  // absent: run_study creates it
  run_study(c);
  const Problem problem = make_problem(c.problems[0]);
  RunResult mine = run_search(problem, {"ls", 9, 40, {}});
  mine.algorithm = "my-ls";
  const std::string id = add_run_to_study(c.output, c.problems[0].label(), mine);
  EXPECT_EQ(id, "arch-t-params+kv_cache_mb__my-ls__seed9");
  EXPECT_EQ(hwgpt::test::read_all(c.output / "runs" / (id + ".csv")), run_to_csv(mine));
  EXPECT_EQ(hwgpt::test::read_all(c.output / "runs" / (id + ".json")), run_to_json(mine));
  const std::string summary = hwgpt::test::read_all(c.output / "summary.csv");
  EXPECT_EQ(std::count(summary.begin(), summary.end(), '\n'), 3);
  EXPECT_THAT(summary, HasSubstr("\n" + id + ",arch-t-params+kv_cache_mb,my-ls,9,40,"));
  const std::string curves = hwgpt::test::read_all(c.output / "hv_curves.csv");
  EXPECT_EQ(std::count(curves.begin(), curves.end(), '\n'), 1 + 40 + 40);

  add_run_to_study(c.output, c.problems[0].label(), mine);  // the same run again: replaced, not doubled
  EXPECT_EQ(hwgpt::test::read_all(c.output / "summary.csv"), summary);
  EXPECT_EQ(hwgpt::test::read_all(c.output / "hv_curves.csv"), curves);
  run_study(c);  // resumed: the study's own run is read back, the external one kept
  EXPECT_EQ(hwgpt::test::read_all(c.output / "summary.csv"), summary);
  EXPECT_EQ(hwgpt::test::read_all(c.output / "hv_curves.csv"), curves);

  std::filesystem::remove(c.output / "runs" / (id + ".json"));  // its files gone: dropped from the tables
  run_study(c);
  EXPECT_THAT(hwgpt::test::read_all(c.output / "summary.csv"), ::testing::Not(HasSubstr("my-ls")));
  mine.algorithm = "a,b";
  EXPECT_THAT([&] { add_run_to_study(c.output, "p", mine); },
              ThrowsMessage<ValueError>(HasSubstr("algorithm name 'a,b'")));
}

}  // namespace
}  // namespace hwgpt::search
