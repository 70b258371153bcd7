// RAPL, NVML and "none" energy meters (see energy_meter.hpp).
#include "hwgpt/profile/energy_meter.hpp"

#include <dlfcn.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "hwgpt/core/error.hpp"

namespace hwgpt::profile {
namespace {

class NoMeter final : public EnergyMeter {
 public:
  explicit NoMeter(std::string reason) : reason_(std::move(reason)) {}
  std::string name() const override { return "none"; }
  bool available() const override { return false; }
  std::string unavailable_reason() const override { return reason_; }
  std::optional<double> read_mj() override { return std::nullopt; }

 private:
  std::string reason_;
};

std::optional<std::uint64_t> read_number(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::uint64_t v = 0;
  if (!(in >> v)) return std::nullopt;
  return v;
}

// One RAPL zone: a counter in microjoules that wraps to 0 after max_energy_range_uj.
struct RaplZone {
  std::filesystem::path energy;
  std::uint64_t range = 0;
  std::uint64_t last = 0;       // the last raw reading
  double total_uj = 0;          // unwrapped since the meter was made
};

class RaplMeter final : public EnergyMeter {
 public:
  explicit RaplMeter(std::vector<RaplZone> zones) : zones_(std::move(zones)) {
    for (auto& z : zones_) z.last = read(z);
  }
  std::string name() const override { return "rapl"; }
  bool available() const override { return true; }
  std::string unavailable_reason() const override { return ""; }
  std::optional<double> read_mj() override {
    std::lock_guard lock(mutex_);
    double total_uj = 0;
    for (auto& z : zones_) {
      const std::uint64_t now = read(z);
      // One wrap at most since the last reading (callers read far more often than it wraps).
      z.total_uj += static_cast<double>(now >= z.last ? now - z.last : z.range - z.last + now);
      z.last = now;
      total_uj += z.total_uj;
    }
    return total_uj / 1000.0;
  }

 private:
  static std::uint64_t read(const RaplZone& z) {
    const auto v = read_number(z.energy);
    if (!v) throw FileError("RAPL: cannot read " + z.energy.string());
    return *v;
  }
  std::mutex mutex_;
  std::vector<RaplZone> zones_;
};

// The few NVML entry points used, declared here so that no NVML header is needed to build.
using nvmlReturn_t = int;
using nvmlDevice_t = void*;
constexpr nvmlReturn_t kNvmlSuccess = 0;

class NvmlMeter final : public EnergyMeter {
 public:
  NvmlMeter(int index, const std::string& library) {
    handle_ = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle_) {
      reason_ = "NVML library '" + library + "' not found (" + dlerror() + ")";
      return;
    }
    init_ = load<nvmlReturn_t (*)()>("nvmlInit_v2");
    shutdown_ = load<nvmlReturn_t (*)()>("nvmlShutdown");
    get_handle_ = load<nvmlReturn_t (*)(unsigned, nvmlDevice_t*)>("nvmlDeviceGetHandleByIndex_v2");
    total_energy_ = load<nvmlReturn_t (*)(nvmlDevice_t, unsigned long long*)>("nvmlDeviceGetTotalEnergyConsumption");
    power_ = load<nvmlReturn_t (*)(nvmlDevice_t, unsigned*)>("nvmlDeviceGetPowerUsage");
    if (!init_ || !shutdown_ || !get_handle_ || !power_) {
      reason_ = "NVML library '" + library + "' lacks nvmlInit_v2/nvmlDeviceGetHandleByIndex_v2/nvmlDeviceGetPowerUsage";
      return;
    }
    if (init_() != kNvmlSuccess) {
      reason_ = "nvmlInit_v2 failed (no NVIDIA driver or GPU?)";
      return;
    }
    initialised_ = true;
    if (get_handle_(static_cast<unsigned>(index), &device_) != kNvmlSuccess) {
      reason_ = "NVML has no GPU with index " + std::to_string(index);
      return;
    }
    unsigned long long mj = 0;
    counter_ = total_energy_ && total_energy_(device_, &mj) == kNvmlSuccess;
    unsigned mw = 0;
    if (!counter_ && power_(device_, &mw) != kNvmlSuccess) {
      reason_ = "GPU " + std::to_string(index) + " reports neither total energy nor power through NVML";
      return;
    }
    ok_ = true;
    if (counter_) {
      total_energy_(device_, &first_mj_);
    } else {
      start_polling();
    }
  }
  ~NvmlMeter() override {
    stop_polling();
    if (initialised_) shutdown_();
    if (handle_) dlclose(handle_);
  }
  std::string name() const override { return counter_ ? "nvml-counter" : "nvml-power"; }
  bool available() const override { return ok_; }
  std::string unavailable_reason() const override { return ok_ ? "" : reason_; }

  std::optional<double> read_mj() override {
    if (!ok_) return std::nullopt;
    if (counter_) {
      unsigned long long now = 0;
      total_energy_(device_, &now);
      return static_cast<double>(now - first_mj_);
    }
    return energy_mj_.load();
  }
  double poll_period_s() const override { return counter_ ? 0.0 : kPollSeconds; }

 private:
  template <typename F>
  F load(const char* symbol) {
    return reinterpret_cast<F>(dlsym(handle_, symbol));
  }
  static constexpr double kPollSeconds = 0.005;
  // One thread for the meter's lifetime integrates power (mW, trapezoids over steady-clock time)
  // into energy_mj_, every 5 ms; a per-call thread would add its start to every reading.
  void start_polling() {
    polling_ = true;
    poller_ = std::thread([this] {
      auto last_time = std::chrono::steady_clock::now();
      unsigned last_mw = 0;
      power_(device_, &last_mw);
      while (polling_) {
        std::this_thread::sleep_for(std::chrono::duration<double>(kPollSeconds));
        unsigned mw = last_mw;
        power_(device_, &mw);
        const auto now = std::chrono::steady_clock::now();
        const double dt = std::chrono::duration<double>(now - last_time).count();
        energy_mj_ = energy_mj_ + 0.5 * (mw + last_mw) * dt;
        last_time = now;
        last_mw = mw;
      }
    });
  }
  void stop_polling() {
    polling_ = false;
    if (poller_.joinable()) poller_.join();
  }

  void* handle_ = nullptr;
  nvmlReturn_t (*init_)() = nullptr;
  nvmlReturn_t (*shutdown_)() = nullptr;
  nvmlReturn_t (*get_handle_)(unsigned, nvmlDevice_t*) = nullptr;
  nvmlReturn_t (*total_energy_)(nvmlDevice_t, unsigned long long*) = nullptr;
  nvmlReturn_t (*power_)(nvmlDevice_t, unsigned*) = nullptr;
  nvmlDevice_t device_ = nullptr;
  bool initialised_ = false, ok_ = false, counter_ = false;
  std::string reason_;
  unsigned long long first_mj_ = 0;
  std::atomic<bool> polling_{false};
  std::atomic<double> energy_mj_{0};
  std::thread poller_;
};

}  // namespace

std::unique_ptr<EnergyMeter> make_no_meter(const std::string& reason) { return std::make_unique<NoMeter>(reason); }

std::unique_ptr<EnergyMeter> make_rapl_meter(const std::filesystem::path& root) {
  std::vector<RaplZone> zones;
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec))
    return make_no_meter("no RAPL: " + root.string() + " does not exist (no powercap interface on this machine)");
  for (const auto& entry : std::filesystem::directory_iterator(root, ec)) {
    const std::string name = entry.path().filename().string();
    // Top-level package zones only ("intel-rapl:0"); sub-zones ("intel-rapl:0:0") are parts of them.
    if (name.rfind("intel-rapl:", 0) != 0 || name.find(':', 11) != std::string::npos) continue;
    const auto range = read_number(entry.path() / "max_energy_range_uj");
    if (!range || !read_number(entry.path() / "energy_uj")) continue;
    zones.push_back({entry.path() / "energy_uj", *range, 0, 0.0});
  }
  if (zones.empty())
    return make_no_meter("no RAPL: no readable intel-rapl:N/energy_uj under " + root.string() +
                         " (missing, or reading needs root)");
  return std::make_unique<RaplMeter>(std::move(zones));
}

std::unique_ptr<EnergyMeter> make_nvml_meter(int index, const std::string& library) {
  auto meter = std::make_unique<NvmlMeter>(index, library);
  if (!meter->available()) return make_no_meter(meter->unavailable_reason());
  return meter;
}

std::unique_ptr<EnergyMeter> detect_energy_meter(const std::string& device_kind) {
  if (device_kind == "gpu") return make_nvml_meter();
  if (device_kind == "cpu") return make_rapl_meter();
  return make_no_meter("no energy meter for device kind '" + device_kind + "'");
}

}  // namespace hwgpt::profile
