// Energy meters: measure the energy of a span of work in millijoules, or say why they cannot.
//   RAPL:  Intel/AMD package (and DRAM) counters under /sys/class/powercap (energy_uj, wrapping at
//          max_energy_range_uj).
//   NVML:  libnvidia-ml loaded with dlopen at run time (no build dependency): the total-energy
//          counter where the GPU supports it, else power polled every 5 ms and integrated.
//   none:  always unavailable, with the reason; hwgpt never invents an energy number.
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
  // Brackets a span of work; stop() returns the energy in mJ used in between (nullopt when
  // unavailable).
  virtual void start() = 0;
  virtual std::optional<double> stop() = 0;
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
