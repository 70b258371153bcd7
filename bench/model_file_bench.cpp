// Supernet files (core/tensor_file.hpp): writes the freshly initialised supernet of scale t and s
// once to the temporary folder (s: ~495 MB), then times Supernet::save (atomic write with the
// checksum) and Supernet::load (read, checksum, copy into tensors), page cache warm.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>

#include "hwgpt/model/supernet.hpp"
#include "hwgpt/space/search_space.hpp"

namespace {

namespace fs = std::filesystem;

// One file per scale, written on first use and removed at exit.
const fs::path& supernet_file(const std::string& scale) {
  struct Files {
    std::map<std::string, fs::path> paths;
    ~Files() {
      for (const auto& [scale, path] : paths) fs::remove(path);
    }
  };
  static Files files;
  auto [it, added] = files.paths.try_emplace(scale);
  if (added) {
    it->second = fs::temp_directory_path() / ("hwgpt_model_file_bench_" + std::to_string(::getpid()) + "_" + scale + ".pt");
    hwgpt::model::Supernet(hwgpt::space::SearchSpace::builtin(scale), 1).save(it->second);
  }
  return it->second;
}

const char* scale_name(std::int64_t i) { return i == 0 ? "t" : "s"; }

void BM_SupernetSave(benchmark::State& state) {
  const std::string scale = scale_name(state.range(0));
  const fs::path& path = supernet_file(scale);
  const hwgpt::model::Supernet net(hwgpt::space::SearchSpace::builtin(scale), 1);
  for (auto _ : state) net.save(path);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(fs::file_size(path)));
  state.SetLabel(scale);
}
BENCHMARK(BM_SupernetSave)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_SupernetLoad(benchmark::State& state) {
  const fs::path& path = supernet_file(scale_name(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(hwgpt::model::Supernet::load(path));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(fs::file_size(path)));
  state.SetLabel(scale_name(state.range(0)));
}
BENCHMARK(BM_SupernetLoad)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
