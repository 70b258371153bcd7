// Fuzzes the import of the original HW-GPT-Bench CSV files (store/hwgpt_bench_import.hpp): the
// first input byte picks the file name (a GPU hw_ file, a CPU hw_ file, a memory_ file or a
// perplexity_ file); the rest is the file (zlib reads plain text through gzread as well as gzip).
// Import either throws hwgpt::Error or stores rows; importing the same folder again adds nothing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_util.hpp"
#include "hwgpt/core/error.hpp"
#include "hwgpt/store/hwgpt_bench_import.hpp"
#include "hwgpt/store/store.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hwgpt;
  if (size < 1) return 0;
  static const char* const kNames[] = {"hw_a100_s.csv.gz", "hw_cpu_meta_m.csv.gz", "memory_a100_s.csv.gz",
                                       "perplexity_s.csv.gz"};
  const auto folder = fuzz::scratch_dir() / "csv";
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  fuzz::write_file(folder / kNames[data[0] % 4], std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  const auto db = fuzz::scratch_dir() / "store.db";
  std::filesystem::remove(db);
  std::filesystem::remove(db.string() + "-wal");
  std::filesystem::remove(db.string() + "-shm");
  try {
    store::Store s(db);
    const auto first = store::import_hwgpt_bench(s, folder);
    const auto second = store::import_hwgpt_bench(s, folder);
    fuzz::check(second.rows_added == 0, "a second import adds no rows");
    fuzz::check(second.files_already_present == first.files_imported, "a second import skips every file");
  } catch (const Error&) {
  }
  return 0;
}
