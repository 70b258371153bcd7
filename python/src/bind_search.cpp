// Multi-objective tools for Python: exact hypervolume and Pareto fronts of NumPy point sets
// (minimisation), and seeded optimizer runs over a space with benchmark objectives (run without
// the GIL; the same run as `hwgpt search` with the same arguments).
#include <pybind11/stl.h>

#include <chrono>
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

// The dict search() and Problem.result() return: one shape for built-in and users' runs.
py::dict run_to_dict(const search::RunResult& run) {
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
}

// The study's name for the arch problem of `space` with `objectives` ("arch-s-perplexity+latency@h100").
std::string label_of(const std::string& space, const std::vector<std::string>& objectives) {
  search::ProblemSpec spec;
  spec.space = space;
  spec.objectives = objectives;
  return spec.label();
}

// An arch problem of the benchmark driven from outside: the user's optimizer proposes archs,
// evaluate() answers them and records them through the RunRecorder that run_search uses.
class UserRun {
 public:
  UserRun(std::shared_ptr<const benchmark::Benchmark> bench, const std::vector<std::string>& objectives,
          std::size_t budget, const std::string& algorithm, std::uint64_t seed)
      : arch_problem_(bench->space(), objectives, bench),
        problem_(arch_problem_),
        recorder_(problem_, algorithm, seed, budget),
        label_(label_of(bench->space().name(), objectives)),
        start_(std::chrono::steady_clock::now()) {}

  py::array_t<double> evaluate(const py::handle& archs) {
    const bool single = py::isinstance<py::str>(archs) || py::isinstance<py::dict>(archs);
    const auto list = single ? std::vector<space::Arch>{arch_from_object(archs, arch_problem_.space())}
                             : archs_from_object(archs, arch_problem_.space());
    const double remaining = recorder_.remaining();
    if (static_cast<double>(list.size()) > remaining + 1e-9)
      throw ValueError(std::to_string(list.size()) + " archs exceed the remaining budget of " +
                       std::to_string(static_cast<long long>(remaining + 1e-9)) + " evaluations (budget " +
                       std::to_string(recorder_.result().budget) + ")");
    std::vector<search::Genome> genomes;
    for (const auto& a : list) genomes.push_back(arch_problem_.to_genome(a));
    std::vector<double> objectives;
    {
      py::gil_scoped_release release;
      objectives = problem_.evaluate(genomes);
      const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      recorder_.record(genomes, std::vector<double>(genomes.size(), 1.0), objectives, t);
      recorder_.set_duration(t);
    }
    return to_array(objectives, problem_.num_objectives());
  }

  const search::Problem& problem() const { return problem_; }
  const search::RunResult& result() const { return recorder_.result(); }
  double remaining() const { return recorder_.remaining(); }
  double hypervolume() const { return recorder_.hypervolume(); }
  const std::string& label() const { return label_; }

 private:
  search::ArchProblem arch_problem_;
  search::Problem problem_;
  search::RunRecorder recorder_;
  std::string label_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

void bind_search(py::module_& m) {
  py::class_<UserRun>(m, "UserRun",
                      "An arch problem of a benchmark for an optimizer written in Python (use hwgpt.Problem).")
      .def(py::init([](const py::handle& bench, const std::vector<std::string>& objectives, std::size_t budget,
                       const std::string& algorithm, std::uint64_t seed) {
             return std::make_unique<UserRun>(benchmark_of(bench), objectives, budget, algorithm, seed);
           }),
           py::arg("benchmark"), py::arg("objectives"), py::arg("budget"), py::arg("algorithm"), py::arg("seed"))
      .def("evaluate", &UserRun::evaluate, py::arg("archs"))
      .def("normalise",
           [](const UserRun& r, const Points& values) {
             const auto set = point_set(values, "values");
             if (set.dimension != r.problem().num_objectives())
               throw ValueError("values have " + std::to_string(set.dimension) + " columns; expected " +
                                std::to_string(r.problem().num_objectives()) + " objectives");
             return to_array(r.problem().normalise(set.values), set.dimension);
           },
           py::arg("values"))
      .def("result", [](const UserRun& r) { return run_to_dict(r.result()); })
      .def("save", [](const UserRun& r, const std::string& folder) {
             return search::add_run_to_study(folder, r.label(), r.result());
           }, py::arg("folder"))
      .def_property_readonly("objectives", [](const UserRun& r) { return r.problem().objective_names(); })
      .def_property_readonly("ideal", [](const UserRun& r) { return r.problem().bounds().ideal; })
      .def_property_readonly("nadir", [](const UserRun& r) { return r.problem().bounds().nadir; })
      .def_property_readonly("remaining", [](const UserRun& r) { return static_cast<std::size_t>(r.remaining() + 1e-9); })
      .def_property_readonly("evaluations", [](const UserRun& r) { return r.result().evaluations.size(); })
      .def_property_readonly("hypervolume", &UserRun::hypervolume)
      .def_property_readonly("hv_curve", [](const UserRun& r) {
        const auto& c = r.result().hv_curve;
        return py::array_t<double>(static_cast<py::ssize_t>(c.size()), c.data());
      })
      .def_property_readonly("label", &UserRun::label)
      .def_property_readonly("budget", [](const UserRun& r) { return r.result().budget; })
      .def_property_readonly("algorithm", [](const UserRun& r) { return r.result().algorithm; })
      .def_property_readonly("seed", [](const UserRun& r) { return r.result().seed; });

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
        return run_to_dict(run);
      },
      py::arg("benchmark"), py::arg("objectives"), py::arg("algorithm") = "nsga2", py::arg("budget") = 500,
      py::arg("seed") = 1, py::arg("options") = "{}",
      "One seeded run of an optimizer (rs, ls, nsga2, morea, lsbo, rsbo, ehvi, moasha) on the benchmark's "
      "space; objectives as `hwgpt search --objectives` (perplexity, latency@a100, max:params, …); "
      "options: a JSON object of optimizer options as a study config's (population_size, gp_max_points, …).");
}

}  // namespace hwgpt::python
