// `hwgpt search`: one seeded optimisation run over an arch space (analytic objectives) or a test
// problem; prints the final hypervolume and front, optionally writes the run's CSV and JSON.
#include <algorithm>
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/progress.hpp"
#include "hwgpt/core/strings.hpp"
#include "hwgpt/search/arch_problem.hpp"
#include "hwgpt/search/run.hpp"
#include "hwgpt/search/study.hpp"

namespace hwgpt::cli {
namespace {

constexpr const char* kHelp = R"(usage: hwgpt search [--scale S | --space-file F] [--objectives A,B,...]
                    [--test-problem zdt1|zdt2|dtlz2 [--variables N] [--levels K]]
                    [--algorithm NAME (nsga2)] [--budget N (500)] [--seed K (1)]
                    [--population N (50, nsga2)] [--out DIR] [--json] [--bounds]
                    [--data-dir DIR (surrogates of DIR/surrogates; default: the shipped ones)]
Minimises the objectives with a seeded ask/tell optimizer and reports the hypervolume of the
normalised objectives: each objective is mapped to (f - ideal) / (nadir - ideal), with ideal and
nadir fixed per problem (arch spaces: the values of the space's smallest and largest archs; for
benchmark metrics the extremes a deterministic local search finds, docs/SEARCH.md),
and the reference point is 1.1 in every objective.
Algorithms: rs, ls, nsga2, morea (evolutionary); lsbo, rsbo, ehvi (Gaussian-process BO; ehvi is
exact for 2 objectives, Monte Carlo for more; each step costs ~5-25 ms at 150+ evaluations); moasha (multi-fidelity: the
budget counts full evaluations, a trial at fidelity r costs r; the arch problem has no fidelity,
so there a promotion keeps its exact result at no cost and MOASHA evaluates what rs does).
Objectives available now (closed form, the space's default workload; default params,flops):
  params          total parameters          flops           forward FLOPs
  weights_mb      float32 weights, 1e6 B    kv_cache_mb     KV cache, 1e6 B
  activations_mb  peak activations, 1e6 B
All of them grow with the architecture, so they never conflict with each other: prefix one with
max: to maximise it (e.g. --objectives max:params,kv_cache_mb: most capacity per KV-cache byte);
its negation is minimised and reported.
From the benchmark (surrogates under data/surrogates; `hwgpt metrics --scale S` lists them):
  perplexity, accuracy (use max:accuracy), latency@DEVICE, energy@DEVICE, memory@DEVICE
  (or the full names latency_ms@DEVICE, ...; devices: `hwgpt devices --scale S`).
Test problems (instead of a space): discretised ZDT1/ZDT2 (30 variables) and DTLZ2 (3 objectives,
12 variables), each variable on a grid of --levels (101) values in [0, 1].
--bounds prints each objective's ideal and nadir (the normalisation) and exits.
--out DIR writes DIR/run.csv (every evaluation: index, time_s, objectives, arch) and DIR/run.json
(HV curve, bounds, front).
)";

search::ProblemSpec problem_spec_of(const Args& args) {
  search::ProblemSpec spec;
  if (auto test = args.value("--test-problem")) {
    if (args.value("--scale") || args.value("--space-file") || args.value("--objectives"))
      throw ParseError("search: --test-problem has its own objectives; drop --scale, --space-file and --objectives");
    spec.test_problem = *test;
    spec.test_config.num_variables = static_cast<int>(args.integer("--variables", 0, 0, 100000));
    spec.test_config.levels = static_cast<int>(args.integer("--levels", 101, 2, 1000000));
  } else {
    if (args.value("--scale") && args.value("--space-file"))
      throw ParseError("give either --scale or --space-file, not both");
    spec.space = args.value("--space-file").value_or(args.value_or("--scale", "s"));
    spec.objectives = split(args.value_or("--objectives", "params,flops"), ',');
  }
  return spec;
}

void print_bounds(const search::Problem& problem) {
  char line[160];
  std::cout << "objective              ideal (-> 0)          nadir (-> 1)   problem " << problem.name() << "\n";
  for (std::size_t k = 0; k < problem.num_objectives(); ++k) {
    std::snprintf(line, sizeof line, "%-16s %20.10g  %20.10g\n", problem.objective_names()[k].c_str(),
                  problem.bounds().ideal[k], problem.bounds().nadir[k]);
    std::cout << line;
  }
}

void write_run(const search::RunResult& run, const std::string& out) {
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) throw FileError("cannot create '" + out + "': " + ec.message());
  search::write_file_atomically(std::filesystem::path(out) / "run.csv", search::run_to_csv(run));
  search::write_file_atomically(std::filesystem::path(out) / "run.json", search::run_to_json(run));
}

// The run's summary and its front, sorted by the first objective.
void print_run(const search::RunResult& run) {
  auto front = search::run_front_indices(run);
  std::sort(front.begin(), front.end(), [&](std::size_t a, std::size_t b) {
    return run.evaluations[a].objectives < run.evaluations[b].objectives;
  });
  char line[160];
  std::snprintf(line, sizeof line, "%zu evaluations in %.3f s; normalised hypervolume %.7f (reference 1.1)\n",
                run.evaluations.size(), run.duration_s, run.final_hypervolume());
  std::cout << "problem    " << run.problem << "\nalgorithm  " << run.algorithm << " (seed " << run.seed << ")\n"
            << line << "front (" << front.size() << " points):\n";
  for (std::size_t i : front) {
    std::cout << " ";
    for (double v : run.evaluations[i].objectives) {
      std::snprintf(line, sizeof line, " %14.6g", v);
      std::cout << line;
    }
    std::cout << "  " << run.evaluations[i].description << "\n";
  }
}

}  // namespace

int cmd_search(const std::vector<std::string>& tokens) {
  const OptionSpec spec{{"--scale", "--space-file", "--objectives", "--test-problem", "--variables", "--levels",
                         "--algorithm", "--budget", "--seed", "--population", "--out", "--data-dir"},
                        {"--json", "--help", "--bounds"},
                        {}};
  const Args args("search", tokens, spec);
  if (args.flag("--help")) {
    std::cout << kHelp;
    return 0;
  }
  const search::ProblemSpec problem_spec = problem_spec_of(args);
  const auto surrogate_dir = args.value("--data-dir") ? std::filesystem::path(*args.value("--data-dir")) / "surrogates"
                                                    : std::filesystem::path();
  const search::Problem problem = search::make_problem(problem_spec, search::benchmark_for(problem_spec, surrogate_dir));
  if (args.flag("--bounds")) {
    print_bounds(problem);
    return 0;
  }
  search::RunConfig config;
  config.algorithm = args.value_or("--algorithm", "nsga2");
  config.budget = static_cast<std::size_t>(args.integer("--budget", 500, 1, 100'000'000));
  config.seed = args.seed();
  config.options.population_size = static_cast<std::size_t>(args.integer("--population", 50, 1, 1'000'000));
  // Runs of BO can take minutes: evaluations with rate, ETA and the hypervolume so far.
  ProgressPrinter printer(config.algorithm, "evaluations", static_cast<double>(config.budget),
                          ProgressPrinter::Style::kCounter);
  const auto progress = [&](double spent, double, double hv) {
    char detail[32];
    std::snprintf(detail, sizeof detail, "hv %.6f", hv);
    printer.update(spent, detail);
  };
  const search::RunResult run = search::run_search(problem, config, progress);
  printer.finish();

  if (const auto out = args.value("--out")) write_run(run, *out);
  if (args.flag("--json"))
    std::cout << search::run_to_json(run);
  else
    print_run(run);
  return 0;
}

}  // namespace hwgpt::cli
