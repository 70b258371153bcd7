// Measurement stores for Python: the original HW-GPT-Bench raw data imported into a store (what
// `hwgpt store import` does), and read-only tables of a store's measurements, from which the
// original API's ground-truth calls (HWGPT.get_gt_latencies, …) answer in hwgpt/api.py.
#include <pybind11/stl.h>

#include <filesystem>
#include <string>

#include "bindings.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/store/hwgpt_bench_import.hpp"
#include "hwgpt/store/store.hpp"

namespace hwgpt::python {

void bind_store(py::module_& m) {
  m.def(
      "store_import",
      [](const std::string& db, const std::string& folder, const std::string& file_filter) {
        store::Store s(db);
        store::ImportOptions options;
        options.file_filter = file_filter;
        store::ImportReport report;
        {
          py::gil_scoped_release release;
          report = store::import_hwgpt_bench(s, folder, options);
        }
        py::dict out;
        out["files_imported"] = report.files_imported;
        out["files_already_present"] = report.files_already_present;
        out["rows_added"] = report.rows_added;
        out["skipped_files"] = report.skipped_files;
        return out;
      },
      py::arg("db"), py::arg("folder"), py::arg("file_filter") = "",
      "Imports the original HW-GPT-Bench CSV folder into the store `db` (created if missing), as "
      "`hwgpt store import --db DB --from FOLDER`; resumable, a repeat adds nothing.");

  m.def(
      "store_samples",
      [](const std::string& db, const std::string& space, const std::string& metric, const std::string& device) {
        std::vector<store::SampleRow> rows;
        {
          py::gil_scoped_release release;
          const store::Store s(db, store::Store::Mode::kReadOnly);
          if (!device.empty() && !s.find_device(device))
            throw ValueError("device '" + device + "' is not in the store '" + db + "'");
          rows = s.samples({device, metric, space, "", "", ""});
        }
        // arch -> (samples, mean); the first run that has an arch wins, as Benchmark::measured.
        py::dict out;
        for (const auto& row : rows) {
          const py::str arch(row.set.arch);
          if (out.contains(arch)) continue;
          out[arch] = py::make_tuple(py::cast(row.set.samples), row.set.mean);
        }
        return out;
      },
      py::arg("db"), py::arg("space"), py::arg("metric"), py::arg("device") = "",
      "arch -> (raw samples, mean) of `metric` (our names and units: latency_ms, energy_mj, memory_mb, "
      "flops, params) on `device` (name or alias) in the store `db`; samples are empty where only a "
      "summary was recorded.");

  m.def(
      "store_perplexities",
      [](const std::string& db, const std::string& space) {
        std::vector<store::PerplexityRecord> records;
        {
          py::gil_scoped_release release;
          records = store::Store(db, store::Store::Mode::kReadOnly).perplexities(space);
        }
        py::dict out;
        for (const auto& r : records) {
          const py::str arch(r.arch);
          if (out.contains(arch)) continue;
          out[arch] = py::make_tuple(r.perplexity, r.accuracy ? py::cast(*r.accuracy) : py::none());
        }
        return out;
      },
      py::arg("db"), py::arg("space"), "arch -> (perplexity, accuracy or None) of the store `db`.");
}

}  // namespace hwgpt::python
