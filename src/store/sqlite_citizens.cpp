// Citizens: the register, their contacts (each belongs to one citizen), the
// search by contact or name, and merges of duplicates.
#include "store/detail/sqlite_impl.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace guichet::store {

using namespace detail;

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

}  // namespace guichet::store
