// Store: opening, schema migrations, devices and runs. Sample sets, queries and merging are in
// store_samples.cpp and store_merge.cpp; the shared state is in store_impl.hpp.
#include "hwgpt/store/store.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <thread>

#include "schema.hpp"
#include "store_impl.hpp"

namespace hwgpt::store {

static_assert(std::endian::native == std::endian::little, "sample BLOBs are little-endian float64");

std::string device_kind_name(DeviceKind kind) { return kind == DeviceKind::kGpu ? "gpu" : "cpu"; }

SampleSet sample_set(std::string arch, std::string metric, std::vector<double> samples) {
  SampleSet s;
  s.arch = std::move(arch);
  s.metric = std::move(metric);
  s.count = static_cast<std::int64_t>(samples.size());
  double sum = 0;
  for (double v : samples) sum += v;
  s.mean = samples.empty() ? 0.0 : sum / static_cast<double>(samples.size());
  double squares = 0;
  for (double v : samples) squares += (v - s.mean) * (v - s.mean);
  s.std = samples.size() > 1 ? std::sqrt(squares / static_cast<double>(samples.size() - 1)) : 0.0;
  s.samples = std::move(samples);
  return s;
}

double median(std::vector<double> values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  const std::size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid), values.end());
  const double upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  const double lower = *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lower + upper) / 2;
}

double typical_value(const SampleSet& set) { return set.samples.empty() ? set.mean : median(set.samples); }

namespace detail {

std::string pack_doubles(const std::vector<double>& values) {
  std::string bytes(values.size() * sizeof(double), '\0');
  if (!values.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

std::vector<double> Statement::doubles(int col) const {
  const auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col));
  const void* data = sqlite3_column_blob(stmt_, col);
  if (size % sizeof(double) != 0)
    throw FileError("store: a samples BLOB has " + std::to_string(size) +
                    " bytes; expected a multiple of 8 (float64)");
  std::vector<double> values(size / sizeof(double));
  if (size != 0) std::memcpy(values.data(), data, size);
  return values;
}

}  // namespace detail

using detail::Statement;

Store::Impl::~Impl() {
  if (db != nullptr) sqlite3_close_v2(db);
}

int Store::Impl::user_version() const {
  Statement s(db, "PRAGMA user_version");
  s.step();
  return static_cast<int>(s.integer(0));
}

// Switching a new store to WAL needs the file to itself for a moment; when several processes
// open one new store at once, SQLite can answer "database is locked" at once instead of waiting
// in the busy handler (seen once in CI under load: Reliability.TwoProfilersWritingOneDatabase
// LoseNothing). Retried for up to the busy timeout.
void Store::Impl::set_wal_mode() {
  for (int attempt = 0;; ++attempt) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db, "PRAGMA journal_mode = WAL", nullptr, nullptr, &message);
    sqlite3_free(message);
    if (rc == SQLITE_OK) return;
    if ((rc & 0xff) != SQLITE_BUSY || attempt >= 6000) throw FileError(detail::error_text(db));
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void Store::Impl::open(Mode mode) {
  const int flags = mode == Mode::kReadOnly ? SQLITE_OPEN_READONLY
                                            : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (mode == Mode::kReadOnly && !std::filesystem::exists(path))
    throw FileError("store '" + path.string() + "' does not exist");
  if (sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_FULLMUTEX, nullptr) != SQLITE_OK)
    throw FileError("cannot open store '" + path.string() + "': " + sqlite3_errmsg(db));
  sqlite3_busy_timeout(db, 60'000);  // other processes may hold the write lock for a batch
  int version = 0;
  try {
    version = user_version();
    detail::exec(db, "PRAGMA foreign_keys = ON");
  } catch (const FileError& e) {
    throw FileError("'" + path.string() + "' is not an hwgpt store (not an SQLite database: " +
                    e.what() + ")");
  }
  if (version > Store::kSchemaVersion)
    throw FileError("store '" + path.string() + "' has schema version " + std::to_string(version) +
                    "; this hwgpt reads up to " + std::to_string(Store::kSchemaVersion) +
                    ". HINT: upgrade hwgpt");
  if (version > 0) {
    Statement s(db, "SELECT value FROM meta WHERE key = 'application'");
    if (!s.step() || s.text(0) != detail::kApplicationTag)
      throw FileError("'" + path.string() + "' is an SQLite database but not an hwgpt store");
  } else {
    // Tables but no version: a foreign database, unless another process has just created the
    // store (its tables and version commit together, so the version is set by now).
    Statement tables(db, "SELECT count(*) FROM sqlite_master");
    tables.step();
    if (tables.integer(0) != 0 && user_version() == 0)
      throw FileError("'" + path.string() + "' is an SQLite database but not an hwgpt store");
  }
  if (mode == Mode::kReadOnly) {
    if (version == 0) throw FileError("store '" + path.string() + "' is empty");
    return;
  }
  set_wal_mode();
  detail::exec(db, "PRAGMA synchronous = NORMAL");
  // Migrations hold the write lock and re-read the version under it: two processes creating one
  // new store at once would otherwise both run "CREATE TABLE" (tests/cli/reliability_test.cpp).
  while (true) {
    detail::Transaction t(db);
    const int current = user_version();
    if (current >= Store::kSchemaVersion) break;
    if (current == 0) {
      Statement tables(db, "SELECT count(*) FROM sqlite_master");
      tables.step();
      if (tables.integer(0) != 0)
        throw FileError("'" + path.string() + "' is an SQLite database but not an hwgpt store");
    }
    detail::exec(db, detail::kMigrations[static_cast<std::size_t>(current)]);
    detail::exec(db, "PRAGMA user_version = " + std::to_string(current + 1));
    t.commit();
  }
}

Store::Store(const std::filesystem::path& path, Mode mode) : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  impl_->open(mode);
}

Store::~Store() = default;
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;

int Store::schema_version() const { return impl_->user_version(); }
const std::filesystem::path& Store::path() const { return impl_->path; }

namespace {

Device read_device(sqlite3* db, Statement& s) {
  Device d;
  const std::int64_t id = s.integer(0);
  d.name = s.text(1);
  d.kind = s.text(2) == "gpu" ? DeviceKind::kGpu : DeviceKind::kCpu;
  d.cpu_model = s.text(3);
  d.cpu_cores = static_cast<int>(s.integer(4));
  d.cpu_threads = static_cast<int>(s.integer(5));
  d.gpu_name = s.text(6);
  d.gpu_driver = s.text(7);
  d.gpu_memory_mb = s.real(8);
  d.hostname = s.text(9);
  d.source = s.text(10);
  d.note = s.text(11);
  Statement aliases(db, "SELECT alias FROM device_aliases WHERE device_id = ? ORDER BY alias");
  aliases.bind(1, id);
  while (aliases.step()) d.aliases.push_back(aliases.text(0));
  return d;
}

constexpr const char* kDeviceColumns =
    "SELECT id, name, kind, cpu_model, cpu_cores, cpu_threads, gpu_name, gpu_driver, "
    "gpu_memory_mb, hostname, source, note FROM devices ";

}  // namespace

std::optional<Device> Store::find_device(std::string_view name_or_alias) const {
  // The exact name or alias first; then in any case (the CLI's convention: `--device H100`), the
  // exact match deciding if two names differ only in case.
  for (const char* collate : {"", " COLLATE NOCASE"}) {
    Statement s(impl_->db, std::string(kDeviceColumns) + "WHERE name = ?1" + collate +
                               " OR id = (SELECT device_id FROM device_aliases WHERE alias = ?1" + collate + ")");
    s.bind(1, name_or_alias);
    if (s.step()) return read_device(impl_->db, s);
  }
  return std::nullopt;
}

std::vector<Device> Store::devices() const {
  Statement s(impl_->db, std::string(kDeviceColumns) + "ORDER BY name");
  std::vector<Device> out;
  while (s.step()) out.push_back(read_device(impl_->db, s));
  return out;
}

void Store::put_device(const Device& device) {
  detail::Transaction t(impl_->db);
  impl_->put_device(device);
  t.commit();
}

void Store::Impl::put_device(const Device& device) {
  if (device.name.empty()) throw ValueError("device name is empty");
  auto sorted = device;
  std::sort(sorted.aliases.begin(), sorted.aliases.end());
  Statement find(db, std::string(kDeviceColumns) + "WHERE name = ?");
  find.bind(1, device.name);
  if (find.step()) {
    const Device stored = read_device(db, find);
    if (stored != sorted)
      throw ValueError("device '" + device.name +
                       "' is already in the store with different metadata (kind, CPU/GPU, host, "
                       "source, note or aliases); use another name for a different machine");
    return;
  }
  for (const auto& alias : sorted.aliases) {
    Statement clash(db, "SELECT 1 FROM devices WHERE name = ?1 UNION SELECT 1 FROM device_aliases WHERE alias = ?1");
    clash.bind(1, alias);
    if (clash.step()) throw ValueError("device alias '" + alias + "' already names another device");
  }
  Statement insert(db,
                   "INSERT INTO devices(name, kind, cpu_model, cpu_cores, cpu_threads, gpu_name, "
                   "gpu_driver, gpu_memory_mb, hostname, source, note) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
  insert.bind(1, device.name).bind(2, device_kind_name(device.kind)).bind(3, device.cpu_model);
  insert.bind(4, device.cpu_cores).bind(5, device.cpu_threads).bind(6, device.gpu_name);
  insert.bind(7, device.gpu_driver).bind(8, device.gpu_memory_mb).bind(9, device.hostname);
  insert.bind(10, device.source).bind(11, device.note);
  insert.run();
  const std::int64_t id = sqlite3_last_insert_rowid(db);
  for (const auto& alias : sorted.aliases) {
    Statement a(db, "INSERT INTO device_aliases(alias, device_id) VALUES (?, ?)");
    a.bind(1, alias).bind(2, id);
    a.run();
  }
}

}  // namespace hwgpt::store
