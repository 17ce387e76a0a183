// SqliteStore's opening: the schema's migrations, and the writer thread that
// group-commits every write.
#include "store/sqlite_store.h"

#include <sqlite3.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/json_format.h"
#include "core/log.h"
#include "core/text.h"
#include "core/waiting.h"
#include "store/detail/sqlite_impl.h"

namespace guichet::store {

using namespace detail;

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
    // What each channel keeps of its own (Store::put_channel_entries).
    R"sql(
CREATE TABLE channel_entries (
  channel TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (channel, key)
) WITHOUT ROWID;
)sql",
    // The answer's deadline announced to the citizen (written requests):
    // their due time in the routing engine, and the supervisors' list of
    // requests at risk (open ones, soonest first).
    R"sql(
ALTER TABLE interactions ADD COLUMN answer_due INTEGER;
CREATE INDEX interactions_answer_due ON interactions (answer_due, id)
  WHERE status = 'waiting' AND answer_due IS NOT NULL;
)sql",
};
constexpr int kSchemaVersion = sizeof(kMigrations) / sizeof(kMigrations[0]);

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

Status SqliteStore::Impl::open(const std::string& path) {
  if (Status s = writer_.open(path, /*writer=*/true); !s) return s;
  if (Status s = migrate(); !s) return s;
  if (Status s = reader_.open(path, /*writer=*/false); !s) return s;
  thread_ = std::thread([this] { write_loop(); });
  return Status::ok();
}

SqliteStore::Impl::~Impl() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_ready_.notify_one();
  if (thread_.joinable()) thread_.join();
}

Status SqliteStore::Impl::write(std::function<Status(Connection&)> apply) {
  return wait_for<Status>([&](auto answer) { write_async(std::move(apply), std::move(answer)); });
}

void SqliteStore::Impl::write_async(std::function<Status(Connection&)> apply,
                                    std::function<void(Status)> done) {
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

Result<int> SqliteStore::Impl::schema_version() {
  return read([](Connection& c) -> Result<int> {
    Statement s = c.statement("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!s || sqlite3_step(s) != SQLITE_ROW) return c.error("schema version").error();
    return sqlite3_column_int(s, 0);
  });
}

Status SqliteStore::Impl::migrate() {
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

void SqliteStore::Impl::write_loop() {
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
void SqliteStore::Impl::commit(std::vector<PendingWrite>& batch) {
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

}  // namespace guichet::store
