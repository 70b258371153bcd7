// End-to-end tests of the scale-out workflows through the hwgpt binary: the pipeline's fast
// setting (every step, then a rerun that skips everything), the device-fleet workflow (profile
// into one store per machine, merge, fit, query both devices), and `mpirun -np 2 hwgpt train`
// and `hwgpt study` (resume after a killed job, same files as one process, a failing rank ends
// the job).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "../common/temp_dir.hpp"
#include "../common/test_data.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/model/supernet.hpp"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

struct Result {
  int exit_code = -1;
  std::string out, err;
};

std::size_t lines(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

class ScaleOut : public ::testing::Test {
 protected:
  hwgpt::test::TempDir dir{"scaleout"};
  void SetUp() override { write_corpus("corpus.txt", 1); }

  // 40 kB of words from a small vocabulary (learnable in a few steps).
  void write_corpus(const std::string& name, std::uint64_t seed) const {
    static const char* words[] = {"the ", "king ", "and ", "queen ", "of ", "rome ", "speak ", "now.\n"};
    hwgpt::Rng rng(seed);
    std::string text;
    while (text.size() < 40000) text += words[rng.uniform_index(8)];
    std::ofstream(dir / name, std::ios::binary) << text;
  }

  // Runs `prefix hwgpt <args>` in `dir`; prefix is e.g. an mpirun command line.
  Result run(const std::string& args, const std::string& prefix = "") const {
    const std::string cmd = "cd '" + dir.path().string() + "' && OMP_WAIT_POLICY=passive OMP_NUM_THREADS=1 " + prefix +
                            " '" + HWGPT_CLI_PATH + "' " + args + " >out.txt 2>err.txt";
    const int status = std::system(cmd.c_str());
    Result r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = hwgpt::test::read_all(dir / "out.txt");
    r.err = hwgpt::test::read_all(dir / "err.txt");
    return r;
  }
  Result mpirun(const std::string& args, const std::string& env = "") const {
    // As tests/CMakeLists.txt's mpi_2_ranks: root, 2 ranks on any machine, no CMA single copy;
    // `timeout` turns a hang (a rank blocked in a collective) into a failure.
    return run(args, env + " timeout 300 '" HWGPT_MPIEXEC "' --allow-run-as-root --oversubscribe -np 2 -x OMP_NUM_THREADS "
                     "-x OMP_WAIT_POLICY --mca btl_vader_single_copy_mechanism none" +
                         std::string(env.empty() ? "" : " -x HWGPT_FAULT_EXIT_AFTER_STEP"));
  }
  double query(const std::string& arch, const std::string& metric, const std::string& device,
               const std::string& data_dir) const {
    const Result r = run("query --scale t --arch " + arch + " --metric " + metric +
                         (device.empty() ? "" : " --device " + device) + " --data-dir " + data_dir + " --json");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? nlohmann::json::parse(r.out).at("value").get<double>() : -1.0;
  }
};

constexpr const char* kLargest = "gpt-t-5-192-4-4-4-4-4-4-4-4-4-4-True";
constexpr const char* kSmallest = "gpt-t-3-64-2-2-2-1-1-1-False";

TEST_F(ScaleOut, PipelineFastSettingRunsEveryStepAndAResumeSkipsThemAll) {
  const std::string command = "pipeline --scale t --corpus corpus.txt --out p --fast --device test-cpu";
  const Result first = run(command);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  for (int step = 1; step <= 7; ++step) EXPECT_THAT(first.err, HasSubstr("step " + std::to_string(step) + "/7"));
  EXPECT_THAT(first.err, HasSubstr("hwgpt train --scale t --corpus corpus.txt --checkpoint p/supernet.hwgpt"));
  EXPECT_THAT(first.out, HasSubstr("pipeline: done; outputs in p"));
  // Every step's output, with the sizes of the fast setting.
  EXPECT_EQ(nlohmann::json::parse(hwgpt::test::read_all(dir / "p" / "corpus.json")).at("train_tokens"),
            fs::file_size(dir / "corpus.txt") * 8 / 10);
  EXPECT_EQ(hwgpt::model::Supernet::load(dir / "p" / "supernet.hwgpt").search_space().name(), "t");
  EXPECT_EQ(lines(hwgpt::test::read_all(dir / "p" / "eval.csv")), 201u);
  for (const char* model : {"latency_ms@test-cpu", "perplexity", "accuracy"})
    EXPECT_TRUE(fs::exists(dir / "p" / "surrogates" / "t" / (std::string(model) + ".hsur"))) << model;
  const std::string summary = hwgpt::test::read_all(dir / "p" / "study" / "summary.csv");
  EXPECT_EQ(lines(summary), 5u);  // header + 2 algorithms x 2 seeds
  EXPECT_THAT(summary, HasSubstr("arch-t-perplexity+latency@test-cpu__nsga2__seed2"));
  EXPECT_TRUE(fs::exists(dir / "p" / "study" / "attainment.csv"));
  const std::string report = hwgpt::test::read_all(dir / "p" / "study" / "report.html");
  EXPECT_THAT(report, HasSubstr("<svg"));
  EXPECT_THAT(report, HasSubstr("latency@test-cpu"));
  // The fitted benchmark answers, and orders the extreme archs as physics and training do.
  EXPECT_GT(query(kLargest, "latency_ms", "test-cpu", "p"), query(kSmallest, "latency_ms", "test-cpu", "p"));
  EXPECT_LT(query(kLargest, "perplexity", "", "p"), query(kSmallest, "perplexity", "", "p"));

  // The same command again: every step finds its output finished and changes nothing.
  const std::string eval = hwgpt::test::read_all(dir / "p" / "eval.csv"), curves = hwgpt::test::read_all(dir / "p" / "study" / "hv_curves.csv");
  const Result again = run(command);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.err, HasSubstr("(done: p/corpus.json)"));
  EXPECT_THAT(again.err, HasSubstr("train: resumed p/supernet.hwgpt at step 30/30"));
  EXPECT_THAT(again.err, HasSubstr("eval: 200 archs were already in p/eval.csv"));
  EXPECT_THAT(again.out, HasSubstr("profiled 0 archs, 200 already done"));
  EXPECT_THAT(again.out, HasSubstr("(exists; --force refits)"));
  EXPECT_THAT(again.err, HasSubstr("nsga2__seed2 hv"));
  EXPECT_THAT(again.err, HasSubstr("(resumed)"));
  EXPECT_EQ(hwgpt::test::read_all(dir / "p" / "eval.csv"), eval);
  EXPECT_EQ(hwgpt::test::read_all(dir / "p" / "study" / "hv_curves.csv"), curves);

  // A folder belongs to its corpus; other scales are refused with the reason.
  write_corpus("other.txt", 2);
  const Result other = run("pipeline --scale t --corpus other.txt --out p --fast");
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_THAT(other.err, HasSubstr("error: pipeline: 'p' was made from another corpus"));
  EXPECT_THAT(run("pipeline --scale s --corpus corpus.txt --out q").err,
              HasSubstr("error: pipeline: --scale is 's'; only t is supported"));
}

TEST_F(ScaleOut, FleetProfilesMergeIntoOneStoreAndFitSurrogatesForEveryDevice) {
  // Two "machines": each profiles 200 archs (a tiny protocol) into its own store.
  const std::string protocol = " --scale t --sample 200 --batch 1 --seq 64 --warmup 0 --min-repeats 1 "
                               "--max-repeats 1 --decode-tokens 0 --no-memory";
  ASSERT_EQ(run("profile --db a.db --device machine-a --seed 1" + protocol).exit_code, 0);
  ASSERT_EQ(run("profile --db b.db --device machine-b --seed 2" + protocol).exit_code, 0);
  // One call per arch: the summary counts them and has no interval to report (fewer than 6).
  const Result summary = run("profile --summary --db a.db");
  ASSERT_EQ(summary.exit_code, 0) << summary.err;
  EXPECT_THAT(summary.out, HasSubstr("run machine-a/t/b1-t64-float32-threads1\n"));
  EXPECT_THAT(summary.out, HasSubstr("latency_ms                200     1.0"));
  const Result unknown = run("profile --summary --db a.db --run-uid nope");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("has no run 'nope'"));
  EXPECT_EQ(unknown.out, "");
  const Result merged = run("store merge --db fleet.db a.db b.db");
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  EXPECT_THAT(merged.out, HasSubstr("a.db: 1 devices, 1 runs added, 0 runs already present, 200 rows added"));
  EXPECT_THAT(merged.out, HasSubstr("b.db: 1 devices, 1 runs added, 0 runs already present, 200 rows added"));
  auto info = nlohmann::json::parse(run("store info --db fleet.db --json").out);
  EXPECT_EQ(info["devices"], 2);
  EXPECT_EQ(info["runs"], 2);
  EXPECT_EQ(info["sample_sets"], 400);
  for (const auto& d : info["per_device"]) EXPECT_EQ(d["sample_sets"], 200) << d["name"];
  // Merging a store again adds nothing (a machine's store may be sent twice).
  EXPECT_THAT(run("store merge --db fleet.db a.db").out, HasSubstr("0 runs added, 1 runs already present, 0 rows added"));
  EXPECT_EQ(nlohmann::json::parse(run("store info --db fleet.db --json").out)["sample_sets"], 400);

  const Result fit = run("fit --db fleet.db --scale t --out fleet/surrogates --max-rounds 25 --threads 1");
  ASSERT_EQ(fit.exit_code, 0) << fit.err;
  for (const char* device : {"machine-a", "machine-b"}) {
    EXPECT_TRUE(fs::exists(dir / "fleet" / "surrogates" / "t" / ("latency_ms@" + std::string(device) + ".hsur")));
    EXPECT_GT(query(kLargest, "latency_ms", device, "fleet"), query(kSmallest, "latency_ms", device, "fleet")) << device;
  }
  // The noise ceiling needs two samples per arch; this protocol takes one, so the eval file has
  // none and --ceilings (which fits and writes nothing) shows "-" (noise_ceiling_test.cpp has
  // the values).
  const auto eval = nlohmann::json::parse(
      hwgpt::test::read_all(dir / "fleet" / "surrogates" / "t" / "latency_ms@machine-a.eval.json"));
  EXPECT_FALSE(eval.contains("noise_ceiling"));
  const Result ceilings = run("fit --db fleet.db --scale t --out ceilings-only --ceilings");
  ASSERT_EQ(ceilings.exit_code, 0) << ceilings.err;
  EXPECT_THAT(ceilings.out, HasSubstr("ceiling"));
  EXPECT_THAT(ceilings.out, ::testing::ContainsRegex("latency_ms +machine-b +200 +-"));
  EXPECT_FALSE(fs::exists(dir / "ceilings-only"));

  // A second run of machine a (another day, say) in the same store: `fit --run-uid` fits one run
  // alone, without it the runs are pooled.
  ASSERT_EQ(run("profile --db a.db --device machine-a --seed 9 --run-uid second" +
                std::regex_replace(protocol, std::regex("--sample 200"), "--sample 120"))
                .exit_code,
            0);
  auto archs_in_fit = [&](const std::string& folder) {
    const auto e = nlohmann::json::parse(hwgpt::test::read_all(dir / folder / "t" / "latency_ms@machine-a.eval.json"));
    // Small data: cross-conformal, so "train" (the final model's archs) includes the calibration archs.
    EXPECT_EQ(e["train"], e["calibration"]);
    return e["train"].get<int>() + e["test"]["n"].get<int>();
  };
  ASSERT_EQ(run("fit --db a.db --scale t --out one-run --run-uid second --max-rounds 25 --threads 1").exit_code, 0);
  EXPECT_EQ(archs_in_fit("one-run"), 120);
  EXPECT_EQ(nlohmann::json::parse(hwgpt::test::read_all(dir / "one-run" / "t" / "latency_ms@machine-a.eval.json"))["run_uid"], "second");
  EXPECT_FALSE(fs::exists(dir / "one-run" / "t" / "perplexity.hsur"));
  // --cross-conformal-below 0: split-conformal even on small data (the final model on the
  // training archs only, the calibration archs apart; too few of them is an error).
  const Result split_fit = run("fit --db a.db --scale t --out split --max-rounds 25 --threads 1 --models gbt "
                               "--cross-conformal-below 0");
  ASSERT_EQ(split_fit.exit_code, 0) << split_fit.err;
  const auto split = nlohmann::json::parse(hwgpt::test::read_all(dir / "split" / "t" / "latency_ms@machine-a.eval.json"));
  EXPECT_THAT(split["fitted_with"].get<std::string>(), HasSubstr("split-conformal"));
  EXPECT_GT(split["train"].get<int>(), split["calibration"].get<int>());
  EXPECT_GT(split["train"].get<int>() + split["calibration"].get<int>() + split["test"]["n"].get<int>(), 300);
  const Result too_few = run("fit --db a.db --scale t --out x --run-uid second --models gbt --cross-conformal-below 0");
  EXPECT_EQ(too_few.exit_code, 1);
  EXPECT_THAT(too_few.err, HasSubstr("conformal calibration needs at least 20 residuals"));
  EXPECT_EQ(run("fit --db a.db --scale t --out x --cross-conformal-below -1").exit_code, 1);
  // One encoding on request, recorded; bad encodings, widths and transfer scales are refused.
  const Result one_hot = run("fit --db a.db --scale t --out one-hot --max-rounds 25 --threads 1 --models gbt "
                             "--encodings one-hot");
  ASSERT_EQ(one_hot.exit_code, 0) << one_hot.err;
  EXPECT_THAT(nlohmann::json::parse(hwgpt::test::read_all(dir / "one-hot" / "t" / "latency_ms@machine-a.eval.json"))
                  ["fitted_with"].get<std::string>(),
              HasSubstr("; one-hot arch encoding; "));
  EXPECT_THAT(run("fit --db a.db --scale t --out x --encodings ordinal,binary").err,
              HasSubstr("expected feature-map, one-hot, ordinal or depth-bins"));
  EXPECT_THAT(run("fit --db a.db --scale t --out x --mlp-hidden 64x0").err,
              HasSubstr("--mlp-hidden widths must be integers from 1 to 4096; got '0'"));
  EXPECT_THAT(run("fit --db a.db --scale t --out x --teacher-hidden x").err,
              HasSubstr("--teacher-hidden takes 1 to 8 widths"));
  EXPECT_EQ(run("fit --db a.db --scale t --out x --mlp-teachers 0").exit_code, 1);
  // A distilled MLP (a student of 2 teachers, 16 wide, of 32-wide teachers) says so in its record.
  const Result distilled = run("fit --db a.db --scale t --out distilled --threads 1 --models mlp --encodings ordinal "
                               "--mlp-epochs 5 --mlp-teachers 2 --distill-archs 100 --mlp-hidden 16 --teacher-hidden 32");
  if (HWGPT_FIT_WITH_MLP) {
    ASSERT_EQ(distilled.exit_code, 0) << distilled.err;
    EXPECT_THAT(nlohmann::json::parse(hwgpt::test::read_all(dir / "distilled" / "t" / "latency_ms@machine-a.eval.json"))
                    ["fitted_with"].get<std::string>(),
                HasSubstr("hidden 16 SiLU, Adam lr 0.002000 cosine, batch 128, 5 epochs (early stopping), distilled "
                          "from 2 MLPs 32 of seeds 1..2"));
  }
  EXPECT_THAT(run("fit --db a.db --scale t --out x --transfer-from t").err,
              HasSubstr("--transfer-from names the fitted scale 't' itself"));
  EXPECT_EQ(run("fit --db a.db --scale t --out x --transfer-from nowhere").exit_code, 1);
  ASSERT_EQ(run("fit --db a.db --scale t --out pooled --max-rounds 25 --threads 1").exit_code, 0);
  EXPECT_GT(archs_in_fit("pooled"), 300);  // 200 + 120 archs, less any sampled by both seeds
  const Result no_run = run("fit --db a.db --scale t --out x --run-uid nope");
  EXPECT_EQ(no_run.exit_code, 1);
  EXPECT_THAT(no_run.err, HasSubstr("error: fit: store 'a.db' has no run 'nope'"));
  const Result other_device = run("fit --db a.db --scale t --out x --run-uid second --device machine-b");
  EXPECT_EQ(other_device.exit_code, 1);
  EXPECT_THAT(other_device.err, HasSubstr("error: fit: run 'second' measured device 'machine-a', not --device "
                                          "'machine-b'; drop --device or give a run of 'machine-b'"));
}

TEST_F(ScaleOut, MpirunTrainResumesAfterAKilledJobExactlyAsAnUninterruptedOne) {
  const std::string train = "train --corpus corpus.txt --steps 4 --batch 4 --seq 16 --warmup 1 --checkpoint-every 2 "
                            "--threads 1 --checkpoint ";
  const Result whole = mpirun(train + "whole.pt");
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  EXPECT_THAT(whole.err, HasSubstr("(space t, seed 1, 2 MPI ranks)"));
  // Both ranks die after step 3's update, before its checkpoint: step 2's is what survives.
  EXPECT_NE(mpirun(train + "killed.pt", "HWGPT_FAULT_EXIT_AFTER_STEP=3").exit_code, 0);
  const Result resumed = mpirun(train + "killed.pt");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_THAT(resumed.err, HasSubstr("train: resumed killed.pt at step 2/4"));
  const auto a = hwgpt::model::Supernet::load(dir / "whole.pt"), b = hwgpt::model::Supernet::load(dir / "killed.pt");
  for (const auto& name : a.parameter_names()) EXPECT_EQ(a.parameter(name), b.parameter(name)) << name;
  // A rank that fails ends the whole job with the error, instead of leaving the other one waiting.
  const Result bad = mpirun("train --corpus corpus.txt --batch 1 --checkpoint bad.pt");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_THAT(bad.err, HasSubstr("error: train config: batch is 1 sequences for 2 ranks"));
  // The pipeline profiles, so it refuses to share the machine with busy ranks.
  EXPECT_THAT(mpirun("pipeline --scale t --corpus corpus.txt --out p --fast").err,
              HasSubstr("error: pipeline: runs in one process"));
}

TEST_F(ScaleOut, MpirunStudyWritesTheSameFilesAsOneProcess) {
  std::ofstream(dir / "study.json") << R"({"space": "t", "objective_sets": [["params", "flops"]],
      "test_problems": ["zdt2"], "variables": 5, "levels": 11, "algorithms": ["rs", "morea"],
      "seeds": [1, 2], "budget": 50, "threads": 1})";
  ASSERT_EQ(run("study --config study.json --output one").exit_code, 0);
  const Result two = mpirun("study --config study.json --output two");
  ASSERT_EQ(two.exit_code, 0) << two.err;
  EXPECT_THAT(two.out, HasSubstr("8 runs in"));
  EXPECT_THAT(two.out, HasSubstr("on 2 MPI ranks"));
  EXPECT_EQ(hwgpt::test::read_all(dir / "two" / "hv_curves.csv"), hwgpt::test::read_all(dir / "one" / "hv_curves.csv"));
  EXPECT_EQ(hwgpt::test::read_all(dir / "two" / "attainment.csv"), hwgpt::test::read_all(dir / "one" / "attainment.csv"));
  const std::regex wall_clock(R"("duration_s": [^,\n]*)");
  std::size_t compared = 0;
  for (const auto& e : fs::directory_iterator(dir / "one" / "runs")) {
    if (e.path().extension() != ".json") continue;
    const std::string mine = hwgpt::test::read_all(e.path()), theirs = hwgpt::test::read_all(dir / "two" / "runs" / e.path().filename());
    EXPECT_EQ(std::regex_replace(theirs, wall_clock, ""), std::regex_replace(mine, wall_clock, "")) << e.path();
    ++compared;
  }
  EXPECT_EQ(compared, 8u);
}

}  // namespace
