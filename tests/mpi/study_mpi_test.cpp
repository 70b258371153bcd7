// Distributed studies on 2 MPI ranks (ctest mpi_2_ranks): the study folder written by rank 0 from
// both ranks' runs equals, file by file and byte by byte, the folder of a one-process run of the
// same config, except the wall-clock fields (time_s, duration_s) that differ between any two runs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "../common/files.hpp"
#include "hwgpt/search/study.hpp"
#include "hwgpt/train/mpi_world.hpp"
#include "mpi_test_util.hpp"

namespace {

namespace fs = std::filesystem;
using hwgpt::Communicator;
using hwgpt::search::StudyConfig;
using hwgpt::test::SharedTempDir;

Communicator& world() { return hwgpt::train::world(); }

// Replaces the values of the CSV column `column` (by header name) with "T".
std::string mask_csv_column(const std::string& text, const std::string& column) {
  std::istringstream in(text);
  std::string line, out;
  std::getline(in, line);
  out += line + "\n";
  std::vector<std::string> header;
  for (std::istringstream h(line); std::getline(h, line, ',');) header.push_back(line);
  const auto at = std::find(header.begin(), header.end(), column);
  if (at == header.end()) return text;
  const std::size_t k = static_cast<std::size_t>(at - header.begin());
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    for (std::istringstream c(line); std::getline(c, line, ',');) cells.push_back(line);
    if (k < cells.size()) cells[k] = "T";
    std::string joined;
    for (std::size_t i = 0; i < cells.size(); ++i) joined += (i ? "," : "") + cells[i];
    out += joined + "\n";
  }
  return out;
}

// Every file under `dir` (relative path -> content), wall-clock fields masked.
std::map<std::string, std::string> study_files(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::string text = hwgpt::test::read_all(e.path());
    if (e.path().extension() == ".json") text = std::regex_replace(text, std::regex(R"("duration_s": [^,\n]*)"), "\"duration_s\": T");
    // config.json names the study's own output folder, which differs between the two studies.
    if (e.path().filename() == "config.json") text = std::regex_replace(text, std::regex(R"("output": "[^"]*")"), "\"output\": O");
    if (e.path().extension() == ".csv") text = mask_csv_column(mask_csv_column(text, "time_s"), "duration_s");
    files[fs::relative(e.path(), dir).string()] = text;
  }
  return files;
}

StudyConfig config(const fs::path& output) {
  // Analytic objectives of the t space and a test problem; 3 algorithms x 3 seeds x 2 problems =
  // 18 runs, 9 per rank (run k of those left goes to rank k mod 2), one thread per rank.
  StudyConfig c = hwgpt::search::parse_study_config(R"({"space": "t", "objective_sets": [["params", "flops"]],
      "test_problems": ["zdt1"], "variables": 6, "levels": 11, "algorithms": ["rs", "ls", "nsga2"],
      "seeds": [1, 2, 3], "budget": 60, "threads": 1})");
  c.output = output;
  return c;
}

TEST(DistributedStudy, TwoRanksWriteTheSameFolderAsOneProcessAndResume) {
  SharedTempDir dir(world(), "study");
  if (world().is_root()) hwgpt::search::run_study(config(dir.path / "single"), nullptr, hwgpt::single_process());

  std::ostringstream progress;
  const auto runs = hwgpt::search::run_study(config(dir.path / "mpi"), &progress, world());
  EXPECT_EQ(runs.size(), world().is_root() ? 18u : 0u);
  if (world().is_root()) {
    // Each rank ran its half: rank 0 reports its own runs and those it gathered from rank 1.
    const std::string log = progress.str();
    std::size_t from_rank1 = 0, from_rank0 = 0;
    for (std::size_t at = 0; (at = log.find("(rank 1)", at)) != std::string::npos; ++at) ++from_rank1;
    for (std::size_t at = 0; (at = log.find("(rank 0)", at)) != std::string::npos; ++at) ++from_rank0;
    EXPECT_EQ(from_rank0, 9u) << log;
    EXPECT_EQ(from_rank1, 9u) << log;
  }
  // Rank 1 never writes: only rank 0's output exists, and rank 1 returns nothing.
  world().barrier();
  if (world().is_root()) {
    const auto single = study_files(dir.path / "single"), mpi = study_files(dir.path / "mpi");
    // runs/*.csv, runs/*.json, config, summary, hv_curves, attainment (EXPECT, not ASSERT: returning
    // early here would leave rank 1 waiting in the next study)
    EXPECT_EQ(single.size(), 2u * 18u + 4u);
    EXPECT_EQ(mpi.size(), single.size());
    for (const auto& [name, text] : single) {
      EXPECT_TRUE(mpi.count(name)) << name << " missing from the distributed study";
      if (mpi.count(name)) {
        EXPECT_EQ(mpi.at(name), text) << name << " differs";
      }
    }
    // The masked fields are the only difference: the unmasked run CSVs have real timings.
    EXPECT_NE(hwgpt::test::read_all(dir.path / "mpi" / "runs" / (runs[0].id + ".csv")).find("time_s"), std::string::npos);
    // An interrupted distributed study: three runs lost their JSON (and so count as unfinished).
    for (int i : {1, 4, 9}) fs::remove(dir.path / "mpi" / "runs" / (runs[static_cast<std::size_t>(i)].id + ".json"));
    fs::remove(dir.path / "mpi" / "summary.csv");
  }
  const auto again = hwgpt::search::run_study(config(dir.path / "mpi"), nullptr, world());
  world().barrier();
  if (world().is_root()) {
    ASSERT_EQ(again.size(), 18u);
    for (std::size_t i = 0; i < again.size(); ++i) EXPECT_EQ(again[i].resumed, i != 1 && i != 4 && i != 9) << again[i].id;
    const auto single = study_files(dir.path / "single"), mpi = study_files(dir.path / "mpi");
    EXPECT_EQ(mpi, single);
  }
}

}  // namespace
