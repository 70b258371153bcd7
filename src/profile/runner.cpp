// run_profile: protocol × meters × store (see runner.hpp).
#include "hwgpt/profile/runner.hpp"

#include <chrono>
#include <ctime>
#include <set>

#include <nlohmann/json.hpp>

#include "hwgpt/core/error.hpp"
#include "hwgpt/core/malloc_policy.hpp"
#include "hwgpt/profile/energy_window.hpp"
#include "hwgpt/profile/memory_meter.hpp"
#include "hwgpt/space/arch_string.hpp"

namespace hwgpt::profile {
namespace {

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buffer;
}

// Refuses, before anything is written, a run that could give no or a meaningless sample.
void check_config(const store::Store& store, const ProfileConfig& config) {
  if (config.run_uid.empty()) throw ValueError("profile: run uid is empty");
  const EnergyWindowConfig& ew = config.energy_window;
  if (config.energy_windows < 1 || ew.min_updates < 1 || !(ew.min_seconds >= 0) || !(ew.max_seconds > ew.min_seconds) ||
      !(ew.poll_ms > 0))
    throw ValueError("profile: energy windows need windows per arch >= 1, updates >= 1, 0 <= window seconds < "
                     "max seconds and a poll period > 0 (got " + std::to_string(config.energy_windows) + ", " +
                     std::to_string(ew.min_updates) + ", " + std::to_string(ew.min_seconds) + ", " +
                     std::to_string(ew.max_seconds) + ", " + std::to_string(ew.poll_ms) + ")");
  if (!store.find_device(config.device))
    throw ValueError("profile: device '" + config.device + "' is not in the store; add it first");
}

// The run's record, all but its protocol and times.
store::RunInfo new_run(const space::SearchSpace& space, const ArchExecutor& executor, const ProfileConfig& config) {
  store::RunInfo run;
  run.uid = config.run_uid;
  run.device = config.device;
  run.kind = "profile";
  run.space = space.name();
  run.model_variant = executor.model_variant();
  run.command = config.command;
  run.git_revision = config.git_revision;
  run.batch = config.workload.batch;
  run.sequence_length = config.workload.sequence_length;
  run.dtype = analytic::dtype_name(config.workload.dtype);
  run.threads = config.threads;
  return run;
}

// The run's protocol JSON, which is also its resume key: existing runs must keep getting the same text.
std::string protocol_record(const ArchExecutor& executor, const EnergyMeter& meter, const ProfileConfig& config,
                            const std::string& energy_status) {
  nlohmann::json protocol = nlohmann::json::parse(protocol_json(config.protocol));
  // The libtorch executor's CPU wording predates its GPU path (which synchronises instead of using
  // CUDA events); it is kept because the protocol is the resume key of existing runs.
  protocol["timer"] = executor.timer();
  protocol["decode_tokens"] = config.decode_tokens;
  protocol["blas_threads"] = config.blas_threads;  // OpenBLAS's own pool; -1: not OpenBLAS
  protocol["energy"] = energy_status;
  // Only with a meter: runs without one keep the protocol (their resume key) they always had.
  if (meter.available())
    protocol["energy_window"] = {{"min_updates", config.energy_window.min_updates},
                                 {"min_seconds", config.energy_window.min_seconds},
                                 {"max_seconds", config.energy_window.max_seconds},
                                 {"poll_ms", config.energy_window.poll_ms},
                                 {"windows_per_arch", config.energy_windows},
                                 {"statistic", "energy of back-to-back calls between two counter updates / calls"}};
  // Only when set (`hwgpt profile` sets it): runs without it keep their protocol (resume key).
  if (malloc_policy() == MallocPolicy::kKeepFreed)
    protocol["malloc"] = "glibc keeps freed blocks for the timed calls (mmap threshold 32 MiB, trim threshold 1 GiB); "
                         "the memory pass maps every block over 128 KiB afresh";
  protocol["memory"] = !config.measure_memory ? "not measured"
                       : executor.on_gpu()     ? "peak CUDA allocator memory added by one forward pass"
                                               : "peak RSS added by one forward pass (clear_refs + VmHWM)";
  return protocol.dump();
}

// A run already in the store is resumed with its original times; a new one starts now.
void resume_or_start(const store::Store& store, store::RunInfo& run, ProfileReport& report) {
  if (const auto existing = [&]() -> std::optional<store::RunInfo> {
        for (auto& r : store.runs())
          if (r.uid == run.uid) return r;
        return std::nullopt;
      }()) {
    run.started_at = existing->started_at;  // resuming: keep the original start
    run.ended_at = existing->ended_at;
    // A rebuild between sessions must not make a run unresumable; the run keeps its first
    // revision and the caller is told (stores before revisions were recorded hold "").
    if (existing->git_revision != run.git_revision) {
      report.started_revision = existing->git_revision;
      run.git_revision = existing->git_revision;
    }
  } else {
    run.started_at = utc_now();
  }
}

// The archs (each checked against the space) that the run has no latency for yet, in the given
// order; the others are counted in `already_done`.
std::vector<const space::Arch*> archs_to_profile(const store::Store& store, const std::string& run_uid,
                                                 const space::SearchSpace& space,
                                                 const std::vector<space::Arch>& archs, std::size_t& already_done) {
  const auto done_list = store.archs_in_run(run_uid, "latency_ms");
  const std::set<std::string> done(done_list.begin(), done_list.end());
  std::vector<const space::Arch*> todo;
  for (const auto& a : archs) {
    space.validate(a);
    if (done.count(space::format_arch(a))) ++already_done;
    else todo.push_back(&a);
  }
  return todo;
}

// Energy per call from windows of back-to-back calls (energy_window.hpp), one sample each; nullopt
// (with `why_not`) as soon as a window fails: an arch has all its windows or no energy.
std::optional<std::vector<double>> energy_per_call(ArchExecutor& executor, EnergyMeter& meter,
                                                   const ProfileConfig& config, std::string* why_not) {
  std::vector<double> energies;
  for (int w = 0; w < config.energy_windows; ++w) {
    const auto window = measure_energy_window(meter, [&] { (void)executor.forward(); }, config.energy_window, why_not);
    if (!window) break;
    energies.push_back(window->mj_per_call);
  }
  if (static_cast<int>(energies.size()) != config.energy_windows) return std::nullopt;
  return energies;
}

// Cached decoding: each sample is the mean ms per token of `decode_tokens` steps after a reset.
Measurement measure_decode(ArchExecutor& executor, const ProfileConfig& config) {
  ProtocolConfig decode_protocol = config.protocol;
  return measure(
      [&] {
        executor.reset_decode();
        double total = 0;
        for (int t = 0; t < config.decode_tokens; ++t) total += executor.decode_token();
        return total / config.decode_tokens;
      },
      decode_protocol);
}

// Peak memory added by one forward pass (the allocator's on a GPU, resident memory on the CPU);
// nullopt, with the reason in `why_not`, where the executor or the system cannot tell.
std::optional<double> forward_memory_mb(ArchExecutor& executor, std::string* why_not) {
  if (executor.on_gpu()) return executor.gpu_forward_memory_mb(why_not);
  if (const auto m = measure_cpu_memory([&] { (void)executor.forward(); }, why_not)) return m->added_mb;
  return std::nullopt;
}

// Every metric of one arch, in measuring order: latency, energy, decoding, memory. An arch whose
// meter gave no energy, or whose memory could not be measured, is named in the report's failures
// and keeps its other metrics.
std::vector<store::SampleSet> measure_arch(const space::Arch& arch, ArchExecutor& executor, EnergyMeter& meter,
                                           bool measure_energy, const ProfileConfig& config, ProfileReport& report) {
  const std::string name = space::format_arch(arch);
  executor.prepare(arch, config.workload);
  std::vector<store::SampleSet> sets;
  const auto latency = measure([&] { return executor.forward(); }, config.protocol);
  sets.push_back(store::sample_set(name, "latency_ms", latency.samples));
  if (measure_energy) {
    std::string why_not;
    if (const auto energies = energy_per_call(executor, meter, config, &why_not))
      sets.push_back(store::sample_set(name, "energy_mj", *energies));
    else
      report.energy_failures.push_back(name + ": " + why_not);
  }
  if (config.decode_tokens > 0) {
    const auto decode = measure_decode(executor, config);
    sets.push_back(store::sample_set(name, "decode_ms_per_token", decode.samples));
  }
  if (config.measure_memory) {
    std::string why_not;
    if (const auto mb = forward_memory_mb(executor, &why_not))
      sets.push_back(store::sample_set(name, "memory_mb", {*mb}));
    else
      report.memory_failures.push_back(name + ": " + why_not);
  }
  return sets;
}

}  // namespace

ProfileReport run_profile(store::Store& store, const space::SearchSpace& space,
                          const std::vector<space::Arch>& archs, ArchExecutor& executor,
                          EnergyMeter& meter, const ProfileConfig& config,
                          const std::function<void(std::size_t, std::size_t)>& progress) {
  check_config(store, config);
  ProfileReport report;
  report.energy_status = meter.available() ? meter.name() : "unavailable: " + meter.unavailable_reason();

  store::RunInfo run = new_run(space, executor, config);
  run.protocol_json = protocol_record(executor, meter, config, report.energy_status);
  resume_or_start(store, run, report);
  store.write(run, {});

  const auto todo = archs_to_profile(store, run.uid, space, archs, report.already_done);
  bool measure_energy = meter.available();
  int energy_failures_in_a_row = 0;
  for (std::size_t i = 0; i < todo.size(); ++i) {
    const std::size_t failures_before = report.energy_failures.size();
    const auto sets = measure_arch(*todo[i], executor, meter, measure_energy, config, report);
    if (report.energy_failures.size() == failures_before) energy_failures_in_a_row = 0;
    else if (++energy_failures_in_a_row == kEnergyGiveUp) {
      measure_energy = false;
      report.energy_stopped = "no energy window on " + std::to_string(kEnergyGiveUp) + " archs in a row; not measured for the " +
                              std::to_string(todo.size() - i - 1) + " archs after them (last: " +
                              report.energy_failures.back() + ")";
    }
    store.append(run.uid, sets);  // one transaction: the whole arch or nothing
    ++report.profiled;
    if (progress) progress(i + 1, todo.size());
  }
  store.set_run_end(run.uid, utc_now());
  return report;
}

}  // namespace hwgpt::profile
