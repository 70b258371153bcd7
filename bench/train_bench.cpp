// Training speed of hwgpt's trainer: tokens/s and achieved FLOP/s of one optimizer step of a
// nanoGPT-sized model (4 layers, 4 heads, width 128, MLP 4x; a slice of the t supernet), batch
// 12x64, on a synthetic byte corpus. bench/reference/train_reference.py is the PyTorch side.
// Run with OMP_WAIT_POLICY=passive; --threads via HWGPT_BENCH_THREADS (default 1).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "hwgpt/analytic/summary.hpp"
#include "hwgpt/core/malloc_policy.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "hwgpt/train/trainer.hpp"

namespace {

constexpr const char* kArch = "gpt-t-4-128-4-4-4-4-4-4-4-4-True";

void BM_Train_StandaloneStep(benchmark::State& state) {
  const char* env = std::getenv("HWGPT_BENCH_THREADS");
  hwgpt::model::set_num_threads(env ? std::atoi(env) : 1);
  hwgpt::set_malloc_policy(hwgpt::MallocPolicy::kKeepFreed);  // as `hwgpt train` does
  const auto dir = std::filesystem::temp_directory_path() / ("hwgpt_train_bench_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  hwgpt::Rng rng(1);
  std::string text;
  while (text.size() < 200000) text.push_back(static_cast<char>('a' + rng.uniform_index(26)));
  std::ofstream(dir / "corpus.txt") << text;
  const auto& space = hwgpt::space::SearchSpace::builtin("t");
  hwgpt::train::TrainConfig c;
  c.batch = 12;
  c.sequence_length = 64;
  c.max_steps = 1'000'000;
  c.eval_every = 0;
  c.standalone_arch = kArch;
  hwgpt::train::Trainer trainer(space, c, hwgpt::train::load_byte_corpus(dir / "corpus.txt"), dir / "c.pt");
  for (int i = 0; i < 3; ++i) trainer.train_step();  // warm-up: allocator, thread pool
  for (auto _ : state) trainer.train_step();
  const auto arch = hwgpt::space::parse_arch(kArch, space);
  // Training FLOPs = 3 x forward (backward is about twice the forward), attention included.
  const double flops_per_step =
      3.0 * static_cast<double>(hwgpt::analytic::analyze(arch, space, {12, 64, hwgpt::analytic::Dtype::kFloat32})
                                    .forward.total);
  const auto steps = static_cast<double>(state.iterations());
  state.counters["tokens_per_s"] = benchmark::Counter(steps * 12 * 64, benchmark::Counter::kIsRate);
  state.counters["flops_per_s"] = benchmark::Counter(steps * flops_per_step, benchmark::Counter::kIsRate);
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_Train_StandaloneStep)->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime()->MinTime(5.0);

}  // namespace
