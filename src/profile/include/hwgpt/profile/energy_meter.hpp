// Energy meters: a cumulative energy counter in millijoules, or the reason there is none.
//   RAPL:  Intel/AMD package counters under /sys/class/powercap (energy_uj, wrapping at
//          max_energy_range_uj; unwrapped here). Updates about every millisecond.
//   NVML:  libnvidia-ml loaded with dlopen at run time (no build dependency): the total-energy
//          counter where the GPU supports it (updates about every 100 ms on current GPUs), else
//          power polled every 5 ms by one thread for the meter's lifetime and integrated.
//   none:  always unavailable, with the reason; hwgpt never invents an energy number.
// A counter that advances in steps cannot measure one short call by two reads (a 5 ms call reads
// 0 or one whole 100 ms step): energy_window.hpp measures over windows of many calls.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace hwgpt::profile {

class EnergyMeter {
 public:
  virtual ~EnergyMeter() = default;
  virtual std::string name() const = 0;         // "rapl", "nvml-counter", "nvml-power", "none"
  virtual bool available() const = 0;
  virtual std::string unavailable_reason() const = 0;  // "" when available
  // Energy counted since the meter was made, mJ, monotone (nullopt when unavailable). It advances
  // only when the underlying counter updates. Thread-safe; RAPL must be read more often than its
  // counter wraps (hours at full power).
  virtual std::optional<double> read_mj() = 0;
  // How often the meter polls power itself (power meters), 0 for hardware counters.
  virtual double poll_period_s() const { return 0.0; }
};

// RAPL over every top-level zone of `root` (default /sys/class/powercap) named intel-rapl:N
// (AMD exposes the same interface). Unavailable when no readable zone exists.
std::unique_ptr<EnergyMeter> make_rapl_meter(const std::filesystem::path& root = "/sys/class/powercap");
// NVML for GPU `index`; `library` overrides the shared object (tests load a fake one).
std::unique_ptr<EnergyMeter> make_nvml_meter(int index = 0, const std::string& library = "libnvidia-ml.so.1");
std::unique_ptr<EnergyMeter> make_no_meter(const std::string& reason);
// The best meter for a device kind: "cpu" tries RAPL, "gpu" tries NVML; otherwise "none" with the
// reasons of the failed attempts.
std::unique_ptr<EnergyMeter> detect_energy_meter(const std::string& device_kind);

}  // namespace hwgpt::profile
