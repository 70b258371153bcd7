// Private RAII wrappers over the SQLite C API: a connection, prepared statements with typed
// binding, and a transaction guard. Every failure throws hwgpt::FileError with SQLite's message.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hwgpt/core/error.hpp"

namespace hwgpt::store::detail {

// "SQLite error on 'PATH': MESSAGE", plus a hint when the cause is the disk or the folder: the
// raw "disk I/O error" of a full disk names neither the file nor what to do.
inline std::string error_text(sqlite3* db) {
  const char* file = db ? sqlite3_db_filename(db, "main") : nullptr;
  std::string text = std::string("SQLite error on '") + (file && *file ? file : "?") + "': " + sqlite3_errmsg(db);
  switch (db ? sqlite3_errcode(db) : SQLITE_OK) {
    case SQLITE_FULL:
    case SQLITE_IOERR:
      return text + " (disk full? the store keeps every committed row)";
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
      return text + " (check that the store's folder is writable)";
    default:
      return text;
  }
}

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK)
      throw FileError("SQLite: cannot prepare '" + std::string(sql) + "': " + sqlite3_errmsg(db));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::int64_t v) { return check(sqlite3_bind_int64(stmt_, index, v)); }
  Statement& bind(int index, int v) { return check(sqlite3_bind_int64(stmt_, index, v)); }
  Statement& bind(int index, double v) { return check(sqlite3_bind_double(stmt_, index, v)); }
  Statement& bind(int index, std::string_view v) {
    return check(sqlite3_bind_text(stmt_, index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
  }
  Statement& bind(int index, const char* v) { return bind(index, std::string_view(v)); }
  Statement& bind(int index, const std::string& v) { return bind(index, std::string_view(v)); }
  Statement& bind_blob(int index, const void* data, std::size_t size) {
    return check(sqlite3_bind_blob(stmt_, index, data, static_cast<int>(size), SQLITE_TRANSIENT));
  }
  Statement& bind_null(int index) { return check(sqlite3_bind_null(stmt_, index)); }
  template <typename T>
  Statement& bind(int index, const std::optional<T>& v) {
    return v ? bind(index, *v) : bind_null(index);
  }

  // Advances; true while a row is available.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw FileError(error_text(db_));
  }
  void run() {
    while (step()) {
    }
    reset();
  }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  double real(int col) const { return sqlite3_column_double(stmt_, col); }
  std::string text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  std::optional<std::string> optional_text(int col) const {
    return is_null(col) ? std::nullopt : std::optional<std::string>(text(col));
  }
  std::optional<std::int64_t> optional_integer(int col) const {
    return is_null(col) ? std::nullopt : std::optional<std::int64_t>(integer(col));
  }
  std::optional<double> optional_real(int col) const {
    return is_null(col) ? std::nullopt : std::optional<double>(real(col));
  }
  std::vector<double> doubles(int col) const;  // a BLOB of little-endian float64 values

 private:
  Statement& check(int rc) {
    if (rc != SQLITE_OK) throw FileError(std::string("SQLite: bind failed: ") + sqlite3_errmsg(db_));
    return *this;
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

inline void exec(sqlite3* db, const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    sqlite3_free(message);
    throw FileError(error_text(db));
  }
}

// BEGIN IMMEDIATE … COMMIT, rolled back if destroyed before commit() (an exception unwound it).
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) { exec(db_, "BEGIN IMMEDIATE"); }
  ~Transaction() {
    if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    exec(db_, "COMMIT");
    done_ = true;
  }

 private:
  sqlite3* db_;
  bool done_ = false;
};

// Packs doubles as little-endian float64 (the machines we support are little-endian; checked at
// compile time in store.cpp).
std::string pack_doubles(const std::vector<double>& values);

}  // namespace hwgpt::store::detail
