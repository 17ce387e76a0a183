// Users (accounts, roles and the roles' names; an update is audited) and the
// sessions of those logged in.
#include "store/detail/sqlite_impl.h"

#include <string>
#include <vector>

#include "core/json_format.h"

namespace guichet::store {

using namespace detail;

namespace {

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

constexpr const char* kUserColumns =
    "SELECT id, username, display_name, role, password_hash, created_at FROM users ";

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

}  // namespace guichet::store
