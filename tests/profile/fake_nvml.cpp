// A stand-in for libnvidia-ml.so.1, built only for tests, so both NVML code paths of the energy
// meter run on a machine without a GPU. FAKE_NVML_MODE selects the behaviour:
//   counter  total energy starts at 5000 mJ and advances 1234 mJ per read; power 100 W
//   power    no total-energy counter (returns "not supported"); constant 100 W
//   noinit   nvmlInit_v2 fails
#include <cstdlib>
#include <cstring>

extern "C" {

static const char* mode() {
  const char* m = std::getenv("FAKE_NVML_MODE");
  return m ? m : "counter";
}

int nvmlInit_v2() { return std::strcmp(mode(), "noinit") == 0 ? 1 : 0; }
int nvmlShutdown() { return 0; }
int nvmlDeviceGetHandleByIndex_v2(unsigned index, void** device) {
  if (index != 0) return 2;
  static int the_device;
  *device = &the_device;
  return 0;
}
int nvmlDeviceGetTotalEnergyConsumption(void*, unsigned long long* mj) {
  static unsigned long long counter = 5000;
  if (std::strcmp(mode(), "counter") != 0) return 3;  // NVML_ERROR_NOT_SUPPORTED
  *mj = counter;
  counter += 1234;
  return 0;
}
int nvmlDeviceGetPowerUsage(void*, unsigned* mw) {
  *mw = 100000;
  return 0;
}

}  // extern "C"
