// The analytic counts of the original's profiled model against every record of the original's
// raw data (../shared/data/hwgpt-bench): `params` of each record, and `macs` = batch·1024·(linear
// MACs per token) with the latency-run batch S 8, M 4, L 1.
#include <gtest/gtest.h>

#include <filesystem>

#include "../common/test_data.hpp"
#include "hwgpt/analytic/flops.hpp"
#include "hwgpt/analytic/params.hpp"
#include "hwgpt/space/arch_string.hpp"

namespace hwgpt::analytic {
namespace {

std::size_t column(const std::vector<std::string>& header, const std::string& name) {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  throw std::runtime_error("no column " + name);
}

TEST(OriginalData, ParamsAndMacsMatchEveryRecord) {
  HWGPT_REQUIRE_SHARED_DATA();
  const std::map<std::string, std::uint64_t> batch = {{"s", 8}, {"m", 4}, {"l", 1}};
  std::size_t files = 0, params_checked = 0, macs_checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(test::hwgpt_bench_dir())) {
    const std::string file = entry.path().filename().string();
    if (file.rfind("hw_", 0) != 0) continue;
    const std::string scale = file.substr(file.size() - 8, 1);  // hw_<device>_<scale>.csv.gz
    const auto& space = space::SearchSpace::builtin(scale);
    const auto lines = test::read_gz_lines(entry.path());
    const auto header = test::split_csv(lines.at(0));
    const auto arch_col = column(header, "arch"), params_col = column(header, "params"),
               macs_col = column(header, "macs");
    ++files;
    for (std::size_t i = 1; i < lines.size(); ++i) {
      const auto fields = test::split_csv(lines[i]);
      const auto spec = model_spec(space::parse_arch(fields[arch_col], space), space,
                                   ModelVariant::kOriginalProfiled);
      if (!fields[params_col].empty()) {
        ASSERT_EQ(num_params(spec), std::stoull(fields[params_col])) << file << " line " << i + 1;
        ++params_checked;
      }
      if (!fields[macs_col].empty()) {
        ASSERT_EQ(linear_macs(spec, batch.at(scale) * 1024), std::stoull(fields[macs_col]))
            << file << " line " << i + 1;
        ++macs_checked;
      }
    }
  }
  // 13 device folders × 3 scales; ~7,500 visible archs each.
  EXPECT_EQ(files, 42u);
  EXPECT_GT(params_checked, 250'000u);
  EXPECT_GT(macs_checked, 200'000u);
  RecordProperty("params_checked", static_cast<int>(params_checked));
  RecordProperty("macs_checked", static_cast<int>(macs_checked));
  std::printf("checked params of %zu and MACs of %zu records in %zu files\n", params_checked,
              macs_checked, files);
}

}  // namespace
}  // namespace hwgpt::analytic
