// The study loop (see study.hpp, run_study): jobs from the config, finished runs read back
// (resume), the rest run on threads (and over MPI ranks, gathered to rank 0 in rounds), then the
// folder's tables. Each step is a method of StudyRun.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <exception>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "hwgpt/core/error.hpp"
#include "hwgpt/core/progress.hpp"
#include "hwgpt/search/attainment.hpp"
#include "hwgpt/search/run.hpp"
#include "hwgpt/search/study.hpp"

namespace hwgpt::search {
namespace {

using nlohmann::json;

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

// One call of run_study.
class StudyRun {
 public:
  StudyRun(const StudyConfig& config, std::ostream* progress, Communicator& comm)
      : config_(config),
        comm_(comm),
        problems_(make_problems(config)),
        root_(comm.is_root()),
        distributed_(comm.size() > 1),
        runs_dir_(config.output / "runs"),
        threads_(config.threads ? config.threads : std::max(1u, std::thread::hardware_concurrency())),
        printer_("study", "runs", 0, ProgressPrinter::Style::kLines, progress, false) {
    make_jobs();
    printer_.set_total(static_cast<double>(jobs_.size()));
  }

  std::vector<StudyRunSummary> run() {
    const std::vector<std::size_t> todo = read_finished_runs();
    // Run k of the left runs belongs to rank k mod N (deterministic; the runs are seeded, so who
    // runs one does not change its result). Each rank runs its share on `threads` threads.
    std::vector<std::size_t> mine;
    for (std::size_t k = static_cast<std::size_t>(comm_.rank()); k < todo.size(); k += static_cast<std::size_t>(comm_.size()))
      mine.push_back(todo[k]);
    if (!distributed_) {
      run_jobs(mine);
    } else {
      run_in_rounds(todo.size(), mine);
      if (!root_) return {};
    }
    return write_tables();
  }

 private:
  void make_jobs() {
    for (std::size_t p = 0; p < config_.problems.size(); ++p)
      for (const auto& a : config_.algorithms)
        for (std::uint64_t seed : config_.seeds) {
          StudyRunSummary s;
          s.problem = config_.problems[p].label();
          s.id = run_id(s.problem, a, seed);
          s.algorithm = a;
          s.seed = seed;
          jobs_.push_back({p, s, {}, {}, {}});
        }
  }

  // One line per finished run; resumed runs count in done/total, not in the rate.
  void report(const StudyRunSummary& s, const std::string& where) {
    ++done_;
    if (s.resumed) printer_.set_already_done(static_cast<double>(++resumed_));
    char hv[48];
    std::snprintf(hv, sizeof hv, " hv %.6f", s.final_hypervolume);
    printer_.update(static_cast<double>(done_), s.id + hv + (s.resumed ? " (resumed)" : "") + where);
  }

  // Rank 0 alone touches the output folder: it reads the finished runs back and tells the other
  // ranks which runs are left. Returns their job indices.
  std::vector<std::size_t> read_finished_runs() {
    std::string todo_text;
    if (root_) {
      std::error_code ec;
      std::filesystem::create_directories(runs_dir_, ec);
      if (ec) throw FileError("cannot create '" + runs_dir_.string() + "': " + ec.message());
      for (std::size_t i = 0; i < jobs_.size(); ++i) {
        if (auto finished = read_finished(runs_dir_ / (jobs_[i].summary.id + ".json"), jobs_[i].summary,
                                          config_.budget_of(jobs_[i].summary.algorithm))) {
          jobs_[i].summary = *finished;
          report(jobs_[i].summary, "");
        } else {
          todo_text += std::to_string(i) + " ";
        }
      }
    }
    comm_.broadcast(todo_text, 0);
    std::vector<std::size_t> todo;
    std::istringstream todo_in(todo_text);
    for (std::size_t i = 0; todo_in >> i;) todo.push_back(i);
    return todo;
  }

  // One job on this thread; in one process its files are written at once, so a killed study keeps
  // every finished run. Throws what the run throws.
  void run_job(Job& job) {
    const RunResult run = run_search(problems_[job.problem], {job.summary.algorithm, job.summary.seed,
                                                              config_.budget_of(job.summary.algorithm), config_.options});
    job.csv = run_to_csv(run);
    job.json = run_to_json(run);
    summarise(run, job.summary);
    if (!distributed_) {
      write_file_atomically(runs_dir_ / (job.summary.id + ".csv"), job.csv);
      write_file_atomically(runs_dir_ / (job.summary.id + ".json"), job.json);
    }
  }

  // `batch` on the thread pool. A failure stops handing out work; in one process it is rethrown,
  // over MPI it travels with the round's results (Job::error).
  void run_jobs(const std::vector<std::size_t>& batch) {
    std::atomic<std::size_t> next{0};
    std::exception_ptr first_error;
    const auto worker = [&] {
      for (std::size_t n = next++; n < batch.size(); n = next++) {
        Job& job = jobs_[batch[n]];
        try {
          run_job(job);
        } catch (...) {
          std::lock_guard lock(mutex_);
          if (!distributed_ && !first_error) first_error = std::current_exception();
          try {
            throw;
          } catch (const std::exception& e) {
            job.error = e.what();
          } catch (...) {
            job.error = "unknown exception";
          }
          next = batch.size();
          return;
        }
        if (root_) {
          std::lock_guard lock(mutex_);
          report(job.summary, distributed_ ? " (rank 0)" : "");
        }
      }
    };
    std::vector<std::thread> pool;
    for (std::size_t t = 0; t < std::min(threads_, std::max<std::size_t>(batch.size(), 1)); ++t) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
    if (first_error) std::rethrow_exception(first_error);
  }

  // Over MPI: rounds of `threads` runs per rank, gathered to rank 0 after each round, so a killed
  // distributed study loses at most the round in flight.
  void run_in_rounds(std::size_t left, const std::vector<std::size_t>& mine) {
    const auto ranks = static_cast<std::size_t>(comm_.size());
    const std::size_t per_rank = (left + ranks - 1) / ranks;
    for (std::size_t from = 0; from < per_rank; from += threads_) {
      std::vector<std::size_t> round;
      for (std::size_t k = from; k < std::min(from + threads_, mine.size()); ++k) round.push_back(mine[k]);
      run_jobs(round);
      std::string failure = gather_round(comm_.gather(pack(jobs_, round), 0));
      comm_.broadcast(failure, 0);  // rank 0's: every rank stops on the first failure, none waits forever
      if (!failure.empty()) throw Error("study: " + failure);
    }
    for (auto& job : jobs_) job.csv.clear(), job.json.clear();
  }

  // Rank 0 writes the round's runs of every rank; returns the first failure ("" when none).
  std::string gather_round(const std::vector<std::string>& parts) {
    std::string failure;
    for (std::size_t r = 0; r < parts.size(); ++r)
      for (const auto& item : json::parse(parts[r])) {
        Job& job = jobs_[item.at("job").get<std::size_t>()];
        if (!item.at("error").get<std::string>().empty()) {
          if (failure.empty())
            failure = "rank " + std::to_string(r) + ", run " + job.summary.id + ": " + item.at("error").get<std::string>();
          continue;
        }
        write_file_atomically(runs_dir_ / (job.summary.id + ".csv"), item.at("csv").get<std::string>());
        const auto json_path = runs_dir_ / (job.summary.id + ".json");
        write_file_atomically(json_path, item.at("json").get<std::string>());
        if (r == 0) continue;
        // Read back exactly as a resumed run would be: the JSON holds every summary field.
        job.summary = read_finished(json_path, job.summary, config_.budget_of(job.summary.algorithm)).value();
        job.summary.resumed = false;
        report(job.summary, " (rank " + std::to_string(r) + ")");
      }
    return failure;
  }

  // The study's tables from every run in config order, then the runs of users' optimizers placed
  // beside them (add_run_to_study). Written at the end: a study that fails (a full disk) leaves the
  // previous config and results as they were.
  std::vector<StudyRunSummary> write_tables() {
    std::vector<StudyRunSummary> out;
    std::string summary = std::string(kSummaryHeader) + "\n";
    std::string curves = std::string(kCurvesHeader) + "\n";
    std::vector<std::string> ids;
    for (auto& job : jobs_) {
      summary += summary_row(job.summary);
      curves += curve_rows(job.summary.id, job.summary.hv_curve);
      ids.push_back(job.summary.id);
      out.push_back(std::move(job.summary));
    }
    const ExternalRows external = external_rows(config_.output, ids);
    summary += external.summary;
    curves += external.curves;
    write_file_atomically(config_.output / "config.json", study_config_to_json(config_));
    write_file_atomically(config_.output / "summary.csv", summary);
    write_file_atomically(config_.output / "hv_curves.csv", curves);
    write_attainment(config_, problems_, out);
    return out;
  }

  const StudyConfig& config_;
  Communicator& comm_;
  const std::vector<Problem> problems_;
  const bool root_, distributed_;
  const std::filesystem::path runs_dir_;
  const std::size_t threads_;
  std::vector<Job> jobs_;
  std::mutex mutex_;  // guards progress output and job errors
  std::size_t done_ = 0, resumed_ = 0;
  ProgressPrinter printer_;
};

}  // namespace

std::string run_id(const std::string& problem_label, const std::string& algorithm, std::uint64_t seed) {
  return problem_label + "__" + algorithm + "__seed" + std::to_string(seed);
}

std::vector<StudyRunSummary> run_study(const StudyConfig& config, std::ostream* progress, Communicator& comm) {
  return StudyRun(config, progress, comm).run();
}

}  // namespace hwgpt::search
