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

#include "../common/http_server.hpp"
#include "../common/temp_dir.hpp"
#include "../common/test_data.hpp"
#include "../surrogate/surrogate_fixture.hpp"

namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

struct Result {
  int exit_code = -1;
  std::string out, err;
};

// Runs `hwgpt <args>` through the shell; `stdin_text` is fed on standard input.
Result run(const std::string& args, const std::string& stdin_text = "") {
  const hwgpt::test::TempDir dir("cli_test");
  std::ofstream(dir / "in") << stdin_text;
  const std::string cmd = std::string("'") + HWGPT_CLI_PATH + "' " + args + " <'" + (dir / "in").string() +
                          "' >'" + (dir / "out").string() + "' 2>'" + (dir / "err").string() + "'";
  const int status = std::system(cmd.c_str());
  Result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = hwgpt::test::read_all(dir / "out");
  r.err = hwgpt::test::read_all(dir / "err");
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

TEST(Cli, StoreImportInfoExportMerge) {
  HWGPT_REQUIRE_SHARED_DATA();
  const hwgpt::test::TempDir dir("cli_store");
  const std::string a = (dir / "a.db").string(), b = (dir / "b.db").string();
  const std::string from = hwgpt::test::hwgpt_bench_dir().string();
  const Result imported = run("store import --db " + a + " --from " + from + " --rows 3 --filter h100_s");
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_THAT(imported.out, HasSubstr("imported 1 files"));
  EXPECT_THAT(run("store import --db " + a + " --from " + from + " --rows 3 --filter h100_s").out,
              HasSubstr("imported 0 files (0 rows); 1 already present"));
  const auto info = nlohmann::json::parse(run("store info --db " + a + " --json").out);
  EXPECT_EQ(info["runs"], 2);  // latency and energy runs of hw_h100_s
  const Result csv = run("store export --db " + a + " --device h100 --metric latency_ms");
  EXPECT_EQ(std::count(csv.out.begin(), csv.out.end(), '\n'), 1 + 3);
  EXPECT_THAT(csv.out, StartsWith("run_uid,device,run_kind,space,arch,metric,"));
  const Result json_out = run("store export --db " + a + " --device h100 --metric energy_mj --format json --out " +
                              (dir / "e.json").string());
  ASSERT_EQ(json_out.exit_code, 0) << json_out.err;
  const auto rows = nlohmann::json::parse(hwgpt::test::read_all(dir / "e.json"));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0]["samples"].size(), 50u);
  ASSERT_EQ(run("store import --db " + b + " --from " + from + " --rows 3 --filter perplexity_s").exit_code, 0);
  const Result merged = run("store merge --db " + a + " " + b);
  EXPECT_THAT(merged.out, HasSubstr("1 runs added"));
  EXPECT_EQ(nlohmann::json::parse(run("store info --db " + a + " --json").out)["perplexities"], 3);
  const Result bad = run("store info --db " + (dir / "missing.db").string());
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("does not exist"));
}

TEST(Cli, QueryDevicesMetricsOverASurrogateFolder) {
  const hwgpt::test::TempDir dir("cli_query");
  std::filesystem::create_directories(dir / "surrogates" / "t");
  hwgpt::surrogate::test::fitted_t_surrogate().model.save(dir / "surrogates" / "t" / "latency_ms@box.hsur");
  const std::string common = " --scale t --data-dir " + dir.path().string();
  const std::string arch = "gpt-t-3-128-2-3-4-1-2-4-True";
  const Result mean = run("query" + common + " --arch " + arch + " --metric latency_ms --device cpu_box");
  ASSERT_EQ(mean.exit_code, 0) << mean.err;
  const Result again = run("query" + common + " --arch " + arch + " --metric latency_ms --device box --json");
  const double json_value = nlohmann::json::parse(again.out)["value"].get<double>();
  EXPECT_NEAR(json_value, std::stod(mean.out), 1e-9 * json_value);  // text prints 10 digits
  const Result s1 = run("query" + common + " --arch " + arch + " --metric latency_ms --device box --mode sample:9");
  EXPECT_EQ(s1.out, run("query" + common + " --arch " + arch + " --metric latency_ms --device box --mode sample:9").out);
  const Result batch = run("query" + common + " --archs - --metric params", arch + "\n" + arch + "\n");
  EXPECT_EQ(batch.out, "446752\n446752\n");
  EXPECT_THAT(run("devices" + common).out, HasSubstr("box"));
  EXPECT_THAT(run("metrics" + common).out, HasSubstr("latency_ms       ms     surrogate  box"));
  const Result bad = run("query" + common + " --arch " + arch + " --metric latency_ms --device h100");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("unknown device 'h100'"));
}

// Killing `hwgpt profile` (and train, eval, study) at random moments: tests/cli/fault_test.cpp.

TEST(Cli, DemoRunsEveryScaleThenAStudyAndPrintsItsReport) {
  const hwgpt::test::TempDir tmp("cli_demo");
  const auto dir = tmp / "demo";  // absent: the demo creates it
  // The demo's study, shrunk: all eight algorithms, two seeds, a few evaluations each.
  const Result r = run("demo -n 1 --seed 1 --budget 20 --seeds 2 --out " + dir.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* scale : {"== scale t", "== scale s", "== scale m", "== scale l"})
    EXPECT_THAT(r.out, HasSubstr(scale));
  EXPECT_THAT(r.out, HasSubstr("== study: 8 algorithms x 2 seeds on scale s, minimising perplexity and latency@h100"));
  for (const char* algorithm : {"rs", "ls", "nsga2", "morea", "lsbo", "rsbo", "ehvi", "moasha"})
    EXPECT_THAT(r.out, HasSubstr("\n" + std::string(algorithm) + " ")) << algorithm;
  const std::string last = r.out.substr(r.out.rfind("report: ") + 8);
  EXPECT_EQ(last, (dir / "report.html").string() + "\n");
  const std::string html = hwgpt::test::read_all(dir / "report.html");
  EXPECT_THAT(html, HasSubstr("<figure id=\"kendall-tau\""));
  EXPECT_THAT(html, HasSubstr("Ranking by final hypervolume"));
  EXPECT_THAT(html, HasSubstr("Every algorithm had the same budget, 20 evaluations per run."));
  EXPECT_EQ(run("demo --device nowhere --out " + dir.string()).exit_code, 1);
}

TEST(Cli, ReportOfAStudyAndOfABenchmark) {
  const hwgpt::test::TempDir dir("cli_report");
  std::ofstream(dir / "study.json") << R"({"test_problems": ["zdt1"], "variables": 6, "levels": 11,
      "algorithms": ["rs", "nsga2"], "seeds": [1, 2], "budget": 40, "output": ")" + (dir / "out").string() + "\"}";
  ASSERT_EQ(run("study --config " + (dir / "study.json").string()).exit_code, 0);
  const Result r = run("report --study " + (dir / "out").string() + " --png " + (dir / "png").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, (dir / "out" / "report.html").string() + "\n");
  EXPECT_THAT(r.err, HasSubstr("report: 3 figures"));
  EXPECT_THAT(hwgpt::test::read_all(dir / "out" / "report.html"), HasSubstr("<figure id=\"hv-zdt1-n6-levels11\""));
  if (std::system("command -v gnuplot >/dev/null 2>&1") == 0) {
    EXPECT_TRUE(std::filesystem::exists(dir / "png" / "hv-zdt1-n6-levels11.png"));
  }
  const Result bench = run("report --benchmark s --devices h100 --sample 30 --out " + (dir / "b.html").string());
  ASSERT_EQ(bench.exit_code, 0) << bench.err;
  EXPECT_THAT(hwgpt::test::read_all(dir / "b.html"), HasSubstr("Held-out test quality of each surrogate"));
  const Result neither = run("report");
  EXPECT_EQ(neither.exit_code, 1);
  EXPECT_THAT(neither.err, HasSubstr("error: report: give exactly one of --study DIR or --benchmark SCALE"));
  const Result missing = run("report --study " + (dir / "nothing").string());
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("error: cannot read '" + (dir / "nothing" / "summary.csv").string() + "'"));
  const Result no_scale = run("report --benchmark t9");
  EXPECT_EQ(no_scale.exit_code, 1);
  EXPECT_THAT(no_scale.err, HasSubstr("error: "));
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

TEST(Cli, SearchOverBenchmarkMetricsAndBounds) {
  const Result bad = run("search --scale s --objectives perplexity,latency@nowhere --budget 10");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("error: unknown device 'nowhere' for space 's'"));
  // The issue's example, on the shipped surrogates (scale s).
  const Result r = run("search --scale s --objectives perplexity,latency@h100 --algorithm nsga2 --budget 60 --seed 1 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto first = nlohmann::json::parse(r.out);
  auto second = nlohmann::json::parse(
      run("search --scale s --objectives perplexity,latency@h100 --algorithm nsga2 --budget 60 --seed 1 --json").out);
  first.erase("duration_s");  // wall time: the only field allowed to differ
  second.erase("duration_s");
  EXPECT_EQ(first, second);
  EXPECT_GT(first["front"].size(), 3u);  // perplexity and latency conflict: a real front
  EXPECT_LT(first["bounds"]["ideal"][0].get<double>(), first["bounds"]["nadir"][0].get<double>());
  const Result bounds = run("search --scale t --objectives params,max:kv_cache_mb --bounds");
  ASSERT_EQ(bounds.exit_code, 0) << bounds.err;
  EXPECT_THAT(bounds.out, HasSubstr("params"));
  EXPECT_THAT(bounds.out, HasSubstr("91008"));      // params of gpt-t-3-64-2-2-2-1-1-1-False
  EXPECT_THAT(bounds.out, HasSubstr("-5.24288"));   // max: negates, so the largest KV cache is ideal
  const Result help = run("search --help");
  EXPECT_THAT(help.out, HasSubstr("params          total parameters"));
  EXPECT_THAT(help.out, HasSubstr("latency@DEVICE"));
}

TEST(Cli, StudyWritesResultsAndResumes) {
  const hwgpt::test::TempDir dir("cli_study");
  std::ofstream(dir / "study.json") << R"({"space": "t", "objective_sets": [["params", "kv_cache_mb"]],
      "algorithms": ["rs", "morea"], "seeds": [1, 2], "budget": 100, "output": ")" + (dir / "out").string() + "\"}";
  const Result first = run("study --config " + (dir / "study.json").string() + " --threads 2");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.out, HasSubstr("4 runs in"));
  EXPECT_THAT(first.err, HasSubstr("study 4/4 runs | "));
  EXPECT_TRUE(std::filesystem::exists(dir / "out" / "runs" / "arch-t-params+kv_cache_mb__morea__seed2.csv"));
  const Result second = run("study --config " + (dir / "study.json").string());
  EXPECT_THAT(second.err, HasSubstr("(resumed)"));
  EXPECT_EQ(first.out.substr(0, first.out.rfind("4 runs in")), second.out.substr(0, second.out.rfind("4 runs in")));
}

}  // namespace

// ---- text data: tokenize, data prepare|info|fetch ----

TEST(Cli, TokenizeGivesGpt2IdsAndDecodesThemBack) {
  // "Hello world" is [15496, 995] in GPT-2 (tests/data/text/README.md, references via js-tiktoken).
  const Result r = run("tokenize --text 'Hello world'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "15496 995\n");
  const Result back = run("tokenize --decode", r.out);
  EXPECT_EQ(back.out, "Hello world");
  const Result bytes = run("tokenize --tokenizer bytes --json", "AB");
  EXPECT_EQ(bytes.out, "[65,66]\n");
  const Result bad = run("tokenize --decode 12 x3");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("error: id 'x3' is not a non-negative integer"));
}

TEST(Cli, DataPrepareAndInfoDescribeTheSameShard) {
  const hwgpt::test::TempDir dir("cli_data");
  {
    std::ofstream corpus(dir / "c.txt");
    for (int i = 0; i < 3000; ++i) corpus << "line " << i << " of the corpus\n";
  }
  const Result p = run("data prepare --corpus '" + (dir / "c.txt").string() + "' --tokenizer bytes --out '" +
                       (dir / "shard").string() + "' --block-tokens 1000 --seed 4 --json");
  ASSERT_EQ(p.exit_code, 0) << p.err;
  const auto prepared = nlohmann::json::parse(p.out);
  const Result i = run("data info '" + (dir / "shard").string() + "' --json");
  ASSERT_EQ(i.exit_code, 0) << i.err;
  const auto info = nlohmann::json::parse(i.out);
  EXPECT_EQ(info["num_tokens"], std::filesystem::file_size(dir / "c.txt"));
  EXPECT_EQ(info["split"], prepared["split"]);
  EXPECT_EQ(info["split"]["seed"], 4);
  const auto total = info["split"]["train"]["tokens"].get<std::uint64_t>() +
                     info["split"]["validation"]["tokens"].get<std::uint64_t>() +
                     info["split"]["nas_eval"]["tokens"].get<std::uint64_t>();
  EXPECT_EQ(total, info["num_tokens"].get<std::uint64_t>());
  // A non-UTF-8 corpus is refused and the good shard stays as it was.
  std::ofstream(dir / "bad.txt") << "caf\xE9\n";
  const Result bad = run("data prepare --corpus '" + (dir / "bad.txt").string() + "' --tokenizer bytes --out '" +
                         (dir / "shard").string() + "'");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("bad.txt':1:4: byte 0xE9 is not valid UTF-8"));
  EXPECT_EQ(run("data info '" + (dir / "shard").string() + "' --json").out, i.out);
}

TEST(Cli, DataFetchVerifiesAgainstALocalServer) {
  const std::string body = hwgpt::test::read_all(std::filesystem::path(HWGPT_TEST_DATA_DIR) / "text" / "fetch_sample.txt");
  hwgpt::test::HttpServer server({{"/sample.txt", body}});
  const hwgpt::test::TempDir dir("cli_fetch");
  const auto out = dir / "fetched.txt";
  // sha256 of tests/data/text/fetch_sample.txt (sha256sum)
  const std::string sha = "d188d554bd8bbc42a8a91ea8cb57ae6b65f135677a8a1eeffc0e48659bc85191";
  const Result r = run("data fetch --url " + server.url("/sample.txt") + " --sha256 " + sha + " --out '" + out.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("downloaded"));
  EXPECT_EQ(hwgpt::test::read_all(out), body);
  std::filesystem::remove(out);
  const Result wrong = run("data fetch --url " + server.url("/sample.txt") + " --sha256 " + std::string(64, 'a') +
                           " --out '" + out.string() + "'");
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_THAT(wrong.err, HasSubstr("; expected aaaa"));
  EXPECT_FALSE(std::filesystem::exists(out));
  const Result offline = run("data fetch --url http://127.0.0.1:" + std::to_string(hwgpt::test::closed_local_port()) +
                             "/x.txt --sha256 " + sha + " --out '" + out.string() + "'");
  EXPECT_EQ(offline.exit_code, 1);
  EXPECT_THAT(offline.err, HasSubstr("is this machine offline?"));
}
