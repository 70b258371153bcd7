// Profiling from Python: the C++ runner of `hwgpt profile` (protocol, precision rule, windowed
// energy, CPU memory, resume, store schema) driving an executor written in Python (PyTorch, in
// hwgpt/torch_profile.py), so GPU measurements made with any PyTorch build land in the same store
// rows as the CLI's. The runner holds the GIL while it calls the executor; its energy reader
// thread touches no Python.
#include <pybind11/stl.h>

#include <iostream>
#include <optional>
#include <type_traits>

#include "bindings.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/progress.hpp"
#include "hwgpt/profile/device_info.hpp"
#include "hwgpt/profile/energy_meter.hpp"
#include "hwgpt/profile/runner.hpp"
#include "hwgpt/space/arch_string.hpp"
#include "hwgpt/store/store.hpp"

namespace hwgpt::python {
namespace {

// An ArchExecutor whose methods are a Python object's: prepare(arch, batch, seq),
// forward() -> ms, reset_decode(), decode_token() -> ms, and optionally on_gpu() -> bool,
// timer() -> str, gpu_forward_memory_mb() -> float or None, model_variant() -> str.
class PythonExecutor final : public profile::ArchExecutor {
 public:
  explicit PythonExecutor(py::object target) : target_(std::move(target)) {}
  std::string model_variant() const override { return optional("model_variant", std::string("hwgpt")); }
  void prepare(const space::Arch& arch, const analytic::Workload& w) override {
    target_.attr("prepare")(space::format_arch(arch), w.batch, w.sequence_length);
  }
  double forward() override { return target_.attr("forward")().cast<double>(); }
  void reset_decode() override { target_.attr("reset_decode")(); }
  double decode_token() override { return target_.attr("decode_token")().cast<double>(); }
  bool on_gpu() const override { return optional("on_gpu", false); }
  std::string timer() const override { return optional("timer", ArchExecutor::timer()); }
  std::optional<double> gpu_forward_memory_mb(std::string* why_not) override {
    if (!py::hasattr(target_, "gpu_forward_memory_mb")) return ArchExecutor::gpu_forward_memory_mb(why_not);
    const py::object mb = target_.attr("gpu_forward_memory_mb")();
    if (mb.is_none()) {
      if (why_not) *why_not = "the executor measured no GPU memory";
      return std::nullopt;
    }
    return mb.cast<double>();
  }

 private:
  template <typename T>
  T optional(const char* name, T fallback) const {
    return py::hasattr(target_, name) ? target_.attr(name)().template cast<T>() : fallback;
  }
  py::object target_;
};

// The options dict of run_profile: a missing key gives the fallback, and a value of another type
// is a ValueError that names the option (pybind11's cast_error would not say which one).
class Options {
 public:
  explicit Options(const py::dict& options) : options_(options) {}
  bool contains(const char* key) const { return options_.contains(key); }
  template <typename T>
  T get(const char* key, T fallback) const {
    if (!options_.contains(key)) return fallback;
    try {
      return options_[key].cast<T>();
    } catch (const py::cast_error&) {
      throw ValueError(std::string("profile option '") + key + "' is " +
                       py::repr(options_[key]).cast<std::string>() + "; expected " +
                       (std::is_same_v<T, std::string> ? "a string"
                        : std::is_same_v<T, bool>      ? "True or False"
                                                       : "a number"));
    }
  }

 private:
  const py::dict& options_;
};

// Kind "gpu" adds the GPU's own fields from the options; a kind other than cpu or gpu is refused.
void set_device_kind(store::Device& device, const std::string& kind, const Options& options) {
  if (kind == "gpu") {
    device.kind = store::DeviceKind::kGpu;
    device.gpu_name = options.get("gpu_name", std::string());
    device.gpu_memory_mb = options.get("gpu_memory_mb", 0.0);
  } else if (kind != "cpu") {
    throw ValueError("device kind '" + kind + "'; expected cpu or gpu");
  }
}

// How to measure, from the options; the default run uid is the CLI's with "-pytorch" appended.
profile::ProfileConfig profile_config(const Options& options, const space::SearchSpace& space,
                                      const std::string& device_name) {
  profile::ProfileConfig config;
  config.device = device_name;
  config.workload = analytic::default_workload(space);
  config.workload.batch = options.get("batch", config.workload.batch);
  config.workload.sequence_length = options.get("seq", config.workload.sequence_length);
  // The executor runs float32 or under autocast to a 16-bit type (hwgpt.torch_profile checks it
  // first); recorded as the run's dtype and in its uid, so such runs never mix with float32 ones.
  const std::string dtype = options.get("dtype", std::string("float32"));
  const std::string expected = "profile option 'dtype' is " + dtype + "; expected float32, bfloat16 or float16";
  try {
    config.workload.dtype = analytic::parse_dtype(dtype);
  } catch (const ParseError&) {
    throw ValueError(expected);
  }
  if (config.workload.dtype == analytic::Dtype::kInt8) throw ValueError(expected);
  config.threads = options.get("threads", 1);
  config.blas_threads = options.get("blas_threads", -1);
  config.protocol.warmup = options.get("warmup", config.protocol.warmup);
  config.protocol.min_repeats = options.get("min_repeats", config.protocol.min_repeats);
  config.protocol.max_repeats = options.get("max_repeats", config.protocol.max_repeats);
  config.protocol.target_relative_ci = options.get("target_ci", config.protocol.target_relative_ci);
  config.protocol.max_seconds = options.get("max_seconds", config.protocol.max_seconds);
  config.decode_tokens = options.get("decode_tokens", 32);
  config.measure_memory = options.get("memory", true);
  config.energy_window.min_updates = options.get("energy_updates", config.energy_window.min_updates);
  config.energy_window.min_seconds = options.get("energy_window", config.energy_window.min_seconds);
  config.energy_windows = options.get("energy_windows", config.energy_windows);
  config.command = options.get("command", std::string("hwgpt.torch_profile"));
  config.git_revision = options.get("revision", std::string());
  config.run_uid =
      options.get("run_uid", device_name + "/" + space.name() + "/b" + std::to_string(config.workload.batch) + "-t" +
                                 std::to_string(config.workload.sequence_length) + "-" +
                                 analytic::dtype_name(config.workload.dtype) + "-threads" +
                                 std::to_string(config.threads) + "-pytorch");
  return config;
}

// The module's run_profile (its docstring is in bind_profile).
py::dict run_profile_from_python(const std::string& db, const std::string& space_name,
                                 const std::vector<std::string>& arch_strings, py::object executor,
                                 const py::dict& options_dict) {
  const auto space = space_from_name(space_name);
  std::vector<space::Arch> archs;
  for (const auto& a : arch_strings) archs.push_back(space::parse_arch(a, space));
  const Options options(options_dict);
  store::Store store(db);
  // The device: this host's CPU fields under the given name; a GPU keeps them as its host's.
  auto device = profile::detect_cpu_device("");
  device.name = options.get("device", profile::default_cpu_device_name(device));
  const std::string kind = options.get("kind", std::string("cpu"));
  set_device_kind(device, kind, options);
  store.put_device(device);

  const profile::ProfileConfig config = profile_config(options, space, device.name);
  const auto meter = options.contains("energy_meter")
                         ? profile::make_no_meter(options_dict["energy_meter"].cast<std::string>())
                         : profile::detect_energy_meter(kind);
  PythonExecutor python_executor(std::move(executor));
  ProgressPrinter progress("profile", "archs", 0, ProgressPrinter::Style::kCounter);
  const auto report = profile::run_profile(store, space, archs, python_executor, *meter, config,
                                           [&](std::size_t done, std::size_t total) {
                                             progress.set_total(static_cast<double>(total));
                                             progress.update(static_cast<double>(done));
                                           });
  progress.finish();
  py::dict out;
  out["run_uid"] = config.run_uid;
  out["device"] = device.name;
  out["profiled"] = report.profiled;
  out["already_done"] = report.already_done;
  out["energy"] = report.energy_status;
  out["energy_failures"] = report.energy_failures;
  out["energy_stopped"] = report.energy_stopped;
  out["memory_failures"] = report.memory_failures;
  return out;
}

}  // namespace

void bind_profile(py::module_& m) {
  m.def(
      "run_profile", &run_profile_from_python, py::arg("db"), py::arg("space"), py::arg("archs"), py::arg("executor"),
      py::arg("options") = py::dict(),
      "Profiles `archs` (canonical strings) of `space` into the store `db` with `executor` (an object with "
      "prepare(arch, batch, seq), forward() -> ms, reset_decode(), decode_token() -> ms; optionally on_gpu(), "
      "timer(), gpu_forward_memory_mb(), model_variant()), under the protocol of `hwgpt profile`. options: "
      "device, kind (cpu|gpu), gpu_name, gpu_memory_mb, batch, seq, threads, blas_threads, warmup, min_repeats, max_repeats, "
      "target_ci, max_seconds, decode_tokens, memory, energy_updates, energy_window, energy_windows, command, "
      "revision, run_uid, energy_meter (a reason: no meter). Resumable by run uid.");
}

}  // namespace hwgpt::python
