// Tests of the torch-free profiler parts: the median CI against textbook ranks, the stopping rule,
// RAPL on a fake powercap tree (with wrap-around), NVML through a fake library (counter and
// power-integration paths), CPU peak memory of a known allocation, CPU identification.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <thread>

#include "../common/temp_dir.hpp"
#include "hwgpt/profile/device_info.hpp"
#include "hwgpt/profile/energy_meter.hpp"
#include "hwgpt/profile/memory_meter.hpp"
#include "hwgpt/profile/protocol.hpp"

namespace hwgpt::profile {
namespace {

using ::testing::HasSubstr;

std::vector<double> one_to(int n) {
  std::vector<double> v;
  for (int i = n; i >= 1; --i) v.push_back(i);
  return v;
}

TEST(Protocol, MedianCiUsesBinomialRanks) {
  // Textbook distribution-free 95 % CIs of the median: n = 10 -> (x(2), x(9)); n = 20 -> (x(6),
  // x(15)); n = 6 -> (x(1), x(6)); n = 100 -> (x(40), x(61)).
  EXPECT_EQ(median_ci95(one_to(10)), std::make_pair(2.0, 9.0));
  EXPECT_EQ(median_ci95(one_to(20)), std::make_pair(6.0, 15.0));
  EXPECT_EQ(median_ci95(one_to(6)), std::make_pair(1.0, 6.0));
  EXPECT_EQ(median_ci95(one_to(100)), std::make_pair(40.0, 61.0));
  EXPECT_EQ(median(one_to(10)), 5.5);
  EXPECT_EQ(median(one_to(9)), 5.0);
}

TEST(Protocol, StopsWhenTheCiIsNarrowEnoughAndDiscardsWarmup) {
  int calls = 0;
  // Warm-up calls are slow (100), then values alternate 10.0 / 10.1: the CI is within 2 % at once.
  const auto m = measure([&] { return ++calls <= 3 ? 100.0 : (calls % 2 ? 10.0 : 10.1); }, {3, 7, 200, 0.02, 60});
  EXPECT_TRUE(m.converged);
  EXPECT_EQ(m.samples.size(), 7u);
  EXPECT_EQ(calls, 10);
  EXPECT_LE(m.ci_high, 10.1);
  EXPECT_GE(m.ci_low, 10.0);
}

TEST(Protocol, StopsAtTheRepeatCapWhenNoiseIsTooLarge) {
  int calls = 0;
  const auto m = measure([&] { return (++calls % 2) ? 1.0 : 3.0; }, {0, 7, 40, 0.02, 60});
  EXPECT_FALSE(m.converged);
  EXPECT_EQ(m.samples.size(), 40u);
  EXPECT_EQ(m.ci_low, 1.0);
  EXPECT_EQ(m.ci_high, 3.0);
  EXPECT_THROW(measure([] { return 1.0; }, {0, 10, 5, 0.02, 60}), std::exception);
}

class FakePowercap : public ::testing::Test {
 protected:
  void SetUp() override {
    zone("intel-rapl:0", 1000, 262143328850);
    zone("intel-rapl:0:0", 77, 262143328850);  // a sub-zone: part of package 0, not counted again
    zone("intel-rapl:1", 262143328000, 262143328850);  // 850 µJ before wrapping
  }
  void zone(const std::string& name, std::uint64_t energy, std::uint64_t range) {
    std::filesystem::create_directories(root_ / name);
    std::ofstream(root_ / name / "energy_uj") << energy << "\n";
    std::ofstream(root_ / name / "max_energy_range_uj") << range << "\n";
  }
  void set(const std::string& name, std::uint64_t energy) { std::ofstream(root_ / name / "energy_uj") << energy << "\n"; }
  test::TempDir root_{"powercap"};
};

TEST_F(FakePowercap, SumsPackagesAndHandlesWrapAround) {
  auto meter = make_rapl_meter(root_.path());
  ASSERT_TRUE(meter->available()) << meter->unavailable_reason();
  EXPECT_EQ(meter->name(), "rapl");
  EXPECT_DOUBLE_EQ(*meter->read_mj(), 0.0);  // counted from the meter's creation
  set("intel-rapl:0", 1000 + 2'500'000);  // +2.5 J
  set("intel-rapl:0:0", 5'000'000);       // ignored
  set("intel-rapl:1", 150);               // wrapped: 850 + 150 µJ
  EXPECT_DOUBLE_EQ(*meter->read_mj(), (2'500'000.0 + 1000.0) / 1000.0);
  set("intel-rapl:1", 1150);              // +1000 µJ after the wrap: readings accumulate
  EXPECT_DOUBLE_EQ(*meter->read_mj(), (2'500'000.0 + 2000.0) / 1000.0);
}

TEST(EnergyMeter, MissingRaplAndNvmlSayWhy) {
  const auto rapl = make_rapl_meter("/nonexistent/powercap");
  EXPECT_FALSE(rapl->available());
  EXPECT_THAT(rapl->unavailable_reason(), HasSubstr("/nonexistent/powercap does not exist"));
  EXPECT_FALSE(rapl->read_mj().has_value());
  const auto nvml = make_nvml_meter(0, "libnvidia-ml-absent.so.1");
  EXPECT_FALSE(nvml->available());
  EXPECT_THAT(nvml->unavailable_reason(), HasSubstr("NVML library 'libnvidia-ml-absent.so.1' not found"));
}

TEST(EnergyMeter, NvmlTotalEnergyCounter) {
  setenv("FAKE_NVML_MODE", "counter", 1);
  auto meter = make_nvml_meter(0, FAKE_NVML_PATH);
  ASSERT_TRUE(meter->available()) << meter->unavailable_reason();
  EXPECT_EQ(meter->name(), "nvml-counter");
  EXPECT_EQ(meter->poll_period_s(), 0.0);
  EXPECT_DOUBLE_EQ(*meter->read_mj(), 1234.0);  // the fake advances 1234 mJ per read
  EXPECT_DOUBLE_EQ(*meter->read_mj(), 2468.0);
  EXPECT_FALSE(make_nvml_meter(3, FAKE_NVML_PATH)->available());
}

TEST(EnergyMeter, NvmlPowerIntegrationWithoutACounter) {
  setenv("FAKE_NVML_MODE", "power", 1);
  const auto start = std::chrono::steady_clock::now();
  auto meter = make_nvml_meter(0, FAKE_NVML_PATH);
  ASSERT_TRUE(meter->available()) << meter->unavailable_reason();
  EXPECT_EQ(meter->name(), "nvml-power");
  EXPECT_EQ(meter->poll_period_s(), 0.005);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const double mj = *meter->read_mj();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // 100 W since the meter was made, integrated by its own poller (one 5 ms period behind at most).
  EXPECT_NEAR(mj, 100'000 * seconds, 100'000 * 0.03);
  setenv("FAKE_NVML_MODE", "noinit", 1);
  EXPECT_THAT(make_nvml_meter(0, FAKE_NVML_PATH)->unavailable_reason(), HasSubstr("nvmlInit_v2 failed"));
}

TEST(MemoryMeter, MeasuresTheAddedPeakOfAKnownAllocation) {
  std::string reason;
  // 64 MB touched page by page, then freed: the peak rises by ~64 MB whatever ran before.
  for (int round = 0; round < 2; ++round) {
    const auto r = measure_cpu_memory(
        [] {
          constexpr std::size_t kBytes = 64'000'000;
          // volatile: the compiler may not elide an allocation whose stores are unobservable.
          volatile char* p = static_cast<volatile char*>(std::malloc(kBytes));
          for (std::size_t i = 0; i < kBytes; i += 4096) p[i] = static_cast<char>(i);
          std::free(const_cast<char*>(p));
        },
        &reason);
    ASSERT_TRUE(r.has_value()) << reason;
    EXPECT_NEAR(r->added_mb, 64.0, 4.0) << "round " << round;
  }
}

TEST(DeviceInfo, ReadsModelCoresAndThreads) {
  const test::TempDir dir("cpuinfo");
  const auto path = dir / "cpuinfo";
  std::ofstream(path) << "processor\t: 0\nmodel name\t: AMD EPYC 7B13 64-Core Processor\nphysical id\t: 0\ncore id\t\t: 0\n\n"
                         "processor\t: 1\nmodel name\t: AMD EPYC 7B13 64-Core Processor\nphysical id\t: 0\ncore id\t\t: 0\n\n"
                         "processor\t: 2\nmodel name\t: AMD EPYC 7B13 64-Core Processor\nphysical id\t: 0\ncore id\t\t: 1\n";
  const auto d = detect_cpu_device("box", path);
  EXPECT_EQ(d.cpu_model, "AMD EPYC 7B13 64-Core Processor");
  EXPECT_EQ(d.cpu_threads, 3);
  EXPECT_EQ(d.cpu_cores, 2);
  EXPECT_EQ(d.source, "hwgpt");
  EXPECT_EQ(default_cpu_device_name(d), "amd-epyc-7b13-64-core-processor-3t");
}

}  // namespace
}  // namespace hwgpt::profile
