// run_profile: protocol × meters × store (see runner.hpp).
#include "hwgpt/profile/runner.hpp"

#include <chrono>
#include <ctime>
#include <set>

#include <nlohmann/json.hpp>

#include "hwgpt/core/error.hpp"
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

}  // namespace

ProfileReport run_profile(store::Store& store, const space::SearchSpace& space,
                          const std::vector<space::Arch>& archs, ArchExecutor& executor,
                          EnergyMeter& meter, const ProfileConfig& config,
                          const std::function<void(std::size_t, std::size_t)>& progress) {
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
  ProfileReport report;
  report.energy_status = meter.available() ? meter.name() : "unavailable: " + meter.unavailable_reason();

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
  nlohmann::json protocol = nlohmann::json::parse(protocol_json(config.protocol));
  // The libtorch executor's CPU wording predates its GPU path (which synchronises instead of using
  // CUDA events); it is kept because the protocol is the resume key of existing runs.
  protocol["timer"] = executor.timer();
  protocol["decode_tokens"] = config.decode_tokens;
  protocol["blas_threads"] = config.blas_threads;  // OpenBLAS's own pool; -1: not OpenBLAS
  protocol["energy"] = report.energy_status;
  // Only with a meter: runs without one keep the protocol (their resume key) they always had.
  if (meter.available())
    protocol["energy_window"] = {{"min_updates", config.energy_window.min_updates},
                                 {"min_seconds", config.energy_window.min_seconds},
                                 {"max_seconds", config.energy_window.max_seconds},
                                 {"poll_ms", config.energy_window.poll_ms},
                                 {"windows_per_arch", config.energy_windows},
                                 {"statistic", "energy of back-to-back calls between two counter updates / calls"}};
  protocol["memory"] = !config.measure_memory ? "not measured"
                       : executor.on_gpu()     ? "peak CUDA allocator memory added by one forward pass"
                                               : "peak RSS added by one forward pass (clear_refs + VmHWM)";
  run.protocol_json = protocol.dump();
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
  store.write(run, {});

  const auto done_list = store.archs_in_run(run.uid, "latency_ms");
  const std::set<std::string> done(done_list.begin(), done_list.end());
  std::vector<const space::Arch*> todo;
  for (const auto& a : archs) {
    space.validate(a);
    if (done.count(space::format_arch(a))) ++report.already_done;
    else todo.push_back(&a);
  }
  for (std::size_t i = 0; i < todo.size(); ++i) {
    const space::Arch& arch = *todo[i];
    const std::string name = space::format_arch(arch);
    executor.prepare(arch, config.workload);
    std::vector<store::SampleSet> sets;
    const auto latency = measure([&] { return executor.forward(); }, config.protocol);
    sets.push_back(store::sample_set(name, "latency_ms", latency.samples));
    // Energy per call from windows of back-to-back calls (energy_window.hpp), one sample each.
    if (meter.available()) {
      std::vector<double> energies;
      std::string why_not;
      for (int w = 0; w < config.energy_windows; ++w) {
        const auto window = measure_energy_window(meter, [&] { (void)executor.forward(); }, config.energy_window, &why_not);
        if (!window) break;
        energies.push_back(window->mj_per_call);
      }
      if (static_cast<int>(energies.size()) == config.energy_windows) {
        sets.push_back(store::sample_set(name, "energy_mj", energies));
      } else {
        report.energy_failures.push_back(name + ": " + why_not);
      }
    }
    if (config.decode_tokens > 0) {
      ProtocolConfig decode_protocol = config.protocol;
      const auto decode = measure(
          [&] {
            executor.reset_decode();
            double total = 0;
            for (int t = 0; t < config.decode_tokens; ++t) total += executor.decode_token();
            return total / config.decode_tokens;
          },
          decode_protocol);
      sets.push_back(store::sample_set(name, "decode_ms_per_token", decode.samples));
    }
    if (config.measure_memory) {
      std::string reason;
      if (executor.on_gpu()) {
        if (const auto mb = executor.gpu_forward_memory_mb(&reason))
          sets.push_back(store::sample_set(name, "memory_mb", {*mb}));
      } else if (const auto m = measure_cpu_memory([&] { (void)executor.forward(); }, &reason)) {
        sets.push_back(store::sample_set(name, "memory_mb", {m->added_mb}));
      }
    }
    store.append(run.uid, sets);  // one transaction: the whole arch or nothing
    ++report.profiled;
    if (progress) progress(i + 1, todo.size());
  }
  store.set_run_end(run.uid, utc_now());
  return report;
}

}  // namespace hwgpt::profile
