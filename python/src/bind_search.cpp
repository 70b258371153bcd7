// Multi-objective tools for Python: exact hypervolume and Pareto fronts of NumPy point sets
// (minimisation), and seeded optimizer runs over a space with benchmark objectives (run without
// the GIL; the same run as `hwgpt search` with the same arguments).
#include <pybind11/stl.h>

#include <memory>

#include "bindings.hpp"
#include "convert.hpp"
#include "hwgpt/benchmark/benchmark.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/search/arch_problem.hpp"
#include "hwgpt/search/hypervolume.hpp"
#include "hwgpt/search/pareto.hpp"
#include "hwgpt/search/run.hpp"
#include "hwgpt/search/study.hpp"

namespace hwgpt::python {

std::shared_ptr<const benchmark::Benchmark> benchmark_of(const py::handle& object);  // bind_benchmark.cpp

namespace {

using Points = py::array_t<double, py::array::c_style | py::array::forcecast>;

// A row-major view of an (n, d) array; throws ValueError for another shape.
search::PointSet point_set(const Points& points, const char* name) {
  if (points.ndim() != 2)
    throw ValueError(std::string(name) + " has " + std::to_string(points.ndim()) +
                     " dimensions; expected a 2-D array (n points x d objectives)");
  return {std::span<const double>(points.data(), static_cast<std::size_t>(points.size())),
          static_cast<std::size_t>(points.shape(1))};
}

py::array_t<double> to_array(const std::vector<double>& values, std::size_t columns) {
  const auto rows = columns == 0 ? 0 : values.size() / columns;
  py::array_t<double> out(std::vector<py::ssize_t>{static_cast<py::ssize_t>(rows), static_cast<py::ssize_t>(columns)});
  std::copy(values.begin(), values.end(), out.mutable_data());
  return out;
}

}  // namespace

void bind_search(py::module_& m) {
  m.def(
      "hypervolume",
      [](const Points& points, const Points& reference) {
        const auto set = point_set(points, "points");
        if (reference.ndim() != 1)
          throw ValueError("reference has " + std::to_string(reference.ndim()) + " dimensions; expected a 1-D array");
        if (set.dimension == 0) throw ValueError("points have 0 objectives; expected at least 1");
        const std::span<const double> ref(reference.data(), static_cast<std::size_t>(reference.size()));
        py::gil_scoped_release release;
        return search::hypervolume(set, ref);
      },
      py::arg("points"), py::arg("reference"),
      "Exact hypervolume dominated by `points` (n x d, minimised) up to `reference` (d); points not "
      "strictly below the reference in every objective contribute nothing.");

  m.def(
      "pareto_front",
      [](const Points& points) { return search::pareto_front_indices(point_set(points, "points")); },
      py::arg("points"), "Indices (ascending) of the non-dominated rows of an (n x d) array (minimised).");

  m.def(
      "search",
      [](const py::handle& bench_object, const std::vector<std::string>& objectives, const std::string& algorithm,
         std::size_t budget, std::uint64_t seed, const std::string& options_json) {
        const auto bench = benchmark_of(bench_object);
        const search::Problem problem(search::ArchProblem(bench->space(), objectives, bench));
        search::RunConfig config;
        config.algorithm = algorithm;
        config.budget = budget;
        config.seed = seed;
        config.options = search::parse_optimizer_options(options_json, "search");
        search::RunResult run;
        {
          py::gil_scoped_release release;
          run = search::run_search(problem, config);
        }
        const std::size_t k = run.objective_names.size();
        std::vector<double> values;
        py::list archs;
        for (const auto& e : run.evaluations) {
          archs.append(e.description);
          values.insert(values.end(), e.objectives.begin(), e.objectives.end());
        }
        py::dict out;
        out["problem"] = run.problem;
        out["algorithm"] = run.algorithm;
        out["seed"] = run.seed;
        out["budget"] = run.budget;
        out["objectives"] = run.objective_names;
        out["archs"] = archs;
        out["values"] = to_array(values, k);
        out["front"] = search::run_front_indices(run);
        out["hv_curve"] = py::array_t<double>(static_cast<py::ssize_t>(run.hv_curve.size()), run.hv_curve.data());
        out["hypervolume"] = run.final_hypervolume();
        out["ideal"] = run.bounds.ideal;
        out["nadir"] = run.bounds.nadir;
        out["duration_s"] = run.duration_s;
        return out;
      },
      py::arg("benchmark"), py::arg("objectives"), py::arg("algorithm") = "nsga2", py::arg("budget") = 500,
      py::arg("seed") = 1, py::arg("options") = "{}",
      "One seeded run of an optimizer (rs, ls, nsga2, morea, lsbo, rsbo, ehvi, moasha) on the benchmark's "
      "space; objectives as `hwgpt search --objectives` (perplexity, latency@a100, max:params, …); "
      "options: a JSON object of optimizer options as a study config's (population_size, gp_max_points, …).");
}

}  // namespace hwgpt::python
