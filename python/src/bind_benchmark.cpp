// class Benchmark for Python: the shipped surrogates of one space, loaded once, answering single
// and batch queries (batches convert their archs with the GIL held, then predict without it).
#include <pybind11/stl.h>

#include <memory>
#include <optional>

#include "bindings.hpp"
#include "convert.hpp"
#include "hwgpt/benchmark/benchmark.hpp"
#include "hwgpt/core/error.hpp"

namespace hwgpt::python {
namespace {

// mode "mean"; "quantile" with q in (0, 1); "sample" with seed >= 0; or the CLI's forms
// "quantile:Q" and "sample:SEED". Throws ValueError naming what is missing or unused.
benchmark::Query query_of(const std::string& mode, std::optional<double> q, std::optional<long long> seed) {
  if (mode != "quantile" && q) throw ValueError("q = " + std::to_string(*q) + " is only used with mode='quantile' (mode is '" + mode + "')");
  if (mode != "sample" && seed) throw ValueError("seed = " + std::to_string(*seed) + " is only used with mode='sample' (mode is '" + mode + "')");
  if (mode == "quantile") {
    if (!q) throw ValueError("mode='quantile' needs q, the quantile level in (0, 1)");
    if (!(*q > 0 && *q < 1)) throw ValueError("q is " + std::to_string(*q) + "; expected 0 < q < 1");
    return benchmark::Query::quantile(*q);
  }
  if (mode == "sample") {
    if (!seed) throw ValueError("mode='sample' needs seed, an integer >= 0 (the same seed gives the same draw)");
    if (*seed < 0) throw ValueError("seed is " + std::to_string(*seed) + "; expected an integer >= 0");
    return benchmark::Query::sample(static_cast<std::uint64_t>(*seed));
  }
  if (mode == "mean" || mode.find(':') != std::string::npos) return benchmark::parse_query_mode(mode);
  throw ValueError("mode '" + mode + "'; expected mean, quantile (with q) or sample (with seed)");
}

struct PyBenchmark {
  std::shared_ptr<const benchmark::Benchmark> bench;
};

}  // namespace

// The loaded benchmark behind a Python Benchmark object, for bind_search.cpp.
std::shared_ptr<const benchmark::Benchmark> benchmark_of(const py::handle& object) {
  return object.cast<const PyBenchmark&>().bench;
}

void bind_benchmark(py::module_& m) {
  py::class_<PyBenchmark>(m, "Benchmark",
                          "The benchmark of one search space: analytic metrics and the surrogates under "
                          "data/surrogates/<space>/ (loaded once).")
      .def(py::init([](const std::string& space_name, std::optional<std::string> data_dir) {
             const auto dir = data_dir ? std::filesystem::path(*data_dir) / "surrogates" : benchmark::default_surrogate_dir();
             return PyBenchmark{std::make_shared<const benchmark::Benchmark>(
                 benchmark::Benchmark::load(space_from_name(space_name), dir))};
           }),
           py::arg("space") = "s", py::arg("data_dir") = py::none(),
           "Loads the surrogates of `space` from DATA_DIR/surrogates (default: $HWGPT_DATA_DIR or the "
           "source tree's data/).")
      .def_property_readonly("space", [](const PyBenchmark& b) { return b.bench->space().name(); })
      .def("metrics",
           [](const PyBenchmark& b) {
             py::list out;
             for (const auto& info : b.bench->metrics()) {
               py::dict d;
               d["name"] = info.name;
               d["unit"] = info.unit;
               d["source"] = info.source;
               d["devices"] = info.devices;
               out.append(d);
             }
             return out;
           })
      .def("devices",
           [](const PyBenchmark& b) {
             py::list out;
             for (const auto& info : b.bench->devices()) {
               py::dict d;
               d["name"] = info.name;
               d["aliases"] = info.aliases;
               d["model_variant"] = info.model_variant;
               d["batch"] = info.batch;
               d["sequence_length"] = info.sequence_length;
               d["dtype"] = info.dtype;
               d["metrics"] = info.metrics;
               out.append(d);
             }
             return out;
           })
      .def(
          "query",
          [](const PyBenchmark& b, const py::handle& arch, const std::string& metric, const std::string& device,
             const std::string& mode, std::optional<double> q, std::optional<long long> seed) {
            const auto how = query_of(mode, q, seed);
            return b.bench->query(arch_from_object(arch, b.bench->space()), metric, device, how);
          },
          py::arg("arch"), py::arg("metric"), py::arg("device") = "", py::arg("mode") = "mean",
          py::arg("q") = py::none(), py::arg("seed") = py::none(),
          "One value of `metric` (our names: latency_ms, energy_mj, memory_mb, perplexity, params, …).")
      .def(
          "query_batch",
          [](const PyBenchmark& b, const py::handle& archs, const std::string& metric, const std::string& device,
             const std::string& mode, std::optional<double> q, std::optional<long long> seed) {
            const auto how = query_of(mode, q, seed);
            const auto list = archs_from_object(archs, b.bench->space());
            std::vector<double> values;
            {
              py::gil_scoped_release release;
              values = b.bench->query(list, metric, device, how);
            }
            return py::array_t<double>(static_cast<py::ssize_t>(values.size()), values.data());
          },
          py::arg("archs"), py::arg("metric"), py::arg("device") = "", py::arg("mode") = "mean",
          py::arg("q") = py::none(), py::arg("seed") = py::none(),
          "Values for a list of archs (strings or dicts) or a 2-D array of feature-map rows, as a "
          "NumPy array; predicts without the GIL.");
}

}  // namespace hwgpt::python
