// Private: the state behind Store and the helpers its .cpp files share.
#pragma once

#include <string>
#include <unordered_map>

#include "hwgpt/store/store.hpp"
#include "sqlite_util.hpp"

namespace hwgpt::store {

struct Store::Impl {
  sqlite3* db = nullptr;
  std::filesystem::path path;
  std::unordered_map<std::string, std::int64_t> arch_ids;  // cache of archs.id by string

  ~Impl();
  void open(Mode mode);
  void set_wal_mode();  // PRAGMA journal_mode = WAL, retried while another process holds the file
  int user_version() const;
  void put_device(const Device& device);
  std::optional<std::int64_t> run_id(std::string_view uid) const;
  std::optional<RunInfo> read_run(std::string_view uid) const;
  std::int64_t insert_run(const RunInfo& run);  // or the id of an identical existing run
  std::int64_t arch_id(const std::string& arch);
  std::int64_t insert_rows(std::int64_t run_id, const std::vector<SampleSet>& sets,
                           const std::vector<PerplexityRecord>& perplexities);
  std::vector<SampleSet> sets_of_run(std::int64_t run_id) const;
  std::vector<PerplexityRecord> perplexities_of_run(std::int64_t run_id) const;
};

}  // namespace hwgpt::store
