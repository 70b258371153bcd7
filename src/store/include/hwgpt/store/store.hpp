// Store: the SQLite database of devices, runs, architectures, raw measurement samples and
// perplexities (schema in docs/STORE.md). WAL mode, a busy timeout so several processes can write
// one file, one transaction per batch of results, a schema version with forward migrations.
// Writes never duplicate: a run is keyed by its uid, a sample set by (run, arch, metric), a
// perplexity by (run, arch, split); the first write wins and replays are no-ops.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hwgpt/store/records.hpp"

namespace hwgpt::store {

struct SampleQuery {
  std::string device;                 // name or alias; empty = any
  std::string metric;                 // empty = any
  std::string space;                  // empty = any
  std::string arch;                   // empty = any
  std::string run_kind;               // empty = any
  std::string run_uid;                // empty = any
};

// One row of a query: the sample set with the run it came from.
struct SampleRow {
  std::string run_uid;
  std::string device;                 // empty for device-free runs
  SampleSet set;
};

struct StoreInfo {
  int schema_version = 0;
  std::int64_t devices = 0, runs = 0, archs = 0, sample_sets = 0, samples = 0, perplexities = 0;
  struct DeviceRow {
    std::string name, kind, source;
    std::int64_t runs = 0, sample_sets = 0;
  };
  std::vector<DeviceRow> per_device;
};

struct MergeReport {
  std::int64_t devices_added = 0;
  std::int64_t runs_added = 0;      // runs new to this store
  std::int64_t runs_present = 0;    // runs both had (their missing rows are still copied)
  std::int64_t rows_added = 0;      // sample sets and perplexities inserted
};

class Store {
 public:
  static constexpr int kSchemaVersion = 1;
  enum class Mode { kReadWrite, kReadOnly };

  // Opens (read-write: creating and migrating as needed) the database at `path`. Throws FileError
  // for a file that is not SQLite, not an hwgpt store, or of a newer schema than this build.
  explicit Store(const std::filesystem::path& path, Mode mode = Mode::kReadWrite);
  ~Store();
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;

  int schema_version() const;
  const std::filesystem::path& path() const;

  // Inserts a device, or checks that the stored one is identical (ValueError naming the field
  // otherwise). Aliases must not name another device.
  void put_device(const Device& device);
  std::optional<Device> find_device(std::string_view name_or_alias) const;
  std::vector<Device> devices() const;

  bool has_run(std::string_view uid) const;
  std::vector<RunInfo> runs() const;

  // In one transaction: the run (a no-op if its uid exists with identical info; ValueError if it
  // exists with different info), its sample sets and perplexities. The run's device must exist.
  // Returns the number of sample sets and perplexities actually inserted.
  std::int64_t write(const RunInfo& run, const std::vector<SampleSet>& sets,
                     const std::vector<PerplexityRecord>& perplexities = {});
  // Appends to an existing run in one transaction (a profiler's batch); returns rows inserted.
  std::int64_t append(std::string_view run_uid, const std::vector<SampleSet>& sets,
                      const std::vector<PerplexityRecord>& perplexities = {});
  void set_run_end(std::string_view run_uid, std::string_view ended_at);

  std::vector<SampleRow> samples(const SampleQuery& query) const;
  // Arch strings that have `metric` rows in run `run_uid` (cheap: no samples are read).
  std::vector<std::string> archs_in_run(std::string_view run_uid, std::string_view metric) const;
  std::vector<PerplexityRecord> perplexities(std::string_view space, std::string_view split = "") const;
  StoreInfo info() const;

  // Copies devices, runs and their rows that `other` has and this store lacks (by uid / key).
  MergeReport merge_from(const std::filesystem::path& other);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hwgpt::store
