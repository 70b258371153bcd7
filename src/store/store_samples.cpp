// Store: runs, sample sets and perplexities (writes in one transaction each), queries, summary.
#include <algorithm>

#include "hwgpt/space/arch_string.hpp"
#include "store_impl.hpp"

namespace hwgpt::store {

using detail::Statement;

namespace {

constexpr const char* kRunColumns =
    "SELECT r.uid, coalesce(d.name, ''), r.kind, r.space, r.model_variant, r.command, "
    "r.git_revision, r.batch, r.sequence_length, r.dtype, r.threads, r.protocol, r.started_at, "
    "r.ended_at FROM runs r LEFT JOIN devices d ON d.id = r.device_id ";

RunInfo read_run_row(const Statement& s) {
  RunInfo r;
  r.uid = s.text(0);
  r.device = s.text(1);
  r.kind = s.text(2);
  r.space = s.text(3);
  r.model_variant = s.text(4);
  r.command = s.text(5);
  r.git_revision = s.text(6);
  r.batch = static_cast<int>(s.integer(7));
  r.sequence_length = static_cast<int>(s.integer(8));
  r.dtype = s.text(9);
  r.threads = static_cast<int>(s.integer(10));
  r.protocol_json = s.text(11);
  r.started_at = s.text(12);
  r.ended_at = s.text(13);
  return r;
}

}  // namespace

std::optional<std::int64_t> Store::Impl::run_id(std::string_view uid) const {
  Statement s(db, "SELECT id FROM runs WHERE uid = ?");
  s.bind(1, uid);
  if (!s.step()) return std::nullopt;
  return s.integer(0);
}

std::optional<RunInfo> Store::Impl::read_run(std::string_view uid) const {
  Statement s(db, std::string(kRunColumns) + "WHERE r.uid = ?");
  s.bind(1, uid);
  if (!s.step()) return std::nullopt;
  return read_run_row(s);
}

std::int64_t Store::Impl::insert_run(const RunInfo& run) {
  if (run.uid.empty()) throw ValueError("run uid is empty");
  if (auto existing = read_run(run.uid)) {
    RunInfo ignoring_end = run;
    ignoring_end.ended_at = existing->ended_at;  // a finished run may be replayed
    if (*existing != ignoring_end)
      throw ValueError("run '" + run.uid + "' is already in the store with different settings");
    return *run_id(run.uid);
  }
  std::optional<std::int64_t> device_id;
  if (!run.device.empty()) {
    Statement d(db, "SELECT id FROM devices WHERE name = ?");
    d.bind(1, run.device);
    if (!d.step())
      throw ValueError("run '" + run.uid + "': device '" + run.device +
                       "' is not in the store; add it first (put_device)");
    device_id = d.integer(0);
  }
  Statement s(db,
              "INSERT INTO runs(uid, device_id, kind, space, model_variant, command, git_revision, "
              "batch, sequence_length, dtype, threads, protocol, started_at, ended_at) "
              "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  s.bind(1, run.uid).bind(2, device_id).bind(3, run.kind).bind(4, run.space);
  s.bind(5, run.model_variant).bind(6, run.command).bind(7, run.git_revision);
  s.bind(8, run.batch).bind(9, run.sequence_length).bind(10, run.dtype).bind(11, run.threads);
  s.bind(12, run.protocol_json.empty() ? std::string("{}") : run.protocol_json);
  s.bind(13, run.started_at).bind(14, run.ended_at);
  s.run();
  return sqlite3_last_insert_rowid(db);
}

std::int64_t Store::Impl::arch_id(const std::string& arch) {
  if (auto it = arch_ids.find(arch); it != arch_ids.end()) return it->second;
  const std::string space_name = space::arch_space_name(arch);  // validates the form
  Statement find(db, "SELECT id FROM archs WHERE arch = ?");
  find.bind(1, arch);
  std::int64_t id;
  if (find.step()) {
    id = find.integer(0);
  } else {
    Statement insert(db, "INSERT INTO archs(space, arch) VALUES (?, ?)");
    insert.bind(1, space_name).bind(2, arch);
    insert.run();
    id = sqlite3_last_insert_rowid(db);
  }
  arch_ids.emplace(arch, id);
  return id;
}

std::int64_t Store::Impl::insert_rows(std::int64_t run, const std::vector<SampleSet>& sets,
                                      const std::vector<PerplexityRecord>& perplexities) {
  std::int64_t inserted = 0;
  Statement set_insert(db,
                       "INSERT INTO sample_sets(run_id, arch_id, metric, count, mean, std, samples) "
                       "VALUES (?,?,?,?,?,?,?) ON CONFLICT DO NOTHING");
  for (const SampleSet& s : sets) {
    if (s.metric.empty()) throw ValueError("sample set of '" + s.arch + "' has no metric name");
    set_insert.bind(1, run).bind(2, arch_id(s.arch)).bind(3, s.metric).bind(4, s.count);
    set_insert.bind(5, s.mean).bind(6, s.std);
    if (s.samples.empty()) {
      set_insert.bind_null(7);
    } else {
      const std::string blob = detail::pack_doubles(s.samples);
      set_insert.bind_blob(7, blob.data(), blob.size());
    }
    set_insert.run();
    inserted += sqlite3_changes(db);
  }
  Statement ppl_insert(db,
                       "INSERT INTO perplexities(run_id, arch_id, split, perplexity, accuracy, tokens) "
                       "VALUES (?,?,?,?,?,?) ON CONFLICT DO NOTHING");
  for (const PerplexityRecord& p : perplexities) {
    ppl_insert.bind(1, run).bind(2, arch_id(p.arch)).bind(3, p.split).bind(4, p.perplexity);
    ppl_insert.bind(5, p.accuracy).bind(6, p.tokens);
    ppl_insert.run();
    inserted += sqlite3_changes(db);
  }
  return inserted;
}

bool Store::has_run(std::string_view uid) const { return impl_->run_id(uid).has_value(); }

std::vector<RunInfo> Store::runs() const {
  Statement s(impl_->db, std::string(kRunColumns) + "ORDER BY r.id");
  std::vector<RunInfo> out;
  while (s.step()) out.push_back(read_run_row(s));
  return out;
}

std::int64_t Store::write(const RunInfo& run, const std::vector<SampleSet>& sets,
                          const std::vector<PerplexityRecord>& perplexities) {
  detail::Transaction t(impl_->db);
  auto cache = impl_->arch_ids;  // restored if the transaction rolls back
  try {
    const std::int64_t id = impl_->insert_run(run);
    const std::int64_t inserted = impl_->insert_rows(id, sets, perplexities);
    t.commit();
    return inserted;
  } catch (...) {
    impl_->arch_ids = std::move(cache);
    throw;
  }
}

std::int64_t Store::append(std::string_view run_uid, const std::vector<SampleSet>& sets,
                           const std::vector<PerplexityRecord>& perplexities) {
  detail::Transaction t(impl_->db);
  auto cache = impl_->arch_ids;
  try {
    const auto id = impl_->run_id(run_uid);
    if (!id) throw ValueError("run '" + std::string(run_uid) + "' is not in the store");
    const std::int64_t inserted = impl_->insert_rows(*id, sets, perplexities);
    t.commit();
    return inserted;
  } catch (...) {
    impl_->arch_ids = std::move(cache);
    throw;
  }
}

void Store::set_run_end(std::string_view run_uid, std::string_view ended_at) {
  Statement s(impl_->db, "UPDATE runs SET ended_at = ? WHERE uid = ?");
  s.bind(1, ended_at).bind(2, run_uid);
  s.run();
  if (sqlite3_changes(impl_->db) == 0)
    throw ValueError("run '" + std::string(run_uid) + "' is not in the store");
}

std::vector<SampleSet> Store::Impl::sets_of_run(std::int64_t run) const {
  Statement s(db,
              "SELECT a.arch, ss.metric, ss.count, ss.mean, ss.std, ss.samples FROM sample_sets ss "
              "JOIN archs a ON a.id = ss.arch_id WHERE ss.run_id = ? ORDER BY a.id, ss.metric");
  s.bind(1, run);
  std::vector<SampleSet> out;
  while (s.step()) {
    SampleSet set{s.text(0), s.text(1), s.is_null(5) ? std::vector<double>{} : s.doubles(5),
                  s.integer(2), s.real(3), s.real(4)};
    out.push_back(std::move(set));
  }
  return out;
}

std::vector<PerplexityRecord> Store::Impl::perplexities_of_run(std::int64_t run) const {
  Statement s(db,
              "SELECT a.arch, p.split, p.perplexity, p.accuracy, p.tokens FROM perplexities p "
              "JOIN archs a ON a.id = p.arch_id WHERE p.run_id = ? ORDER BY a.id, p.split");
  s.bind(1, run);
  std::vector<PerplexityRecord> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), s.real(2), s.optional_real(3), s.integer(4)});
  return out;
}

std::vector<SampleRow> Store::samples(const SampleQuery& q) const {
  std::string device_name;
  if (!q.device.empty()) {
    const auto d = find_device(q.device);
    if (!d) throw ValueError("device '" + q.device + "' is not in the store");
    device_name = d->name;
  }
  // Only the filters in use enter the SQL, so SQLite can use the keys (runs by device, then the
  // sample_sets primary key) instead of scanning every BLOB.
  std::string sql =
      "SELECT r.uid, coalesce(d.name, ''), a.arch, ss.metric, ss.count, ss.mean, ss.std, ss.samples "
      "FROM runs r LEFT JOIN devices d ON d.id = r.device_id JOIN sample_sets ss ON ss.run_id = r.id "
      "JOIN archs a ON a.id = ss.arch_id WHERE 1";
  if (!device_name.empty()) sql += " AND d.name = ?1";
  if (!q.metric.empty()) sql += " AND ss.metric = ?2";
  if (!q.space.empty()) sql += " AND r.space = ?3";
  if (!q.arch.empty()) sql += " AND a.arch = ?4";
  if (!q.run_kind.empty()) sql += " AND r.kind = ?5";
  if (!q.run_uid.empty()) sql += " AND r.uid = ?6";
  sql += " ORDER BY r.id, a.id, ss.metric";
  Statement s(impl_->db, sql);
  if (!device_name.empty()) s.bind(1, device_name);
  if (!q.metric.empty()) s.bind(2, q.metric);
  if (!q.space.empty()) s.bind(3, q.space);
  if (!q.arch.empty()) s.bind(4, q.arch);
  if (!q.run_kind.empty()) s.bind(5, q.run_kind);
  if (!q.run_uid.empty()) s.bind(6, q.run_uid);
  std::vector<SampleRow> out;
  while (s.step()) {
    SampleRow row;
    row.run_uid = s.text(0);
    row.device = s.text(1);
    row.set = {s.text(2), s.text(3), s.is_null(7) ? std::vector<double>{} : s.doubles(7),
               s.integer(4), s.real(5), s.real(6)};
    out.push_back(std::move(row));
  }
  return out;
}

std::vector<std::string> Store::archs_in_run(std::string_view run_uid, std::string_view metric) const {
  Statement s(impl_->db,
              "SELECT a.arch FROM runs r JOIN sample_sets ss ON ss.run_id = r.id JOIN archs a ON a.id = ss.arch_id "
              "WHERE r.uid = ? AND ss.metric = ? ORDER BY a.id");
  s.bind(1, run_uid).bind(2, metric);
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.text(0));
  return out;
}

std::vector<PerplexityRecord> Store::perplexities(std::string_view space_name, std::string_view split) const {
  Statement s(impl_->db,
              "SELECT a.arch, p.split, p.perplexity, p.accuracy, p.tokens FROM perplexities p "
              "JOIN archs a ON a.id = p.arch_id WHERE a.space = ?1 AND (?2 = '' OR p.split = ?2) "
              "ORDER BY p.run_id, a.id");
  s.bind(1, space_name).bind(2, split);
  std::vector<PerplexityRecord> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), s.real(2), s.optional_real(3), s.integer(4)});
  return out;
}

StoreInfo Store::info() const {
  StoreInfo info;
  info.schema_version = schema_version();
  auto count = [&](const char* sql) {
    Statement s(impl_->db, sql);
    s.step();
    return s.integer(0);
  };
  info.devices = count("SELECT count(*) FROM devices");
  info.runs = count("SELECT count(*) FROM runs");
  info.archs = count("SELECT count(*) FROM archs");
  info.sample_sets = count("SELECT count(*) FROM sample_sets");
  info.samples = count("SELECT coalesce(sum(length(samples)) / 8, 0) FROM sample_sets");
  info.perplexities = count("SELECT count(*) FROM perplexities");
  Statement s(impl_->db,
              "SELECT d.name, d.kind, d.source, (SELECT count(*) FROM runs r WHERE r.device_id = d.id), "
              "(SELECT count(*) FROM sample_sets ss JOIN runs r ON r.id = ss.run_id WHERE r.device_id = d.id) "
              "FROM devices d ORDER BY d.name");
  while (s.step()) info.per_device.push_back({s.text(0), s.text(1), s.text(2), s.integer(3), s.integer(4)});
  return info;
}

}  // namespace hwgpt::store
