// Unit tests for src/store/store*.cpp: creation and schema version, broken and foreign files,
// device metadata and aliases, idempotent writes, queries, merging, and concurrent writers.
#include "hwgpt/store/store.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "../common/temp_dir.hpp"
#include "hwgpt/core/error.hpp"

namespace hwgpt::store {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

class StoreTest : public ::testing::Test {
 protected:
  test::TempDir dir_{"store_test"};
};

Device cpu(const std::string& name) {
  Device d;
  d.name = name;
  d.kind = DeviceKind::kCpu;
  d.cpu_model = "AMD EPYC 7B13";
  d.cpu_cores = 2;
  d.cpu_threads = 2;
  d.hostname = "host-" + name;
  d.source = "hwgpt";
  return d;
}

RunInfo run(const std::string& uid, const std::string& device) {
  RunInfo r;
  r.uid = uid;
  r.device = device;
  r.kind = "profile";
  r.space = "t";
  r.model_variant = "hwgpt";
  r.command = "hwgpt profile";
  r.batch = 4;
  r.sequence_length = 256;
  r.dtype = "float32";
  r.threads = 2;
  r.protocol_json = R"({"warmup":3})";
  r.started_at = "2026-11-25T10:00:00Z";
  return r;
}

const std::string kArch = "gpt-t-3-128-2-3-4-1-2-4-True";

// The statistic the benchmark predicts: the median of the raw samples (mean of the middle two for
// an even count; an outlier moves it not at all), or the recorded mean of a summary-only set.
TEST(TypicalValue, IsTheSampleMedianOrTheSummarysMean) {
  EXPECT_EQ(typical_value(sample_set("a", "latency_ms", {3, 1, 2})), 2.0);
  EXPECT_EQ(typical_value(sample_set("a", "latency_ms", {4, 1, 3, 2})), 2.5);
  EXPECT_EQ(typical_value(sample_set("a", "latency_ms", {1, 1, 1, 1, 1, 1, 1, 1, 1, 100})), 1.0);
  SampleSet summary;
  summary.count = 10;
  summary.mean = 7.5;
  EXPECT_EQ(typical_value(summary), 7.5);
  EXPECT_TRUE(std::isnan(median({})));
}

TEST_F(StoreTest, CreatesWithTheCurrentSchemaAndReopens) {
  {
    Store s(dir_ / "a.db");
    EXPECT_EQ(s.schema_version(), Store::kSchemaVersion);
    s.put_device(cpu("x"));
  }
  const Store reopened(dir_ / "a.db", Store::Mode::kReadOnly);
  EXPECT_EQ(reopened.devices().size(), 1u);
  EXPECT_EQ(reopened.devices()[0], cpu("x"));
}

TEST_F(StoreTest, RejectsForeignNewerAndMissingFiles) {
  std::ofstream(dir_ / "text.db") << "this is not a database, just some text that is long enough";
  EXPECT_THAT([&] { Store s(dir_ / "text.db"); }, ThrowsMessage<FileError>(HasSubstr("is not an hwgpt store")));
  sqlite3* raw = nullptr;
  sqlite3_open((dir_ / "other.db").c_str(), &raw);
  sqlite3_exec(raw, "CREATE TABLE t(x)", nullptr, nullptr, nullptr);
  sqlite3_close(raw);
  EXPECT_THAT([&] { Store s(dir_ / "other.db"); },
              ThrowsMessage<FileError>(HasSubstr("is an SQLite database but not an hwgpt store")));
  { Store s(dir_ / "new.db"); }
  sqlite3_open((dir_ / "new.db").c_str(), &raw);
  sqlite3_exec(raw, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
  sqlite3_close(raw);
  EXPECT_THAT([&] { Store s(dir_ / "new.db"); },
              ThrowsMessage<FileError>(HasSubstr("has schema version 99; this hwgpt reads up to 1")));
  EXPECT_THAT([&] { Store s(dir_ / "absent.db", Store::Mode::kReadOnly); },
              ThrowsMessage<FileError>(HasSubstr("does not exist")));
  // A failed open leaves the foreign file untouched.
  std::ifstream in(dir_ / "text.db");
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "this is not a database, just some text that is long enough");
}

TEST_F(StoreTest, DevicesAreUniqueByNameAndFoundByAlias) {
  Store s(dir_ / "a.db");
  Device d = cpu("box");
  d.aliases = {"cpu_fast"};
  s.put_device(d);
  s.put_device(d);  // identical: no-op
  EXPECT_EQ(s.find_device("cpu_fast")->name, "box");
  EXPECT_FALSE(s.find_device("nothing").has_value());
  // Names and aliases in any case; an exact match wins over one that differs only in case.
  EXPECT_EQ(s.find_device("BOX")->name, "box");
  EXPECT_EQ(s.find_device("Cpu_Fast")->name, "box");
  s.put_device(cpu("Box"));
  EXPECT_EQ(s.find_device("Box")->name, "Box");
  EXPECT_EQ(s.find_device("box")->name, "box");
  Device changed = d;
  changed.cpu_cores = 64;
  EXPECT_THAT([&] { s.put_device(changed); },
              ThrowsMessage<ValueError>(HasSubstr("device 'box' is already in the store with different metadata")));
  Device clash = cpu("other");
  clash.aliases = {"box"};
  EXPECT_THAT([&] { s.put_device(clash); }, ThrowsMessage<ValueError>(HasSubstr("alias 'box' already names")));
}

TEST_F(StoreTest, WritesAreIdempotentAndRoundTripExactly) {
  Store s(dir_ / "a.db");
  s.put_device(cpu("box"));
  const SampleSet set = sample_set(kArch, "latency_ms", {1.5, 2.5, 0.1 + 0.2});
  EXPECT_EQ(s.write(run("r1", "box"), {set}, {{kArch, "nas_eval", 12.5, 0.4, 1000}}), 2);
  EXPECT_EQ(s.write(run("r1", "box"), {set}, {{kArch, "nas_eval", 12.5, 0.4, 1000}}), 0);
  const auto rows = s.samples({"box", "latency_ms", "", "", "", ""});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].set, set);  // bit-exact doubles through the BLOB
  EXPECT_DOUBLE_EQ(rows[0].set.mean, (1.5 + 2.5 + (0.1 + 0.2)) / 3);
  // Sample std of {1.5, 2.5, 0.3} with mean 1.4333…: sqrt(((0.0667)² + (1.0667)² + (1.1333)²) / 2).
  EXPECT_NEAR(rows[0].set.std, 1.1015141, 1e-6);
  EXPECT_EQ(s.perplexities("t").size(), 1u);
  RunInfo other = run("r1", "box");
  other.batch = 8;
  EXPECT_THAT([&] { s.write(other, {}); },
              ThrowsMessage<ValueError>(HasSubstr("run 'r1' is already in the store with different settings")));
  EXPECT_THAT([&] { s.write(run("r2", "ghost"), {}); },
              ThrowsMessage<ValueError>(HasSubstr("device 'ghost' is not in the store")));
}

TEST_F(StoreTest, AFailedBatchLeavesNothingBehind) {
  Store s(dir_ / "a.db");
  s.put_device(cpu("box"));
  std::vector<SampleSet> sets = {sample_set(kArch, "latency_ms", {1.0}),
                                 sample_set("not-an-arch", "latency_ms", {2.0})};
  EXPECT_THROW(s.write(run("r1", "box"), sets), ParseError);
  EXPECT_FALSE(s.has_run("r1"));
  EXPECT_EQ(s.info().archs, 0);
  EXPECT_EQ(s.info().sample_sets, 0);
}

TEST_F(StoreTest, AppendAddsBatchesToARunAndQueriesFilter) {
  Store s(dir_ / "a.db");
  s.put_device(cpu("box"));
  s.write(run("r1", "box"), {});
  EXPECT_EQ(s.append("r1", {sample_set(kArch, "latency_ms", {1.0, 2.0})}), 1);
  EXPECT_EQ(s.append("r1", {sample_set(kArch, "latency_ms", {9.0}),  // replay: first write wins
                            sample_set(kArch, "energy_mj", {3.0})}), 1);
  s.set_run_end("r1", "2026-11-25T11:00:00Z");
  EXPECT_EQ(s.runs()[0].ended_at, "2026-11-25T11:00:00Z");
  EXPECT_EQ(s.samples({"", "latency_ms", "", "", "", ""})[0].set.samples, (std::vector<double>{1.0, 2.0}));
  EXPECT_EQ(s.samples({"", "", "t", kArch, "profile", ""}).size(), 2u);
  EXPECT_TRUE(s.samples({"", "", "s", "", "", ""}).empty());
  EXPECT_THAT([&] { s.append("nope", {}); }, ThrowsMessage<ValueError>(HasSubstr("run 'nope' is not in the store")));
  const auto info = s.info();
  EXPECT_EQ(info.sample_sets, 2);
  EXPECT_EQ(info.samples, 3);
  ASSERT_EQ(info.per_device.size(), 1u);
  EXPECT_EQ(info.per_device[0].sample_sets, 2);
  // A second run of the same device: the run filter tells them apart.
  s.write(run("r2", "box"), {sample_set(kArch, "latency_ms", {5.0})});
  EXPECT_EQ(s.samples({"box", "latency_ms", "", "", "", ""}).size(), 2u);
  const auto only_r2 = s.samples({"box", "latency_ms", "", "", "", "r2"});
  ASSERT_EQ(only_r2.size(), 1u);
  EXPECT_EQ(only_r2[0].run_uid, "r2");
  EXPECT_EQ(only_r2[0].set.samples, std::vector<double>{5.0});
  EXPECT_TRUE(s.samples({"", "", "", "", "", "nope"}).empty());
}

TEST_F(StoreTest, MergeCombinesFleetStoresAndIsIdempotent) {
  {
    Store a(dir_ / "a.db");
    a.put_device(cpu("box_a"));
    a.write(run("a1", "box_a"), {sample_set(kArch, "latency_ms", {1.0})});
  }
  {
    Store b(dir_ / "b.db");
    b.put_device(cpu("box_b"));
    b.write(run("b1", "box_b"), {sample_set(kArch, "latency_ms", {2.0}), sample_set(kArch, "energy_mj", {5.0})},
            {{kArch, "nas_eval", 10.0, std::nullopt, 0}});
  }
  Store a(dir_ / "a.db");
  const auto first = a.merge_from(dir_ / "b.db");
  EXPECT_EQ(first.devices_added, 1);
  EXPECT_EQ(first.runs_added, 1);
  EXPECT_EQ(first.rows_added, 3);
  const auto again = a.merge_from(dir_ / "b.db");
  EXPECT_EQ(again.runs_added, 0);
  EXPECT_EQ(again.runs_present, 1);
  EXPECT_EQ(again.rows_added, 0);
  EXPECT_EQ(a.info().sample_sets, 3);
  EXPECT_EQ(a.samples({"box_b", "energy_mj", "", "", "", ""})[0].set.samples, (std::vector<double>{5.0}));
  EXPECT_FALSE(a.perplexities("t")[0].accuracy.has_value());
  EXPECT_THAT([&] { a.merge_from(dir_ / "a.db"); }, ThrowsMessage<ValueError>(HasSubstr("into itself")));
  // The same device name with other metadata is a conflict, and the merge changes nothing.
  {
    Store c(dir_ / "c.db");
    Device impostor = cpu("box_a");
    impostor.hostname = "elsewhere";
    c.put_device(impostor);
    c.write(run("c1", "box_a"), {sample_set(kArch, "latency_ms", {7.0})});
  }
  EXPECT_THROW(a.merge_from(dir_ / "c.db"), ValueError);
  EXPECT_FALSE(a.has_run("c1"));
}

TEST_F(StoreTest, TwoProcessesWritingAtOnceLoseNothing) {
  { Store s(dir_ / "shared.db"); s.put_device(cpu("box")); }
  constexpr int kBatches = 40;
  auto writer = [&](const std::string& uid) {
    Store s(dir_ / "shared.db");
    s.write(run(uid, "box"), {});
    for (int i = 0; i < kBatches; ++i) {
      std::vector<SampleSet> batch;
      for (int j = 0; j < 5; ++j)
        batch.push_back(sample_set(kArch, "m" + std::to_string(i * 5 + j), {double(i), double(j)}));
      s.append(uid, batch);
    }
  };
  const pid_t child = fork();
  if (child == 0) {
    try {
      writer("child");
      _exit(0);
    } catch (...) {
      _exit(1);
    }
  }
  writer("parent");
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  const Store s(dir_ / "shared.db", Store::Mode::kReadOnly);
  EXPECT_EQ(s.info().sample_sets, 2 * kBatches * 5);
  EXPECT_EQ(s.info().runs, 2);
}

}  // namespace
}  // namespace hwgpt::store
