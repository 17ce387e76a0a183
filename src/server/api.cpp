#include "server/api.h"

#include <boost/json.hpp>
#include <initializer_list>

#include "core/json_format.h"
#include "server/auth.h"

namespace guichet::server {

namespace json = boost::json;

namespace {

constexpr const char* kSessionCookie = "guichet_session";

std::string iso8601(Time t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day date(day);
  const std::chrono::hh_mm_ss time(t - day);
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<long long>(time.hours().count()),
                static_cast<long long>(time.minutes().count()),
                static_cast<long long>(time.seconds().count()),
                static_cast<long long>(time.subseconds().count()));
  return text;
}

std::string user_json(const store::User& user) {
  return "{\"id\":" + std::to_string(user.id) + ",\"username\":" + json_quote(user.username) +
         ",\"display_name\":" + json_quote(user.display_name) +
         ",\"role\":" + json_quote(store::to_string(user.role)) + "}";
}

HttpResponse from_error(const Error& error) {
  switch (error.code) {
    case ErrorCode::kInvalidArgument:
      return error_response(400, "invalid_argument", error.message, error.field);
    case ErrorCode::kNotFound:
      return error_response(404, "not_found", error.message, error.field);
    case ErrorCode::kAlreadyExists:
      return error_response(409, "already_exists", error.message, error.field);
    case ErrorCode::kFailedPrecondition:
      return error_response(409, "failed_precondition", error.message, error.field);
    case ErrorCode::kIo:
    case ErrorCode::kInternal:
      break;
  }
  return error_response(500, "internal", "internal error");
}

// A JSON object body with only the fields named, each of the kind wanted.
struct Field {
  const char* name;
  json::kind kind;
  bool required;
};

Result<json::object> parse_body(const HttpRequest& request, std::initializer_list<Field> fields) {
  const std::string* type = request.header("content-type");
  if (!type || type->rfind("application/json", 0) != 0) {
    return invalid_argument("the body must be application/json", "content-type");
  }
  boost::system::error_code ec;
  json::parse_options limits;
  limits.max_depth = 8;
  json::value value = json::parse(request.body, ec, {}, limits);
  if (ec) return invalid_argument("malformed JSON: " + ec.message(), "body");
  if (!value.is_object()) return invalid_argument("the body must be a JSON object", "body");
  json::object& object = value.as_object();
  for (const auto& [key, item] : object) {
    const Field* field = nullptr;
    for (const Field& f : fields) {
      if (key == f.name) field = &f;
    }
    if (!field) return invalid_argument("unknown field", std::string(key));
    if (item.kind() != field->kind) return invalid_argument("wrong type", std::string(key));
  }
  for (const Field& f : fields) {
    if (f.required && !object.contains(f.name)) return invalid_argument("missing", f.name);
  }
  return std::move(object);
}

std::string text(const json::object& object, const char* key) {
  const json::value* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

}  // namespace

class Api::Impl {
 public:
  Impl(store::Store& store, ApiOptions options)
      : store_(store),
        options_(std::move(options)),
        limiter_(options_.login_max_failures, options_.login_window) {
    if (!options_.clock) {
      options_.clock = [] {
        return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
      };
    }
  }

  HttpResponse handle(const HttpRequest& request) {
    const std::string& path = request.path;
    const std::string& method = request.method;
    if (path == "/healthz")
      return only(method, "GET", [] { return json_response(200, R"({"status":"ok"})"); });
    if (path == "/readyz") return only(method, "GET", [this] { return ready(); });
    if (path == "/api/v1/session") {
      if (method == "POST") return login(request);
      if (method == "GET") return whoami(request);
      if (method == "DELETE") return logout(request);
      return not_allowed();
    }
    if (path == "/api/v1/users") {
      if (method == "GET") return list_users(request);
      if (method == "POST") return create_user(request);
      return not_allowed();
    }
    return error_response(404, "not_found", "no such route", "path");
  }

 private:
  struct Caller {
    store::User user;
    std::string token;
  };

  template <typename Handler>
  static HttpResponse only(const std::string& method, const char* allowed, Handler&& handler) {
    return method == allowed ? handler() : not_allowed();
  }
  static HttpResponse not_allowed() {
    return error_response(405, "method_not_allowed", "method not allowed on this route", "method");
  }

  HttpResponse ready() {
    auto version = store_.schema_version();
    if (!version) return error_response(503, "unavailable", "the store does not answer");
    return json_response(200, R"({"status":"ready"})");
  }

  // The caller, from a Bearer token or the session cookie; cookie sessions
  // must send the CSRF token on state-changing requests.
  Result<Caller> authenticate(const HttpRequest& request) {
    std::string token;
    bool from_cookie = false;
    if (const std::string* authorization = request.header("authorization")) {
      if (authorization->rfind("Bearer ", 0) != 0) {
        return Error{ErrorCode::kFailedPrecondition, "expected a Bearer token", "authorization"};
      }
      token = authorization->substr(7);
    } else if (auto cookie = request.cookie(kSessionCookie)) {
      token = *cookie;
      from_cookie = true;
    }
    if (token.empty()) return Error{ErrorCode::kFailedPrecondition, "not logged in", "session"};
    auto session = store_.find_session(hash_token(token));
    if (!session || session->expires_at <= options_.clock()) {
      return Error{ErrorCode::kFailedPrecondition, "the session is unknown or expired", "session"};
    }
    if (from_cookie && request.method != "GET" && request.method != "HEAD") {
      const std::string* csrf = request.header("x-csrf-token");
      if (!csrf || !same_secret(*csrf, csrf_token_for(token))) {
        return Error{ErrorCode::kInvalidArgument, "missing or wrong CSRF token", "x-csrf-token"};
      }
    }
    auto user = store_.user_by_id(session->user_id);
    if (!user) return Error{ErrorCode::kFailedPrecondition, "the user is gone", "session"};
    return Caller{std::move(*user), std::move(token)};
  }

  static HttpResponse refused(const Error& error) {
    // Not authenticated: 401; authenticated but the CSRF check failed: 403.
    if (error.code == ErrorCode::kInvalidArgument) {
      return error_response(403, "forbidden", error.message, error.field);
    }
    return error_response(401, "unauthenticated", error.message, error.field);
  }

  // The caller if it holds one of the roles; otherwise the response to send.
  Result<Caller> require(const HttpRequest& request, std::initializer_list<store::Role> roles,
                         HttpResponse& refusal) {
    auto caller = authenticate(request);
    if (!caller) {
      refusal = refused(caller.error());
      return caller;
    }
    for (store::Role role : roles) {
      if (caller->user.role == role) return caller;
    }
    refusal = error_response(403, "forbidden", "your role does not allow this", "role");
    return Error{ErrorCode::kFailedPrecondition, "forbidden", "role"};
  }

  HttpResponse login(const HttpRequest& request) {
    auto body = parse_body(
        request, {{"username", json::kind::string, true}, {"password", json::kind::string, true}});
    if (!body) return from_error(body.error());
    const std::string username = text(*body, "username");
    const std::string password = text(*body, "password");
    const std::string key = username + "\n" + request.remote_address;
    const Time now = options_.clock();
    if (!limiter_.allowed(key, now)) {
      HttpResponse response =
          error_response(429, "too_many_attempts", "too many failed logins; try again later");
      response.headers.emplace_back("Retry-After",
                                    std::to_string(options_.login_window.count() / 1000));
      return response;
    }
    auto user = store_.find_user(username);
    // Verify even for an unknown user name, so that timing does not tell
    // which names exist.
    static const std::string kDecoy = [] {
      auto hash = hash_password("decoy password");
      return hash ? *hash : std::string();
    }();
    const bool good = verify_password(user ? user->password_hash : kDecoy, password) && user;
    if (!good) {
      limiter_.failed(key, now);
      return error_response(401, "unauthenticated", "wrong user name or password");
    }
    limiter_.succeeded(key);
    const std::string token = new_session_token();
    store::Session session{hash_token(token), user->id, now, now + options_.session_lifetime};
    if (Status s = store_.create_session(session); !s) return from_error(s.error());
    HttpResponse response =
        json_response(200, "{\"token\":" + json_quote(token) +
                               ",\"csrf_token\":" + json_quote(csrf_token_for(token)) +
                               ",\"expires_at\":" + json_quote(iso8601(session.expires_at)) +
                               ",\"user\":" + user_json(*user) + "}");
    std::string cookie = std::string(kSessionCookie) + "=" + token +
                         "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                         std::to_string(options_.session_lifetime.count() / 1000);
    if (request.tls) cookie += "; Secure";
    response.headers.emplace_back("Set-Cookie", cookie);
    return response;
  }

  HttpResponse whoami(const HttpRequest& request) {
    auto caller = authenticate(request);
    if (!caller) return refused(caller.error());
    return json_response(200, "{\"user\":" + user_json(caller->user) + "}");
  }

  HttpResponse logout(const HttpRequest& request) {
    auto caller = authenticate(request);
    if (!caller) return refused(caller.error());
    if (Status s = store_.delete_session(hash_token(caller->token)); !s)
      return from_error(s.error());
    HttpResponse response;
    response.status = 204;
    response.headers.emplace_back(
        "Set-Cookie",
        std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    return response;
  }

  HttpResponse list_users(const HttpRequest& request) {
    HttpResponse refusal;
    if (!require(request, {store::Role::kAdmin, store::Role::kSupervisor}, refusal)) return refusal;
    auto users = store_.list_users();
    if (!users) return from_error(users.error());
    std::string body = "{\"users\":[";
    for (std::size_t i = 0; i < users->size(); ++i) {
      if (i > 0) body += ",";
      body += user_json((*users)[i]);
    }
    return json_response(200, body + "]}");
  }

  HttpResponse create_user(const HttpRequest& request) {
    HttpResponse refusal;
    if (!require(request, {store::Role::kAdmin}, refusal)) return refusal;
    auto body = parse_body(request, {{"username", json::kind::string, true},
                                     {"display_name", json::kind::string, false},
                                     {"role", json::kind::string, true},
                                     {"password", json::kind::string, true}});
    if (!body) return from_error(body.error());
    store::User user;
    user.username = text(*body, "username");
    user.display_name = text(*body, "display_name");
    auto role = store::role_from_string(text(*body, "role"));
    if (!role) return error_response(400, "invalid_argument", "agent, supervisor or admin", "role");
    user.role = *role;
    if (user.username.empty() || user.username.size() > 64) {
      return error_response(400, "invalid_argument", "1 to 64 characters", "username");
    }
    const std::string password = text(*body, "password");
    if (password.size() < 12) {
      return error_response(400, "invalid_argument", "at least 12 characters", "password");
    }
    auto hash = hash_password(password);
    if (!hash) return from_error(hash.error());
    user.password_hash = *hash;
    user.created_at = options_.clock();
    auto created = store_.create_user(user);
    if (!created) return from_error(created.error());
    return json_response(201, user_json(*created));
  }

  store::Store& store_;
  ApiOptions options_;
  LoginLimiter limiter_;
};

Api::Api(store::Store& store, ApiOptions options)
    : impl_(std::make_unique<Impl>(store, std::move(options))) {}
Api::~Api() = default;
HttpResponse Api::handle(const HttpRequest& request) {
  return impl_->handle(request);
}

}  // namespace guichet::server
