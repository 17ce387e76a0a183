// /api/v1/users: the accounts (admins create and change them; supervisors
// read the list).
#include "core/text.h"
#include "server/routes/routes.h"

namespace guichet::server::routes {

namespace json = boost::json;
using json_body::string_or;

namespace {

HttpResponse list_users(ApiContext& api, const Call&) {
  auto users = api.store.list_users();
  if (!users) return from_error(users.error());
  std::string body = "{\"users\":[";
  for (std::size_t i = 0; i < users->size(); ++i) {
    if (i > 0) body += ",";
    body += user_json((*users)[i]);
  }
  return json_response(200, body + "]}");
}

HttpResponse create_user(ApiContext& api, const Call& call) {
  auto body = parse_body(call.request, {{"username", json::kind::string, true},
                                        {"display_name", json::kind::string, false},
                                        {"role", json::kind::string, true},
                                        {"password", json::kind::string, true}});
  if (!body) return from_error(body.error());
  store::User user;
  user.username = string_or(*body, "username", "");
  user.display_name = string_or(*body, "display_name", "");
  auto role = store::role_from_string(string_or(*body, "role", ""));
  if (!role) return error_response(400, "invalid_argument", "agent, supervisor or admin", "role");
  user.role = *role;
  if (!valid_username(user.username)) {
    return error_response(400, "invalid_argument",
                          "1 to 64 of a-z, 0-9, '.', '_', '-' (lower case)", "username");
  }
  if (utf8_length(user.display_name) > 100) {
    return error_response(400, "invalid_argument", "at most 100 characters", "display_name");
  }
  auto hash = hash_new_password(string_or(*body, "password", ""), user.username);
  if (!hash) return from_error(hash.error());
  user.password_hash = *hash;
  user.created_at = api.now();
  auto created = api.store.create_user(user);
  if (!created) return from_error(created.error());
  return json_response(201, user_json(*created));
}

// Display name, role, a new password.
HttpResponse update_user(ApiContext& api, const Call& call) {
  auto body = parse_body(call.request, {{"display_name", json::kind::string, false},
                                        {"role", json::kind::string, false},
                                        {"password", json::kind::string, false}});
  if (!body) return from_error(body.error());
  auto existing = api.store.user_by_id(call.id);
  if (!existing) return error_response(404, "not_found", "no such user", "id");
  store::User user = *existing;
  user.password_hash.clear();  // kept unless a new password is given
  if (body->contains("display_name")) {
    user.display_name = string_or(*body, "display_name", "");
    if (utf8_length(user.display_name) > 100) {
      return error_response(400, "invalid_argument", "at most 100 characters", "display_name");
    }
  }
  if (body->contains("role")) {
    auto role = store::role_from_string(string_or(*body, "role", ""));
    if (!role) return error_response(400, "invalid_argument", "agent, supervisor or admin", "role");
    user.role = *role;
  }
  if (body->contains("password")) {
    auto hash = hash_new_password(string_or(*body, "password", ""), user.username);
    if (!hash) return from_error(hash.error());
    user.password_hash = *hash;
  }
  auto updated = api.store.update_user(user, call.me(), api.now());
  if (!updated) return from_error(updated.error());
  // The store ended the user's sessions on a new role or password: so does
  // the cache (and the name and role it holds are refreshed).
  api.sessions.forget_user(call.id);
  return json_response(200, user_json(*updated));
}

}  // namespace

std::vector<Route> users() {
  return {
      {"GET", "/api/v1/users", Access::kManager, list_users},
      {"POST", "/api/v1/users", Access::kAdmin, create_user},
      {"PUT", "/api/v1/users/{id}", Access::kAdmin, update_user},
  };
}

}  // namespace guichet::server::routes
