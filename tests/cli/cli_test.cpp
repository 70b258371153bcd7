// End-to-end tests of the hwgpt binary: output formats, determinism, and that bad input gives
// `error: …` on stderr with a non-zero exit instead of a crash.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "../common/test_data.hpp"

namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

struct Result {
  int exit_code = -1;
  std::string out, err;
};

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `hwgpt <args>` through the shell; `stdin_text` is fed on standard input.
Result run(const std::string& args, const std::string& stdin_text = "") {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("hwgpt_cli_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "in") << stdin_text;
  const std::string cmd = std::string("'") + HWGPT_CLI_PATH + "' " + args + " <'" + (dir / "in").string() +
                          "' >'" + (dir / "out").string() + "' 2>'" + (dir / "err").string() + "'";
  const int status = std::system(cmd.c_str());
  Result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(dir / "out");
  r.err = slurp(dir / "err");
  std::filesystem::remove_all(dir);
  return r;
}

TEST(Cli, SpaceSampleIsReproducible) {
  const Result a = run("space sample --scale s -n 5 --seed 1");
  const Result b = run("space sample --scale s -n 5 --seed 1");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_EQ(std::count(a.out.begin(), a.out.end(), '\n'), 5);
  EXPECT_THAT(a.out, StartsWith("gpt-s-"));
  EXPECT_NE(a.out, run("space sample --scale s -n 5 --seed 2").out);
  // Every sampled string validates.
  const Result v = run("space validate --scale s", a.out);
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_EQ(std::count(v.out.begin(), v.out.end(), '\n'), 5);
}

TEST(Cli, SpaceCountPrintsExactIntegers) {
  EXPECT_EQ(run("space count --scale s").out, "1903784282946\n");
  EXPECT_EQ(run("space count --scale t").out, "398034\n");
  const auto all = nlohmann::json::parse(run("space count --json").out);
  EXPECT_EQ(all["l"], "151858100636256657146478033822541506");
}

TEST(Cli, SpaceInfoJsonDescribesTheSpace) {
  const Result r = run("space info --scale t --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["size"], "398034");
  EXPECT_EQ(j["encoding_lengths"]["one-hot"], 6 + 6 * 5 + 2);
  EXPECT_EQ(j["largest_arch"], "gpt-t-5-192-4-4-4-4-4-4-4-4-4-4-True");
}

TEST(Cli, SpaceFileIsUsedForUserSpaces) {
  const auto file = (hwgpt::test::fixture_dir() / "space" / "tiny.json").string();
  EXPECT_EQ(run("space count --space-file " + file).out, "12\n");
  EXPECT_EQ(run("space validate --space-file " + file + " gpt-tiny-1-16-1-2-False").exit_code, 0);
}

TEST(Cli, AnalyzeGivesTheClosedFormCounts) {
  const std::string arch = "gpt-s-12-768-4-4-4-4-4-4-4-4-4-4-4-4-12-12-12-12-12-12-12-12-12-12-12-12-True";
  const Result r = run("analyze --arch " + arch + " --batch 1 --seq 1024 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["params"]["total"], 123653376u);
  EXPECT_EQ(j["flops"]["forward"]["total"], 291648307200u);
  EXPECT_EQ(j["workload"]["dtype"], "float32");
  const Result orig = run(
      "analyze --variant original --json --arch "
      "gpt-s-10-768-2-2-4-4-3-3-3-4-4-2-4-12-12-4-4-12-12-8-4-12-False");
  const auto o = nlohmann::json::parse(orig.out);
  EXPECT_EQ(o["params"]["total"], 148591104u);
  EXPECT_EQ(o["linear_macs"], 900823252992u);  // default workload of s: batch 8 × 1024
  EXPECT_THAT(run("analyze --arch " + arch).out, HasSubstr("params            123653376 (123.65 M)"));
}

TEST(Cli, BadInputIsAnErrorNotACrash) {
  const Result bias = run("space validate gpt-t-3-128-2-3-4-1-2-4-true");
  EXPECT_EQ(bias.exit_code, 1);
  EXPECT_THAT(bias.err, StartsWith("error: arch 'gpt-t-3-128-2-3-4-1-2-4-true': field 10 (bias)"));
  const Result unknown = run("space sample --scale s --frobnicate");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("error: space sample: unknown option '--frobnicate'"));
  const Result seed = run("space sample --seed -3");
  EXPECT_THAT(seed.err, HasSubstr("--seed is '-3'; expected an integer in [0,"));
  const Result scale = run("space info --scale xl");
  EXPECT_THAT(scale.err, HasSubstr("unknown search space 'xl'"));
  const Result dtype = run("analyze --arch gpt-t-3-128-2-3-4-1-2-4-True --dtype fp64");
  EXPECT_THAT(dtype.err, HasSubstr("dtype 'fp64'; expected float32, float16, bfloat16 or int8"));
  const Result file = run("space info --space-file /nonexistent.json");
  EXPECT_THAT(file.err, HasSubstr("cannot open search space file"));
  const Result command = run("frobnicate");
  EXPECT_NE(command.exit_code, 0);
  EXPECT_THAT(command.err, HasSubstr("unknown command 'frobnicate'"));
  for (const Result& r : {bias, unknown, seed, scale, dtype, file}) {
    EXPECT_NE(r.exit_code, 0);
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

TEST(Cli, MutateAndNeighboursStayInTheSpace) {
  const Result m = run("space mutate --arch gpt-t-3-128-2-3-4-1-2-4-True --seed 3 -n 20");
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_EQ(run("space validate", m.out).exit_code, 0);
  const Result n = run("space neighbours --arch gpt-t-3-128-2-3-4-1-2-4-True");
  EXPECT_EQ(std::count(n.out.begin(), n.out.end(), '\n'), 5 + 4 * 3);
}

TEST(Cli, DemoRunsEveryScale) {
  const Result r = run("demo -n 1 --seed 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* scale : {"== scale t", "== scale s", "== scale m", "== scale l"})
    EXPECT_THAT(r.out, HasSubstr(scale));
}

TEST(Cli, SearchIsReproducibleAndItsFrontValidates) {
  const std::string args = "search --scale t --objectives params,flops --algorithm nsga2 --budget 300 --seed 4";
  const Result a = run(args + " --json"), b = run(args + " --json");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  const auto ja = nlohmann::json::parse(a.out), jb = nlohmann::json::parse(b.out);
  EXPECT_EQ(ja["hv_curve"], jb["hv_curve"]);  // durations differ, results do not
  EXPECT_EQ(ja["hv_curve"].size(), 300u);
  EXPECT_GT(ja["final_hypervolume"].get<double>(), 0.0);
  EXPECT_EQ(ja["objectives"], nlohmann::json({"params", "flops"}));
  std::string archs;
  for (const auto& p : ja["front"]) archs += p["description"].get<std::string>() + "\n";
  EXPECT_EQ(run("space validate", archs).exit_code, 0);
  const Result text = run("search --test-problem zdt1 --budget 200 --seed 1 --algorithm ls");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("200 evaluations in"));
  EXPECT_THAT(text.out, HasSubstr("problem    zdt1-n30-levels101"));
}

TEST(Cli, SearchNamesMissingBenchmarkMetrics) {
  const Result r = run("search --scale s --objectives perplexity,latency@h100 --budget 10");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("error: objective 'perplexity' needs the benchmark module"));
  const Result bounds = run("search --scale t --objectives params,max:kv_cache_mb --bounds");
  ASSERT_EQ(bounds.exit_code, 0) << bounds.err;
  EXPECT_THAT(bounds.out, HasSubstr("params"));
  EXPECT_THAT(bounds.out, HasSubstr("91008"));      // params of gpt-t-3-64-2-2-2-1-1-1-False
  EXPECT_THAT(bounds.out, HasSubstr("-5.24288"));   // max: negates, so the largest KV cache is ideal
  const Result help = run("search --help");
  EXPECT_THAT(help.out, HasSubstr("params          total parameters"));
  EXPECT_THAT(help.out, HasSubstr("perplexity, latency@DEVICE and energy@DEVICE need the benchmark module"));
}

TEST(Cli, StudyWritesResultsAndResumes) {
  const auto dir = std::filesystem::temp_directory_path() / ("hwgpt_cli_study_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "study.json") << R"({"space": "t", "objective_sets": [["params", "kv_cache_mb"]],
      "algorithms": ["rs", "morea"], "seeds": [1, 2], "budget": 100, "output": ")" + (dir / "out").string() + "\"}";
  const Result first = run("study --config " + (dir / "study.json").string() + " --threads 2");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.out, HasSubstr("4 runs in"));
  EXPECT_THAT(first.err, HasSubstr("[4/4] "));
  EXPECT_TRUE(std::filesystem::exists(dir / "out" / "runs" / "arch-t-params+kv_cache_mb__morea__seed2.csv"));
  const Result second = run("study --config " + (dir / "study.json").string());
  EXPECT_THAT(second.err, HasSubstr("(resumed)"));
  EXPECT_EQ(first.out.substr(0, first.out.rfind("4 runs in")), second.out.substr(0, second.out.rfind("4 runs in")));
  std::filesystem::remove_all(dir);
}

}  // namespace
