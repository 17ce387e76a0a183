// SqliteStore's private parts, shared by its files: a connection with its
// statements, the column and binding helpers, and SqliteStore::Impl (the two
// connections and the writer thread). SqliteStore's calls are defined by
// area: sqlite_store.cpp (opening, migrations, group commit),
// sqlite_users.cpp, sqlite_documents.cpp (and the audit log),
// sqlite_interactions.cpp, sqlite_citizens.cpp, sqlite_traffic.cpp.
// Private to the store component.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "store/sqlite_store.h"

namespace guichet::store {

namespace detail {

// A prepared statement in use; reset when it goes out of scope, so that no
// statement keeps the connection's read snapshot open between calls (a reader
// would stop seeing new commits, and checkpoints would stall).
class Statement {
 public:
  explicit Statement(sqlite3_stmt* statement) : statement_(statement) {}
  ~Statement() {
    if (statement_) sqlite3_reset(statement_);
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  operator sqlite3_stmt*() const { return statement_; }  // NOLINT: used as the handle

 private:
  sqlite3_stmt* statement_;
};

// One SQLite connection with its prepared statements. Used by one thread at
// a time (the writer thread, or readers under the read mutex).
class Connection {
 public:
  ~Connection() {
    for (auto& [sql, statement] : statements_)
      sqlite3_finalize(statement);
    if (db_) sqlite3_close(db_);
  }

  Status open(const std::string& path, bool writer) {
    const int flags =
        (writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READWRITE) |
        SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      return io_error("cannot open " + path + ": " + (db_ ? sqlite3_errmsg(db_) : "out of memory"));
    }
    sqlite3_busy_timeout(db_, 5000);
    // WAL: readers never wait for the writer. FULL: a commit is on disk when
    // it returns, which is what acknowledging a write promises.
    return exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");
  }

  Status exec(const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
      Status status = io_error(std::string("sqlite: ") + (message ? message : "error"));
      sqlite3_free(message);
      return status;
    }
    return Status::ok();
  }

  // A prepared statement with its bindings cleared (null if `sql` does not
  // compile); prepared once per connection. `sql` must outlive the connection:
  // statements are cached by its address.
  Statement statement(const char* sql) {
    auto found = statements_.find(sql);
    if (found != statements_.end()) {
      sqlite3_clear_bindings(found->second);
      return Statement(found->second);
    }
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr) !=
        SQLITE_OK) {
      return Statement(nullptr);
    }
    statements_.emplace(sql, statement);
    return Statement(statement);
  }

  bool foreign_key_failed() const {
    return sqlite3_extended_errcode(db_) == SQLITE_CONSTRAINT_FOREIGNKEY;
  }

  Status error(const char* what) const {
    if (sqlite3_extended_errcode(db_) == SQLITE_CONSTRAINT_UNIQUE ||
        sqlite3_extended_errcode(db_) == SQLITE_CONSTRAINT_PRIMARYKEY) {
      return already_exists(std::string(what) + " already exists");
    }
    return io_error(std::string(what) + ": " + sqlite3_errmsg(db_));
  }

  sqlite3* db() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<const char*, sqlite3_stmt*> statements_;  // keyed by the literal's address
};

inline void bind_text(sqlite3_stmt* s, int index, const std::string& text) {
  sqlite3_bind_text(s, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}
inline std::string column_text(sqlite3_stmt* s, int index) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, index));
  return text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(s, index)))
              : std::string();
}
inline Time column_time(sqlite3_stmt* s, int index) {
  return time_from_ms(sqlite3_column_int64(s, index));
}
inline std::uint64_t column_id(sqlite3_stmt* s, int index) {
  return static_cast<std::uint64_t>(sqlite3_column_int64(s, index));
}
inline sqlite3_int64 as_int(std::uint64_t id) {
  return static_cast<sqlite3_int64>(id);
}

// Records a change in the audit log (defined with the documents).
Status audit(Connection& c, Time at, std::uint64_t user_id, const std::string& kind,
             std::uint64_t object_id, const char* action, const std::string& before,
             const std::string& after);

}  // namespace detail

class SqliteStore::Impl {
 public:
  Status open(const std::string& path);
  ~Impl();

  // Runs `apply` on the writer connection inside the next group commit and
  // returns once that commit is on disk (or failed).
  Status write(std::function<Status(detail::Connection&)> apply);

  // The same, calling `done` on the writer thread instead of waiting.
  void write_async(std::function<Status(detail::Connection&)> apply,
                   std::function<void(Status)> done);

  // Runs `read` on the reader connection, one reader at a time.
  template <typename Read>
  auto read(Read&& read) {
    std::lock_guard lock(read_mutex_);
    return read(reader_);
  }

  Result<int> schema_version();

  std::atomic<std::uint64_t> commits{0};
  std::atomic<std::uint64_t> writes{0};

 private:
  struct PendingWrite {
    std::function<Status(detail::Connection&)> apply;
    std::function<void(Status)> done;
  };

  Status migrate();
  void write_loop();
  void commit(std::vector<PendingWrite>& batch);

  detail::Connection writer_;  // the writer thread's, after open()
  detail::Connection reader_;
  std::mutex read_mutex_;
  std::mutex queue_mutex_;
  std::condition_variable queue_ready_;
  std::vector<PendingWrite> queue_;  // guarded by queue_mutex_
  bool stopping_ = false;            // guarded by queue_mutex_
  std::thread thread_;
};

}  // namespace guichet::store
