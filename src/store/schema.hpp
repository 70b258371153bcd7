// Private: the SQL of every schema version as forward migrations. kMigrations[i] takes a database
// from version i to i + 1 (PRAGMA user_version); version 0 is an empty file. Never edit a shipped
// migration: append a new one and bump Store::kSchemaVersion (docs/STORE.md).
#pragma once

#include <array>

namespace hwgpt::store::detail {

inline constexpr const char* kApplicationTag = "hwgpt-store";

inline constexpr std::array<const char*, 1> kMigrations = {
    // 0 -> 1: the initial schema.
    R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta(key, value) VALUES ('application', 'hwgpt-store');
CREATE TABLE devices(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('cpu', 'gpu')),
  cpu_model TEXT NOT NULL, cpu_cores INTEGER NOT NULL, cpu_threads INTEGER NOT NULL,
  gpu_name TEXT NOT NULL, gpu_driver TEXT NOT NULL, gpu_memory_mb REAL NOT NULL,
  hostname TEXT NOT NULL, source TEXT NOT NULL, note TEXT NOT NULL);
CREATE TABLE device_aliases(
  alias TEXT PRIMARY KEY,
  device_id INTEGER NOT NULL REFERENCES devices(id));
CREATE TABLE runs(
  id INTEGER PRIMARY KEY,
  uid TEXT NOT NULL UNIQUE,
  device_id INTEGER REFERENCES devices(id),
  kind TEXT NOT NULL, space TEXT NOT NULL, model_variant TEXT NOT NULL,
  command TEXT NOT NULL, git_revision TEXT NOT NULL,
  batch INTEGER NOT NULL, sequence_length INTEGER NOT NULL, dtype TEXT NOT NULL,
  threads INTEGER NOT NULL, protocol TEXT NOT NULL,
  started_at TEXT NOT NULL, ended_at TEXT NOT NULL);
CREATE TABLE archs(
  id INTEGER PRIMARY KEY,
  space TEXT NOT NULL,
  arch TEXT NOT NULL UNIQUE);
CREATE TABLE sample_sets(
  run_id INTEGER NOT NULL REFERENCES runs(id),
  arch_id INTEGER NOT NULL REFERENCES archs(id),
  metric TEXT NOT NULL,
  count INTEGER NOT NULL, mean REAL NOT NULL, std REAL NOT NULL,
  samples BLOB,                 -- little-endian float64 values; NULL when only a summary exists
  PRIMARY KEY (run_id, arch_id, metric)) WITHOUT ROWID;
CREATE INDEX sample_sets_by_arch ON sample_sets(arch_id, metric);
CREATE TABLE perplexities(
  run_id INTEGER NOT NULL REFERENCES runs(id),
  arch_id INTEGER NOT NULL REFERENCES archs(id),
  split TEXT NOT NULL,
  perplexity REAL NOT NULL, accuracy REAL, tokens INTEGER NOT NULL,
  PRIMARY KEY (run_id, arch_id, split)) WITHOUT ROWID;
)sql",
};

}  // namespace hwgpt::store::detail
