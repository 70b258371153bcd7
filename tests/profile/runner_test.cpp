// Tests of src/profile/runner.cpp: every arch gets all its metrics in one transaction, a rerun
// with the same uid skips what is done, and a SIGKILL at a random moment loses nothing and
// duplicates nothing after the resume.
#include "hwgpt/profile/runner.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <thread>

#include <nlohmann/json.hpp>

#include "../common/temp_dir.hpp"
#include "hwgpt/analytic/flops.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "hwgpt/space/sampling.hpp"

namespace hwgpt::profile {
namespace {

using ::testing::HasSubstr;

// Test executor: real arithmetic whose amount follows the arch's analytic FLOPs (so larger archs
// take longer, as a model would), plus an optional sleep to widen the window for the kill test.
class ArithmeticExecutor final : public ArchExecutor {
 public:
  // extra_ms: a busy wait added to every call. Busy, not asleep: on a VM a sleeping thread's wake-up
  // cost depends on whether the other vCPU is idle, so sleeping calls took 3.4 ms while latency
  // was measured and 2.2 ms inside energy windows (whose meter thread keeps the VM awake), and the
  // energy test comparing the two failed twice in CI.
  explicit ArithmeticExecutor(int extra_ms = 0) : extra_ms_(extra_ms) {}
  std::string model_variant() const override { return "hwgpt"; }
  void prepare(const space::Arch& arch, const analytic::Workload& w) override {
    const auto& space = space::SearchSpace::builtin(arch.space);
    work_ = analytic::forward_flops(analytic::model_spec(arch, space, analytic::ModelVariant::kHwgpt), w).total / 20'000;
  }
  double forward() override {
    const auto start = std::chrono::steady_clock::now();
    volatile double x = 1.0;
    for (std::uint64_t i = 0; i < work_; ++i) x = x * 1.0000001 + 1e-9;
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(extra_ms_);
    while (std::chrono::steady_clock::now() < until) {
    }
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  }
  void reset_decode() override {}
  double decode_token() override { return forward() / 100.0; }

 private:
  std::uint64_t work_ = 0;
  int extra_ms_;
};

class RunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::Store s(db_);
    store::Device d;
    d.name = "box";
    d.source = "hwgpt";
    s.put_device(d);
    Rng rng(4);
    archs_ = space::sample_archs(space::SearchSpace::builtin("t"), 12, rng, space::SamplingMode::kPerChoice, true);
    config_.run_uid = "box/t/test";
    config_.device = "box";
    config_.workload = {1, 32, analytic::Dtype::kFloat32};
    config_.protocol = {1, 6, 8, 0.5, 5};
    config_.decode_tokens = 4;
  }
  test::TempDir dir_{"runner"};  // holds the store and its -wal/-shm files
  std::filesystem::path db_ = dir_ / "runner.db";
  std::vector<space::Arch> archs_;
  ProfileConfig config_;
};

TEST_F(RunnerTest, RecordsEveryMetricOfEveryArchAndResumes) {
  store::Store s(db_);
  ArithmeticExecutor executor;
  auto meter = make_no_meter("test: no meter");
  const std::vector<space::Arch> first(archs_.begin(), archs_.begin() + 5);
  const auto r1 = run_profile(s, space::SearchSpace::builtin("t"), first, executor, *meter, config_);
  EXPECT_EQ(r1.profiled, 5u);
  EXPECT_EQ(r1.energy_status, "unavailable: test: no meter");
  const auto r2 = run_profile(s, space::SearchSpace::builtin("t"), archs_, executor, *meter, config_);
  EXPECT_EQ(r2.already_done, 5u);
  EXPECT_EQ(r2.profiled, 7u);
  EXPECT_EQ(s.archs_in_run(config_.run_uid, "latency_ms").size(), 12u);
  EXPECT_EQ(s.archs_in_run(config_.run_uid, "decode_ms_per_token").size(), 12u);
  EXPECT_EQ(s.archs_in_run(config_.run_uid, "memory_mb").size(), 12u);
  EXPECT_TRUE(s.archs_in_run(config_.run_uid, "energy_mj").empty());  // no meter, no number
  for (const auto& row : s.samples({"box", "latency_ms", "t", "", "profile", ""})) {
    EXPECT_GE(row.set.samples.size(), 6u);
    EXPECT_LE(row.set.samples.size(), 8u);
  }
  const auto runs = s.runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_THAT(runs[0].protocol_json, ::testing::HasSubstr("\"energy\":\"unavailable: test: no meter\""));
  EXPECT_FALSE(runs[0].ended_at.empty());
}

TEST_F(RunnerTest, AResumeByAnotherBuildKeepsTheRunsFirstRevisionAndSaysSo) {
  store::Store s(db_);
  ArithmeticExecutor executor;
  auto meter = make_no_meter("test: no meter");
  const std::vector<space::Arch> first(archs_.begin(), archs_.begin() + 2), more(archs_.begin(), archs_.begin() + 4);
  config_.git_revision = "aaaa";
  const auto r1 = run_profile(s, space::SearchSpace::builtin("t"), first, executor, *meter, config_);
  EXPECT_FALSE(r1.started_revision.has_value());
  config_.git_revision = "bbbb-dirty";  // a rebuild: resuming must still work
  const auto r2 = run_profile(s, space::SearchSpace::builtin("t"), more, executor, *meter, config_);
  ASSERT_TRUE(r2.started_revision.has_value());
  EXPECT_EQ(*r2.started_revision, "aaaa");
  EXPECT_EQ(r2.already_done, 2u);
  EXPECT_EQ(r2.profiled, 2u);
  ASSERT_EQ(s.runs().size(), 1u);
  EXPECT_EQ(s.runs()[0].git_revision, "aaaa");
  config_.git_revision = "aaaa";  // the same build again: nothing to say
  EXPECT_FALSE(run_profile(s, space::SearchSpace::builtin("t"), more, executor, *meter, config_).started_revision);
}

// A meter that is available but whose counter never moves (a stuck RAPL file here; an NVML counter
// read too slowly counted as stuck before) would cost max_seconds on every arch: after
// kEnergyGiveUp archs in a row without a window the run stops asking it, and says so, while every
// arch keeps its other metrics.
TEST_F(RunnerTest, EnergyStopsAfterArchsInARowWithoutAWindow) {
  std::filesystem::create_directories(dir_ / "rapl" / "intel-rapl:0");
  std::ofstream(dir_ / "rapl" / "intel-rapl:0" / "energy_uj") << 1000 << "\n";
  std::ofstream(dir_ / "rapl" / "intel-rapl:0" / "max_energy_range_uj") << 1000000000 << "\n";
  auto meter = make_rapl_meter(dir_ / "rapl");
  ASSERT_TRUE(meter->available()) << meter->unavailable_reason();
  config_.energy_window.min_updates = 2;
  config_.energy_window.min_seconds = 0.01;
  config_.energy_window.max_seconds = 0.1;
  store::Store s(db_);
  ArithmeticExecutor executor;
  const std::vector<space::Arch> five(archs_.begin(), archs_.begin() + 5);
  const auto report = run_profile(s, space::SearchSpace::builtin("t"), five, executor, *meter, config_);
  EXPECT_EQ(report.profiled, 5u);
  ASSERT_EQ(report.energy_failures.size(), static_cast<std::size_t>(kEnergyGiveUp));
  EXPECT_THAT(report.energy_stopped, HasSubstr("no energy window on 3 archs in a row; not measured for the 2 archs after them"));
  EXPECT_THAT(report.energy_stopped, HasSubstr("the rapl counter updated 0 times"));
  EXPECT_EQ(s.samples({"box", "latency_ms", "", "", "", ""}).size(), 5u);
  EXPECT_TRUE(s.samples({"box", "energy_mj", "", "", "", ""}).empty());
}

TEST_F(RunnerTest, EnergyComesFromWindowsOfCallsWhenAMeterExists) {
  // The NVML stand-in's counter draws 100 W and steps every 100 ms: one window of >= 3 steps per
  // sample, 2 samples per arch, each ~100 W x one forward pass's duration (its latency; the 25 %
  // margin is for the difference between the latency calls and the window's calls under load).
  setenv("FAKE_NVML_MODE", "ticking", 1);
  auto meter = make_nvml_meter(0, FAKE_NVML_PATH);
  ASSERT_TRUE(meter->available()) << meter->unavailable_reason();
  config_.energy_window.min_updates = 3;
  config_.energy_window.min_seconds = 0.25;
  config_.energy_windows = 2;
  store::Store s(db_);
  ArithmeticExecutor executor(2);  // >= 2 ms a call: the window loop's own overhead is negligible
  const std::vector<space::Arch> one(archs_.begin(), archs_.begin() + 1);
  const auto report = run_profile(s, space::SearchSpace::builtin("t"), one, executor, *meter, config_);
  EXPECT_TRUE(report.energy_failures.empty());
  const auto energy = s.samples({"box", "energy_mj", "", "", "", ""});
  ASSERT_EQ(energy.size(), 1u);
  ASSERT_EQ(energy[0].set.samples.size(), 2u);
  const double latency_ms = s.samples({"box", "latency_ms", "", "", "", ""})[0].set.mean;
  for (double mj : energy[0].set.samples) EXPECT_NEAR(mj, 100.0 * latency_ms, 0.25 * 100.0 * latency_ms);
  // Settings that could only give no sample or a meaningless one are refused before anything runs.
  for (int bad : {0, -1}) {
    ProfileConfig c = config_;
    c.energy_windows = bad;
    EXPECT_THROW(run_profile(s, space::SearchSpace::builtin("t"), one, executor, *meter, c), ValueError);
  }
  ProfileConfig zero_updates = config_;
  zero_updates.energy_window.min_updates = 0;
  EXPECT_THROW(run_profile(s, space::SearchSpace::builtin("t"), one, executor, *meter, zero_updates), ValueError);
  const auto protocol = nlohmann::json::parse(s.runs()[0].protocol_json);
  EXPECT_EQ(protocol.at("energy"), "nvml-counter");
  EXPECT_EQ(protocol.at("energy_window").at("min_updates"), 3);
  EXPECT_EQ(protocol.at("energy_window").at("windows_per_arch"), 2);
}

TEST_F(RunnerTest, AKillAtARandomMomentLosesAndDuplicatesNothing) {
  for (int trial = 0; trial < 3; ++trial) {
    config_.run_uid = "box/t/kill-" + std::to_string(trial);
    const pid_t child = fork();
    if (child == 0) {
      store::Store s(db_);
      ArithmeticExecutor slow(3);
      auto meter = make_no_meter("none");
      run_profile(s, space::SearchSpace::builtin("t"), archs_, slow, *meter, config_);
      _exit(0);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(120 + 90 * trial));
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    store::Store s(db_);
    const auto before = s.archs_in_run(config_.run_uid, "latency_ms").size();
    EXPECT_LT(before, archs_.size()) << "the kill came after the child had finished";
    // Whatever was written is whole: every arch with a latency row has its other metrics too.
    EXPECT_EQ(s.archs_in_run(config_.run_uid, "decode_ms_per_token").size(), before);
    ArithmeticExecutor executor;
    auto meter = make_no_meter("none");
    const auto r = run_profile(s, space::SearchSpace::builtin("t"), archs_, executor, *meter, config_);
    EXPECT_EQ(r.already_done, before);
    EXPECT_EQ(r.already_done + r.profiled, archs_.size());
    std::map<std::string, int> seen;
    for (const auto& row : s.samples({"box", "latency_ms", "", "", "", ""}))
      if (row.run_uid == config_.run_uid) ++seen[row.set.arch];
    EXPECT_EQ(seen.size(), archs_.size());
    for (const auto& [arch, count] : seen) EXPECT_EQ(count, 1) << arch;
  }
}

}  // namespace
}  // namespace hwgpt::profile
