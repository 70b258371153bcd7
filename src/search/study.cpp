// Problem construction and study configs (see study.hpp); the study loop is study_run.cpp, the
// folder's tables study_tables.cpp.
#include "hwgpt/search/study.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>
#include <set>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "hwgpt/analytic/metric_catalogue.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/core/strings.hpp"
#include "hwgpt/search/arch_problem.hpp"

namespace hwgpt::search {
namespace {

using nlohmann::json;

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

// The devices whose shipped (or `surrogate_dir`'s) surrogates of `space` answer every metric in
// `metrics` (canonical names): the "devices": "all" of a study config. Lists file names only.
std::vector<std::string> devices_with(const std::string& space_name, const std::vector<std::string>& metrics,
                                      const std::filesystem::path& surrogate_dir) {
  ProblemSpec spec;
  spec.space = space_name;
  std::map<std::string, std::size_t> count;  // device -> how many of the metrics it has
  benchmark::Benchmark::load(space_of(spec), surrogate_dir.empty() ? benchmark::default_surrogate_dir() : surrogate_dir,
                             [&](std::string_view stem) {
                               const auto [metric, device] = analytic::split_metric_key(std::string(stem));
                               if (!device.empty() && std::find(metrics.begin(), metrics.end(), metric) != metrics.end())
                                 ++count[device];
                               return false;  // list, do not load
                             });
  std::vector<std::string> devices;
  for (const auto& [device, n] : count)
    if (n == metrics.size()) devices.push_back(device);
  return devices;
}

}  // namespace

namespace {

// The surrogate keys ("metric@device", canonical metric names) of a problem's benchmark objectives.
std::vector<analytic::MetricKey> benchmark_keys(const ProblemSpec& spec) {
  std::vector<analytic::MetricKey> keys;
  for (const auto& o : spec.objectives) {
    if (!is_benchmark_objective(o)) continue;
    const analytic::Objective objective = analytic::parse_objective(o);
    keys.push_back({analytic::canonical_metric(objective.metric), objective.device});
  }
  return keys;
}

}  // namespace

std::shared_ptr<const benchmark::Benchmark> benchmark_for(const ProblemSpec& spec,
                                                          const std::filesystem::path& surrogate_dir) {
  const std::vector<analytic::MetricKey> keys = spec.test_problem.empty() ? benchmark_keys(spec)
                                                                          : std::vector<analytic::MetricKey>{};
  if (keys.empty()) return nullptr;
  const auto folder = surrogate_dir.empty() ? benchmark::default_surrogate_dir() : surrogate_dir;
  // Only the files the objectives name; all of them when a name does not name a file (a device
  // alias, a typo), so that the full benchmark answers or explains.
  std::vector<benchmark::FileFilter> wanted;
  for (const auto& k : keys) wanted.push_back(benchmark::only_file_for(k.metric, k.device));
  auto bench = benchmark::Benchmark::load(space_of(spec), folder, [wanted](std::string_view stem) {
    return std::any_of(wanted.begin(), wanted.end(), [&](const auto& only) { return only(stem); });
  });
  for (const auto& k : keys)
    if (!bench.has(k.metric, k.device)) {
      bench = benchmark::Benchmark::load(space_of(spec), folder);
      break;
    }
  return std::make_shared<const benchmark::Benchmark>(std::move(bench));
}

Problem make_problem(const ProblemSpec& spec, std::shared_ptr<const benchmark::Benchmark> bench) {
  if (!spec.test_problem.empty()) return make_test_problem(spec.test_problem, spec.test_config);
  return Problem(ArchProblem(space_of(spec), spec.objectives, std::move(bench)));
}

std::vector<Problem> make_problems(const StudyConfig& config) {
  // One benchmark per space and set of surrogate files (problems of several devices share none).
  std::map<std::string, std::shared_ptr<const benchmark::Benchmark>> loaded;
  std::vector<Problem> problems;
  for (const auto& p : config.problems) {
    std::shared_ptr<const benchmark::Benchmark> bench;
    if (p.test_problem.empty()) {
      std::string key = p.space;
      for (const auto& k : benchmark_keys(p)) key += "|" + analytic::metric_key(k.metric, k.device);
      auto& slot = loaded[key];
      if (!slot) slot = benchmark_for(p, config.surrogate_dir());
      bench = slot;
    }
    problems.push_back(make_problem(p, bench));
  }
  return problems;
}

OptimizerOptions parse_optimizer_options(std::string_view json_object_text, std::string_view origin) {
  const json j = json::parse(json_object_text, nullptr, false);
  if (j.is_discarded()) throw ParseError(std::string(origin) + ": not valid JSON");
  return parse_options(j, origin);
}

namespace {

// The problems of "objective_sets" in one space. "devices": every set whose hardware metrics name
// no device ("latency", "energy_mj") becomes one problem per device, with "@DEVICE" appended to
// those metrics; "devices": "all" means every device whose surrogates of this space answer all of
// the set's device-free metrics (so perplexity vs memory only where memory was measured). An entry
// {"space": S, "objectives": [...]} is one problem as written (study_config_to_json's form for
// studies over several spaces), added once.
void add_objective_sets(const json& j, std::string_view origin, const std::string& space,
                        const std::string& first_space, StudyConfig& c) {
  const bool all_devices = j.contains("devices") && j.at("devices").is_string();
  if (all_devices && j.at("devices").get<std::string>() != "all")
    throw ParseError(std::string(origin) + ": 'devices' is '" + j.at("devices").get<std::string>() +
                     "'; expected a list of device names or \"all\"");
  std::vector<std::string> listed;
  if (j.contains("devices") && !all_devices) listed = get<std::vector<std::string>>(j, "devices", origin);
  auto device_free = [](const std::string& o) {
    const analytic::Objective objective = analytic::parse_objective(o);
    const analytic::MetricInfo* metric = analytic::find_metric(objective.metric);
    return metric != nullptr && metric->per_device && objective.device.empty();
  };
  for (const json& entry : j.at("objective_sets")) {
    if (entry.is_object()) {  // {"space": S, "objectives": [...]}: one problem, as written (config.json)
      if (space != first_space) continue;
      ProblemSpec p;
      p.space = entry.contains("space") ? get<std::string>(entry, "space", origin) : space;
      p.objectives = get<std::vector<std::string>>(entry, "objectives", origin);
      c.problems.push_back(p);
      continue;
    }
    if (!entry.is_array()) throw ParseError(std::string(origin) + ": 'objective_sets' holds " + entry.dump() +
                                            "; expected a list of objectives or {\"space\", \"objectives\"}");
    std::vector<std::string> set;
    try {
      set = entry.get<std::vector<std::string>>();
    } catch (const json::exception& e) {
      throw ParseError(std::string(origin) + ": key 'objective_sets': " + e.what());
    }
    std::vector<std::string> free_metrics;
    for (const auto& o : set)
      if (device_free(o)) free_metrics.push_back(analytic::canonical_metric(analytic::parse_objective(o).metric));
    std::vector<std::string> devices = listed;
    if (all_devices && !free_metrics.empty()) {
      devices = devices_with(space, free_metrics, c.surrogate_dir());
      if (devices.empty())
        throw ParseError(std::string(origin) + ": no device of space '" + space + "' has surrogates for " +
                         join(free_metrics, ", "));
    }
    const bool per_device = !devices.empty() && !free_metrics.empty();
    for (std::size_t d = 0; d < (per_device ? devices.size() : 1); ++d) {
      ProblemSpec p;
      p.space = space;
      p.objectives = set;
      if (per_device)
        for (auto& o : p.objectives)
          if (device_free(o)) o = analytic::metric_key(o, devices[d]);
      c.problems.push_back(p);
    }
  }
}

}  // namespace

StudyConfig parse_study_config(std::string_view json_text, std::string_view origin) {
  const json j = json::parse(json_text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw ParseError(std::string(origin) + ": not a JSON object");
  static const std::vector<std::string> known = {"space", "objective_sets", "test_problems", "variables", "levels",
                                                 "algorithms", "seeds", "budget", "algorithm_budgets", "threads", "output",
                                                 "options", "devices", "data_dir", "spaces"};
  for (const auto& [key, value] : j.items())
    if (std::find(known.begin(), known.end(), key) == known.end())
      throw ParseError(std::string(origin) + ": unknown key '" + key + "'; expected one of: " + join(known, ", "));
  StudyConfig c;
  if (j.contains("data_dir")) c.data_dir = get<std::string>(j, "data_dir", origin);
  if (j.contains("space") && j.contains("spaces"))
    throw ParseError(std::string(origin) + ": give 'space' or 'spaces', not both");
  const std::vector<std::string> spaces = j.contains("spaces") ? get<std::vector<std::string>>(j, "spaces", origin)
                                          : std::vector<std::string>{j.contains("space") ? get<std::string>(j, "space", origin) : "s"};
  if (spaces.empty()) throw ParseError(std::string(origin) + ": 'spaces' is empty");
  if (j.contains("objective_sets"))
    for (const auto& space : spaces) add_objective_sets(j, origin, space, spaces.front(), c);
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
  if (j.contains("options")) c.options = parse_options(j.at("options"), origin);
  // Build every problem and optimizer once now, so a bad name fails before any run starts.
  for (const auto& problem : make_problems(c))
    for (const auto& a : c.algorithms) make_optimizer(a, problem, 0, c.options);
  return c;
}

std::string study_config_to_json(const StudyConfig& config) {
  json j;
  json sets = json::array(), tests = json::array();
  std::set<std::string> spaces;
  for (const auto& p : config.problems)
    if (p.test_problem.empty()) spaces.insert(p.space);
  for (const auto& p : config.problems) {
    if (p.test_problem.empty()) {
      if (spaces.size() == 1) {
        j["space"] = p.space;
        sets.push_back(p.objectives);
      } else {  // several spaces: each set names its own
        sets.push_back({{"space", p.space}, {"objectives", p.objectives}});
      }
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

}  // namespace hwgpt::search
