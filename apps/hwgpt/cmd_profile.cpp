// `hwgpt profile`: measure sub-networks on this machine into a store, resumably.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>

#include "commands.hpp"
#include "hwgpt_git_revision.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/malloc_policy.hpp"
#include "hwgpt/core/progress.hpp"
#include "hwgpt/core/rng.hpp"
#include "hwgpt/profile/device_info.hpp"
#include "hwgpt/model/supernet.hpp"
#include "hwgpt/profile/model_executor.hpp"
#include "hwgpt/profile/precision.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "hwgpt/space/sampling.hpp"

namespace hwgpt::cli {
namespace {

constexpr const char* kHelp =
    "usage: hwgpt profile --scale S (--archs FILE | --sample N [--seed K (1)]) --db PATH\n"
    "         [--device NAME (from the CPU model)] [--checkpoint SUPERNET (random weights)]\n"
    "         [--batch B --seq T (the space's workload)] [--threads N (1)]\n"
    "         [--dtype float32|bfloat16|float16 (float32; 16-bit: autocast, as the original's GPU runs)]\n"
    "         [--warmup N (3)] [--min-repeats N (7)] [--max-repeats N (200)] [--target-ci X (0.02)]\n"
    "         [--max-seconds S (120)] [--decode-tokens N (32)] [--no-memory] [--run-uid U]\n"
    "         [--compute cpu|cuda[:N] (cpu; cuda needs a CUDA libtorch and --device NAME)]\n"
    "         [--energy-updates K (10)] [--energy-window S (0.5)] [--energy-windows N (3)]\n"
    "       hwgpt profile --summary --db PATH [--run-uid U (every profile run)] [--target-ci X]\n"
    "Measures forward latency (ms), cached decoding (ms/token), energy (mJ, where RAPL or, on a\n"
    "GPU, NVML exists) and the peak memory added by a forward pass (MB: resident memory on the\n"
    "CPU, the CUDA allocator's on a GPU) of each arch's extracted model, float32 or under\n"
    "autocast to --dtype (float16 on a GPU only). Kill it at any\n"
    "moment and run the same command again: it continues where it stopped (the run uid\n"
    "defaults to device/space/workload/threads). --summary prints the precision each run\n"
    "reached, recomputed from its stored samples: per metric the archs, calls per arch, and the\n"
    "share of archs whose 95 % CI of the median is within the target.\n"
    "Energy per call comes from N windows of back-to-back calls, each spanning at least K updates\n"
    "of the meter's counter and S seconds (NVML's counter steps every ~100 ms; one call alone\n"
    "would read 0 or a whole step): the counter difference between two updates / calls between.\n";

// `profile --summary`: the precision each profile run reached, recomputed from its stored samples.
void print_summary(const Args& args) {
  const auto db_path = args.value("--db");
  if (!db_path) throw ParseError("profile --summary: missing --db PATH");
  const store::Store db(*db_path, store::Store::Mode::kReadOnly);
  std::vector<std::string> uids;
  if (const auto uid = args.value("--run-uid")) uids.push_back(*uid);
  else
    for (const auto& run : db.runs())
      if (run.kind == "profile") uids.push_back(run.uid);
  const double target = parse_double(args, "--target-ci", 0.02);
  for (const auto& uid : uids) {
    const auto precision = profile::run_precision(db, uid, target);  // throws for an unknown uid
    std::cout << "run " << uid << "\n";
    std::printf("  %-22s %6s %7s %12s %12s %13s\n", "metric", "archs", "calls", "median", "CI<=target", "median CI");
    for (const auto& p : precision) {
      if (p.with_interval == 0)  // single measurements (memory): no interval
        std::printf("  %-22s %6zu %7.1f %12.4g %12s %13s\n", p.metric.c_str(), p.archs, p.mean_calls, p.median_value,
                    "-", "-");
      else
        std::printf("  %-22s %6zu %7.1f %12.4g %12.3f %12.2f%%\n", p.metric.c_str(), p.archs, p.mean_calls,
                    p.median_value, p.share_within_target, p.median_relative_width * 100);
    }
  }
}

// The archs of --archs FILE (one canonical string a line) or --sample N (drawn per choice with --seed).
std::vector<space::Arch> archs_argument(const Args& args, const space::SearchSpace& s) {
  std::vector<space::Arch> archs;
  if (const auto file = args.value("--archs")) {
    std::ifstream in(*file);
    if (!in) throw FileError("cannot open arch list '" + *file + "'");
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) archs.push_back(space::parse_arch(line, s));
  } else if (args.value("--sample")) {
    Rng rng(args.seed());
    archs = space::sample_archs(s, static_cast<std::size_t>(args.integer("--sample", 0, 1, 10'000'000)), rng,
                                space::SamplingMode::kPerChoice, true);
  } else {
    throw ParseError("profile: give --archs FILE or --sample N");
  }
  return archs;
}

// How to measure, from the options; the device and the run uid are set once the store has the device.
profile::ProfileConfig profile_config(const Args& args, const std::vector<std::string>& tokens,
                                      const space::SearchSpace& s) {
  profile::ProfileConfig config;
  config.workload = analytic::default_workload(s);
  config.workload.batch = static_cast<int>(args.integer("--batch", config.workload.batch, 1, 1'000'000));
  config.workload.sequence_length = static_cast<int>(args.integer("--seq", config.workload.sequence_length, 1, 1'000'000));
  if (const auto dtype = args.value("--dtype")) {
    const std::string expected = "; expected float32, bfloat16 or float16 (autocast)";
    try {
      config.workload.dtype = analytic::parse_dtype(*dtype);
    } catch (const ParseError&) {
      throw ParseError("profile: --dtype " + *dtype + expected);
    }
    if (config.workload.dtype == analytic::Dtype::kInt8) throw ParseError("profile: --dtype " + *dtype + expected);
  }
  config.threads = static_cast<int>(args.integer("--threads", 1, 1, 1024));
  config.protocol.warmup = static_cast<int>(args.integer("--warmup", config.protocol.warmup, 0, 1000));
  config.protocol.min_repeats = static_cast<int>(args.integer("--min-repeats", config.protocol.min_repeats, 1, 100000));
  config.protocol.max_repeats = static_cast<int>(args.integer("--max-repeats", config.protocol.max_repeats, 1, 100000));
  config.protocol.target_relative_ci = parse_double(args, "--target-ci", config.protocol.target_relative_ci);
  config.protocol.max_seconds = parse_double(args, "--max-seconds", config.protocol.max_seconds);
  config.decode_tokens = static_cast<int>(args.integer("--decode-tokens", 32, 0, 100000));
  config.energy_window.min_updates = static_cast<int>(args.integer("--energy-updates", config.energy_window.min_updates, 1, 100000));
  config.energy_window.min_seconds = parse_double(args, "--energy-window", config.energy_window.min_seconds);
  config.energy_windows = static_cast<int>(args.integer("--energy-windows", config.energy_windows, 1, 1000));
  config.measure_memory = !args.flag("--no-memory");
  std::string command = "hwgpt";
  for (const auto& t : tokens) command += " " + t;
  config.command = "hwgpt profile" + command.substr(5);
  config.git_revision = HWGPT_GIT_REVISION;
  return config;
}

// This host under --device NAME (else its CPU model's name), a GPU with --compute cuda, put in the store.
store::Device put_this_device(const Args& args, store::Store& db, bool gpu) {
  auto device = profile::detect_cpu_device("");  // the host; a GPU run records it as the GPU's host
  device.name = args.value_or("--device", profile::default_cpu_device_name(device));
  if (gpu) device.kind = store::DeviceKind::kGpu;
  db.put_device(device);
  return device;
}

// The model executor on `compute`: --checkpoint's weights, else random ones of --seed.
std::unique_ptr<profile::ArchExecutor> model_executor(const Args& args, const space::SearchSpace& s, int threads,
                                                      const std::string& compute) {
  profile::ModelExecutorConfig executor_config;
  if (const auto c = args.value("--checkpoint")) executor_config.checkpoint = *c;
  executor_config.seed = args.seed();
  executor_config.threads = threads;
  executor_config.device = compute;
  return profile::make_model_executor(s, executor_config);
}

void print_report(const profile::ProfileConfig& config, const profile::ProfileReport& report) {
  if (report.started_revision)
    std::cerr << "profile: run " << config.run_uid << " was started by a build of revision '" << *report.started_revision
              << "' and resumed by one of '" << config.git_revision << "'; it keeps the first\n";
  std::cout << "run " << config.run_uid << ": profiled " << report.profiled << " archs, " << report.already_done
            << " already done; energy: " << report.energy_status << "\n";
  for (const auto& failure : report.energy_failures) std::cerr << "profile: no energy for " << failure << "\n";
  for (const auto& failure : report.memory_failures) std::cerr << "profile: no memory for " << failure << "\n";
  if (!report.energy_stopped.empty()) std::cerr << "profile: energy stopped: " << report.energy_stopped << "\n";
}

}  // namespace

int cmd_profile(const std::vector<std::string>& tokens) {
  const Args args("profile", tokens,
                  {{"--scale", "--space-file", "--archs", "--sample", "--seed", "--db", "--compute",
                    "--checkpoint", "--batch", "--seq", "--dtype", "--threads", "--warmup", "--min-repeats",
                    "--max-repeats", "--target-ci", "--max-seconds", "--decode-tokens", "--run-uid", "--device",
                    "--energy-updates", "--energy-window", "--energy-windows"},
                   {"--no-memory", "--summary", "--help"},
                   {}});
  if (args.flag("--help")) {
    std::cout << kHelp;
    return 0;
  }
  if (args.flag("--summary")) {
    print_summary(args);
    return 0;
  }
  const auto s = resolve_space(args, "");
  const auto db_path = args.value("--db");
  if (!db_path) throw ParseError("profile: missing --db PATH");
  const std::vector<space::Arch> archs = archs_argument(args, s);
  profile::ProfileConfig config = profile_config(args, tokens, s);

  const std::string compute = args.compute(true);
  model::check_compute_device(compute);
  const bool gpu = compute != "cpu";
  if (gpu && !args.value("--device"))
    throw ParseError("profile: --compute " + compute + " needs --device NAME (the GPU's name in the store, e.g. h100)");
  if (!gpu && config.workload.dtype == analytic::Dtype::kFloat16)
    throw ParseError("profile: --dtype float16: autocast to float16 needs a GPU (the CPU autocasts to bfloat16)");
  // The timed calls reuse freed blocks instead of faulting in fresh pages every pass (a t pass at
  // 1 x 128: 15 ms with a 10 % CI after 200 calls by default, 8 ms within 2 % in 9-44 calls so);
  // the memory pass switches back to fresh mappings (profile/memory_meter.cpp). Recorded.
  set_malloc_policy(MallocPolicy::kKeepFreed);
  store::Store db(*db_path);
  const auto device = put_this_device(args, db, gpu);
  config.device = device.name;
  config.run_uid = args.value_or("--run-uid", device.name + "/" + s.name() + "/b" + std::to_string(config.workload.batch) +
                                                  "-t" + std::to_string(config.workload.sequence_length) +
                                                  "-" + analytic::dtype_name(config.workload.dtype) +
                                                  "-threads" + std::to_string(config.threads));
  auto executor = model_executor(args, s, config.threads, compute);
  auto meter = profile::detect_energy_meter(gpu ? "gpu" : "cpu");
  if (!meter->available()) std::cerr << "profile: energy not measured: " << meter->unavailable_reason() << "\n";

  config.blas_threads = model::blas_threads();  // after the executor set its threads
  ProgressPrinter progress("profile", "archs", 0, ProgressPrinter::Style::kCounter);
  const auto report = profile::run_profile(db, s, archs, *executor, *meter, config, [&](std::size_t done, std::size_t total) {
    progress.set_total(static_cast<double>(total));
    progress.update(static_cast<double>(done));
  });
  progress.finish();
  print_report(config, report);
  return 0;
}

}  // namespace hwgpt::cli
