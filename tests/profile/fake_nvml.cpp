// A stand-in for libnvidia-ml.so.1, built only for tests, so both NVML code paths of the energy
// meter run on a machine without a GPU. FAKE_NVML_MODE selects the behaviour:
//   counter  total energy starts at 5000 mJ and advances 1234 mJ per read; power 100 W
//   ticking  a GPU drawing 100 W whose total-energy counter updates every 100 ms (as on current
//            GPUs): 5000 mJ + 10,000 mJ per whole 100 ms since the library's first call
//   slow     as ticking, but every counter read takes 4 ms (the value taken in its middle), as
//            a driver call behind a hypervisor can
//   power    no total-energy counter (returns "not supported"); constant 100 W
//   trace    no counter; power 100 W + 50 W sin(2 pi t / 37 ms), t since the first call
//   noinit   nvmlInit_v2 fails
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace {

const char* mode() {
  const char* m = std::getenv("FAKE_NVML_MODE");
  return m ? m : "counter";
}

// Seconds since the first call into the library.
double elapsed_s() {
  static const auto start = std::chrono::steady_clock::now();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

extern "C" {

int nvmlInit_v2() {
  elapsed_s();
  return std::strcmp(mode(), "noinit") == 0 ? 1 : 0;
}
int nvmlShutdown() { return 0; }
int nvmlDeviceGetHandleByIndex_v2(unsigned index, void** device) {
  if (index != 0) return 2;
  static int the_device;
  *device = &the_device;
  return 0;
}
int nvmlDeviceGetTotalEnergyConsumption(void*, unsigned long long* mj) {
  static unsigned long long counter = 5000;
  const bool slow = std::strcmp(mode(), "slow") == 0;
  if (slow || std::strcmp(mode(), "ticking") == 0) {
    if (slow) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    *mj = 5000 + 10000ULL * static_cast<unsigned long long>(elapsed_s() / 0.1);
    if (slow) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return 0;
  }
  if (std::strcmp(mode(), "counter") != 0) return 3;  // NVML_ERROR_NOT_SUPPORTED
  *mj = counter;
  counter += 1234;
  return 0;
}
int nvmlDeviceGetPowerUsage(void*, unsigned* mw) {
  if (std::strcmp(mode(), "trace") == 0) {
    *mw = static_cast<unsigned>(100000.0 + 50000.0 * std::sin(2.0 * 3.14159265358979 * elapsed_s() / 0.037));
    return 0;
  }
  *mw = 100000;
  return 0;
}

}  // extern "C"
