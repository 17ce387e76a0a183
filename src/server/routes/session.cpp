// /api/v1/session: logging in (a session token, also set as an HttpOnly
// cookie, with its CSRF token), who is logged in, logging out.
#include "core/json_format.h"
#include "core/text.h"
#include "server/routes/routes.h"

namespace guichet::server::routes {

namespace json = boost::json;
using json_body::string_or;

namespace {

HttpResponse too_many_attempts(const ApiContext& api) {
  HttpResponse response =
      error_response(429, "too_many_attempts", "too many failed logins; try again later");
  response.headers.emplace_back("Retry-After",
                                std::to_string(api.options.login_window.count() / 1000));
  return response;
}

HttpResponse login(ApiContext& api, const Call& call) {
  const HttpRequest& request = call.request;
  auto body = parse_body(
      request, {{"username", json::kind::string, true}, {"password", json::kind::string, true}});
  if (!body) return from_error(body.error());
  const std::string username = string_or(*body, "username", "");
  const std::string password = string_or(*body, "password", "");
  const std::string& address = request.remote_address;
  const std::string pair_key = username + "\n" + address;
  const Time now = api.now();
  if (!api.login_pairs.allowed(pair_key, now) || !api.login_addresses.allowed(address, now) ||
      !api.login_users.allowed(username, now)) {
    return too_many_attempts(api);
  }
  auto failed = [&] {
    api.login_pairs.failed(pair_key, now);
    api.login_addresses.failed(address, now);
    api.login_users.failed(username, now);
    return error_response(401, "unauthenticated", "wrong user name or password");
  };
  if (password.size() > 1024) return failed();
  auto user = api.store.find_user(username);
  // A name no new account can have, and no account has, costs no hash.
  // (Accounts made before the rule, e.g. "Admin", still log in.)
  if (!user && !valid_username(username)) return failed();
  // Verify even for an unknown user name, so that timing does not tell
  // which names exist.
  static const std::string kDecoy = [] {
    auto hash = hash_password("decoy password");
    return hash ? *hash : std::string();
  }();
  if (!api.hash_gate.enter()) {
    HttpResponse response = error_response(503, "unavailable", "too many logins at once; retry");
    response.headers.emplace_back("Retry-After", "1");
    return response;
  }
  const bool good = verify_password(user ? user->password_hash : kDecoy, password) && user;
  api.hash_gate.leave();
  if (!good) return failed();
  api.login_pairs.succeeded(pair_key);
  const std::string token = new_session_token();
  store::Session session{hash_token(token), user->id, now, now + api.options.session_lifetime};
  if (Status s = api.store.create_session(session); !s) return from_error(s.error());
  HttpResponse response =
      json_response(200, "{\"token\":" + json_quote(token) +
                             ",\"csrf_token\":" + json_quote(csrf_token_for(token)) +
                             ",\"expires_at\":" + json_quote(iso8601(session.expires_at)) +
                             ",\"user\":" + user_json(*user) + "}");
  std::string cookie = std::string(kSessionCookie) + "=" + token +
                       "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                       std::to_string(api.options.session_lifetime.count() / 1000);
  if (request.tls) cookie += "; Secure";
  response.headers.emplace_back("Set-Cookie", cookie);
  return response;
}

HttpResponse whoami(ApiContext&, const Call& call) {
  return json_response(200, "{\"user\":" + user_json(call.caller->user) + "}");
}

HttpResponse logout(ApiContext& api, const Call& call) {
  const std::string& token = call.caller->token;
  if (Status s = api.store.delete_session(hash_token(token)); !s) return from_error(s.error());
  api.sessions.forget_token(token);
  HttpResponse response = no_content();
  response.headers.emplace_back(
      "Set-Cookie",
      std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  return response;
}

}  // namespace

std::vector<Route> session() {
  return {
      {"POST", "/api/v1/session", Access::kAnyone, login},
      {"GET", "/api/v1/session", Access::kSignedIn, whoami},
      {"DELETE", "/api/v1/session", Access::kSignedIn, logout},
  };
}

}  // namespace guichet::server::routes
