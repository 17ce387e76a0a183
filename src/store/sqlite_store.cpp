#include "store/sqlite_store.h"

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "core/json_format.h"
#include "core/log.h"
#include "core/text.h"

namespace guichet::store {

namespace {

// Schema migrations, in order; version N is migrations[N-1]. Never edit one
// that has shipped: add the next.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE TABLE interactions (
  id INTEGER PRIMARY KEY,
  channel TEXT NOT NULL,
  queue_id INTEGER NOT NULL,
  citizen_id INTEGER NOT NULL,
  priority INTEGER NOT NULL,
  attributes TEXT NOT NULL,
  enqueued_at INTEGER NOT NULL,
  status TEXT NOT NULL,
  ended_at INTEGER
) STRICT;
CREATE INDEX interactions_open ON interactions (enqueued_at, id) WHERE status = 'waiting';
CREATE TABLE interaction_events (
  sequence INTEGER PRIMARY KEY,
  interaction_id INTEGER NOT NULL REFERENCES interactions (id),
  at INTEGER NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL
) STRICT;
CREATE INDEX interaction_events_by_interaction ON interaction_events (interaction_id, sequence);
)sql",
    R"sql(
CREATE TABLE documents (
  kind TEXT NOT NULL,
  id INTEGER NOT NULL,
  name TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (kind, id),
  UNIQUE (kind, name)
) STRICT;
CREATE TABLE audit_log (
  sequence INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  object_id INTEGER NOT NULL,
  action TEXT NOT NULL,
  before TEXT NOT NULL,
  after TEXT NOT NULL
) STRICT;
)sql",
    R"sql(
CREATE TABLE citizens (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  merged_into INTEGER REFERENCES citizens (id)
) STRICT;
CREATE INDEX citizens_by_name ON citizens (name COLLATE NOCASE);
CREATE TABLE citizen_contacts (
  citizen_id INTEGER NOT NULL REFERENCES citizens (id),
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (kind, value)
) STRICT;
CREATE INDEX citizen_contacts_by_citizen ON citizen_contacts (citizen_id);
CREATE INDEX citizen_contacts_by_value ON citizen_contacts (value);
CREATE INDEX interactions_by_citizen ON interactions (citizen_id, id);
)sql",
    // Reports read interactions by arrival time and events by type and time.
    R"sql(
CREATE INDEX interactions_by_enqueued_at ON interactions (enqueued_at);
CREATE INDEX interaction_events_by_type_at ON interaction_events (type, at);
)sql",
    // A client's retry after a timeout answers the first create (Idempotency-Key).
    R"sql(
ALTER TABLE interactions ADD COLUMN idempotency_key TEXT;
ALTER TABLE interactions ADD COLUMN request_digest TEXT;
CREATE UNIQUE INDEX interactions_by_idempotency_key ON interactions (idempotency_key)
  WHERE idempotency_key IS NOT NULL;
)sql",
    // A voicemail's file is named by a "recording" event the server writes,
    // no longer by an attribute a client could write too. For the voicemails
    // kept before, the first interaction naming a file is the one the voice
    // channel created (it names it as soon as the file is written); a later
    // one naming the same file was a client's copy.
    R"sql(
INSERT INTO interaction_events (interaction_id, at, type, data)
SELECT i.id, i.enqueued_at, 'recording',
       json_object('file', json_extract(i.attributes, '$.voicemail'),
                   'seconds', CAST(COALESCE(json_extract(i.attributes, '$.voicemail_seconds'), '0')
                                   AS INTEGER),
                   'voicemail', json('true'))
FROM interactions i
WHERE i.channel = 'voice'
  AND json_extract(i.attributes, '$.voicemail') GLOB 'recordings/[0-9]*/voicemail-*.wav'
  AND json_extract(i.attributes, '$.voicemail') NOT LIKE '%..%'
  AND i.id = (SELECT MIN(j.id) FROM interactions j
              WHERE json_extract(j.attributes, '$.voicemail') =
                    json_extract(i.attributes, '$.voicemail'));
UPDATE interactions SET attributes = json_set(attributes, '$.voicemail', 'true')
WHERE json_type(attributes, '$.voicemail') = 'text'
  AND json_extract(attributes, '$.voicemail') != 'true';
)sql",
    // Phone numbers in one form (E.164): done in C++ (normalise_phones), the
    // version recorded here.
    R"sql(
SELECT 1;
)sql",
};
constexpr int kSchemaVersion = sizeof(kMigrations) / sizeof(kMigrations[0]);

bool ends_interaction(const std::string& type) {
  return type == "completed" || type == "abandoned" || type == "closed";
}

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

void bind_text(sqlite3_stmt* s, int index, const std::string& text) {
  sqlite3_bind_text(s, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}
std::string column_text(sqlite3_stmt* s, int index) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, index));
  return text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(s, index)))
              : std::string();
}
Time column_time(sqlite3_stmt* s, int index) {
  return time_from_ms(sqlite3_column_int64(s, index));
}
std::uint64_t column_id(sqlite3_stmt* s, int index) {
  return static_cast<std::uint64_t>(sqlite3_column_int64(s, index));
}
sqlite3_int64 as_int(std::uint64_t id) {
  return static_cast<sqlite3_int64>(id);
}

User read_user(sqlite3_stmt* s) {
  User user;
  user.id = column_id(s, 0);
  user.username = column_text(s, 1);
  user.display_name = column_text(s, 2);
  user.role = role_from_string(column_text(s, 3)).value_or(Role::kAgent);
  user.password_hash = column_text(s, 4);
  user.created_at = column_time(s, 5);
  return user;
}

Interaction read_interaction(sqlite3_stmt* s) {
  Interaction it;
  it.id = column_id(s, 0);
  it.channel = column_text(s, 1);
  it.queue_id = column_id(s, 2);
  it.citizen_id = column_id(s, 3);
  it.priority = sqlite3_column_int(s, 4);
  it.attributes_json = column_text(s, 5);
  it.enqueued_at = column_time(s, 6);
  it.status = column_text(s, 7);
  if (sqlite3_column_type(s, 8) != SQLITE_NULL) it.ended_at = column_time(s, 8);
  return it;
}

constexpr const char* kUserColumns =
    "SELECT id, username, display_name, role, password_hash, created_at FROM users ";
constexpr const char* kInteractionColumns =
    "SELECT id, channel, queue_id, citizen_id, priority, attributes, enqueued_at, status, "
    "ended_at FROM interactions ";

// Migration 7: every phone number in E.164 (citizens' contacts, agents'
// numbers), so that 06… and +336… are one number. A number that already
// belongs to another citizen in the other form is left as it was and
// logged: merging two citizens is a supervisor's decision.
Status normalise_phones(Connection& c) {
  std::vector<std::pair<std::uint64_t, std::string>> contacts;
  {
    Statement s =
        c.statement("SELECT citizen_id, value FROM citizen_contacts WHERE kind = 'phone'");
    if (!s) return c.error("contacts");
    while (sqlite3_step(s) == SQLITE_ROW)
      contacts.emplace_back(column_id(s, 0), column_text(s, 1));
  }
  for (const auto& [citizen, value] : contacts) {
    const std::optional<std::string> number = e164(value);
    if (!number || *number == value) continue;
    Statement s = c.statement(
        "UPDATE OR IGNORE citizen_contacts SET value = ? WHERE kind = 'phone' AND value = ?");
    if (!s) return c.error("contacts");
    bind_text(s, 1, *number);
    bind_text(s, 2, value);
    if (sqlite3_step(s) != SQLITE_DONE) return c.error("contacts");
    if (sqlite3_changes(c.db()) == 0) {
      log::warning("phone number of two citizens", "\"citizen_id\":" + std::to_string(citizen) +
                                                       ",\"number\":" + json_quote(*number));
    }
  }
  std::vector<std::pair<std::uint64_t, std::string>> agents;
  {
    Statement s = c.statement(
        "SELECT id, json_extract(body, '$.phone') FROM documents WHERE kind = 'agent' AND "
        "json_type(body, '$.phone') = 'text' AND json_extract(body, '$.phone') NOT LIKE 'sip%'");
    if (!s) return c.error("agents");
    while (sqlite3_step(s) == SQLITE_ROW)
      agents.emplace_back(column_id(s, 0), column_text(s, 1));
  }
  for (const auto& [agent, phone] : agents) {
    const std::optional<std::string> number = e164(phone);
    if (!number || *number == phone) continue;
    Statement s = c.statement(
        "UPDATE documents SET body = json_set(body, '$.phone', ?) WHERE kind = 'agent' AND id = ?");
    if (!s) return c.error("agents");
    bind_text(s, 1, *number);
    sqlite3_bind_int64(s, 2, static_cast<sqlite3_int64>(agent));
    if (sqlite3_step(s) != SQLITE_DONE) return c.error("agents");
  }
  return Status::ok();
}

}  // namespace

const char* to_string(Role role) {
  switch (role) {
    case Role::kAgent:
      return "agent";
    case Role::kSupervisor:
      return "supervisor";
    case Role::kAdmin:
      return "admin";
  }
  return "agent";
}

std::optional<Role> role_from_string(std::string_view name) {
  for (Role role : {Role::kAgent, Role::kSupervisor, Role::kAdmin}) {
    if (name == to_string(role)) return role;
  }
  return std::nullopt;
}

class SqliteStore::Impl {
 public:
  Status open(const std::string& path) {
    if (Status s = writer_.open(path, /*writer=*/true); !s) return s;
    if (Status s = migrate(); !s) return s;
    if (Status s = reader_.open(path, /*writer=*/false); !s) return s;
    thread_ = std::thread([this] { write_loop(); });
    return Status::ok();
  }

  ~Impl() {
    {
      std::lock_guard lock(queue_mutex_);
      stopping_ = true;
    }
    queue_ready_.notify_one();
    if (thread_.joinable()) thread_.join();
  }

  // Runs `apply` on the writer connection inside the next group commit and
  // returns once that commit is on disk (or failed).
  Status write(std::function<Status(Connection&)> apply) {
    std::promise<Status> promise;
    std::future<Status> done = promise.get_future();
    write_async(std::move(apply), [&promise](Status status) { promise.set_value(status); });
    return done.get();
  }

  // The same, calling `done` on the writer thread instead of waiting.
  void write_async(std::function<Status(Connection&)> apply, std::function<void(Status)> done) {
    {
      std::lock_guard lock(queue_mutex_);
      if (!stopping_) {
        queue_.push_back({std::move(apply), std::move(done)});
        apply = nullptr;
      }
    }
    if (apply) {
      done(failed_precondition("the store is closing"));
      return;
    }
    queue_ready_.notify_one();
  }

  // Runs `read` on the reader connection, one reader at a time.
  template <typename Read>
  auto read(Read&& read) {
    std::lock_guard lock(read_mutex_);
    return read(reader_);
  }

  Result<int> schema_version() {
    return read([](Connection& c) -> Result<int> {
      Statement s = c.statement("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
      if (!s || sqlite3_step(s) != SQLITE_ROW) return c.error("schema version").error();
      return sqlite3_column_int(s, 0);
    });
  }

  std::atomic<std::uint64_t> commits{0};
  std::atomic<std::uint64_t> writes{0};

 private:
  struct PendingWrite {
    std::function<Status(Connection&)> apply;
    std::function<void(Status)> done;
  };

  Status migrate() {
    if (Status s = writer_.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                                "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT");
        !s) {
      return s;
    }
    Statement s = writer_.statement("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!s || sqlite3_step(s) != SQLITE_ROW) return writer_.error("schema version");
    const int current = sqlite3_column_int(s, 0);
    sqlite3_reset(s);  // before the migrations' transactions
    if (current > kSchemaVersion) {
      return io_error("the database was written by a newer Guichet (schema " +
                      std::to_string(current) + ")");
    }
    for (int version = current + 1; version <= kSchemaVersion; ++version) {
      if (Status st = writer_.exec("BEGIN IMMEDIATE"); !st) return st;
      Status applied = writer_.exec(kMigrations[version - 1]);
      if (applied && version == 7) applied = normalise_phones(writer_);
      if (applied) {
        const std::string record = "INSERT INTO schema_migrations VALUES (" +
                                   std::to_string(version) + ", unixepoch() * 1000)";
        applied = writer_.exec(record.c_str());
      }
      if (!applied) {
        (void)writer_.exec("ROLLBACK");
        return io_error("migration " + std::to_string(version) +
                        " failed: " + applied.error().message);
      }
      if (Status st = writer_.exec("COMMIT"); !st) return st;
    }
    return Status::ok();
  }

  void write_loop() {
    std::vector<PendingWrite> batch;
    while (true) {
      {
        std::unique_lock lock(queue_mutex_);
        queue_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, and everything submitted is written
        batch.swap(queue_);
      }
      commit(batch);
      batch.clear();
    }
  }

  // One transaction for the whole batch; each write in a savepoint so that a
  // refused write (a duplicate name) leaves the others in.
  void commit(std::vector<PendingWrite>& batch) {
    std::vector<Status> results(batch.size());
    Status began = writer_.exec("BEGIN IMMEDIATE");
    if (began) {
      // Prepared once: parsing them for every write showed in profiles.
      auto step = [this](const char* sql) {
        Statement statement = writer_.statement(sql);
        if (statement) (void)sqlite3_step(statement);
      };
      for (std::size_t i = 0; i < batch.size(); ++i) {
        step("SAVEPOINT w");
        results[i] = batch[i].apply(writer_);
        if (!results[i]) step("ROLLBACK TO w");
        step("RELEASE w");
      }
      if (Status committed = writer_.exec("COMMIT"); !committed) {
        (void)writer_.exec("ROLLBACK");
        for (Status& result : results)
          result = committed;
      }
    }
    ++commits;
    writes += batch.size();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      batch[i].done(began ? results[i] : began);
    }
  }

  Connection writer_;  // the writer thread's, after open()
  Connection reader_;
  std::mutex read_mutex_;
  std::mutex queue_mutex_;
  std::condition_variable queue_ready_;
  std::vector<PendingWrite> queue_;  // guarded by queue_mutex_
  bool stopping_ = false;            // guarded by queue_mutex_
  std::thread thread_;
};

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  if (Status s = impl->open(path); !s) return s.error();
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(impl)));
}

SqliteStore::SqliteStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteStore::~SqliteStore() = default;

std::uint64_t SqliteStore::commits() const {
  return impl_->commits;
}
std::uint64_t SqliteStore::writes() const {
  return impl_->writes;
}

Result<int> SqliteStore::schema_version() {
  return impl_->schema_version();
}

Result<User> SqliteStore::create_user(User user) {
  if (user.username.empty()) return invalid_argument("a user needs a username", "username");
  Status status = impl_->write([&user](Connection& c) -> Status {
    Statement s = c.statement(
        "INSERT INTO users (username, display_name, role, password_hash, created_at) "
        "VALUES (?, ?, ?, ?, ?) RETURNING id");
    if (!s) return c.error("user");
    bind_text(s, 1, user.username);
    bind_text(s, 2, user.display_name);
    sqlite3_bind_text(s, 3, to_string(user.role), -1, SQLITE_STATIC);
    bind_text(s, 4, user.password_hash);
    sqlite3_bind_int64(s, 5, to_ms(user.created_at));
    if (sqlite3_step(s) != SQLITE_ROW) return c.error("user");
    user.id = column_id(s, 0);
    return Status::ok();
  });
  if (!status) return status.error();
  return user;
}

Result<User> SqliteStore::find_user(const std::string& username) {
  return impl_->read([&](Connection& c) -> Result<User> {
    static const std::string sql = std::string(kUserColumns) + "WHERE username = ?";
    Statement s = c.statement(sql.c_str());
    if (!s) return c.error("user").error();
    bind_text(s, 1, username);
    if (sqlite3_step(s) != SQLITE_ROW) return not_found("no such user", "username");
    return read_user(s);
  });
}

Result<User> SqliteStore::user_by_id(std::uint64_t id) {
  return impl_->read([&](Connection& c) -> Result<User> {
    static const std::string sql = std::string(kUserColumns) + "WHERE id = ?";
    Statement s = c.statement(sql.c_str());
    if (!s) return c.error("user").error();
    sqlite3_bind_int64(s, 1, as_int(id));
    if (sqlite3_step(s) != SQLITE_ROW) return not_found("no such user", "id");
    return read_user(s);
  });
}

Result<std::vector<User>> SqliteStore::list_users() {
  return impl_->read([&](Connection& c) -> Result<std::vector<User>> {
    static const std::string sql = std::string(kUserColumns) + "ORDER BY id";
    Statement s = c.statement(sql.c_str());
    if (!s) return c.error("users").error();
    std::vector<User> users;
    while (sqlite3_step(s) == SQLITE_ROW)
      users.push_back(read_user(s));
    return users;
  });
}

Status SqliteStore::create_session(const Session& session) {
  return impl_->write([&session](Connection& c) -> Status {
    Statement s = c.statement(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)");
    if (!s) return c.error("session");
    bind_text(s, 1, session.token_hash);
    sqlite3_bind_int64(s, 2, as_int(session.user_id));
    sqlite3_bind_int64(s, 3, to_ms(session.created_at));
    sqlite3_bind_int64(s, 4, to_ms(session.expires_at));
    if (sqlite3_step(s) != SQLITE_DONE) {
      return c.foreign_key_failed() ? Status(not_found("no such user", "user_id"))
                                    : c.error("session");
    }
    return Status::ok();
  });
}

Result<Session> SqliteStore::find_session(const std::string& token_hash) {
  return impl_->read([&](Connection& c) -> Result<Session> {
    Statement s = c.statement(
        "SELECT token_hash, user_id, created_at, expires_at FROM sessions WHERE token_hash = ?");
    if (!s) return c.error("session").error();
    bind_text(s, 1, token_hash);
    if (sqlite3_step(s) != SQLITE_ROW) return not_found("no such session", "token");
    Session session;
    session.token_hash = column_text(s, 0);
    session.user_id = column_id(s, 1);
    session.created_at = column_time(s, 2);
    session.expires_at = column_time(s, 3);
    return session;
  });
}

Status SqliteStore::delete_session(const std::string& token_hash) {
  return impl_->write([&token_hash](Connection& c) -> Status {
    Statement s = c.statement("DELETE FROM sessions WHERE token_hash = ?");
    if (!s) return c.error("session");
    bind_text(s, 1, token_hash);
    if (sqlite3_step(s) != SQLITE_DONE) return c.error("session");
    return Status::ok();
  });
}

namespace {

// How a document appears in the audit log: its name and body.
std::string document_json(const Document& d) {
  return "{\"name\":" + json_quote(d.name) + ",\"body\":" + d.body_json + "}";
}

Result<Document> read_document(Connection& c, const std::string& kind, std::uint64_t id) {
  Statement s = c.statement("SELECT name, body FROM documents WHERE kind = ? AND id = ?");
  if (!s) return c.error("document").error();
  bind_text(s, 1, kind);
  sqlite3_bind_int64(s, 2, as_int(id));
  if (sqlite3_step(s) != SQLITE_ROW) return not_found("no such " + kind, "id");
  Document d;
  d.kind = kind;
  d.id = id;
  d.name = column_text(s, 0);
  d.body_json = column_text(s, 1);
  return d;
}

Status audit(Connection& c, Time at, std::uint64_t user_id, const std::string& kind,
             std::uint64_t object_id, const char* action, const std::string& before,
             const std::string& after) {
  Statement s = c.statement(
      "INSERT INTO audit_log (at, user_id, kind, object_id, action, before, after) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)");
  if (!s) return c.error("audit");
  sqlite3_bind_int64(s, 1, to_ms(at));
  sqlite3_bind_int64(s, 2, as_int(user_id));
  bind_text(s, 3, kind);
  sqlite3_bind_int64(s, 4, as_int(object_id));
  sqlite3_bind_text(s, 5, action, -1, SQLITE_STATIC);
  bind_text(s, 6, before);
  bind_text(s, 7, after);
  if (sqlite3_step(s) != SQLITE_DONE) return c.error("audit");
  return Status::ok();
}

Status insert_event(Connection& c, const InteractionEvent& event) {
  Statement s = c.statement(
      "INSERT INTO interaction_events (interaction_id, at, type, data) VALUES (?, ?, ?, ?)");
  if (!s) return c.error("event");
  sqlite3_bind_int64(s, 1, as_int(event.interaction_id));
  sqlite3_bind_int64(s, 2, to_ms(event.at));
  bind_text(s, 3, event.type);
  bind_text(s, 4, event.data_json);
  if (sqlite3_step(s) != SQLITE_DONE) {
    return c.foreign_key_failed() ? Status(not_found("no such interaction", "interaction_id"))
                                  : c.error("event");
  }
  if (event.queue_id != 0 || !event.channel.empty()) {
    Statement move = c.statement(
        "UPDATE interactions SET queue_id = CASE WHEN ?1 = 0 THEN queue_id ELSE ?1 END, "
        "channel = CASE WHEN ?2 = '' THEN channel ELSE ?2 END WHERE id = ?3");
    if (!move) return c.error("interaction");
    sqlite3_bind_int64(move, 1, as_int(event.queue_id));
    bind_text(move, 2, event.channel);
    sqlite3_bind_int64(move, 3, as_int(event.interaction_id));
    if (sqlite3_step(move) != SQLITE_DONE) return c.error("interaction");
  }
  if (!ends_interaction(event.type)) return Status::ok();
  Statement end = c.statement(
      "UPDATE interactions SET status = ?, ended_at = ? WHERE id = ? AND status = 'waiting'");
  if (!end) return c.error("interaction");
  bind_text(end, 1, event.type);
  sqlite3_bind_int64(end, 2, to_ms(event.at));
  sqlite3_bind_int64(end, 3, as_int(event.interaction_id));
  if (sqlite3_step(end) != SQLITE_DONE) return c.error("interaction");
  return Status::ok();
}

}  // namespace

Result<User> SqliteStore::update_user(const User& user, std::uint64_t by, Time at) {
  User updated;
  Status status = impl_->write([&](Connection& c) -> Status {
    static const std::string select = std::string(kUserColumns) + "WHERE id = ?";
    Statement read = c.statement(select.c_str());
    if (!read) return c.error("user");
    sqlite3_bind_int64(read, 1, as_int(user.id));
    if (sqlite3_step(read) != SQLITE_ROW) return not_found("no such user", "id");
    const User before = read_user(read);
    if (before.role == Role::kAdmin && user.role != Role::kAdmin) {
      Statement admins = c.statement("SELECT COUNT(*) FROM users WHERE role = 'admin'");
      if (!admins || sqlite3_step(admins) != SQLITE_ROW) return c.error("user");
      if (sqlite3_column_int64(admins, 0) <= 1) {
        return failed_precondition("the last admin keeps the role", "role");
      }
    }
    const bool new_password = !user.password_hash.empty();
    Statement write = c.statement(
        "UPDATE users SET display_name = ?, role = ?, "
        "password_hash = CASE WHEN ?3 = '' THEN password_hash ELSE ?3 END WHERE id = ?4");
    if (!write) return c.error("user");
    bind_text(write, 1, user.display_name);
    sqlite3_bind_text(write, 2, to_string(user.role), -1, SQLITE_STATIC);
    bind_text(write, 3, user.password_hash);
    sqlite3_bind_int64(write, 4, as_int(user.id));
    if (sqlite3_step(write) != SQLITE_DONE) return c.error("user");
    if (new_password || before.role != user.role) {
      Statement sessions = c.statement("DELETE FROM sessions WHERE user_id = ?");
      if (!sessions) return c.error("user");
      sqlite3_bind_int64(sessions, 1, as_int(user.id));
      if (sqlite3_step(sessions) != SQLITE_DONE) return c.error("user");
    }
    auto view = [](const User& u, bool password) {
      return "{\"username\":" + json_quote(u.username) +
             ",\"display_name\":" + json_quote(u.display_name) + ",\"role\":\"" +
             to_string(u.role) + "\"" + (password ? ",\"password\":\"changed\"" : "") + "}";
    };
    updated = before;
    updated.display_name = user.display_name;
    updated.role = user.role;
    return audit(c, at, by, "user", user.id, "update", view(before, false),
                 view(updated, new_password));
  });
  if (!status) return status.error();
  return updated;
}

Result<Document> SqliteStore::put_document(Document document, std::uint64_t user_id, Time at) {
  if (document.kind.empty()) return invalid_argument("a document needs a kind", "kind");
  if (document.name.empty()) return invalid_argument("a name is required", "name");
  Status status = impl_->write([&](Connection& c) -> Status {
    std::string before;
    if (document.id == 0) {
      Statement next = c.statement("SELECT COALESCE(MAX(id), 0) + 1 FROM documents WHERE kind = ?");
      if (!next) return c.error("document");
      bind_text(next, 1, document.kind);
      if (sqlite3_step(next) != SQLITE_ROW) return c.error("document");
      document.id = column_id(next, 0);
    } else if (auto existing = read_document(c, document.kind, document.id)) {
      before = document_json(*existing);
    }
    Statement s = c.statement(
        "INSERT INTO documents (kind, id, name, body) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (kind, id) DO UPDATE SET name = excluded.name, body = excluded.body");
    if (!s) return c.error("document");
    bind_text(s, 1, document.kind);
    sqlite3_bind_int64(s, 2, as_int(document.id));
    bind_text(s, 3, document.name);
    bind_text(s, 4, document.body_json);
    if (sqlite3_step(s) != SQLITE_DONE) return c.error(document.kind.c_str());
    return audit(c, at, user_id, document.kind, document.id, before.empty() ? "create" : "update",
                 before, document_json(document));
  });
  if (!status) return status.error();
  return document;
}

Status SqliteStore::delete_document(const std::string& kind, std::uint64_t id,
                                    std::uint64_t user_id, Time at) {
  return impl_->write([&](Connection& c) -> Status {
    auto existing = read_document(c, kind, id);
    if (!existing) return existing.status();
    Statement s = c.statement("DELETE FROM documents WHERE kind = ? AND id = ?");
    if (!s) return c.error("document");
    bind_text(s, 1, kind);
    sqlite3_bind_int64(s, 2, as_int(id));
    if (sqlite3_step(s) != SQLITE_DONE) return c.error("document");
    return audit(c, at, user_id, kind, id, "delete", document_json(*existing), "");
  });
}

Result<Document> SqliteStore::document(const std::string& kind, std::uint64_t id) {
  return impl_->read([&](Connection& c) { return read_document(c, kind, id); });
}

Result<std::vector<Document>> SqliteStore::documents(const std::string& kind) {
  return impl_->read([&](Connection& c) -> Result<std::vector<Document>> {
    Statement s = c.statement("SELECT id, name, body FROM documents WHERE kind = ? ORDER BY id");
    if (!s) return c.error("documents").error();
    bind_text(s, 1, kind);
    std::vector<Document> out;
    while (sqlite3_step(s) == SQLITE_ROW) {
      Document d;
      d.kind = kind;
      d.id = column_id(s, 0);
      d.name = column_text(s, 1);
      d.body_json = column_text(s, 2);
      out.push_back(std::move(d));
    }
    return out;
  });
}

Result<std::vector<AuditEntry>> SqliteStore::audit_log(std::size_t limit) {
  return impl_->read([&](Connection& c) -> Result<std::vector<AuditEntry>> {
    Statement s = c.statement(
        "SELECT sequence, at, user_id, kind, object_id, action, before, after FROM audit_log "
        "ORDER BY sequence DESC LIMIT ?");
    if (!s) return c.error("audit").error();
    sqlite3_bind_int64(s, 1, static_cast<sqlite3_int64>(limit));
    std::vector<AuditEntry> out;
    while (sqlite3_step(s) == SQLITE_ROW) {
      AuditEntry e;
      e.sequence = column_id(s, 0);
      e.at = column_time(s, 1);
      e.user_id = column_id(s, 2);
      e.kind = column_text(s, 3);
      e.object_id = column_id(s, 4);
      e.action = column_text(s, 5);
      e.before_json = column_text(s, 6);
      e.after_json = column_text(s, 7);
      out.push_back(std::move(e));
    }
    return out;
  });
}

Result<Interaction> SqliteStore::create_interaction(Interaction interaction,
                                                    InteractionEvent first_event) {
  std::promise<Result<Interaction>> promise;
  std::future<Result<Interaction>> done = promise.get_future();
  create_interaction_async(
      std::move(interaction), std::move(first_event),
      [&promise](Result<Interaction> created) { promise.set_value(std::move(created)); });
  return done.get();
}

void SqliteStore::create_interaction_async(Interaction interaction, InteractionEvent first_event,
                                           std::function<void(Result<Interaction>)> done) {
  // Shared by the write (which fills in the id) and its completion.
  auto created = std::make_shared<std::pair<Interaction, InteractionEvent>>(std::move(interaction),
                                                                            std::move(first_event));
  impl_->write_async(
      [created](Connection& c) -> Status {
        Interaction& it = created->first;
        if (it.citizen_id != 0) {
          Statement citizen = c.statement("SELECT merged_into FROM citizens WHERE id = ?");
          if (!citizen) return c.error("citizen");
          sqlite3_bind_int64(citizen, 1, as_int(it.citizen_id));
          if (sqlite3_step(citizen) != SQLITE_ROW)
            return not_found("no such citizen", "citizen_id");
          if (const std::uint64_t merged_into = column_id(citizen, 0)) it.citizen_id = merged_into;
        }
        if (!it.idempotency_key.empty()) {
          // Writes are one at a time on this thread: no other create with
          // the same key can slip in between this look and the insert.
          Statement seen =
              c.statement("SELECT id, request_digest FROM interactions WHERE idempotency_key = ?");
          if (!seen) return c.error("interaction");
          bind_text(seen, 1, it.idempotency_key);
          if (sqlite3_step(seen) == SQLITE_ROW) {
            if (column_text(seen, 1) != it.request_digest) {
              return failed_precondition("this Idempotency-Key was used for another request",
                                         "idempotency-key");
            }
            it.id = column_id(seen, 0);
            it.replayed = true;
            return Status::ok();
          }
        }
        Statement s = c.statement(
            "INSERT INTO interactions (channel, queue_id, citizen_id, priority, attributes, "
            "enqueued_at, status, idempotency_key, request_digest) "
            "VALUES (?, ?, ?, ?, ?, ?, 'waiting', ?, ?) RETURNING id");
        if (!s) return c.error("interaction");
        bind_text(s, 1, it.channel);
        sqlite3_bind_int64(s, 2, as_int(it.queue_id));
        sqlite3_bind_int64(s, 3, as_int(it.citizen_id));
        sqlite3_bind_int(s, 4, it.priority);
        bind_text(s, 5, it.attributes_json);
        sqlite3_bind_int64(s, 6, to_ms(it.enqueued_at));
        if (it.idempotency_key.empty()) {
          sqlite3_bind_null(s, 7);
          sqlite3_bind_null(s, 8);
        } else {
          bind_text(s, 7, it.idempotency_key);
          bind_text(s, 8, it.request_digest);
        }
        if (sqlite3_step(s) != SQLITE_ROW) return c.error("interaction");
        it.id = column_id(s, 0);
        it.status = "waiting";
        created->second.interaction_id = it.id;
        return insert_event(c, created->second);
      },
      [this, created, done = std::move(done)](Status status) {
        if (!status) return done(status.error());
        if (!created->first.replayed) return done(std::move(created->first));
        auto stored = this->interaction(created->first.id);  // as it is now
        if (stored) stored->replayed = true;
        done(std::move(stored));
      });
}

Result<Interaction> SqliteStore::interaction(std::uint64_t id) {
  return impl_->read([&](Connection& c) -> Result<Interaction> {
    static const std::string sql = std::string(kInteractionColumns) + "WHERE id = ?";
    Statement s = c.statement(sql.c_str());
    if (!s) return c.error("interaction").error();
    sqlite3_bind_int64(s, 1, as_int(id));
    if (sqlite3_step(s) != SQLITE_ROW) return not_found("no such interaction", "id");
    return read_interaction(s);
  });
}

Status SqliteStore::append_events(const std::vector<InteractionEvent>& events) {
  if (events.empty()) return Status::ok();
  return impl_->write([&events](Connection& c) -> Status {
    for (const InteractionEvent& event : events) {
      if (Status s = insert_event(c, event); !s) return s;
    }
    return Status::ok();
  });
}

void SqliteStore::append_events_async(std::vector<InteractionEvent> events,
                                      std::function<void(Status)> done) {
  if (events.empty()) {
    done(Status::ok());
    return;
  }
  impl_->write_async(
      [events = std::move(events)](Connection& c) -> Status {
        for (const InteractionEvent& event : events) {
          if (Status s = insert_event(c, event); !s) return s;
        }
        return Status::ok();
      },
      std::move(done));
}

namespace {

// The report's statements, one set per grouping: arrivals (interactions by
// arrival time), answers and abandons (events by time; thresholds come as a
// JSON object bound to ?4, {"queue id": ms}), and agents' offers.
struct TrafficStatements {
  const char* arrivals;
  const char* answers;
  const char* abandons;
};

const TrafficStatements kByQueue = {
    "SELECT (enqueued_at - ?1) / ?3 AS b, CAST(queue_id AS TEXT) AS k, COUNT(*) "
    "FROM interactions WHERE enqueued_at >= ?1 AND enqueued_at < ?2 GROUP BY b, k",
    "SELECT (at - ?1) / ?3 AS b, CAST(json_extract(data, '$.queue_id') AS TEXT) AS k, COUNT(*), "
    "TOTAL(json_extract(data, '$.waited_ms')), "
    "TOTAL(json_extract(data, '$.waited_ms') <= COALESCE(json_extract(?4, '$.\"' || "
    "json_extract(data, '$.queue_id') || '\"'), -1)) "
    "FROM interaction_events WHERE type = 'accepted' AND at >= ?1 AND at < ?2 GROUP BY b, k",
    "SELECT (at - ?1) / ?3 AS b, CAST(json_extract(data, '$.queue_id') AS TEXT) AS k, COUNT(*) "
    "FROM interaction_events WHERE type = 'abandoned' AND at >= ?1 AND at < ?2 GROUP BY b, k",
};

const TrafficStatements kByChannel = {
    "SELECT (enqueued_at - ?1) / ?3 AS b, channel AS k, COUNT(*) "
    "FROM interactions WHERE enqueued_at >= ?1 AND enqueued_at < ?2 GROUP BY b, k",
    "SELECT (e.at - ?1) / ?3 AS b, i.channel AS k, COUNT(*), "
    "TOTAL(json_extract(e.data, '$.waited_ms')), "
    "TOTAL(json_extract(e.data, '$.waited_ms') <= COALESCE(json_extract(?4, '$.\"' || "
    "json_extract(e.data, '$.queue_id') || '\"'), -1)) "
    "FROM interaction_events e JOIN interactions i ON i.id = e.interaction_id "
    "WHERE e.type = 'accepted' AND e.at >= ?1 AND e.at < ?2 GROUP BY b, k",
    "SELECT (e.at - ?1) / ?3 AS b, i.channel AS k, COUNT(*) "
    "FROM interaction_events e JOIN interactions i ON i.id = e.interaction_id "
    "WHERE e.type = 'abandoned' AND e.at >= ?1 AND e.at < ?2 GROUP BY b, k",
};

const char* const kByAgent =
    "SELECT (at - ?1) / ?3 AS b, CAST(json_extract(data, '$.agent_id') AS TEXT) AS k, "
    "TOTAL(type = 'offered'), TOTAL(type = 'accepted'), "
    "TOTAL(type IN ('rejected', 'offer_timeout')), TOTAL(type = 'completed') "
    "FROM interaction_events WHERE type IN ('offered', 'accepted', 'rejected', 'offer_timeout', "
    "'completed') AND at >= ?1 AND at < ?2 AND json_extract(data, '$.agent_id') > 0 "
    "GROUP BY b, k";

}  // namespace

Result<std::vector<TrafficRow>> SqliteStore::traffic(const TrafficQuery& query) {
  const std::int64_t from = to_ms(query.from);
  const std::int64_t to = to_ms(query.to);
  if (to <= from) return invalid_argument("the range is empty", "to");
  const std::int64_t bucket = query.bucket.count() > 0 ? query.bucket.count() : to - from;
  std::string thresholds = "{";
  for (const auto& [queue, threshold] : query.thresholds) {
    if (thresholds.size() > 1) thresholds += ",";
    thresholds += "\"" + std::to_string(queue) + "\":" + std::to_string(threshold.count());
  }
  thresholds += "}";
  return impl_->read([&](Connection& c) -> Result<std::vector<TrafficRow>> {
    std::map<std::pair<std::int64_t, std::string>, TrafficRow> rows;
    // Runs `sql` and hands each result row, with its bucket's row, to `take`.
    auto each = [&](const char* sql, auto&& take) -> Status {
      Statement s = c.statement(sql);
      if (!s) return c.error("traffic");
      sqlite3_bind_int64(s, 1, from);
      sqlite3_bind_int64(s, 2, to);
      sqlite3_bind_int64(s, 3, bucket);
      if (sqlite3_bind_parameter_count(s) >= 4) bind_text(s, 4, thresholds);
      int step;
      while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const std::int64_t b = sqlite3_column_int64(s, 0);
        const std::string key = column_text(s, 1);
        TrafficRow& row = rows[{b, key}];
        row.start = time_from_ms(from + b * bucket);
        row.key = key;
        take(s, row);
      }
      return step == SQLITE_DONE ? Status::ok() : c.error("traffic");
    };
    auto count = [](sqlite3_stmt* s, int column) {
      return static_cast<std::uint64_t>(sqlite3_column_double(s, column));
    };
    Status status;
    if (query.by == TrafficQuery::By::kAgent) {
      status = each(kByAgent, [&](sqlite3_stmt* s, TrafficRow& row) {
        row.offers = count(s, 2);
        row.accepted = count(s, 3);
        row.missed = count(s, 4);
        row.completed = count(s, 5);
      });
    } else {
      const TrafficStatements& sql = query.by == TrafficQuery::By::kQueue ? kByQueue : kByChannel;
      status =
          each(sql.arrivals, [&](sqlite3_stmt* s, TrafficRow& row) { row.offered = count(s, 2); });
      if (status) {
        status = each(sql.answers, [&](sqlite3_stmt* s, TrafficRow& row) {
          row.answered = count(s, 2);
          row.answered_wait_s = sqlite3_column_double(s, 3) / 1000.0;
          row.answered_in_threshold = count(s, 4);
        });
      }
      if (status) {
        status = each(sql.abandons,
                      [&](sqlite3_stmt* s, TrafficRow& row) { row.abandoned = count(s, 2); });
      }
    }
    if (!status) return status.error();
    std::vector<TrafficRow> out;
    out.reserve(rows.size());
    for (auto& [key, row] : rows)
      out.push_back(std::move(row));
    return out;
  });
}

Result<std::vector<InteractionEvent>> SqliteStore::timeline(std::uint64_t interaction_id) {
  return impl_->read([&](Connection& c) -> Result<std::vector<InteractionEvent>> {
    Statement s = c.statement(
        "SELECT sequence, interaction_id, at, type, data FROM interaction_events "
        "WHERE interaction_id = ? ORDER BY sequence");
    if (!s) return c.error("timeline").error();
    sqlite3_bind_int64(s, 1, as_int(interaction_id));
    std::vector<InteractionEvent> events;
    while (sqlite3_step(s) == SQLITE_ROW) {
      InteractionEvent event;
      event.sequence = column_id(s, 0);
      event.interaction_id = column_id(s, 1);
      event.at = column_time(s, 2);
      event.type = column_text(s, 3);
      event.data_json = column_text(s, 4);
      events.push_back(std::move(event));
    }
    return events;
  });
}

Result<std::vector<Interaction>> SqliteStore::list_interactions(const InteractionFilter& filter) {
  return impl_->read([&](Connection& c) -> Result<std::vector<Interaction>> {
    // One statement for every filter: a condition is off when its value is empty.
    static const std::string sql = std::string(kInteractionColumns) +
                                   "WHERE (?1 = '' OR status = ?1) AND (?2 = '' OR channel = ?2) "
                                   "AND (?3 = 0 OR queue_id = ?3) AND (?4 = 0 OR citizen_id = ?4) "
                                   "AND (?5 = 0 OR id < ?5) ORDER BY id DESC LIMIT ?6";
    Statement s = c.statement(sql.c_str());
    if (!s) return c.error("interactions").error();
    bind_text(s, 1, filter.status);
    bind_text(s, 2, filter.channel);
    sqlite3_bind_int64(s, 3, as_int(filter.queue_id));
    sqlite3_bind_int64(s, 4, as_int(filter.citizen_id));
    sqlite3_bind_int64(s, 5, as_int(filter.before_id));
    sqlite3_bind_int64(s, 6, static_cast<sqlite3_int64>(std::min<std::size_t>(filter.limit, 500)));
    std::vector<Interaction> out;
    while (sqlite3_step(s) == SQLITE_ROW)
      out.push_back(read_interaction(s));
    return out;
  });
}

namespace {

Status insert_contact(Connection& c, std::uint64_t citizen, const Contact& contact) {
  Statement s =
      c.statement("INSERT INTO citizen_contacts (citizen_id, kind, value) VALUES (?, ?, ?)");
  if (!s) return c.error("contact");
  sqlite3_bind_int64(s, 1, as_int(citizen));
  bind_text(s, 2, contact.kind);
  bind_text(s, 3, contact.value);
  if (sqlite3_step(s) != SQLITE_DONE) {
    if (c.foreign_key_failed()) return not_found("no such citizen", "id");
    Status status = c.error("contact");
    if (status.error().code == ErrorCode::kAlreadyExists) {
      return already_exists("this " + contact.kind + " belongs to another citizen", "contacts");
    }
    return status;
  }
  return Status::ok();
}

Result<Citizen> read_citizen(Connection& c, std::uint64_t id) {
  Statement s = c.statement("SELECT name, created_at, merged_into FROM citizens WHERE id = ?");
  if (!s) return c.error("citizen").error();
  sqlite3_bind_int64(s, 1, as_int(id));
  if (sqlite3_step(s) != SQLITE_ROW) return not_found("no such citizen", "id");
  Citizen citizen;
  citizen.id = id;
  citizen.name = column_text(s, 0);
  citizen.created_at = column_time(s, 1);
  citizen.merged_into = column_id(s, 2);
  Statement contacts = c.statement(
      "SELECT kind, value FROM citizen_contacts WHERE citizen_id = ? ORDER BY kind, value");
  if (!contacts) return c.error("citizen").error();
  sqlite3_bind_int64(contacts, 1, as_int(id));
  while (sqlite3_step(contacts) == SQLITE_ROW) {
    citizen.contacts.push_back({column_text(contacts, 0), column_text(contacts, 1)});
  }
  return citizen;
}

}  // namespace

Result<Citizen> SqliteStore::create_citizen(Citizen citizen) {
  if (citizen.name.empty()) return invalid_argument("a citizen needs a name", "name");
  Status status = impl_->write([&](Connection& c) -> Status {
    Statement s = c.statement("INSERT INTO citizens (name, created_at) VALUES (?, ?) RETURNING id");
    if (!s) return c.error("citizen");
    bind_text(s, 1, citizen.name);
    sqlite3_bind_int64(s, 2, to_ms(citizen.created_at));
    if (sqlite3_step(s) != SQLITE_ROW) return c.error("citizen");
    citizen.id = column_id(s, 0);
    for (const Contact& contact : citizen.contacts) {
      if (Status added = insert_contact(c, citizen.id, contact); !added) return added;
    }
    return Status::ok();
  });
  if (!status) return status.error();
  return citizen;
}

Result<Citizen> SqliteStore::citizen(std::uint64_t id) {
  return impl_->read([&](Connection& c) { return read_citizen(c, id); });
}

Status SqliteStore::add_contact(std::uint64_t citizen, const Contact& contact) {
  return impl_->write([&](Connection& c) { return insert_contact(c, citizen, contact); });
}

Result<std::vector<Citizen>> SqliteStore::find_citizens(const std::string& query,
                                                        std::size_t limit) {
  return impl_->read([&](Connection& c) -> Result<std::vector<Citizen>> {
    // Exact contact first, then names starting with the query (case-insensitive).
    Statement s = c.statement(
        "SELECT id FROM ("
        " SELECT citizen_id AS id, 0 AS rank FROM citizen_contacts WHERE value = ?1"
        " UNION SELECT id, 1 FROM citizens WHERE name LIKE ?2 ESCAPE '\\'"
        ") GROUP BY id ORDER BY MIN(rank), id LIMIT ?3");
    if (!s) return c.error("citizens").error();
    std::string pattern;
    for (char ch : query) {
      if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
      pattern += ch;
    }
    pattern += '%';
    bind_text(s, 1, query);
    bind_text(s, 2, pattern);
    sqlite3_bind_int64(s, 3, static_cast<sqlite3_int64>(std::min<std::size_t>(limit, 200)));
    std::vector<std::uint64_t> ids;
    while (sqlite3_step(s) == SQLITE_ROW)
      ids.push_back(column_id(s, 0));
    std::vector<Citizen> out;
    for (std::uint64_t id : ids) {
      auto citizen = read_citizen(c, id);
      if (citizen) out.push_back(std::move(*citizen));
    }
    return out;
  });
}

Status SqliteStore::merge_citizens(std::uint64_t keep, std::uint64_t duplicate) {
  if (keep == duplicate)
    return invalid_argument("a citizen cannot be merged into itself", "duplicate_id");
  return impl_->write([&](Connection& c) -> Status {
    for (std::uint64_t id : {keep, duplicate}) {
      auto citizen = read_citizen(c, id);
      if (!citizen) return citizen.status();
      if (citizen->merged_into != 0) {
        return failed_precondition(
            "already merged into citizen " + std::to_string(citizen->merged_into),
            id == keep ? "id" : "duplicate_id");
      }
    }
    const char* const moves[] = {
        "UPDATE citizen_contacts SET citizen_id = ?1 WHERE citizen_id = ?2",
        "UPDATE interactions SET citizen_id = ?1 WHERE citizen_id = ?2",
        "UPDATE citizens SET merged_into = ?1 WHERE id = ?2",
    };
    for (const char* sql : moves) {
      Statement s = c.statement(sql);
      if (!s) return c.error("merge");
      sqlite3_bind_int64(s, 1, as_int(keep));
      sqlite3_bind_int64(s, 2, as_int(duplicate));
      if (sqlite3_step(s) != SQLITE_DONE) return c.error("merge");
    }
    return Status::ok();
  });
}

Result<std::vector<Interaction>> SqliteStore::open_interactions() {
  return impl_->read([&](Connection& c) -> Result<std::vector<Interaction>> {
    static const std::string sql =
        std::string(kInteractionColumns) + "WHERE status = 'waiting' ORDER BY enqueued_at, id";
    Statement s = c.statement(sql.c_str());
    if (!s) return c.error("interactions").error();
    std::vector<Interaction> open;
    while (sqlite3_step(s) == SQLITE_ROW)
      open.push_back(read_interaction(s));
    return open;
  });
}

}  // namespace guichet::store
