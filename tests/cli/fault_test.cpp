// Fault injection (issue 9): `hwgpt train`, `eval`, `profile` and `study` are SIGKILLed at seeded
// random moments, restarted, and compared with an uninterrupted run of the same command: identical
// results (weights, CSVs, study files; for profiles, the deterministic fields: which archs and
// metrics were recorded, once each) and no lost or duplicated rows.
// HWGPT_FAULT_TRIALS (default 2) and HWGPT_FAULT_SEED (default 1) scale it up: scripts/faults.sh.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>

#include "cli_harness.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/model/supernet.hpp"

namespace hwgpt::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : fallback;
}

// Kills `args` (run in `box`) at `trials` seeded moments within its uninterrupted duration
// `reference_s`, then runs it again to completion each time; `check(trial)` compares the outputs
// of that trial (its args get "{trial}" replaced by the trial number) with the reference.
template <typename Check>
void kill_and_resume(const CliSandbox& box, const std::string& args_pattern, double reference_s, std::uint64_t stream,
                     Check check) {
  const int trials = env_int("HWGPT_FAULT_TRIALS", 2);
  Rng rng = Rng::derive(static_cast<std::uint64_t>(env_int("HWGPT_FAULT_SEED", 1)), stream);
  int landed = 0, attempts = 0;
  for (int trial = 0; trial < trials; ++trial) {
    std::string args = args_pattern;
    for (std::size_t at; (at = args.find("{trial}")) != std::string::npos;) args.replace(at, 7, std::to_string(trial));
    // Up to three kills per trial, each at a fresh moment in [5 %, 90 %] of the reference duration.
    const int kills = 1 + static_cast<int>(rng.uniform_index(3));
    for (int k = 0; k < kills; ++k) {
      const double fraction = 0.05 + 0.85 * rng.uniform_double();
      const pid_t pid = box.spawn(args);
      ASSERT_GT(pid, 0);
      ++attempts;
      landed += CliSandbox::kill_after(pid, std::chrono::microseconds(static_cast<long>(fraction * reference_s * 1e6)));
    }
    const CliResult resumed = box.run(args);
    ASSERT_EQ(resumed.exit_code, 0) << "trial " << trial << ": " << resumed.err;
    check(trial, resumed);
  }
  ::testing::Test::RecordProperty("kills_landed", landed);
  std::fprintf(stderr, "fault: %d of %d kills landed (the others came after the process ended) over %d trials of '%s'\n",
               landed, attempts, trials, args_pattern.c_str());
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

class FaultInjection : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    box_ = new CliSandbox("faults");
    write_word_corpus(*box_ / "corpus.txt", 1);
  }
  static void TearDownTestSuite() {
    delete box_;
    box_ = nullptr;
  }
  static CliSandbox* box_;
};
CliSandbox* FaultInjection::box_ = nullptr;

const std::string kTrain = "train --corpus corpus.txt --steps 6 --batch 2 --seq 16 --warmup 1 --checkpoint-every 2 "
                           "--eval-every 1 --eval-tokens 64 --threads 1 --log-every 1";

TEST_F(FaultInjection, TrainingKilledAtRandomMomentsEndsBitIdentical) {
  const auto start = std::chrono::steady_clock::now();
  const CliResult ref = box_->run(kTrain + " --checkpoint ref.pt --validation-csv ref.csv");
  ASSERT_EQ(ref.exit_code, 0) << ref.err;
  const double reference_s = seconds_since(start);
  const auto a = model::Supernet::load(*box_ / "ref.pt");
  const std::string csv = read_all(*box_ / "ref.csv");
  ASSERT_EQ(count_lines(csv), 1 + 6 * 3);  // header + (max, min, random) per step
  kill_and_resume(*box_, kTrain + " --checkpoint k{trial}.pt --validation-csv k{trial}.csv", reference_s, 1,
                  [&](int trial, const CliResult&) {
                    const std::string t = std::to_string(trial);
                    EXPECT_EQ(read_all(*box_ / ("k" + t + ".csv")), csv) << "trial " << t;
                    const auto b = model::Supernet::load(*box_ / ("k" + t + ".pt"));
                    for (const auto& name : a.parameter_names())
                      ASSERT_EQ(a.parameter(name), b.parameter(name)) << "trial " << t << ": " << name;
                    EXPECT_FALSE(fs::exists(*box_ / ("k" + t + ".pt.tmp")));
                  });
}

TEST_F(FaultInjection, EvaluationKilledAtRandomMomentsLosesAndDuplicatesNothing) {
  if (!fs::exists(*box_ / "c.pt")) {
    ASSERT_EQ(box_->run(std::regex_replace(kTrain, std::regex("--steps 6"), "--steps 2") + " --checkpoint c.pt").exit_code, 0);
  }
  const std::string eval = "eval --checkpoint c.pt --corpus corpus.txt --sample 8 --seed 2 --seq 16 --threads 1 ";
  const auto start = std::chrono::steady_clock::now();
  const CliResult ref = box_->run(eval + "--out eref.csv --db eref.db");
  ASSERT_EQ(ref.exit_code, 0) << ref.err;
  const double reference_s = seconds_since(start);
  const std::string csv = read_all(*box_ / "eref.csv");
  ASSERT_EQ(count_lines(csv), 1 + 8);
  const std::string exported = box_->run("store export --db eref.db --what perplexities --space t").out;
  ASSERT_EQ(count_lines(exported), 1 + 8);
  kill_and_resume(*box_, eval + "--out e{trial}.csv --db e{trial}.db", reference_s, 2, [&](int trial, const CliResult&) {
    const std::string t = std::to_string(trial);
    EXPECT_EQ(read_all(*box_ / ("e" + t + ".csv")), csv) << "trial " << t;
    EXPECT_EQ(box_->run("store export --db e" + t + ".db --what perplexities --space t").out, exported) << "trial " << t;
  });
}

// `store export --metric M` (columns run_uid,device,run_kind,space,arch,…) as arch -> row count.
std::map<std::string, int> rows_by_arch(const std::string& csv) {
  std::map<std::string, int> rows;
  for (const auto& fields : csv_rows(csv)) ++rows[fields.at(4)];
  return rows;
}

TEST_F(FaultInjection, ProfilingKilledAtRandomMomentsRecordsEveryArchOnce) {
  const std::string profile = "profile --scale t --sample 6 --seed 3 --device box --batch 1 --seq 32 "
                              "--min-repeats 6 --max-repeats 12 --decode-tokens 4 --warmup 1 --threads 1 ";
  const auto start = std::chrono::steady_clock::now();
  const CliResult ref = box_->run(profile + "--db ref-profile.db");
  ASSERT_EQ(ref.exit_code, 0) << ref.err;
  const double reference_s = seconds_since(start);
  std::map<std::string, std::map<std::string, int>> expected;
  for (const char* metric : {"latency_ms", "decode_ms_per_token"}) {
    expected[metric] = rows_by_arch(box_->run(std::string("store export --db ref-profile.db --metric ") + metric).out);
    ASSERT_EQ(expected[metric].size(), 6u) << metric;
  }
  kill_and_resume(*box_, profile + "--db p{trial}.db", reference_s, 3, [&](int trial, const CliResult& resumed) {
    const std::string t = std::to_string(trial);
    for (const auto& [metric, rows] : expected)
      EXPECT_EQ(rows_by_arch(box_->run("store export --db p" + t + ".db --metric " + metric).out), rows)
          << "trial " << t << ", " << metric;
    EXPECT_THAT(box_->run(profile + "--db p" + t + ".db").out, HasSubstr("profiled 0 archs, 6 already done"));
    (void)resumed;
  });
}

TEST_F(FaultInjection, StudyKilledAtRandomMomentsWritesTheSameFiles) {
  const auto config = [&](const std::string& output) {
    return R"({"space": "t", "objective_sets": [["params", "kv_cache_mb"]], "test_problems": ["zdt1"],
      "algorithms": ["rs", "nsga2", "ls"], "seeds": [1, 2], "budget": 400, "threads": 1, "output": ")" +
           output + "\"}";
  };
  write_text(*box_ / "ref-study.json", config("ref-study"));
  const auto start = std::chrono::steady_clock::now();
  const CliResult ref = box_->run("study --config ref-study.json");
  ASSERT_EQ(ref.exit_code, 0) << ref.err;
  const double reference_s = seconds_since(start);
  const auto expected = tree(*box_ / "ref-study");
  ASSERT_EQ(expected.size(), 4u + 2 * 3 * 2 * 2);  // config, summary, hv_curves, attainment; (csv, json) per run
  for (int trial = 0; trial < env_int("HWGPT_FAULT_TRIALS", 2); ++trial)
    write_text(*box_ / ("s" + std::to_string(trial) + ".json"), config("s" + std::to_string(trial)));
  kill_and_resume(*box_, "study --config s{trial}.json", reference_s, 4, [&](int trial, const CliResult&) {
    const auto got = tree(*box_ / ("s" + std::to_string(trial)));
    ASSERT_EQ(got.size(), expected.size()) << "trial " << trial << " (leftover .tmp files?)";
    for (const auto& [name, bytes] : expected) {
      ASSERT_TRUE(got.count(name)) << "trial " << trial << ": missing " << name;
      EXPECT_EQ(without_wall_times(name, got.at(name)), without_wall_times(name, bytes)) << "trial " << trial << ": " << name;
    }
  });
}

}  // namespace
}  // namespace hwgpt::test
