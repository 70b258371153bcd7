// The profiling campaign: measure a list of archs on this machine into a store run, resumably.
// What executes a model is behind ArchExecutor (the libtorch implementation runs the supernet's
// extracted dense models); this file owns the protocol, the meters, progress and the store.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hwgpt/analytic/workload.hpp"
#include "hwgpt/profile/energy_meter.hpp"
#include "hwgpt/profile/energy_window.hpp"
#include "hwgpt/profile/protocol.hpp"
#include "hwgpt/space/arch.hpp"
#include "hwgpt/space/search_space.hpp"
#include "hwgpt/store/store.hpp"

namespace hwgpt::profile {

// Runs one arch's model. prepare() builds it (not timed); forward() runs one forward pass of the
// workload and returns its duration in ms (the executor times itself: CUDA events on a GPU);
// decode_token() runs one cached decoding step and returns its duration in ms.
class ArchExecutor {
 public:
  virtual ~ArchExecutor() = default;
  virtual std::string model_variant() const = 0;   // what is executed: "hwgpt" for our models
  virtual void prepare(const space::Arch& arch, const analytic::Workload& workload) = 0;
  virtual double forward() = 0;
  virtual void reset_decode() = 0;                 // empty the KV cache
  virtual double decode_token() = 0;
  // Executors on a GPU time with the device synchronised and measure memory with the allocator's
  // statistics: the peak device memory (MB) added by one forward pass, or nullopt with `why_not`.
  virtual bool on_gpu() const { return false; }
  // How forward() times a call, recorded in the run's protocol (part of its resume key).
  virtual std::string timer() const {
    return on_gpu() ? "steady_clock around one forward pass, CUDA synchronised before and after"
                    : "steady_clock around one forward pass (CUDA events on GPUs)";
  }
  virtual std::optional<double> gpu_forward_memory_mb(std::string* why_not) {
    if (why_not) *why_not = "not a GPU executor";
    return std::nullopt;
  }
};

struct ProfileConfig {
  std::string run_uid;                // the resume key; the same uid continues the same run
  std::string device;                 // store device name (must be in the store)
  analytic::Workload workload;
  int threads = 1;                    // recorded; the executor's caller sets them
  int blas_threads = -1;              // recorded: OpenBLAS's own pool (model::blas_threads()); -1: not OpenBLAS
  ProtocolConfig protocol;
  int decode_tokens = 64;             // cached decoding: tokens fed after a reset, per sample
  bool measure_memory = true;         // peak memory added by one forward pass (CPU RSS or GPU allocator)
  EnergyWindowConfig energy_window;   // with a meter: windows of back-to-back calls (energy_window.hpp)
  int energy_windows = 3;             // windows per arch, one energy_mj sample each
  std::string command;                // recorded with the run
  std::string git_revision;           // of the build; a resumed run keeps the revision it started with
};

// Archs in a row without an energy window after which a run stops measuring energy.
inline constexpr int kEnergyGiveUp = 3;

struct ProfileReport {
  std::size_t profiled = 0;           // archs measured by this call
  std::size_t already_done = 0;       // archs the run had before (resume)
  std::string energy_status;          // meter name, or "unavailable: <reason>"
  std::vector<std::string> energy_failures;  // "<arch>: <why>" where a meter gave no window
  // Set when energy was no longer measured for the rest of the run because kEnergyGiveUp archs in
  // a row gave no window (a stuck or unreadable counter would cost max_seconds on every arch).
  std::string energy_stopped;
  std::vector<std::string> memory_failures;  // "<arch>: <why>" where memory could not be measured
  // Set when the run was resumed by a build of another revision than the one it started with
  // (which the run keeps): that revision, so the caller can say that the run mixes builds.
  std::optional<std::string> started_revision;
};

// Profiles every arch of `archs` that the run lacks, appending one transaction per arch (all its
// metrics or none), so a kill at any moment loses at most the arch in progress and a rerun with
// the same uid neither repeats nor duplicates rows. `progress(done, total)` after each arch.
ProfileReport run_profile(store::Store& store, const space::SearchSpace& space,
                          const std::vector<space::Arch>& archs, ArchExecutor& executor,
                          EnergyMeter& meter, const ProfileConfig& config,
                          const std::function<void(std::size_t, std::size_t)>& progress = {});

}  // namespace hwgpt::profile
