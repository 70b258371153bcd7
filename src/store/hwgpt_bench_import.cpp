// Reads the original benchmark's CSV files (one row per architecture, per-sample lists separated
// by ';', empty field = not available) and writes them as runs of the store. What each column
// means, and the workloads, come from ../shared/data/hwgpt-bench/README.md ("What was measured").
#include "hwgpt/store/hwgpt_bench_import.hpp"

#include <algorithm>
#include <charconv>
#include <map>

#include "gz_lines.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/strings.hpp"

namespace hwgpt::store {
namespace {

constexpr double kMilliJoulePerMilliWattHour = 3600.0;

struct GpuInfo {
  const char* name;
  const char* gpu_name;
  const char* dtype;  // torch.autocast dtype of the original's GPU runs
};

constexpr GpuInfo kGpus[] = {
    {"a100", "NVIDIA A100", "bfloat16"},           {"a40", "NVIDIA A40", "bfloat16"},
    {"h100", "NVIDIA H100", "bfloat16"},           {"a6000", "NVIDIA RTX A6000", "bfloat16"},
    {"v100", "NVIDIA V100", "float16"},            {"P100", "NVIDIA Tesla P100", "float16"},
    {"rtx2080", "NVIDIA GeForce RTX 2080", "float16"}, {"rtx3080", "NVIDIA GeForce RTX 3080", "float16"},
};

struct CpuInfo {
  const char* name;
  const char* alias;  // API name; "" if none
  const char* model;
};

constexpr CpuInfo kCpus[] = {
    {"cpu_meta", "cpu_xeon_gold", "Intel Xeon Gold (Cascade Lake)"},
    {"cpu_mlgpu", "cpu_xeon_silver", "Intel Xeon Silver"},
    {"cpu_alldlc", "cpu_amd_7502", "AMD EPYC 7502"},
    {"helix_cpu", "cpu_amd_7513", "AMD EPYC 7513"},
    {"cpu_a6000", "cpu_amd_7452", "AMD EPYC 7452"},
    {"cpu_p100", "", ""},
};

// Latency-run batch per scale (verified from the recorded MACs); GPU energy used batch 8.
int latency_batch(const std::string& scale) { return scale == "s" ? 8 : scale == "m" ? 4 : 1; }

const GpuInfo* gpu(const std::string& device) {
  for (const auto& g : kGpus)
    if (device == g.name) return &g;
  return nullptr;
}

class RowParser {
 public:
  RowParser(std::string file, const std::string& header) : file_(std::move(file)), header_(split(header, ',')) {}

  void next(const std::string& line, std::size_t line_number) {
    line_number_ = line_number;
    fields_ = split(line, ',');
    if (fields_.size() != header_.size())
      fail("has " + std::to_string(fields_.size()) + " columns; the header has " + std::to_string(header_.size()));
  }
  bool has_column(const std::string& name) const {
    return std::find(header_.begin(), header_.end(), name) != header_.end();
  }
  const std::string& field(const std::string& name) const {
    const auto it = std::find(header_.begin(), header_.end(), name);
    if (it == header_.end()) fail("no column '" + name + "'");
    return fields_[static_cast<std::size_t>(it - header_.begin())];
  }
  std::vector<double> numbers(const std::string& name, double scale = 1.0) const {
    const std::string& text = field(name);
    std::vector<double> values;
    if (text.empty()) return values;
    for (const std::string& part : split(text, ';')) {
      double v = 0;
      const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
      if (ec != std::errc() || ptr != part.data() + part.size())
        fail("column '" + name + "': '" + part + "' is not a number");
      values.push_back(v * scale);
    }
    return values;
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw FileError(file_ + ":" + std::to_string(line_number_) + ": " + what);
  }

 private:
  std::string file_;
  std::vector<std::string> header_, fields_;
  std::size_t line_number_ = 0;
};

// Calls `row` for each data row (at most `max_rows`, 0 = all) of a CSV(.gz) file with a header.
template <typename F>
void for_each_row(const std::filesystem::path& path, std::size_t max_rows, F&& row) {
  detail::GzLineReader reader(path);
  std::string line;
  if (!reader.next(line)) throw FileError(path.string() + ": empty file");
  RowParser p(path.filename().string(), line);
  for (std::size_t rows = 0; (max_rows == 0 || rows < max_rows) && reader.next(line); ++rows) {
    p.next(line, reader.line_number());
    row(static_cast<const RowParser&>(p));
  }
}

// A set that carries only a recorded mean and std (the raw samples were not kept).
SampleSet summary(const std::string& arch, const std::string& metric, double mean, double std,
                  std::int64_t count) {
  SampleSet s;
  s.arch = arch;
  s.metric = metric;
  s.count = count;
  s.mean = mean;
  s.std = std;
  return s;
}

RunInfo base_run(const std::string& uid, const std::string& device, const std::string& kind,
                 const std::string& scale, int batch, const std::string& dtype, const std::string& protocol) {
  RunInfo r;
  r.uid = uid;
  r.device = device;
  r.kind = kind;
  r.space = scale;
  r.model_variant = "original";
  r.command = "hwgpt store import (HW-GPT-Bench raw data, commit 795cba8)";
  r.git_revision = "automl/HW-GPT-Bench@795cba8124826acc600df1bd2bb516b22f207671";
  r.batch = batch;
  r.sequence_length = 1024;
  r.dtype = dtype;
  r.protocol_json = protocol;
  return r;
}

struct FileRuns {
  std::vector<std::pair<RunInfo, std::vector<SampleSet>>> runs;
  std::vector<PerplexityRecord> perplexities;  // attached to the first run
};

FileRuns read_hw_file(const std::filesystem::path& path, const std::string& device,
                      const std::string& scale, const std::string& uid, std::size_t max_rows) {
  const GpuInfo* g = gpu(device);
  const std::string dtype = g ? g->dtype : "float32";
  RunInfo latency = base_run(uid + ":latency", device, "latency", scale, latency_batch(scale), dtype,
                             R"j({"timer":"torch.profiler self time total","repeats":10,"warmup_discarded":false})j");
  RunInfo energy = base_run(uid + ":energy", device, "energy", scale, 8, dtype,
                            R"j({"meter":"nvidia-smi power polled during one call x CUDA-event time","calls":50,"warmup_discarded":false})j");
  std::vector<SampleSet> latency_sets, energy_sets;
  for_each_row(path, max_rows, [&](const RowParser& p) {
    const std::string& arch = p.field("arch");
    auto latencies = p.numbers("latency_ms");
    const auto n_latency = static_cast<std::int64_t>(latencies.size());
    if (!latencies.empty()) latency_sets.push_back(sample_set(arch, "latency_ms", std::move(latencies)));
    for (const char* count_metric : {"flops", "macs", "params"}) {
      auto v = p.numbers(count_metric);
      if (!v.empty()) latency_sets.push_back(sample_set(arch, count_metric, std::move(v)));
    }
    const auto mean = p.numbers("energy_mean_mwh", kMilliJoulePerMilliWattHour);
    const auto std = p.numbers("energy_std_mwh", kMilliJoulePerMilliWattHour);
    if (g) {
      auto e = p.numbers("energy_mwh", kMilliJoulePerMilliWattHour);
      if (!e.empty()) energy_sets.push_back(sample_set(arch, "energy_mj", std::move(e)));
      auto w = p.numbers("power_w");
      if (!w.empty()) energy_sets.push_back(sample_set(arch, "power_w", std::move(w)));
      const auto cc = p.numbers("cc_energy_mean_mwh", kMilliJoulePerMilliWattHour);
      const auto cc_std = p.numbers("cc_energy_std_mwh", kMilliJoulePerMilliWattHour);
      if (!cc.empty()) latency_sets.push_back(summary(arch, "host_energy_mj", cc[0], cc_std.empty() ? 0 : cc_std[0], n_latency));
    } else if (!mean.empty()) {
      // CPU: CodeCarbon around each latency-run call; only mean and population std were kept.
      latency_sets.push_back(summary(arch, "energy_mj", mean[0], std.empty() ? 0 : std[0], n_latency));
    }
    const auto co2 = p.numbers("cc_co2_mean");
    const auto co2_std = p.numbers("cc_co2_std");
    if (!co2.empty()) latency_sets.push_back(summary(arch, "co2_g", co2[0], co2_std.empty() ? 0 : co2_std[0], n_latency));
  });
  FileRuns out;
  out.runs.emplace_back(std::move(latency), std::move(latency_sets));
  if (g) out.runs.emplace_back(std::move(energy), std::move(energy_sets));
  return out;
}

FileRuns read_memory_file(const std::filesystem::path& path, const std::string& device,
                          const std::string& scale, const std::string& uid, std::size_t max_rows) {
  const GpuInfo* g = gpu(device);
  RunInfo run = base_run(uid + ":memory", device, "memory", scale, latency_batch(scale),
                         g ? g->dtype : "float32",
                         R"j({"meter":"torch.cuda.memory_allocated after forward passes 4 and 5 of 5 (autocast, no_grad)"})j");
  std::vector<SampleSet> sets;
  for_each_row(path, max_rows, [&](const RowParser& p) {
    const auto m = p.numbers("memory_mb");
    const auto s = p.numbers("memory_std_mb");
    if (!m.empty()) sets.push_back(summary(p.field("arch"), "memory_mb", m[0], s.empty() ? 0 : s[0], 2));
  });
  FileRuns out;
  out.runs.emplace_back(std::move(run), std::move(sets));
  return out;
}

FileRuns read_perplexity_file(const std::filesystem::path& path, const std::string& scale,
                              const std::string& uid, std::size_t max_rows) {
  RunInfo run = base_run(uid + ":perplexity", "", "perplexity", scale, 0, "", 
                         R"j({"data":"OpenWebText validationnas split (overlaps the supernet's training split)","ranks":4})j");
  run.model_variant = "original-supernet";
  run.sequence_length = 0;
  FileRuns out;
  for_each_row(path, max_rows, [&](const RowParser& p) {
    const auto ppl = p.numbers("perplexity");
    const auto acc = p.numbers("accuracy");
    if (ppl.empty()) p.fail("empty perplexity");
    out.perplexities.push_back({p.field("arch"), "validationnas", ppl[0],
                                acc.empty() ? std::nullopt : std::optional<double>(acc[0]), 0});
  });
  out.runs.emplace_back(std::move(run), std::vector<SampleSet>{});
  return out;
}

}  // namespace

std::vector<Device> hwgpt_bench_devices() {
  std::vector<Device> devices;
  for (const auto& g : kGpus) {
    Device d;
    d.name = g.name;
    d.kind = DeviceKind::kGpu;
    d.gpu_name = g.gpu_name;
    d.source = "hwgpt-bench";
    d.note = std::string("HW-GPT-Bench GPU; latency/energy under torch.autocast ") + g.dtype;
    devices.push_back(std::move(d));
  }
  for (const auto& c : kCpus) {
    Device d;
    d.name = c.name;
    d.kind = DeviceKind::kCpu;
    d.cpu_model = c.model;
    d.source = "hwgpt-bench";
    if (*c.alias != '\0') d.aliases.push_back(c.alias);
    d.note = *c.alias != '\0'
                 ? "HW-GPT-Bench CPU; API name and CPU model from the evidence-based mapping of the "
                   "data README (statistical match, not stated by the authors)"
                 : "HW-GPT-Bench CPU without an API name (CodeCarbon energy 0 for every record)";
    devices.push_back(std::move(d));
  }
  return devices;
}

ImportReport import_hwgpt_bench(Store& store, const std::filesystem::path& folder,
                                const ImportOptions& options) {
  if (!std::filesystem::is_directory(folder))
    throw FileError("'" + folder.string() + "' is not a folder; expected the HW-GPT-Bench CSV folder "
                    "(e.g. ../shared/data/hwgpt-bench)");
  std::vector<std::filesystem::path> files;
  ImportReport report;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    const bool ours = name.ends_with(".csv.gz") &&
                      (name.starts_with("hw_") || name.starts_with("memory_") || name.starts_with("perplexity_"));
    if (!ours) {
      if (name.starts_with("legacy_energy_"))
        report.skipped_files.push_back(name + " (legacy CodeCarbon GPU energy, superseded)");
      else if (!name.starts_with("archs_") && name != "README.md")
        report.skipped_files.push_back(name + " (not a measurement file)");
      continue;
    }
    if (name.find(options.file_filter) == std::string::npos) continue;
    files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty())
    throw FileError("'" + folder.string() + "' has no hw_*, memory_* or perplexity_* .csv.gz files");
  for (const Device& d : hwgpt_bench_devices()) store.put_device(d);

  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string name = files[i].filename().string();
    const std::string stem = name.substr(0, name.size() - std::string(".csv.gz").size());
    const std::string scale = stem.substr(stem.rfind('_') + 1);
    if (scale != "s" && scale != "m" && scale != "l") throw FileError(name + ": expected a _s, _m or _l suffix");
    std::string uid = "hwgpt-bench:" + name;
    if (options.max_rows != 0) uid += "?rows=" + std::to_string(options.max_rows);
    FileRuns runs;
    if (name.starts_with("perplexity_")) {
      if (store.has_run(uid + ":perplexity")) { ++report.files_already_present; continue; }
      runs = read_perplexity_file(files[i], scale, uid, options.max_rows);
    } else {
      const std::size_t prefix = name.starts_with("hw_") ? 3 : std::string("memory_").size();
      const std::string device = stem.substr(prefix, stem.rfind('_') - prefix);
      if (!store.find_device(device)) throw FileError(name + ": unknown device '" + device + "'");
      const std::string first_uid = uid + (name.starts_with("hw_") ? ":latency" : ":memory");
      if (store.has_run(first_uid) && (!gpu(device) || !name.starts_with("hw_") || store.has_run(uid + ":energy"))) {
        ++report.files_already_present;
        continue;
      }
      runs = name.starts_with("hw_") ? read_hw_file(files[i], device, scale, uid, options.max_rows)
                                     : read_memory_file(files[i], device, scale, uid, options.max_rows);
    }
    for (std::size_t r = 0; r < runs.runs.size(); ++r)
      report.rows_added += store.write(runs.runs[r].first, runs.runs[r].second,
                                       r == 0 ? runs.perplexities : std::vector<PerplexityRecord>{});
    ++report.files_imported;
    if (options.progress) options.progress(name, i + 1, files.size());
  }
  return report;
}

}  // namespace hwgpt::store
