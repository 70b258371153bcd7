// Problem construction, study configs and the parallel, resumable study loop (see study.hpp).
#include "hwgpt/search/study.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <ostream>
#include <sstream>
#include <thread>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "hwgpt/core/error.hpp"
#include "hwgpt/core/progress.hpp"
#include "hwgpt/search/arch_problem.hpp"
#include "hwgpt/search/attainment.hpp"
#include "hwgpt/search/run.hpp"

namespace hwgpt::search {
namespace {

using nlohmann::json;

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

std::string run_id(const ProblemSpec& p, const std::string& algorithm, std::uint64_t seed) {
  return p.label() + "__" + algorithm + "__seed" + std::to_string(seed);
}

// A finished run's JSON, if it exists and describes this run; nullopt otherwise (then it reruns).
std::optional<StudyRunSummary> read_finished(const std::filesystem::path& path, const StudyRunSummary& expected,
                                             std::size_t budget) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  const json j = json::parse(in, nullptr, false);
  if (j.is_discarded() || j.value("format", "") != "hwgpt-search-run" || j.value("algorithm", "") != expected.algorithm ||
      j.value("seed", std::uint64_t{0}) != expected.seed || j.value("budget", std::size_t{0}) != budget)
    return std::nullopt;
  StudyRunSummary s = expected;
  s.hv_curve = j.at("hv_curve").get<std::vector<double>>();
  for (const auto& point : j.at("front")) {
    const auto objectives = point.at("objectives").get<std::vector<double>>();
    s.front.insert(s.front.end(), objectives.begin(), objectives.end());
  }
  s.evaluations = s.hv_curve.size();
  s.final_hypervolume = j.value("final_hypervolume", 0.0);
  s.duration_s = j.value("duration_s", 0.0);
  s.resumed = true;
  return s;
}

// Every number under `v` must be an integer in [0, max]: nlohmann converts a float such as 1e57 to
// an integer with undefined behaviour, and -1 to 2^64 - 1 (found by fuzz/study_config_fuzz).
void check_counts(const json& v, std::uint64_t max, const std::string& where) {
  if (v.is_array() || v.is_object()) {
    for (const auto& item : v) check_counts(item, max, where);
  } else if (v.is_number() && (!v.is_number_unsigned() || v.get<std::uint64_t>() > max)) {
    throw ParseError(where + ": " + v.dump() + " is not an integer in [0, " + std::to_string(max) + "]");
  }
}

template <typename T>
struct LeafOf {
  using type = T;
};
template <typename T>
struct LeafOf<std::vector<T>> : LeafOf<T> {};
template <typename T>
struct LeafOf<std::vector<std::vector<T>>> : LeafOf<T> {};
template <typename K, typename T>
struct LeafOf<std::map<K, T>> : LeafOf<T> {};

template <typename T>
T get(const json& j, const char* key, std::string_view origin) {
  using Leaf = typename LeafOf<T>::type;
  try {
    if constexpr (std::is_integral_v<Leaf>)
      check_counts(j.at(key), static_cast<std::uint64_t>(std::numeric_limits<Leaf>::max()),
                   std::string(origin) + ": key '" + key + "'");
    return j.at(key).get<T>();
  } catch (const json::exception& e) {
    throw ParseError(std::string(origin) + ": key '" + key + "': " + e.what());
  }
}

// attainment.csv: for every 2-objective problem and algorithm, the best (k = 1), median
// (k = ceil(R/2)) and worst (k = R) attainment surfaces of the R seeds' final fronts.
void write_attainment(const StudyConfig& config, const std::vector<Problem>& problems,
                      const std::vector<StudyRunSummary>& runs) {
  std::ostringstream out;
  out.precision(17);
  out << "problem,algorithm,k,runs,f1,f2\n";
  bool any = false;
  for (std::size_t p = 0; p < problems.size(); ++p) {
    if (problems[p].num_objectives() != 2) continue;
    const std::string label = config.problems[p].label();
    for (const auto& algorithm : config.algorithms) {
      std::vector<std::vector<Point2>> fronts;
      for (const auto& r : runs) {
        if (r.problem != label || r.algorithm != algorithm) continue;
        std::vector<Point2> front;
        for (std::size_t i = 0; i + 1 < r.front.size(); i += 2) front.push_back({r.front[i], r.front[i + 1]});
        fronts.push_back(std::move(front));
      }
      if (fronts.empty()) continue;
      const std::size_t n = fronts.size();
      std::vector<std::size_t> levels{1, (n + 1) / 2, n};
      levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
      for (std::size_t k : levels)
        for (const auto& z : attainment_surface(fronts, k)) {
          out << label << "," << algorithm << "," << k << "," << n << "," << z[0] << "," << z[1] << "\n";
          any = true;
        }
    }
  }
  if (any) write_file_atomically(config.output / "attainment.csv", out.str());
}

// The "options" object: any OptimizerOptions field by name (docs/FORMATS.md).
OptimizerOptions parse_options(const json& j, std::string_view origin) {
  if (!j.is_object()) throw ParseError(std::string(origin) + ": 'options' must be an object");
  OptimizerOptions o;
  const auto& fields = optimizer_option_fields();
  for (const auto& item : j.items()) {
    // Named copies, not structured bindings: clang 14 (the fuzz build) cannot capture those.
    const std::string key = item.key();
    const json& value = item.value();
    const std::string where = std::string(origin) + ": options." + key;
    const auto field = std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return key == f.name; });
    if (field == fields.end()) {
      std::string names;
      for (const auto& f : fields) names += std::string(names.empty() ? "" : ", ") + f.name;
      throw ParseError(std::string(origin) + ": unknown optimizer option '" + key + "'; expected one of: " + names);
    }
    if (field->count) {
      if (!value.is_number_unsigned()) throw ParseError(where + " is " + value.dump() + "; expected a non-negative integer");
      o.*(field->count) = value.get<std::size_t>();
    } else {
      if (!value.is_number()) throw ParseError(where + " is " + value.dump() + "; expected a number");
      o.*(field->real) = value.get<double>();
    }
  }
  return o;
}

}  // namespace

std::string ProblemSpec::label() const {
  if (!test_problem.empty()) return make_test_problem(test_problem, test_config).name();
  std::string space_name = std::filesystem::path(space).stem().string();
  std::string label = "arch-" + space_name + "-" + join(objectives, "+");
  std::replace(label.begin(), label.end(), ':', '_');  // file names: max:params -> max_params
  return label;
}

namespace {

space::SearchSpace space_of(const ProblemSpec& spec) {
  const bool is_file = spec.space.find('/') != std::string::npos || spec.space.ends_with(".json");
  return is_file ? space::SearchSpace::load(spec.space) : space::SearchSpace::builtin(spec.space);
}

// The problems of a study, each space's benchmark loaded once for all of its problems.
std::vector<Problem> make_problems(const StudyConfig& config) {
  std::map<std::string, std::shared_ptr<const benchmark::Benchmark>> loaded;
  std::vector<Problem> problems;
  for (const auto& p : config.problems) {
    std::shared_ptr<const benchmark::Benchmark> bench;
    if (p.test_problem.empty()) {
      auto& slot = loaded[p.space];
      if (!slot) slot = benchmark_for(p, config.surrogate_dir());
      bench = slot;
    }
    problems.push_back(make_problem(p, bench));
  }
  return problems;
}

}  // namespace

std::shared_ptr<const benchmark::Benchmark> benchmark_for(const ProblemSpec& spec,
                                                          const std::filesystem::path& surrogate_dir) {
  if (!spec.test_problem.empty() ||
      std::none_of(spec.objectives.begin(), spec.objectives.end(), is_benchmark_objective))
    return nullptr;
  return std::make_shared<const benchmark::Benchmark>(benchmark::Benchmark::load(
      space_of(spec), surrogate_dir.empty() ? benchmark::default_surrogate_dir() : surrogate_dir));
}

Problem make_problem(const ProblemSpec& spec, std::shared_ptr<const benchmark::Benchmark> bench) {
  if (!spec.test_problem.empty()) return make_test_problem(spec.test_problem, spec.test_config);
  return Problem(ArchProblem(space_of(spec), spec.objectives, std::move(bench)));
}

OptimizerOptions parse_optimizer_options(std::string_view json_object_text, std::string_view origin) {
  const json j = json::parse(json_object_text, nullptr, false);
  if (j.is_discarded()) throw ParseError(std::string(origin) + ": not valid JSON");
  return parse_options(j, origin);
}

StudyConfig parse_study_config(std::string_view json_text, std::string_view origin) {
  const json j = json::parse(json_text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw ParseError(std::string(origin) + ": not a JSON object");
  static const std::vector<std::string> known = {"space", "objective_sets", "test_problems", "variables", "levels",
                                                 "algorithms", "seeds", "budget", "algorithm_budgets", "threads", "output",
                                                 "options", "devices", "data_dir"};
  for (const auto& [key, value] : j.items())
    if (std::find(known.begin(), known.end(), key) == known.end())
      throw ParseError(std::string(origin) + ": unknown key '" + key + "'; expected one of: " + join(known, ", "));
  StudyConfig c;
  const std::string space = j.contains("space") ? get<std::string>(j, "space", origin) : "s";
  // "devices": every objective set whose hardware metrics name no device ("latency", "energy_mj")
  // becomes one problem per device, with "@DEVICE" appended to those metrics.
  std::vector<std::string> devices;
  if (j.contains("devices")) devices = get<std::vector<std::string>>(j, "devices", origin);
  auto device_free = [](const std::string& o) {
    const std::string name = o.rfind("max:", 0) == 0 ? o.substr(4) : o;
    return is_benchmark_objective(o) && name.find('@') == std::string::npos && name.rfind("perplexity", 0) != 0 &&
           name.rfind("accuracy", 0) != 0 && name != "ppl";
  };
  if (j.contains("objective_sets"))
    for (const auto& set : get<std::vector<std::vector<std::string>>>(j, "objective_sets", origin)) {
      const bool per_device = !devices.empty() && std::any_of(set.begin(), set.end(), device_free);
      for (std::size_t d = 0; d < (per_device ? devices.size() : 1); ++d) {
        ProblemSpec p;
        p.space = space;
        p.objectives = set;
        if (per_device)
          for (auto& o : p.objectives)
            if (device_free(o)) o += "@" + devices[d];
        c.problems.push_back(p);
      }
    }
  if (j.contains("test_problems"))
    for (const auto& name : get<std::vector<std::string>>(j, "test_problems", origin)) {
      ProblemSpec p;
      p.test_problem = name;
      if (j.contains("variables")) p.test_config.num_variables = get<int>(j, "variables", origin);
      if (j.contains("levels")) p.test_config.levels = get<int>(j, "levels", origin);
      c.problems.push_back(p);
    }
  if (c.problems.empty())
    throw ParseError(std::string(origin) + ": no problems; give 'objective_sets' (e.g. [[\"params\", \"flops\"]]) "
                     "and/or 'test_problems' (zdt1, zdt2, dtlz2)");
  c.algorithms = get<std::vector<std::string>>(j, "algorithms", origin);
  c.seeds = get<std::vector<std::uint64_t>>(j, "seeds", origin);
  if (c.algorithms.empty() || c.seeds.empty())
    throw ParseError(std::string(origin) + ": 'algorithms' and 'seeds' must not be empty");
  if (j.contains("budget")) c.budget = get<std::size_t>(j, "budget", origin);
  if (j.contains("algorithm_budgets"))
    c.algorithm_budgets = get<std::map<std::string, std::size_t>>(j, "algorithm_budgets", origin);
  if (c.budget == 0) throw ParseError(std::string(origin) + ": 'budget' is 0; expected at least 1 evaluation");
  for (const auto& [name, b] : c.algorithm_budgets) {
    if (std::find(c.algorithms.begin(), c.algorithms.end(), name) == c.algorithms.end())
      throw ParseError(std::string(origin) + ": 'algorithm_budgets' names '" + name + "', which is not in 'algorithms'");
    if (b == 0) throw ParseError(std::string(origin) + ": 'algorithm_budgets' gives " + name + " 0 evaluations");
  }
  if (j.contains("threads")) c.threads = get<std::size_t>(j, "threads", origin);
  if (j.contains("output")) c.output = get<std::string>(j, "output", origin);
  if (j.contains("data_dir")) c.data_dir = get<std::string>(j, "data_dir", origin);
  if (j.contains("options")) c.options = parse_options(j.at("options"), origin);
  // Build every problem and optimizer once now, so a bad name fails before any run starts.
  for (const auto& problem : make_problems(c))
    for (const auto& a : c.algorithms) make_optimizer(a, problem, 0, c.options);
  return c;
}

namespace {

struct Job {
  std::size_t problem;
  StudyRunSummary summary;
  std::string csv, json, error;  // a run's files and failure, while they travel to rank 0
};

// A finished run's summary from its RunResult (the same values its JSON gives back on resume).
void summarise(const RunResult& run, StudyRunSummary& s) {
  s.evaluations = run.evaluations.size();
  s.final_hypervolume = run.final_hypervolume();
  s.duration_s = run.duration_s;
  s.hv_curve = run.hv_curve;
  for (std::size_t f : run_front_indices(run))
    s.front.insert(s.front.end(), run.evaluations[f].objectives.begin(), run.evaluations[f].objectives.end());
}

// The runs a rank finished (or that failed) in one round, as JSON for the trip to rank 0; runs
// that never started (after a failure) stay out.
std::string pack(const std::vector<Job>& jobs, const std::vector<std::size_t>& indices) {
  json out = json::array();
  for (std::size_t i : indices)
    if (!jobs[i].json.empty() || !jobs[i].error.empty()) out.push_back({{"job", i}, {"csv", jobs[i].csv}, {"json", jobs[i].json}, {"error", jobs[i].error}});
  return out.dump();
}

}  // namespace

std::string study_config_to_json(const StudyConfig& config) {
  json j;
  json sets = json::array(), tests = json::array();
  for (const auto& p : config.problems) {
    if (p.test_problem.empty()) {
      j["space"] = p.space;
      sets.push_back(p.objectives);
    } else {
      tests.push_back(p.test_problem);
      j["variables"] = p.test_config.num_variables;
      j["levels"] = p.test_config.levels;
    }
  }
  if (!sets.empty()) j["objective_sets"] = sets;
  if (!tests.empty()) j["test_problems"] = tests;
  j["algorithms"] = config.algorithms;
  j["seeds"] = config.seeds;
  j["budget"] = config.budget;
  if (!config.algorithm_budgets.empty()) j["algorithm_budgets"] = config.algorithm_budgets;
  j["threads"] = config.threads;
  if (!config.data_dir.empty()) j["data_dir"] = config.data_dir.string();
  // No "output": the file lives in the output folder, and a folder must not depend on where it was
  // written (two runs of one study into two folders give the same bytes; a moved folder stays true).
  json options = json::object();
  for (const auto& f : optimizer_option_fields())
    options[f.name] = f.count ? json(config.options.*(f.count)) : json(config.options.*(f.real));
  j["options"] = options;
  return j.dump(2) + "\n";
}

std::vector<StudyRunSummary> run_study(const StudyConfig& config, std::ostream* progress, Communicator& comm) {
  const std::vector<Problem> problems = make_problems(config);
  std::vector<Job> jobs;
  for (std::size_t p = 0; p < config.problems.size(); ++p)
    for (const auto& a : config.algorithms)
      for (std::uint64_t seed : config.seeds) {
        StudyRunSummary s;
        s.id = run_id(config.problems[p], a, seed);
        s.problem = config.problems[p].label();
        s.algorithm = a;
        s.seed = seed;
        jobs.push_back({p, s, {}, {}, {}});
      }
  const bool root = comm.is_root(), distributed = comm.size() > 1;
  const auto runs_dir = config.output / "runs";
  std::mutex mutex;  // guards progress output and first_error
  std::size_t done = 0, resumed = 0;
  // One line per finished run; resumed runs count in done/total, not in the rate.
  ProgressPrinter printer("study", "runs", static_cast<double>(jobs.size()), ProgressPrinter::Style::kLines, progress,
                          false);
  const auto report = [&](const StudyRunSummary& s, const std::string& where) {
    ++done;
    if (s.resumed) printer.set_already_done(static_cast<double>(++resumed));
    char hv[48];
    std::snprintf(hv, sizeof hv, " hv %.6f", s.final_hypervolume);
    printer.update(static_cast<double>(done), s.id + hv + (s.resumed ? " (resumed)" : "") + where);
  };

  // 1) Rank 0 alone touches the output folder: it reads the finished runs back and tells the
  //    other ranks which runs are left ("i j k ...").
  std::string todo_text;
  if (root) {
    std::error_code ec;
    std::filesystem::create_directories(runs_dir, ec);
    if (ec) throw FileError("cannot create '" + runs_dir.string() + "': " + ec.message());
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      if (auto finished = read_finished(runs_dir / (jobs[i].summary.id + ".json"), jobs[i].summary,
                                        config.budget_of(jobs[i].summary.algorithm))) {
        jobs[i].summary = *finished;
        report(jobs[i].summary, "");
      } else {
        todo_text += std::to_string(i) + " ";
      }
    }
  }
  comm.broadcast(todo_text, 0);
  std::vector<std::size_t> todo;
  std::istringstream todo_in(todo_text);
  for (std::size_t i = 0; todo_in >> i;) todo.push_back(i);

  // 2) Run k of the left runs belongs to rank k mod N (deterministic; the runs are seeded, so who
  //    runs one does not change its result). Each rank runs its share on `threads` threads.
  std::vector<std::size_t> mine;
  for (std::size_t k = static_cast<std::size_t>(comm.rank()); k < todo.size(); k += static_cast<std::size_t>(comm.size()))
    mine.push_back(todo[k]);
  std::size_t threads = config.threads ? config.threads : std::max(1u, std::thread::hardware_concurrency());
  const auto run_jobs = [&](const std::vector<std::size_t>& batch) {
    std::atomic<std::size_t> next{0};
    std::exception_ptr first_error;
    const auto worker = [&] {
      for (std::size_t n = next++; n < batch.size(); n = next++) {
        Job& job = jobs[batch[n]];
        try {
          const RunResult run = run_search(problems[job.problem], {job.summary.algorithm, job.summary.seed,
                                                                   config.budget_of(job.summary.algorithm), config.options});
          job.csv = run_to_csv(run);
          job.json = run_to_json(run);
          summarise(run, job.summary);
          if (!distributed) {
            // One process writes as it goes: a killed study keeps every finished run.
            write_file_atomically(runs_dir / (job.summary.id + ".csv"), job.csv);
            write_file_atomically(runs_dir / (job.summary.id + ".json"), job.json);
          }
        } catch (...) {
          std::lock_guard lock(mutex);
          if (!distributed && !first_error) first_error = std::current_exception();
          try {
            throw;
          } catch (const std::exception& e) {
            job.error = e.what();
          } catch (...) {
            job.error = "unknown exception";
          }
          next = batch.size();  // stop handing out work
          return;
        }
        if (root) {
          std::lock_guard lock(mutex);
          report(job.summary, distributed ? " (rank 0)" : "");
        }
      }
    };
    std::vector<std::thread> pool;
    for (std::size_t t = 0; t < std::min(threads, std::max<std::size_t>(batch.size(), 1)); ++t) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
    if (first_error) std::rethrow_exception(first_error);
  };
  if (!distributed) {
    run_jobs(mine);
  } else {
    // 3) Rounds of `threads` runs per rank, gathered to rank 0 after each round, so a killed
    //    distributed study loses at most the round in flight.
    const std::size_t per_rank = (todo.size() + static_cast<std::size_t>(comm.size()) - 1) / static_cast<std::size_t>(comm.size());
    for (std::size_t from = 0; from < per_rank; from += threads) {
      std::vector<std::size_t> round;
      for (std::size_t k = from; k < std::min(from + threads, mine.size()); ++k) round.push_back(mine[k]);
      run_jobs(round);
      const std::vector<std::string> parts = comm.gather(pack(jobs, round), 0);
      std::string failure;
      for (std::size_t r = 0; r < parts.size(); ++r)
        for (const auto& item : json::parse(parts[r])) {
          Job& job = jobs[item.at("job").get<std::size_t>()];
          if (!item.at("error").get<std::string>().empty()) {
            if (failure.empty())
              failure = "rank " + std::to_string(r) + ", run " + job.summary.id + ": " + item.at("error").get<std::string>();
            continue;
          }
          write_file_atomically(runs_dir / (job.summary.id + ".csv"), item.at("csv").get<std::string>());
          const auto json_path = runs_dir / (job.summary.id + ".json");
          write_file_atomically(json_path, item.at("json").get<std::string>());
          if (r == 0) continue;
          // Read back exactly as a resumed run would be: the JSON holds every summary field.
          job.summary = read_finished(json_path, job.summary, config.budget_of(job.summary.algorithm)).value();
          job.summary.resumed = false;
          report(job.summary, " (rank " + std::to_string(r) + ")");
        }
      comm.broadcast(failure, 0);  // every rank stops on the first failure, none waits forever
      if (!failure.empty()) throw Error("study: " + failure);
    }
    for (auto& job : jobs) job.csv.clear(), job.json.clear();
    if (!root) return {};
  }

  // 4) The study's tables, from every run in config order.
  std::vector<StudyRunSummary> out;
  std::string summary = std::string(kSummaryHeader) + "\n";
  std::string curves = std::string(kCurvesHeader) + "\n";
  std::vector<std::string> ids;
  for (auto& job : jobs) {
    summary += summary_row(job.summary);
    curves += curve_rows(job.summary.id, job.summary.hv_curve);
    ids.push_back(job.summary.id);
    out.push_back(std::move(job.summary));
  }
  // Runs of users' optimizers placed beside the study's (add_run_to_study) stay listed.
  const ExternalRows external = external_rows(config.output, ids);
  summary += external.summary;
  curves += external.curves;
  // With the summary, at the end: a study that fails (a full disk) leaves the previous config and
  // results as they were.
  write_file_atomically(config.output / "config.json", study_config_to_json(config));
  write_file_atomically(config.output / "summary.csv", summary);
  write_file_atomically(config.output / "hv_curves.csv", curves);
  write_attainment(config, problems, out);
  return out;
}

}  // namespace hwgpt::search
