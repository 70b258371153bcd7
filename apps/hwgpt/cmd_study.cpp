// `hwgpt study --config FILE`: algorithms × seeds × problems in parallel, resumable; thin over
// search::run_study.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "command_table.hpp"
#include "commands.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/search/study.hpp"

namespace hwgpt::cli {

int cmd_study(const std::vector<std::string>& tokens) {
  const OptionSpec spec{{"--config", "--threads", "--output"}, {"--help"}, {}};
  const Args args("study", tokens, spec);
  if (args.flag("--help")) {
    std::cout << "usage: hwgpt study --config FILE [--threads N] [--output DIR]\n"
                 "Runs every algorithm x seed x problem of a JSON config (docs/FORMATS.md, \"Study configs\"),\n"
                 "N runs at a time (default: the config's threads, else all cores). Writes DIR/config.json,\n"
                 "DIR/runs/<id>.csv and .json per run, DIR/summary.csv, hv_curves.csv and attainment.csv.\n"
                 "Finished runs are skipped when the study is run again (resume). Progress with rate and ETA\n"
                 "goes to stderr. `hwgpt report --study DIR` turns the folder into an HTML report.\n"
                 "Under `mpirun -np R hwgpt study ...` the runs are spread over the R ranks (N threads\n"
                 "each) and rank 0 writes DIR: the same files as one process (only timings differ).\n";
    return 0;
  }
  const auto path = args.value("--config");
  if (!path) throw ParseError("study: missing --config FILE");
  std::ifstream in(*path);
  if (!in) throw FileError("cannot read study config '" + *path + "'");
  std::stringstream text;
  text << in.rdbuf();
  search::StudyConfig config = search::parse_study_config(text.str(), *path);
  if (args.value("--threads")) config.threads = static_cast<std::size_t>(args.integer("--threads", 0, 1, 4096));
  if (auto out = args.value("--output")) config.output = *out;
  const auto start = std::chrono::steady_clock::now();
  Communicator& comm = cli_world();
  const auto runs = search::run_study(config, comm.is_root() ? &std::cerr : nullptr, comm);
  if (!comm.is_root()) return 0;
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // Mean and range of the final normalised HV per problem and algorithm.
  struct Stats {
    double sum = 0, min = 1e300, max = -1e300;
    int n = 0;
  };
  std::map<std::pair<std::string, std::string>, Stats> table;
  for (const auto& r : runs) {
    auto& s = table[{r.problem, r.algorithm}];
    s.sum += r.final_hypervolume;
    s.min = std::min(s.min, r.final_hypervolume);
    s.max = std::max(s.max, r.final_hypervolume);
    ++s.n;
  }
  char line[200];
  std::cout << "problem                              algorithm  runs  mean HV    min HV     max HV\n";
  for (const auto& [key, s] : table) {
    std::snprintf(line, sizeof line, "%-36s %-10s %4d  %.7f  %.7f  %.7f\n", key.first.c_str(), key.second.c_str(),
                  s.n, s.sum / s.n, s.min, s.max);
    std::cout << line;
  }
  std::snprintf(line, sizeof line, "%zu runs in %.2f s wall%s; results in %s\n", runs.size(), wall_s,
                comm.size() > 1 ? (" on " + std::to_string(comm.size()) + " MPI ranks").c_str() : "",
                config.output.string().c_str());
  std::cout << line << "report: hwgpt report --study " << config.output.string() << "\n";
  return 0;
}

}  // namespace hwgpt::cli
