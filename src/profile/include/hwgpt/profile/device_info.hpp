// Identification of the machine at hand as a store::Device: CPU model, cores and threads, hostname
// (and, for GPUs, the NVML name, driver and memory when NVML is present).
#pragma once

#include <filesystem>
#include <string>

#include "hwgpt/store/records.hpp"

namespace hwgpt::profile {

// `name` is the device's key in the store (e.g. "epyc-2c"); `cpuinfo` is read for the model name
// and the number of logical CPUs (tests pass a fake file).
store::Device detect_cpu_device(const std::string& name,
                                const std::filesystem::path& cpuinfo = "/proc/cpuinfo");

// A default device name from the CPU model and thread count, e.g. "amd-epyc-2t".
std::string default_cpu_device_name(const store::Device& detected);

}  // namespace hwgpt::profile
