// Value types of the measurement store: devices, runs (what was measured and how), sample sets
// (the raw samples of one metric of one arch in one run) and perplexity records.
// Units are part of metric names: latency_ms, energy_mj (millijoules per profiled call), power_w,
// memory_mb (10^6 bytes), host_energy_mj, co2_g; counts: flops, macs, params.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hwgpt::store {

enum class DeviceKind { kCpu, kGpu };
std::string device_kind_name(DeviceKind kind);  // "cpu" / "gpu"

struct Device {
  std::string name;                   // unique key, e.g. "a100", "cpu_meta", "epyc-7b13-x2"
  DeviceKind kind = DeviceKind::kCpu;
  std::string cpu_model;              // e.g. "AMD EPYC 7B13"; empty if unknown
  int cpu_cores = 0;                  // 0 if unknown
  int cpu_threads = 0;
  std::string gpu_name;               // e.g. "NVIDIA H100 80GB HBM3"
  std::string gpu_driver;
  double gpu_memory_mb = 0;
  std::string hostname;
  std::string source;                 // "hwgpt-bench" (imported) or "hwgpt" (measured by us)
  std::string note;                   // provenance caveats
  std::vector<std::string> aliases;   // other names that resolve to this device (API names)
  friend bool operator==(const Device&, const Device&) = default;
};

struct RunInfo {
  std::string uid;                    // globally unique; the key `store merge` uses
  std::string device;                 // device name; empty for device-free runs (perplexity)
  std::string kind;                   // latency | energy | memory | perplexity | profile
  std::string space;                  // search-space name of the archs
  std::string model_variant;          // hwgpt | original (analytic::variant_name)
  std::string command;                // command line that produced it
  std::string git_revision;
  int batch = 0;                      // workload; 0 if not applicable
  int sequence_length = 0;
  std::string dtype;                  // float32 | float16 | bfloat16 | …
  int threads = 0;                    // 0 if unknown
  std::string protocol_json;          // measurement protocol parameters, JSON ("{}" if none)
  std::string started_at;             // ISO 8601 UTC
  std::string ended_at;
  friend bool operator==(const RunInfo&, const RunInfo&) = default;
};

struct SampleSet {
  std::string arch;                   // canonical arch string
  std::string metric;                 // name with unit, see above
  std::vector<double> samples;        // raw samples in measurement order; empty if only a summary
  std::int64_t count = 0;             // measurements behind mean and std
  double mean = 0;
  double std = 0;                     // sample std (n-1) when computed here; as recorded otherwise
  friend bool operator==(const SampleSet&, const SampleSet&) = default;
};

// A set built from raw samples: count, mean and sample standard deviation computed here.
SampleSet sample_set(std::string arch, std::string metric, std::vector<double> samples);

// The median of `values` (the mean of the middle two for an even count); NaN for none.
double median(std::vector<double> values);
// The value the benchmark predicts for a set, and what `measured` queries answer: the median of
// its raw samples, or the recorded mean for a set stored as a summary only. The median, not the
// mean: some devices' runs hold outliers (on the original's rtx2080, in about one arch in ten the
// mean of ten latency samples is more than 5 % above their median), and the median says what the
// device typically does (docs/SURROGATES.md, "What each model predicts").
double typical_value(const SampleSet& set);

struct PerplexityRecord {
  std::string arch;
  std::string split;                  // e.g. "nas_eval" (ours), "validationnas" (original)
  double perplexity = 0;
  std::optional<double> accuracy;     // next-token top-1 accuracy, fraction
  std::int64_t tokens = 0;            // tokens evaluated; 0 if unknown
  friend bool operator==(const PerplexityRecord&, const PerplexityRecord&) = default;
};

}  // namespace hwgpt::store
