// Reliability of the hwgpt binary (issue 9): determinism (same command and seed, byte-identical
// outputs), full disks (RLIMIT_FSIZE: EFBIG on the write that crosses it; /dev/full for stdout) and
// read-only folders give `error: …` with a non-zero exit and leave the previous files intact, and
// two profilers writing one database at once lose nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "cli_harness.hpp"
#include "hwgpt/core/rng.hpp"

namespace hwgpt::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class Reliability : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    box_ = new CliSandbox("reliability");
    write_word_corpus(*box_ / "corpus.txt", 2);
  }
  static void TearDownTestSuite() {
    delete box_;
    box_ = nullptr;
  }
  // A small trained checkpoint, made once for the suite.
  static std::string checkpoint() {
    if (!fs::exists(*box_ / "c.pt")) {
      const CliResult r = box_->run(kTrain + " --checkpoint c.pt");
      EXPECT_EQ(r.exit_code, 0) << r.err;
    }
    return "c.pt";
  }
  static std::string study_config(const std::string& output, const std::string& seeds) {
    return R"({"space": "t", "objective_sets": [["params", "kv_cache_mb"]], "test_problems": ["zdt1"],
      "algorithms": ["rs", "nsga2"], "seeds": [)" + seeds + R"(], "budget": 200, "threads": 1, "output": ")" +
           output + "\"}";
  }
  static inline const std::string kTrain =
      "train --corpus corpus.txt --steps 4 --batch 2 --seq 16 --warmup 1 --checkpoint-every 2 --threads 1";
  static CliSandbox* box_;
};
CliSandbox* Reliability::box_ = nullptr;

// ---- determinism ----

TEST_F(Reliability, StudyTwiceGivesTheSameBytesApartFromWallTimes) {
  write_text(*box_ / "d1.json", study_config("d1", "1, 2"));
  write_text(*box_ / "d2.json", study_config("d2", "1, 2"));
  ASSERT_EQ(box_->run("study --config d1.json").exit_code, 0);
  ASSERT_EQ(box_->run("study --config d2.json").exit_code, 0);
  const auto a = tree(*box_ / "d1"), b = tree(*box_ / "d2");
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [name, bytes] : a) {
    // Wall times (duration_s, time_s) are the only fields allowed to differ.
    EXPECT_EQ(without_wall_times(name, b.at(name)), without_wall_times(name, bytes)) << name;
    if (name == "hv_curves.csv" || name == "attainment.csv") {
      EXPECT_EQ(b.at(name), bytes) << name;
    }
  }
  EXPECT_TRUE(a.count("attainment.csv") && a.count("hv_curves.csv") && a.count("runs/zdt1-n30-levels101__nsga2__seed2.csv"));
}

TEST_F(Reliability, SampledQueriesAreByteIdenticalPerSeed) {
  ASSERT_EQ(box_->run("space sample --scale s -n 50 --seed 5").exit_code, 0);
  fs::copy_file(*box_ / "out.txt", *box_ / "archs.txt", fs::copy_options::overwrite_existing);
  const std::string query = "query --scale s --archs archs.txt --metric latency_ms --device a100 --mode sample:";
  const CliResult a = box_->run(query + "7"), b = box_->run(query + "7"), c = box_->run(query + "8");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(count_lines(a.out), 50);
  EXPECT_EQ(a.out, b.out);
  EXPECT_NE(a.out, c.out);
  const CliResult json1 = box_->run(query + "7 --json"), json2 = box_->run(query + "7 --json");
  EXPECT_EQ(json1.out, json2.out);
}

TEST_F(Reliability, EvaluationTwiceIsByteIdentical) {
  const std::string eval = "eval --checkpoint " + checkpoint() + " --corpus corpus.txt --sample 4 --seed 9 --seq 16 --threads 1";
  const CliResult a = box_->run(eval), b = box_->run(eval);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(count_lines(a.out), 1 + 4);
  EXPECT_EQ(a.out, b.out);
}

// ---- full disk ----

TEST_F(Reliability, FullStandardOutputIsAnError) {
  const std::string line = "cd '" + box_->dir().string() + "' && '" + HWGPT_CLI_PATH +
                           "' space sample --scale s -n 2000 --seed 1 >/dev/full 2>err.txt";
  const int status = std::system(line.c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << status;
  EXPECT_THAT(read_all(*box_ / "err.txt"), HasSubstr("error: writing standard output failed"));
}

TEST_F(Reliability, StudyOnAFullDiskFailsClearlyAndKeepsThePreviousResults) {
  write_text(*box_ / "full1.json", study_config("full", "1"));
  ASSERT_EQ(box_->run("study --config full1.json").exit_code, 0);
  const auto before = tree(*box_ / "full");
  // A second seed: its run files are larger than the limit.
  write_text(*box_ / "full2.json", study_config("full", "1, 2"));
  const CliResult r = box_->run_with_file_limit("study --config full2.json", 2048);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("(disk full?); the previous file is kept"));
  EXPECT_EQ(tree(*box_ / "full"), before);  // nothing changed, no .tmp left behind
}

TEST_F(Reliability, EvaluationOnAFullDiskFailsClearlyAndResumesCleanly) {
  const std::string eval = "eval --checkpoint " + checkpoint() + " --corpus corpus.txt --seed 4 --seq 16 --threads 1 --out full.csv --sample ";
  ASSERT_EQ(box_->run(eval + "2").exit_code, 0);
  const std::string before = read_all(*box_ / "full.csv");
  // Room for the existing rows plus part of one more: the append crosses the limit mid-row.
  const CliResult r = box_->run_with_file_limit(eval + "6", static_cast<long>(before.size()) + 40);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("error: eval: writing 'full.csv' failed (disk full?)"));
  EXPECT_THAT(read_all(*box_ / "full.csv"), StartsWith(before));
  // With room again, the run completes: the partial row is dropped, no row is lost or repeated.
  const CliResult resumed = box_->run(eval + "6");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  const CliResult straight = box_->run("eval --checkpoint c.pt --corpus corpus.txt --seed 4 --seq 16 --threads 1 --sample 6");
  EXPECT_EQ(read_all(*box_ / "full.csv"), straight.out);
}

TEST_F(Reliability, CheckpointOnAFullDiskFailsClearlyAndKeepsTheLastCheckpoint) {
  // A run interrupted after step 3 leaves the step-2 checkpoint; resuming must write step 4's.
  const std::string train = kTrain + " --checkpoint full.pt";
  ASSERT_EQ(box_->run(train, "env HWGPT_FAULT_EXIT_AFTER_STEP=3").exit_code, 137);
  const std::string before = read_all(*box_ / "full.pt");
  const CliResult r = box_->run_with_file_limit(train, static_cast<long>(before.size()) / 2);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("error: cannot write 'full.pt.tmp': File too large (disk full?)"));
  EXPECT_EQ(read_all(*box_ / "full.pt"), before);
  EXPECT_FALSE(fs::exists(*box_ / "full.pt.tmp"));
  EXPECT_EQ(box_->run(train).exit_code, 0);
}

TEST_F(Reliability, StoreOnAFullDiskFailsClearlyAndKeepsItsRows) {
  const std::string eval = "eval --checkpoint " + checkpoint() + " --corpus corpus.txt --seed 6 --seq 16 --threads 1 --db full.db --sample ";
  ASSERT_EQ(box_->run(eval + "2").exit_code, 0);
  const std::string exported = "store export --db full.db --what perplexities --space t";
  const std::string before = box_->run(exported).out;
  ASSERT_EQ(count_lines(before), 1 + 2);
  const CliResult r = box_->run_with_file_limit(eval + "200", static_cast<long>(fs::file_size(*box_ / "full.db")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("error: SQLite error on '"));
  EXPECT_THAT(r.err, HasSubstr("full.db': disk I/O error (disk full? the store keeps every committed row)"));
  const std::string after = box_->run(exported).out;
  EXPECT_THAT(after, StartsWith(before.substr(0, before.find('\n'))));
  for (const auto& row : csv_rows(before)) EXPECT_THAT(after, HasSubstr(row.at(1)));  // every arch kept
}

// ---- read-only folders ----

TEST_F(Reliability, ReadOnlyOutputFoldersFailClearlyAndKeepTheirFiles) {
  fs::create_directories(*box_ / "ro");
  write_text(*box_ / "ro1.json", study_config("ro/study", "1"));
  ASSERT_EQ(box_->run("study --config ro1.json").exit_code, 0);
  ASSERT_EQ(box_->run("eval --checkpoint " + checkpoint() + " --corpus corpus.txt --sample 1 --seq 16 --out ro/e.csv --db ro/s.db").exit_code, 0);
  fs::copy_file(*box_ / "c.pt", *box_ / "ro" / "c.pt");
  const auto before = tree(*box_ / "ro");
  for (const auto& e : fs::recursive_directory_iterator(*box_ / "ro"))
    if (e.is_directory()) fs::permissions(e.path(), fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write, fs::perm_options::remove);
  fs::permissions(*box_ / "ro", fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write, fs::perm_options::remove);
  fs::permissions(*box_ / "ro" / "e.csv", fs::perms::owner_write, fs::perm_options::remove);

  write_text(*box_ / "ro2.json", study_config("ro/study", "1, 2"));
  const CliResult study = box_->run_unprivileged("study --config ro2.json");
  EXPECT_EQ(study.exit_code, 1);
  EXPECT_THAT(study.err, HasSubstr("check that the folder exists and is writable"));
  const CliResult eval = box_->run_unprivileged("eval --checkpoint c.pt --corpus corpus.txt --sample 3 --seq 16 --out ro/e.csv");
  EXPECT_EQ(eval.exit_code, 1);
  EXPECT_THAT(eval.err, HasSubstr("error: eval: cannot write --out 'ro/e.csv'"));
  const CliResult db = box_->run_unprivileged("eval --checkpoint c.pt --corpus corpus.txt --sample 3 --seq 16 --db ro/s.db");
  EXPECT_EQ(db.exit_code, 1);
  EXPECT_THAT(db.err, StartsWith("error: "));
  const CliResult train = box_->run_unprivileged(kTrain + " --checkpoint ro/new.pt");
  EXPECT_EQ(train.exit_code, 1);
  EXPECT_THAT(train.err, HasSubstr("error: cannot write 'ro/new.pt.tmp'"));

  fs::permissions(*box_ / "ro", fs::perms::owner_all, fs::perm_options::add);
  for (const auto& e : fs::recursive_directory_iterator(*box_ / "ro"))
    fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
  EXPECT_EQ(tree(*box_ / "ro"), before);
}

// ---- concurrency ----

TEST_F(Reliability, TwoProfilersWritingOneDatabaseLoseNothing) {
  const std::string common = "profile --scale t --device box --batch 1 --seq 16 --min-repeats 3 --max-repeats 5 "
                             "--decode-tokens 2 --warmup 1 --threads 1 --db '" + (*box_ / "shared.db").string() +
                             "' --sample 6 --seed ";
  // Three processes at once on one new database: two runs (seeds 11 and 12), the first started
  // twice, so the twins race for the same archs of the same run. Each runs in its own folder.
  CliSandbox twin_a("reliability_twin_a"), twin_b("reliability_twin_b");
  const pid_t a1 = twin_a.spawn(common + "11 --run-uid box/a");
  const pid_t a2 = twin_b.spawn(common + "11 --run-uid box/a");
  const CliResult b = box_->run(common + "12 --run-uid box/b");
  for (const auto& [pid, box] : {std::pair{a1, &twin_a}, std::pair{a2, &twin_b}}) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_all(*box / "err.txt");
  }
  ASSERT_EQ(b.exit_code, 0) << b.err;
  // Each run holds its sample's archs once per metric, each sample set complete.
  std::map<std::string, std::set<std::string>> expected;
  for (const auto& [seed, run] : {std::pair{"11", "box/a"}, std::pair{"12", "box/b"}}) {
    std::istringstream in(box_->run(std::string("space sample --scale t -n 6 --seed ") + seed).out);
    for (std::string arch; std::getline(in, arch);) expected[run].insert(arch);
  }
  for (const char* metric : {"latency_ms", "decode_ms_per_token"}) {
    std::map<std::string, std::multiset<std::string>> got;
    for (const auto& row : csv_rows(box_->run(std::string("store export --db shared.db --metric ") + metric).out)) {
      got[row.at(0)].insert(row.at(4));
      const int count = std::stoi(row.at(9));
      EXPECT_GE(count, 3) << metric << " " << row.at(4);
      EXPECT_LE(count, 5) << metric << " " << row.at(4);
      EXPECT_EQ(std::count(row.at(12).begin(), row.at(12).end(), ';') + 1, count) << metric << " " << row.at(4);
    }
    ASSERT_EQ(got.size(), 2u) << metric;
    for (const auto& [run, archs] : expected) {
      EXPECT_EQ(got[run].size(), archs.size()) << metric << " " << run << ": lost or duplicated rows";
      EXPECT_EQ(std::set<std::string>(got[run].begin(), got[run].end()), archs) << metric << " " << run;
    }
  }
}

}  // namespace
}  // namespace hwgpt::test
