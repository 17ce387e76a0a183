// Documents (the configuration, by kind and id) and the audit log of every
// change to them and to users.
#include "store/detail/sqlite_impl.h"

#include <string>
#include <utility>
#include <vector>

#include "core/json_format.h"

namespace guichet::store {

using namespace detail;

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

}  // namespace

namespace detail {

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

}  // namespace detail

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

}  // namespace guichet::store
