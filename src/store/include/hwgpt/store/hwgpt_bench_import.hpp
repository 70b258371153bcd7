// Import of the original HW-GPT-Bench raw measurements (the CSV folder described in
// ../shared/data/hwgpt-bench/README.md) into a Store, in our units: mWh -> mJ (×3600), latency
// already in ms. Device names are the raw folder names; the README's evidence-based CPU mapping
// gives the API names as aliases. Each source file becomes one or two runs in one transaction
// each, keyed by file name, so importing twice adds nothing and an interrupted import resumes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "hwgpt/store/records.hpp"
#include "hwgpt/store/store.hpp"

namespace hwgpt::store {

struct ImportOptions {
  // Rows read per file (0 = all). A limited import gets distinct run uids ("…?rows=N"), so a
  // later full import is not mistaken for a repeat.
  std::size_t max_rows = 0;
  // Only files whose name contains this text ("" = all), e.g. "_s.csv" or "a100".
  std::string file_filter;
  // Called after each file: (file name, files done, files total).
  std::function<void(const std::string&, std::size_t, std::size_t)> progress;
};

struct ImportReport {
  std::size_t files_imported = 0;
  std::size_t files_already_present = 0;
  std::int64_t rows_added = 0;  // sample sets and perplexities
  std::vector<std::string> skipped_files;  // files of the folder that are not imported, with why
};

// The 14 devices of the original data with their metadata and aliases.
std::vector<Device> hwgpt_bench_devices();

// Throws FileError if `folder` has no hw_*/memory_*/perplexity_* files or a file is malformed
// (the message gives file and line); earlier files stay imported.
ImportReport import_hwgpt_bench(Store& store, const std::filesystem::path& folder,
                                const ImportOptions& options = {});

}  // namespace hwgpt::store
