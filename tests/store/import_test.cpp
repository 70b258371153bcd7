// Import of the original's raw data (src/store/hwgpt_bench_import.cpp) checked against the CSV
// files read independently here: values and unit conversions (mWh -> mJ), device aliases,
// idempotence and resumption. Limited to a few rows per file to stay fast.
#include "hwgpt/store/hwgpt_bench_import.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../common/temp_dir.hpp"
#include "../common/test_data.hpp"
#include "hwgpt/core/error.hpp"

namespace hwgpt::store {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

class ImportTest : public ::testing::Test {
 protected:
  test::TempDir dir_{"import_test"};  // holds the store and its -wal/-shm files
  std::filesystem::path db_ = dir_ / "import.db";
};

// Field `column` of data row `row` (0-based, after the header) of a shared CSV file.
std::string csv_field(const std::string& file, std::size_t row, const std::string& column) {
  const auto lines = test::read_gz_lines(test::hwgpt_bench_dir() / file);
  const auto header = test::split_csv(lines.at(0));
  const auto fields = test::split_csv(lines.at(row + 1));
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == column) return fields[i];
  throw std::runtime_error("no column " + column);
}

std::vector<double> numbers(const std::string& text, double scale) {
  std::vector<double> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i)
    if (i == text.size() || text[i] == ';') {
      out.push_back(std::stod(text.substr(start, i - start)) * scale);
      start = i + 1;
    }
  return out;
}

TEST_F(ImportTest, ValuesAndUnitsMatchTheSourceFiles) {
  HWGPT_REQUIRE_SHARED_DATA();
  Store s(db_);
  const auto report = import_hwgpt_bench(s, test::hwgpt_bench_dir(), {20, "_s.csv", {}});
  EXPECT_EQ(report.files_imported, 14u + 1u + 2u);  // hw_*_s for 14 devices, perplexity_s, memory_*_s
  EXPECT_EQ(s.devices().size(), 14u);
  EXPECT_EQ(s.find_device("cpu_xeon_gold")->name, "cpu_meta");
  EXPECT_EQ(s.find_device("cpu_amd_7513")->name, "helix_cpu");

  const std::string arch = csv_field("hw_a100_s.csv.gz", 0, "arch");
  const auto latency = s.samples({"a100", "latency_ms", "s", arch, "", ""});
  ASSERT_EQ(latency.size(), 1u);
  EXPECT_EQ(latency[0].set.samples, numbers(csv_field("hw_a100_s.csv.gz", 0, "latency_ms"), 1.0));
  const auto energy = s.samples({"a100", "energy_mj", "s", arch, "", ""});
  ASSERT_EQ(energy.size(), 1u);
  EXPECT_EQ(energy[0].set.samples, numbers(csv_field("hw_a100_s.csv.gz", 0, "energy_mwh"), 3600.0));
  EXPECT_EQ(energy[0].set.count, 50);
  EXPECT_NEAR(energy[0].set.samples[0], 15.912 * 3600, 1e-9);  // README: first reading 15.912 mWh
  const auto runs = s.runs();
  const auto energy_run = std::find_if(runs.begin(), runs.end(), [](const RunInfo& r) {
    return r.uid == "hwgpt-bench:hw_a100_s.csv.gz?rows=20:energy";
  });
  ASSERT_NE(energy_run, runs.end());
  EXPECT_EQ(energy_run->batch, 8);
  EXPECT_EQ(energy_run->dtype, "bfloat16");
  EXPECT_EQ(energy_run->model_variant, "original");

  // CPU energy: CodeCarbon mean and std only (README: 42.478 ± 2.165 mWh for this arch).
  const auto cpu = s.samples({"cpu_xeon_gold", "energy_mj", "s", arch, "", ""});
  ASSERT_EQ(cpu.size(), 1u);
  EXPECT_TRUE(cpu[0].set.samples.empty());
  EXPECT_NEAR(cpu[0].set.mean, 42.478 * 3600, 1e-6);
  EXPECT_EQ(cpu[0].set.count, 10);
  EXPECT_EQ(s.samples({"cpu_meta", "params", "s", arch, "", ""})[0].set.mean, 148591104.0);

  const auto memory = s.samples({"a100", "memory_mb", "s", arch, "", ""});
  ASSERT_EQ(memory.size(), 1u);
  EXPECT_DOUBLE_EQ(memory[0].set.mean, 836.96);  // README's spec record
  const auto ppl = s.perplexities("s", "validationnas");
  ASSERT_EQ(ppl.size(), 20u);
  EXPECT_EQ(ppl[0].arch, test::split_csv(test::read_gz_lines(test::hwgpt_bench_dir() / "perplexity_s.csv.gz")[1])[0]);
  EXPECT_DOUBLE_EQ(ppl[0].perplexity, std::stod(test::split_csv(test::read_gz_lines(test::hwgpt_bench_dir() / "perplexity_s.csv.gz")[1])[1]));
}

TEST_F(ImportTest, SecondImportAddsNothingAndAnInterruptedOneResumes) {
  HWGPT_REQUIRE_SHARED_DATA();
  Store s(db_);
  // "Interrupted" after the a100 files: a later import must do the rest exactly once.
  const auto partial = import_hwgpt_bench(s, test::hwgpt_bench_dir(), {5, "a100", {}});
  EXPECT_EQ(partial.files_imported, 6u);  // hw_a100_{s,m,l}, memory_a100_{s,m,l}
  const auto full = import_hwgpt_bench(s, test::hwgpt_bench_dir(), {5, "", {}});
  EXPECT_EQ(full.files_already_present, 6u);
  EXPECT_EQ(full.files_imported, 51u - 6u);
  const auto before = s.info();
  const auto again = import_hwgpt_bench(s, test::hwgpt_bench_dir(), {5, "", {}});
  EXPECT_EQ(again.files_imported, 0u);
  EXPECT_EQ(again.rows_added, 0);
  const auto after = s.info();
  EXPECT_EQ(after.sample_sets, before.sample_sets);
  EXPECT_EQ(after.runs, before.runs);
  EXPECT_EQ(after.perplexities, before.perplexities);
  EXPECT_EQ(after.runs, 75);  // 8 GPUs × 3 × 2 + 6 CPUs × 3 + 2 × 3 memory + 3 perplexity
}

TEST_F(ImportTest, BadFoldersAndFilesGiveClearErrors) {
  Store s(db_);
  EXPECT_THAT([&] { import_hwgpt_bench(s, "/nonexistent", {}); },
              ThrowsMessage<FileError>(HasSubstr("'/nonexistent' is not a folder")));
  const auto dir = dir_ / "import_bad";
  std::filesystem::create_directories(dir);
  EXPECT_THAT([&] { import_hwgpt_bench(s, dir, {}); },
              ThrowsMessage<FileError>(HasSubstr("has no hw_*, memory_* or perplexity_*")));
  {
    gzFile f = gzopen((dir / "hw_a100_s.csv.gz").c_str(), "wb");
    const std::string text =
        "arch,latency_ms,energy_mwh,energy_mean_mwh,energy_std_mwh,power_w,cc_energy_mean_mwh,"
        "cc_energy_std_mwh,cc_co2_mean,cc_co2_std,flops,macs,params\n"
        "gpt-t-3-128-2-3-4-1-2-4-True,1.0;x,,,,,,,,,,,\n";
    gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
    gzclose(f);
  }
  EXPECT_THAT([&] { import_hwgpt_bench(s, dir, {}); },
              ThrowsMessage<FileError>(HasSubstr("hw_a100_s.csv.gz:2: column 'latency_ms': 'x' is not a number")));
  EXPECT_EQ(s.info().runs, 0);
}

}  // namespace
}  // namespace hwgpt::store
