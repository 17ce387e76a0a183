#include "server/api.h"

#include <atomic>
#include <boost/json.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "core/json_format.h"
#include "core/text.h"
#include "server/auth.h"
#include "server/contact_center.h"
#include "server/detail/json_body.h"
#include "server/event_hub.h"
#include "server/metrics.h"
#include "server/openapi.h"
#include "server/voice_channel.h"
#include "voice/audio.h"
#include "web/assets.h"

namespace guichet::server {

namespace json = boost::json;

namespace {

constexpr const char* kSessionCookie = "guichet_session";

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

bool is_json(const HttpRequest& request) {
  const std::string* type = request.header("content-type");
  return type && type->rfind("application/json", 0) == 0;
}

Result<json::object> parse_body(const HttpRequest& request,
                                std::initializer_list<detail::Field> fields) {
  if (!is_json(request))
    return invalid_argument("the body must be application/json", "content-type");
  return detail::parse_object(request.body, fields);
}

// "/api/v1/queues/12/state" -> {"api", "v1", "queues", "12", "state"}.
std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    const auto slash = path.find('/');
    if (slash != 0) out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

std::optional<std::uint64_t> parse_id(std::string_view text) {
  if (text.empty() || text.size() > 18 ||
      text.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  const std::uint64_t id = std::stoull(std::string(text));
  return id == 0 ? std::nullopt : std::optional(id);
}

// A subscription as a WebSocket stream; the client may send
// {"queues":[ids]} to watch only those queues (supervisors).
class EventStream final : public MessageStream {
 public:
  explicit EventStream(std::unique_ptr<Subscription> subscription)
      : subscription_(std::move(subscription)) {}
  std::vector<std::string> take() override { return subscription_->take(); }
  void on_ready(std::function<void()> notify) override {
    subscription_->on_ready(std::move(notify));
  }
  bool ended() const override { return subscription_->ended(); }
  void on_message(const std::string& text) override {
    auto object = detail::parse_object(text, {{"queues", json::kind::array, true}});
    if (!object) return;  // not a command we know: ignored
    std::set<std::uint64_t> queues;
    for (const json::value& id : object->at("queues").as_array()) {
      if (id.is_int64() && id.as_int64() > 0)
        queues.insert(static_cast<std::uint64_t>(id.as_int64()));
    }
    subscription_->set_queues(std::move(queues));
  }

 private:
  std::unique_ptr<Subscription> subscription_;
};

HttpResponse from_result(const Result<std::string>& result, int status = 200) {
  return result ? json_response(status, *result) : from_error(result.error());
}

}  // namespace

class Api::Impl {
 public:
  void set_voice(VoiceChannel* voice) {
    std::lock_guard lock(voice_mutex_);
    voice_ = voice;
  }

  Impl(store::Store& store, ContactCenter& center, EventHub& hub, Metrics& metrics,
       ApiOptions options)
      : store_(store),
        center_(center),
        hub_(hub),
        metrics_(metrics),
        options_(std::move(options)),
        limiter_(options_.login_max_failures, options_.login_window),
        address_limiter_(options_.login_max_failures_per_address, options_.login_window),
        user_limiter_(options_.login_max_failures_per_user, options_.login_window) {
    if (!options_.clock) {
      options_.clock = [] {
        return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
      };
    }
  }

  HttpResponse handle(const HttpRequest& request) {
    if (auto page = web_file(request)) return *page;
    const auto started = std::chrono::steady_clock::now();
    const Route route = match(request.method, request.path);
    HttpResponse response = route.status == 200 ? dispatch(request)
                            : route.status == 405
                                ? not_allowed()
                                : error_response(404, "not_found", "no such route", "path");
    metrics_.observe_http(
        route.status == 404 ? "unknown" : route.path, response.status,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return response;
  }

  bool handle_quick(const HttpRequest& request, const Responder& respond) {
    const std::string& path = request.path;
    if (auto page = web_file(request)) {
      respond(std::move(*page));
      return true;
    }
    if (request.method == "GET") {
      if (path == "/healthz" || path == "/api/v1/openapi.json" ||
          (path == "/api/v1/stats/queues" && session_in_memory(request))) {
        respond(handle(request));
        return true;
      }
      return false;
    }
    if (request.method == "POST" && path == "/api/v1/interactions" && session_in_memory(request)) {
      create_interaction(request, respond);
      return true;
    }
    return false;
  }

 private:
  // The web interface: its files from the binary, and index.html for the
  // paths of its pages (/agent, /supervision…); nothing for the API's paths.
  static std::optional<HttpResponse> web_file(const HttpRequest& request) {
    const std::string& path = request.path;
    if ((request.method != "GET" && request.method != "HEAD") || path.rfind("/api/", 0) == 0 ||
        path == "/healthz" || path == "/readyz" || path == "/metrics") {
      return std::nullopt;
    }
    std::optional<web::Asset> asset = web::find_asset(path == "/" ? "/index.html" : path);
    if (!asset) {
      const std::string_view last = std::string_view(path).substr(path.rfind('/') + 1);
      if (last.find('.') != std::string_view::npos) {
        return error_response(404, "not_found", "no such file", "path");
      }
      asset = web::find_asset("/index.html");
      if (!asset) {
        return error_response(404, "not_found",
                              "this build has no web interface (configured with GUICHET_WEB=OFF)",
                              "path");
      }
    }
    HttpResponse response;
    const std::string etag = "\"" + std::string(asset->digest) + "\"";
    // Vite names assets by their content: cached for good. The rest is
    // revalidated (ETag) so that an upgrade shows at once.
    const bool immutable = asset->path.rfind("/assets/", 0) == 0;
    response.headers = {
        {"Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache"},
        {"ETag", etag},
    };
    if (asset->content_type.rfind("text/html", 0) == 0) {
      response.headers.emplace_back(
          "Content-Security-Policy",
          "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
          "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'");
      response.headers.emplace_back("Referrer-Policy", "same-origin");
    }
    if (const std::string* match = request.header("if-none-match"); match && *match == etag) {
      response.status = 304;
      return response;
    }
    response.content_type = std::string(asset->content_type);
    response.static_body = asset->body;
    return response;
  }

  struct Route {
    int status = 404;  // 200: matched; 405: the path is served, not with this method
    std::string path;  // the template
  };

  // The routes split into segments once; a request's path is split once.
  struct CompiledRoute {
    const std::string* method;
    const std::string* path;
    std::vector<std::string_view> segments;
  };
  static const std::vector<CompiledRoute>& compiled_routes() {
    static const std::vector<CompiledRoute> compiled = [] {
      std::vector<CompiledRoute> out;
      for (const auto& [method, path] : Api::routes())
        out.push_back({&method, &path, segments(path)});
      return out;
    }();
    return compiled;
  }

  static Route match(const std::string& method, const std::string& path) {
    const std::vector<std::string_view> got = segments(path);
    Route found;
    for (const CompiledRoute& route : compiled_routes()) {
      if (route.segments.size() != got.size()) continue;
      bool same = true;
      for (std::size_t i = 0; i < got.size() && same; ++i) {
        same = route.segments[i] == "{id}" ? parse_id(got[i]).has_value()
                                           : route.segments[i] == got[i];
      }
      if (!same) continue;
      found.path = *route.path;
      if (*route.method == method) {
        found.status = 200;
        return found;
      }
      found.status = 405;
    }
    return found;
  }

  HttpResponse dispatch(const HttpRequest& request) {
    const std::string& path = request.path;
    const std::string& method = request.method;
    if (path == "/healthz")
      return only(method, "GET", [] { return json_response(200, R"({"status":"ok"})"); });
    if (path == "/readyz") return only(method, "GET", [this] { return ready(); });
    if (path == "/metrics") {
      // Queue names and counters are the service's business: for the
      // monitoring that holds the token, or from this machine when none is set.
      if (options_.metrics_token.empty() ? !loopback(request.remote_address)
                                         : !bearer_is(request, options_.metrics_token)) {
        return error_response(403, "forbidden",
                              options_.metrics_token.empty()
                                  ? "/metrics answers this machine only (see --metrics-token)"
                                  : "a Bearer token for /metrics is needed",
                              "authorization");
      }
      HttpResponse response;
      response.content_type = "text/plain; version=0.0.4";
      std::string voice;
      {
        std::lock_guard lock(voice_mutex_);
        if (voice_) voice = voice_->metrics();
      }
      response.body =
          metrics_.render(center_.metrics_gauges() +
                          "# HELP guichet_websocket_clients Open WebSocket connections.\n"
                          "# TYPE guichet_websocket_clients gauge\nguichet_websocket_clients " +
                          std::to_string(hub_.subscribers()) + "\n" + voice);
      return response;
    }
    if (path == "/api/v1/openapi.json") return json_response(200, openapi_json());
    if (path == "/api/v1/events") {
      auto caller = authenticate(request);
      if (!caller) return refused(caller.error());
      return error_response(426, "upgrade_required", "this route is a WebSocket", "upgrade");
    }
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
    const std::vector<std::string_view> parts = segments(path);
    if (parts.size() >= 3 && parts[0] == "api" && parts[1] == "v1") {
      return resource(request, std::vector<std::string_view>(parts.begin() + 2, parts.end()));
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

  static bool loopback(const std::string& address) {
    return address.rfind("127.", 0) == 0 || address == "::1" ||
           address.rfind("::ffff:127.", 0) == 0;
  }
  static bool bearer_is(const HttpRequest& request, const std::string& token) {
    const std::string* authorization = request.header("authorization");
    return authorization && authorization->rfind("Bearer ", 0) == 0 &&
           same_secret(authorization->substr(7), token);
  }

  HttpResponse ready() {
    auto version = store_.schema_version();
    if (!version) return error_response(503, "unavailable", "the store does not answer");
    return json_response(200, R"({"status":"ready"})");
  }

  // The caller, from a Bearer token or the session cookie; cookie sessions
  // must send the CSRF token on state-changing requests.
  // The session token a request carries: a Bearer token, or the session
  // cookie (then `from_cookie`); empty when it carries none.
  struct PresentedToken {
    std::string token;
    bool from_cookie = false;
  };
  static Result<PresentedToken> presented_token(const HttpRequest& request) {
    if (const std::string* authorization = request.header("authorization")) {
      if (authorization->rfind("Bearer ", 0) != 0) {
        return Error{ErrorCode::kFailedPrecondition, "expected a Bearer token", "authorization"};
      }
      return PresentedToken{authorization->substr(7), false};
    }
    if (auto cookie = request.cookie(kSessionCookie)) return PresentedToken{*cookie, true};
    return PresentedToken{};
  }

  Result<Caller> authenticate(const HttpRequest& request) {
    auto presented = presented_token(request);
    if (!presented) return presented.error();
    std::string token = std::move(presented->token);
    const bool from_cookie = presented->from_cookie;
    if (token.empty()) return Error{ErrorCode::kFailedPrecondition, "not logged in", "session"};
    if (from_cookie && request.method != "GET" && request.method != "HEAD") {
      const std::string* csrf = request.header("x-csrf-token");
      if (!csrf || !same_secret(*csrf, csrf_token_for(token))) {
        return Error{ErrorCode::kInvalidArgument, "missing or wrong CSRF token", "x-csrf-token"};
      }
    }
    auto user = session_user(remembered_hash(token));
    if (!user) return user.error();
    return Caller{std::move(*user), std::move(token)};
  }

  // The session's user: from memory when it was looked up in the last
  // kSessionCacheFor (every request authenticates: two store reads each would
  // cap the read rate), else from the store. Logging out forgets it at once.
  static constexpr Duration kSessionCacheFor = Duration(30'000);
  // GET /api/v1/reports/traffic?from&to&by&interval&format
  HttpResponse traffic_report(const HttpRequest& request) {
    ContactCenter::TrafficRequest traffic;
    traffic.from = request.query_param("from").value_or("");
    traffic.to = request.query_param("to").value_or("");
    traffic.by = request.query_param("by").value_or("queue");
    traffic.interval = request.query_param("interval").value_or("total");
    const std::string format = request.query_param("format").value_or("json");
    if (format != "json" && format != "csv") {
      return error_response(400, "invalid_argument", "json or csv", "format");
    }
    traffic.csv = format == "csv";
    auto report = center_.traffic_report(traffic);
    if (!report) return from_error(report.error());
    if (!traffic.csv) return json_response(200, std::move(*report));
    HttpResponse response;
    response.content_type = "text/csv; charset=utf-8";
    response.body = std::move(*report);
    // The dates were checked (digits and dashes); keep only those anyway.
    auto safe = [](std::string text) {
      std::erase_if(text, [](char c) { return !(c == '-' || (c >= '0' && c <= '9')); });
      return text;
    };
    std::string name = "guichet-trafic-" + traffic.by;  // by: queue, channel or agent
    if (!traffic.from.empty()) name += "-" + safe(traffic.from);
    if (!traffic.to.empty()) name += "-" + safe(traffic.to);
    response.headers.emplace_back("Content-Disposition",
                                  "attachment; filename=\"" + name + ".csv\"");
    return response;
  }

  // POST /api/v1/interactions, answered once the store committed it (see
  // handle_quick); the same checks and answers as through resource().
  void create_interaction(const HttpRequest& request, const Responder& respond) {
    const auto started = std::chrono::steady_clock::now();
    auto finish = [this, started, respond](HttpResponse response) {
      metrics_.observe_http(
          "/api/v1/interactions", response.status,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      respond(std::move(response));
    };
    auto caller = authenticate(request);
    if (!caller) return finish(refused(caller.error()));
    if (caller->user.role == store::Role::kAgent) {
      return finish(error_response(403, "forbidden", "your role does not allow this", "role"));
    }
    if (!request.body.empty() && !is_json(request)) {
      return finish(error_response(400, "invalid_argument", "the body must be application/json",
                                   "content-type"));
    }
    auto key = idempotency_key(request, caller->user.id);
    if (!key) return finish(from_error(key.error()));
    center_.create_interaction_async(
        request.body, [finish](Result<std::string> view) { finish(from_result(view, 201)); },
        std::move(*key));
  }

  // The Idempotency-Key a client sends with a create, as kept: per user, so
  // that two clients' keys never meet. Empty when none is sent.
  static Result<std::string> idempotency_key(const HttpRequest& request, std::uint64_t user) {
    const std::string* key = request.header("idempotency-key");
    if (!key) return std::string();
    const bool printable =
        std::all_of(key->begin(), key->end(), [](char c) { return c > ' ' && c < 127; });
    if (key->empty() || key->size() > 255 || !printable) {
      return invalid_argument("1 to 255 printable characters (a UUID)", "idempotency-key");
    }
    return std::to_string(user) + ":" + *key;
  }

  // hash_token(token), remembering the last one per thread: a quick request
  // checks its session is in memory and then authenticates, with one hash.
  static const std::string& remembered_hash(const std::string& token) {
    thread_local std::string last_token;
    thread_local std::string last_hash;
    if (last_hash.empty() || !same_secret(token, last_token)) {  // constant time: secrets
      last_hash = hash_token(token);
      last_token = token;
    }
    return last_hash;
  }

  bool session_in_memory(const HttpRequest& request) {
    auto presented = presented_token(request);
    if (!presented || presented->token.empty()) return true;  // refused at once, without the store
    const std::string& token = presented->token;
    const Time now = options_.clock();
    std::lock_guard lock(sessions_mutex_);
    auto found = sessions_.find(remembered_hash(token));
    // A margin, so that it is still fresh when handle() looks again.
    return found != sessions_.end() &&
           found->second.checked + kSessionCacheFor - Duration(1000) > now &&
           found->second.expires_at - Duration(1000) > now;
  }
  Result<store::User> session_user(const std::string& token_hash) {
    const Time now = options_.clock();
    {
      std::lock_guard lock(sessions_mutex_);
      auto found = sessions_.find(token_hash);
      if (found != sessions_.end() && found->second.checked + kSessionCacheFor > now &&
          found->second.expires_at > now) {
        return found->second.user;
      }
    }
    auto session = store_.find_session(token_hash);
    if (!session || session->expires_at <= now) {
      return Error{ErrorCode::kFailedPrecondition, "the session is unknown or expired", "session"};
    }
    auto user = store_.user_by_id(session->user_id);
    if (!user) return Error{ErrorCode::kFailedPrecondition, "the user is gone", "session"};
    std::lock_guard lock(sessions_mutex_);
    if (sessions_.size() > 100'000) sessions_.clear();  // bound memory; the store has them all
    sessions_[token_hash] = {*user, session->expires_at, now};
    return user;
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
    const std::string username = detail::string_or(*body, "username", "");
    const std::string password = detail::string_or(*body, "password", "");
    // Failures are counted per user name and address, per address (random
    // names from one place: a flood, or spraying one password over many
    // accounts) and per user name (one account tried from many places).
    const std::string pair_key = username + "\n" + request.remote_address;
    const Time now = options_.clock();
    auto too_many = [this] {
      HttpResponse response =
          error_response(429, "too_many_attempts", "too many failed logins; try again later");
      response.headers.emplace_back("Retry-After",
                                    std::to_string(options_.login_window.count() / 1000));
      return response;
    };
    if (!limiter_.allowed(pair_key, now) ||
        !address_limiter_.allowed(request.remote_address, now) ||
        !user_limiter_.allowed(username, now)) {
      return too_many();
    }
    auto failed = [&] {
      limiter_.failed(pair_key, now);
      address_limiter_.failed(request.remote_address, now);
      user_limiter_.failed(username, now);
      return error_response(401, "unauthenticated", "wrong user name or password");
    };
    if (password.size() > 1024) return failed();
    auto user = store_.find_user(username);
    // A name no new account can have, and no account has, costs no hash.
    // (Accounts made before the rule, e.g. "Admin", still log in.)
    if (!user && !valid_username(username)) return failed();
    // Verify even for an unknown user name, so that timing does not tell
    // which names exist.
    static const std::string kDecoy = [] {
      auto hash = hash_password("decoy password");
      return hash ? *hash : std::string();
    }();
    if (!hash_gate_.enter()) {
      HttpResponse response = error_response(503, "unavailable", "too many logins at once; retry");
      response.headers.emplace_back("Retry-After", "1");
      return response;
    }
    const bool good = verify_password(user ? user->password_hash : kDecoy, password) && user;
    hash_gate_.leave();
    if (!good) return failed();
    limiter_.succeeded(pair_key);
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
    if (Status s = store_.delete_session(hash_token(caller->token)); !s) {
      return from_error(s.error());
    }
    {
      std::lock_guard lock(sessions_mutex_);
      sessions_.erase(hash_token(caller->token));
    }
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

  // PUT /api/v1/users/{id}: display name, role, a new password (admins).
  HttpResponse update_user(const HttpRequest& request, std::uint64_t id, const Caller& caller) {
    auto body = parse_body(request, {{"display_name", json::kind::string, false},
                                     {"role", json::kind::string, false},
                                     {"password", json::kind::string, false}});
    if (!body) return from_error(body.error());
    auto existing = store_.user_by_id(id);
    if (!existing) return error_response(404, "not_found", "no such user", "id");
    store::User user = *existing;
    user.password_hash.clear();  // kept unless a new password is given
    if (body->contains("display_name")) {
      user.display_name = detail::string_or(*body, "display_name", "");
      if (user.display_name.size() > 100) {
        return error_response(400, "invalid_argument", "at most 100 characters", "display_name");
      }
    }
    if (body->contains("role")) {
      auto role = store::role_from_string(detail::string_or(*body, "role", ""));
      if (!role) {
        return error_response(400, "invalid_argument", "agent, supervisor or admin", "role");
      }
      user.role = *role;
    }
    if (body->contains("password")) {
      auto hash = hash_new_password(detail::string_or(*body, "password", ""), user.username);
      if (!hash) return from_error(hash.error());
      user.password_hash = *hash;
    }
    auto updated = store_.update_user(user, caller.user.id, options_.clock());
    if (!updated) return from_error(updated.error());
    // The store ended the user's sessions on a new role or password: so does
    // the cache (and the name and role it holds are refreshed).
    {
      std::lock_guard lock(sessions_mutex_);
      std::erase_if(sessions_, [id](const auto& entry) { return entry.second.user.id == id; });
    }
    return json_response(200, user_json(*updated));
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
    user.username = detail::string_or(*body, "username", "");
    user.display_name = detail::string_or(*body, "display_name", "");
    auto role = store::role_from_string(detail::string_or(*body, "role", ""));
    if (!role) return error_response(400, "invalid_argument", "agent, supervisor or admin", "role");
    user.role = *role;
    if (!valid_username(user.username)) {
      return error_response(400, "invalid_argument",
                            "1 to 64 of a-z, 0-9, '.', '_', '-' (lower case)", "username");
    }
    if (utf8_length(user.display_name) > 100) {
      return error_response(400, "invalid_argument", "at most 100 characters", "display_name");
    }
    auto hash = hash_new_password(detail::string_or(*body, "password", ""), user.username);
    if (!hash) return from_error(hash.error());
    user.password_hash = *hash;
    user.created_at = options_.clock();
    auto created = store_.create_user(user);
    if (!created) return from_error(created.error());
    return json_response(201, user_json(*created));
  }

  // Uploaded recordings for IVR steps ("audio_id"), where the voice channel reads them.
  std::string prompt_file(std::uint64_t id) const {
    return VoiceChannel::uploaded_recording(options_.data_dir, id);
  }

  // POST /api/v1/prompts?name=NAME with the audio file as the body (WAV, or
  // anything sox reads): checked by converting it, then kept.
  HttpResponse upload_prompt(const HttpRequest& request, std::uint64_t me) {
    const std::string name = request.query_param("name").value_or("");
    if (name.empty() || name.size() > 100) {
      return error_response(400, "invalid_argument", "?name=, 1 to 100 characters", "name");
    }
    if (request.body.empty()) return error_response(400, "invalid_argument", "no audio", "body");
    const std::string folder = std::filesystem::path(prompt_file(0)).parent_path().string();
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    static std::atomic<unsigned> uploads{0};
    const std::string temp = folder + "/.upload-" + std::to_string(++uploads) + ".wav";
    {
      std::ofstream out(temp, std::ios::binary | std::ios::trunc);
      out.write(request.body.data(), static_cast<std::streamsize>(request.body.size()));
      if (!out) return error_response(500, "internal", "cannot keep the upload", "body");
    }
    auto audio = voice::read_audio_file(temp);
    if (!audio || (*audio)->empty()) {
      std::filesystem::remove(temp, ec);
      return error_response(400, "invalid_argument", "not an audio file (WAV expected)", "body");
    }
    const double seconds = static_cast<double>((*audio)->size()) / voice::kSampleRate;
    if (seconds > 600) {
      std::filesystem::remove(temp, ec);
      return error_response(400, "invalid_argument", "at most 10 minutes", "body");
    }
    json::object body{{"name", name}, {"seconds", std::round(seconds * 10) / 10}};
    auto created = center_.create("prompt", json::serialize(body), me);
    if (!created) {
      std::filesystem::remove(temp, ec);
      return from_error(created.error());
    }
    boost::system::error_code parse_ec;
    json::value view = json::parse(*created, parse_ec);
    const std::uint64_t id = parse_ec ? 0 : static_cast<std::uint64_t>(view.at("id").as_int64());
    std::filesystem::rename(temp, prompt_file(id), ec);
    if (ec) {
      (void)center_.remove("prompt", id, me);
      return error_response(500, "internal", "cannot keep the upload", "body");
    }
    return json_response(201, *created);
  }

  HttpResponse prompt_audio(std::uint64_t id) {
    if (!center_.get("prompt", id))
      return error_response(404, "not_found", "no such recording", "id");
    return wav_file(prompt_file(id), "the recording's file is gone");
  }

  // A WAV file the voice channel or an upload wrote, as the answer; 404
  // saying `gone` when it is not there.
  static HttpResponse wav_file(const std::string& path, const char* gone) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return error_response(404, "not_found", gone, "id");
    HttpResponse response;
    response.content_type = "audio/wav";
    response.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return response;
  }

  // The voicemail or call recording of an interaction (audio/wav): for
  // supervisors, and the agent handling it.
  HttpResponse recording(std::uint64_t id, std::uint64_t me, bool manager) {
    auto view = center_.interaction(id);
    if (!view) return from_error(view.error());
    boost::system::error_code ec;
    json::value parsed = json::parse(*view, ec);
    if (ec || !parsed.is_object()) return error_response(500, "internal", "bad view", "id");
    const json::object& it = parsed.as_object();
    if (!manager && detail::int_or(it, "agent_id", 0) != static_cast<std::int64_t>(me)) {
      return error_response(403, "forbidden", "not your interaction", "id");
    }
    // The file is named by a "recording" event, which only the voice
    // channel writes (never by attributes: clients write those).
    std::string file;
    if (const json::value* timeline = it.if_contains("timeline");
        timeline && timeline->is_array()) {
      for (const json::value& event : timeline->as_array()) {
        const json::value* data =
            event.is_object() ? event.as_object().if_contains("data") : nullptr;
        if (detail::string_or(event.as_object(), "type", "") == "recording" && data &&
            data->is_object()) {
          file = detail::string_or(data->as_object(), "file", "");
        }
      }
    }
    // And only under recordings/, whatever the event says.
    namespace fs = std::filesystem;
    std::error_code fs_ec;
    const fs::path root = fs::weakly_canonical(fs::path(options_.data_dir) / "recordings", fs_ec);
    const fs::path path = fs::weakly_canonical(fs::path(options_.data_dir) / file, fs_ec);
    const auto [end, _] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
    if (file.empty() || fs_ec || end != root.end()) {
      return error_response(404, "not_found", "no recording for this interaction", "id");
    }
    return wav_file(path.string(), "the recording is gone (retention)");
  }

  // /api/v1/<collection>[/<id>[/<action>]], every one authenticated.
  HttpResponse resource(const HttpRequest& request, const std::vector<std::string_view>& parts) {
    const std::string& method = request.method;
    const std::string_view collection = parts[0];
    if (parts.size() > 3) return error_response(404, "not_found", "no such route", "path");
    std::optional<std::uint64_t> id;
    const bool flow_check = collection == "ivr-flows" && parts.size() == 2 && parts[1] == "check";
    if (parts.size() >= 2 && collection != "stats" && collection != "reports" && !flow_check) {
      id = parse_id(parts[1]);
      if (!id) return error_response(404, "not_found", "not an id", "id");
    }
    const std::string_view action = parts.size() >= 3 ? parts[2] : std::string_view();

    auto caller = authenticate(request);
    if (!caller) return refused(caller.error());
    const std::uint64_t me = caller->user.id;
    const bool manager =
        caller->user.role == store::Role::kAdmin || caller->user.role == store::Role::kSupervisor;
    auto forbidden = [] {
      return error_response(403, "forbidden", "your role does not allow this", "role");
    };
    auto no_route = [] { return error_response(404, "not_found", "no such route", "path"); };
    // Not to an agent: whether it exists is not theirs to know either.
    auto not_yours = [] {
      return error_response(403, "forbidden", "not an interaction or citizen of yours", "id");
    };
    const bool has_body = method == "POST" || method == "PUT";
    const bool upload = collection == "prompts" && !id && method == "POST";  // audio, not JSON
    if (has_body && !upload && !request.body.empty() && !is_json(request)) {
      return error_response(400, "invalid_argument", "the body must be application/json",
                            "content-type");
    }

    if (collection == "users") {
      if (!id || !action.empty()) return no_route();
      if (method != "PUT") return not_allowed();
      if (caller->user.role != store::Role::kAdmin) return forbidden();
      return update_user(request, *id, *caller);
    }

    if (collection == "prompts") {
      if (upload) return manager ? upload_prompt(request, me) : forbidden();
      if (id && action == "audio") {
        if (method != "GET") return not_allowed();
        if (!manager) return forbidden();
        return prompt_audio(*id);
      }
      if (!action.empty()) return no_route();
      if (method == "PUT") return not_allowed();  // a new recording is a new upload
      if (id && method == "DELETE") {
        if (!manager) return forbidden();
        if (Status s = center_.remove("prompt", *id, me); !s) return from_error(s.error());
        std::error_code ec;
        std::filesystem::remove(prompt_file(*id), ec);
        HttpResponse response;
        response.status = 204;
        return response;
      }
    }
    if (flow_check) {  // the flow editor's live list of problems
      if (method != "POST") return not_allowed();
      if (!manager) return forbidden();
      return json_response(200, center_.check_ivr_flow(request.body));
    }

    static const std::map<std::string_view, std::string> kKinds = {
        {"skills", "skill"},
        {"queues", "queue"},
        {"agents", "agent"},
        {"wrapup-codes", "wrapup_code"},
        {"pause-reasons", "pause_reason"},
        {"calendars", "calendar"},
        {"canned-responses", "canned_response"},
        {"ivr-flows", "ivr_flow"},
        {"prompts", "prompt"}};
    if (auto kind_found = kKinds.find(collection); kind_found != kKinds.end()) {
      const std::string& kind = kind_found->second;
      if (!action.empty()) {
        if (kind != "agent") return no_route();
        if (*id != me && !manager) return forbidden();
        if (action == "state") {
          if (method != "PUT") return not_allowed();
          return from_result(center_.set_agent_state(*id, request.body));
        }
        if (action == "phone") {
          if (method != "PUT") return not_allowed();
          return from_result(center_.set_agent_phone(*id, request.body, me));
        }
        if (action == "interactions") {
          if (method != "GET") return not_allowed();
          return from_result(center_.agent_interactions(*id));
        }
        return no_route();
      }
      // An agent reads the configuration, and colleagues' profiles without
      // their phone numbers.
      const std::uint64_t viewer = manager ? 0 : me;
      if (!id) {
        if (method == "GET") return from_result(center_.list(kind, viewer));
        if (method != "POST") return not_allowed();
        if (!manager) return forbidden();
        return from_result(center_.create(kind, request.body, me), 201);
      }
      if (method == "GET") return from_result(center_.get(kind, *id, viewer));
      if (method != "PUT" && method != "DELETE") return not_allowed();
      if (!manager) return forbidden();
      if (method == "PUT") return from_result(center_.put(kind, *id, request.body, me));
      if (Status s = center_.remove(kind, *id, me); !s) return from_error(s.error());
      HttpResponse response;
      response.status = 204;
      return response;
    }
    if (collection == "interactions") {
      if (!id) {
        // Agents work on what is offered to them: listing every
        // interaction, or creating one (its citizen, its priority), is for
        // supervisors and the integrations' accounts.
        if (!manager) return forbidden();
        if (method == "GET") return list_interactions(request);
        if (method != "POST") return not_allowed();
        auto key = idempotency_key(request, me);
        if (!key) return from_error(key.error());
        return from_result(center_.create_interaction(request.body, std::move(*key)), 201);
      }
      if (action.empty()) {
        if (method != "GET") return not_allowed();
        if (!manager && !center_.agent_involved(*id, me)) return not_yours();
        return from_result(center_.interaction(*id));
      }
      if (action == "complete") return from_result(center_.complete(*id, me, request.body));
      if (action == "recording") {
        if (method != "GET") return not_allowed();
        return recording(*id, me, manager);
      }
      if (action == "call") {  // {"action": "hold" | "resume" | "hangup"}
        if (method != "POST") return not_allowed();
        auto body = parse_body(request, {{"action", json::kind::string, true}});
        if (!body) return from_error(body.error());
        std::lock_guard lock(voice_mutex_);
        if (!voice_) return error_response(409, "failed_precondition", "voice is off", "id");
        Status s = voice_->control(*id, detail::string_or(*body, "action", ""), me, manager);
        if (!s) return from_error(s.error());
        HttpResponse response;
        response.status = 204;
        return response;
      }
      if (action == "messages") {
        if (method != "POST") return not_allowed();
        return from_result(center_.post_message(*id, me, manager, request.body), 201);
      }
      if (action == "transfer") {
        return from_result(center_.transfer(*id, me, manager, request.body));
      }
      if (!manager) return forbidden();  // callback, abandon: adapters and supervisors
      Status s = action == "callback" ? center_.request_callback(*id) : center_.abandon(*id);
      if (!s) return from_error(s.error());
      return json_response(200, action == "callback" ? R"({"status":"callback_requested"})"
                                                     : R"({"status":"abandoned"})");
    }
    if (collection == "citizens") {
      // An agent sees the citizen they are serving now (an offer, a
      // conversation, a wrap-up), and adds a contact to them; the register
      // (search, create, merge) is for supervisors and integrations.
      if (!manager && (!id || !center_.agent_serves_citizen(*id, me))) {
        return !id || action == "merge" ? forbidden() : not_yours();
      }
      if (!id) {
        if (method == "POST") return from_result(center_.create_citizen(request.body), 201);
        auto query = request.query_param("q");
        if (!query || query->empty() || query->size() > 100) {
          return error_response(400, "invalid_argument", "a search of 1 to 100 characters", "q");
        }
        return from_result(center_.find_citizens(*query));
      }
      if (action.empty()) return from_result(center_.citizen(*id));
      if (action == "contacts") return from_result(center_.add_contact(*id, request.body), 201);
      if (!manager) return forbidden();  // merge
      return from_result(center_.merge_citizens(*id, request.body));
    }
    if (collection == "offers") {
      if (!id) return method == "GET" ? from_result(center_.offers(me)) : not_allowed();
      if (action != "accept" && action != "reject") return no_route();
      if (method != "POST") return not_allowed();
      if (Status s = center_.answer_offer(*id, me, action == "accept"); !s) {
        return from_error(s.error());
      }
      return json_response(200, std::string("{\"status\":\"") +
                                    (action == "accept" ? "accepted" : "rejected") + "\"}");
    }
    if (collection == "simulations" && parts.size() == 1) {
      if (method != "POST") return not_allowed();
      if (!manager) return forbidden();
      return from_result(center_.simulate(request.body));
    }
    if (collection == "reports") {
      if (parts.size() != 2 || parts[1] != "traffic") return no_route();
      if (method != "GET") return not_allowed();
      if (!manager) return forbidden();
      return traffic_report(request);
    }
    if (collection == "stats" && parts.size() == 2 && parts[1] == "voice") {
      if (method != "GET") return not_allowed();
      if (!manager) return forbidden();
      std::lock_guard lock(voice_mutex_);
      if (!voice_)
        return error_response(404, "not_found", "voice is off (no --sip-listen)", "path");
      return json_response(200, voice_->stats_json());
    }
    if (collection == "stats") {
      return parts[1] == "queues" ? from_result(center_.queue_stats())
                                  : from_result(center_.agent_stats());
    }
    if (collection == "audit" && parts.size() == 1) {
      if (method != "GET") return not_allowed();
      if (!manager) return forbidden();
      return audit();
    }
    return no_route();
  }

  // Browsers send Origin on a WebSocket upgrade: a page of another site must
  // not ride on the session cookie.
  static bool same_origin(const HttpRequest& request) {
    const std::string* origin = request.header("origin");
    if (!origin) return true;  // not a browser
    const std::string* host = request.header("host");
    const auto scheme = origin->find("://");
    return host && scheme != std::string::npos && origin->substr(scheme + 3) == *host;
  }

 public:
  StreamOpening open_events(const HttpRequest& request) {
    StreamOpening opening;
    if (!same_origin(request)) {
      opening.refusal = error_response(403, "forbidden", "cross-site WebSocket", "origin");
      return opening;
    }
    auto caller = authenticate(request);
    if (!caller) {
      opening.refusal = refused(caller.error());
      return opening;
    }
    std::uint64_t last_seen = 0;
    if (auto last = request.query_param("last_event_id")) {
      auto parsed = parse_id(*last);
      if (!parsed && *last != "0") {
        opening.refusal =
            error_response(400, "invalid_argument", "not an event id", "last_event_id");
        return opening;
      }
      last_seen = parsed.value_or(0);
    }
    const bool manager =
        caller->user.role == store::Role::kAdmin || caller->user.role == store::Role::kSupervisor;
    opening.stream =
        std::make_unique<EventStream>(hub_.subscribe(caller->user.id, manager, last_seen));
    return opening;
  }

 private:
  HttpResponse list_interactions(const HttpRequest& request) {
    store::InteractionFilter filter;
    filter.status = request.query_param("status").value_or("");
    filter.channel = request.query_param("channel").value_or("");
    struct Number {
      const char* name;
      std::uint64_t* into;
    };
    std::uint64_t limit = 50;
    for (const Number& n :
         {Number{"queue_id", &filter.queue_id}, Number{"citizen_id", &filter.citizen_id},
          Number{"before_id", &filter.before_id}, Number{"limit", &limit}}) {
      auto text = request.query_param(n.name);
      if (!text) continue;
      auto value = parse_id(*text);
      if (!value) return error_response(400, "invalid_argument", "a positive integer", n.name);
      *n.into = *value;
    }
    if (limit > 500) return error_response(400, "invalid_argument", "at most 500", "limit");
    filter.limit = static_cast<std::size_t>(limit);
    static const char* const kStatuses[] = {"", "waiting", "completed", "abandoned", "closed"};
    if (std::find(std::begin(kStatuses), std::end(kStatuses), filter.status) ==
        std::end(kStatuses)) {
      return error_response(400, "invalid_argument", "waiting, completed, abandoned or closed",
                            "status");
    }
    return from_result(center_.list_interactions(filter));
  }

  HttpResponse audit() {
    auto entries = store_.audit_log(200);
    if (!entries) return from_error(entries.error());
    std::string body = "[";
    for (std::size_t i = 0; i < entries->size(); ++i) {
      const store::AuditEntry& e = (*entries)[i];
      if (i > 0) body += ",";
      body += "{\"sequence\":" + std::to_string(e.sequence) +
              ",\"at\":" + json_quote(iso8601(e.at)) + ",\"user_id\":" + std::to_string(e.user_id) +
              ",\"kind\":" + json_quote(e.kind) + ",\"object_id\":" + std::to_string(e.object_id) +
              ",\"action\":" + json_quote(e.action) +
              ",\"before\":" + (e.before_json.empty() ? "null" : e.before_json) +
              ",\"after\":" + (e.after_json.empty() ? "null" : e.after_json) + "}";
    }
    return json_response(200, body + "]");
  }

  struct CachedSession {
    store::User user;
    Time expires_at{};
    Time checked{};
  };

  store::Store& store_;
  ContactCenter& center_;
  EventHub& hub_;
  Metrics& metrics_;
  std::mutex voice_mutex_;
  VoiceChannel* voice_ = nullptr;  // guarded by voice_mutex_; none without SIP
  std::mutex sessions_mutex_;
  std::unordered_map<std::string, CachedSession> sessions_;  // guarded by sessions_mutex_
  ApiOptions options_;
  LoginLimiter limiter_;          // per user name and address
  LoginLimiter address_limiter_;  // per address, whatever the name
  LoginLimiter user_limiter_;     // per user name, wherever from
  // One hash at a time per core, as many waiting (see HashGate).
  HashGate hash_gate_{static_cast<int>(std::max(1u, std::thread::hardware_concurrency() / 2)), 2};
};

Api::Api(store::Store& store, ContactCenter& center, EventHub& hub, Metrics& metrics,
         ApiOptions options)
    : impl_(std::make_unique<Impl>(store, center, hub, metrics, std::move(options))) {}

const std::vector<std::pair<std::string, std::string>>& Api::routes() {
  static const std::vector<std::pair<std::string, std::string>> kRoutes = {
      {"GET", "/healthz"},
      {"GET", "/readyz"},
      {"GET", "/metrics"},
      {"GET", "/api/v1/openapi.json"},
      {"POST", "/api/v1/session"},
      {"GET", "/api/v1/session"},
      {"DELETE", "/api/v1/session"},
      {"GET", "/api/v1/users"},
      {"POST", "/api/v1/users"},
      {"PUT", "/api/v1/users/{id}"},
      {"GET", "/api/v1/skills"},
      {"POST", "/api/v1/skills"},
      {"GET", "/api/v1/skills/{id}"},
      {"PUT", "/api/v1/skills/{id}"},
      {"DELETE", "/api/v1/skills/{id}"},
      {"GET", "/api/v1/queues"},
      {"POST", "/api/v1/queues"},
      {"GET", "/api/v1/queues/{id}"},
      {"PUT", "/api/v1/queues/{id}"},
      {"DELETE", "/api/v1/queues/{id}"},
      {"GET", "/api/v1/wrapup-codes"},
      {"POST", "/api/v1/wrapup-codes"},
      {"GET", "/api/v1/wrapup-codes/{id}"},
      {"PUT", "/api/v1/wrapup-codes/{id}"},
      {"DELETE", "/api/v1/wrapup-codes/{id}"},
      {"GET", "/api/v1/pause-reasons"},
      {"POST", "/api/v1/pause-reasons"},
      {"GET", "/api/v1/pause-reasons/{id}"},
      {"PUT", "/api/v1/pause-reasons/{id}"},
      {"DELETE", "/api/v1/pause-reasons/{id}"},
      {"GET", "/api/v1/calendars"},
      {"POST", "/api/v1/calendars"},
      {"GET", "/api/v1/calendars/{id}"},
      {"PUT", "/api/v1/calendars/{id}"},
      {"DELETE", "/api/v1/calendars/{id}"},
      {"GET", "/api/v1/canned-responses"},
      {"POST", "/api/v1/canned-responses"},
      {"GET", "/api/v1/canned-responses/{id}"},
      {"PUT", "/api/v1/canned-responses/{id}"},
      {"DELETE", "/api/v1/canned-responses/{id}"},
      {"GET", "/api/v1/ivr-flows"},
      {"POST", "/api/v1/ivr-flows"},
      {"POST", "/api/v1/ivr-flows/check"},
      {"GET", "/api/v1/ivr-flows/{id}"},
      {"PUT", "/api/v1/ivr-flows/{id}"},
      {"DELETE", "/api/v1/ivr-flows/{id}"},
      {"GET", "/api/v1/stats/voice"},
      {"GET", "/api/v1/prompts"},
      {"POST", "/api/v1/prompts"},
      {"GET", "/api/v1/prompts/{id}"},
      {"DELETE", "/api/v1/prompts/{id}"},
      {"GET", "/api/v1/prompts/{id}/audio"},
      {"GET", "/api/v1/agents"},
      {"GET", "/api/v1/agents/{id}"},
      {"PUT", "/api/v1/agents/{id}"},
      {"PUT", "/api/v1/agents/{id}/state"},
      {"PUT", "/api/v1/agents/{id}/phone"},
      {"GET", "/api/v1/agents/{id}/interactions"},
      {"GET", "/api/v1/interactions"},
      {"POST", "/api/v1/interactions"},
      {"GET", "/api/v1/interactions/{id}"},
      {"POST", "/api/v1/interactions/{id}/complete"},
      {"POST", "/api/v1/interactions/{id}/call"},
      {"GET", "/api/v1/interactions/{id}/recording"},
      {"POST", "/api/v1/interactions/{id}/messages"},
      {"POST", "/api/v1/interactions/{id}/transfer"},
      {"POST", "/api/v1/interactions/{id}/callback"},
      {"POST", "/api/v1/interactions/{id}/abandon"},
      {"GET", "/api/v1/citizens"},
      {"POST", "/api/v1/citizens"},
      {"GET", "/api/v1/citizens/{id}"},
      {"POST", "/api/v1/citizens/{id}/contacts"},
      {"POST", "/api/v1/citizens/{id}/merge"},
      {"GET", "/api/v1/offers"},
      {"POST", "/api/v1/offers/{id}/accept"},
      {"POST", "/api/v1/offers/{id}/reject"},
      {"GET", "/api/v1/stats/queues"},
      {"GET", "/api/v1/stats/agents"},
      {"GET", "/api/v1/reports/traffic"},
      {"POST", "/api/v1/simulations"},
      {"GET", "/api/v1/audit"},
      {"GET", "/api/v1/events"},
  };
  return kRoutes;
}
StreamOpening Api::open_events(const HttpRequest& request) {
  return impl_->open_events(request);
}
Api::~Api() = default;
void Api::set_voice(VoiceChannel* voice) {
  impl_->set_voice(voice);
}
HttpResponse Api::handle(const HttpRequest& request) {
  return impl_->handle(request);
}
bool Api::handle_quick(const HttpRequest& request, const Responder& respond) {
  return impl_->handle_quick(request, respond);
}

}  // namespace guichet::server
