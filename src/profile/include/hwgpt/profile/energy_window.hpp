// Windowed energy: the energy of one call from a window of back-to-back calls that spans at least
// K updates of the meter's counter, divided by the calls inside it. Bracketing a single call reads
// a counter that advances in steps (NVML: ~100 ms) as 0 or one whole step; over K steps the step
// is one part in K of the window, and the window's edges are pinned to counter updates, which a
// reader thread sees within `poll_ms`. Only updates the reader saw promptly (the read that saw the
// new value ended within 3 polling periods, >= 3 ms, of the previous read's start; a period is
// `poll_ms` plus the median duration of a read, which behind a hypervisor can be milliseconds) can
// be edges: on a loaded machine a descheduled reader sees an update late, and such a late edge
// would count calls without their energy. Calls straddling an edge count by the fraction of their duration inside
// the window, so the estimate is exact up to the edges' brackets.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "hwgpt/profile/energy_meter.hpp"

namespace hwgpt::profile {

struct EnergyWindowConfig {
  int min_updates = 10;       // K: counter updates the window spans (a power meter: polls)
  double min_seconds = 0.5;   // and at least this long
  double max_seconds = 30.0;  // no K updates by then: the counter is stuck (nullopt)
  double poll_ms = 1.0;       // how often the reader thread reads the counter
};

struct EnergyWindow {
  double mj_per_call = 0;     // energy between the window's first and last update / calls in it
  double uncertainty_mj = 0;  // bound on |error| per call from edge timing (both edges' brackets, plus
                              // a polled power meter's own period at each)
  double calls = 0;           // calls inside the window (fractions at the edges)
  int updates = 0;            // counter updates spanned
  double seconds = 0;         // window length
  std::chrono::steady_clock::time_point from, to;  // the window: the two counter updates it spans
};

// Runs `call` back to back until the window is complete. nullopt (with `why_not`) when the meter
// is unavailable or its counter did not update min_updates times within max_seconds.
std::optional<EnergyWindow> measure_energy_window(EnergyMeter& meter, const std::function<void()>& call,
                                                  const EnergyWindowConfig& config, std::string* why_not = nullptr);

}  // namespace hwgpt::profile
