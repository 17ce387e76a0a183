#include "server/routes/api_context.h"

#include <algorithm>
#include <thread>

#include "core/json_format.h"

namespace guichet::server::routes {

namespace json = boost::json;

namespace {

constexpr Duration kSessionCacheFor = Duration(30'000);

// The session token a request carries: a Bearer token, or the session
// cookie (then `from_cookie`); empty when it carries none.
struct PresentedToken {
  std::string token;
  bool from_cookie = false;
};

Result<PresentedToken> presented_token(const HttpRequest& request) {
  if (const std::string* authorization = request.header("authorization")) {
    if (authorization->rfind("Bearer ", 0) != 0) {
      return Error{ErrorCode::kFailedPrecondition, "expected a Bearer token", "authorization"};
    }
    return PresentedToken{authorization->substr(7), false};
  }
  if (auto cookie = request.cookie(kSessionCookie)) return PresentedToken{*cookie, true};
  return PresentedToken{};
}

// hash_token(token), remembering the last one per thread: a quick request
// checks its session is in memory and then authenticates, with one hash.
const std::string& remembered_hash(const std::string& token) {
  thread_local std::string last_token;
  thread_local std::string last_hash;
  if (last_hash.empty() || !same_secret(token, last_token)) {  // constant time: secrets
    last_hash = hash_token(token);
    last_token = token;
  }
  return last_hash;
}

}  // namespace

Result<Caller> Sessions::authenticate(const HttpRequest& request) {
  auto presented = presented_token(request);
  if (!presented) return presented.error();
  std::string token = std::move(presented->token);
  if (token.empty()) return Error{ErrorCode::kFailedPrecondition, "not logged in", "session"};
  if (presented->from_cookie && request.method != "GET" && request.method != "HEAD") {
    const std::string* csrf = request.header("x-csrf-token");
    if (!csrf || !same_secret(*csrf, csrf_token_for(token))) {
      return Error{ErrorCode::kInvalidArgument, "missing or wrong CSRF token", "x-csrf-token"};
    }
  }
  auto user = user_of(remembered_hash(token));
  if (!user) return user.error();
  return Caller{std::move(*user), std::move(token)};
}

bool Sessions::in_memory(const HttpRequest& request) {
  auto presented = presented_token(request);
  if (!presented || presented->token.empty()) return true;  // refused at once, without the store
  const Time now = clock_();
  std::lock_guard lock(mutex_);
  auto found = cache_.find(remembered_hash(presented->token));
  // A margin, so that it is still fresh when authenticate() looks again.
  return found != cache_.end() && found->second.checked + kSessionCacheFor - Duration(1000) > now &&
         found->second.expires_at - Duration(1000) > now;
}

Result<store::User> Sessions::user_of(const std::string& token_hash) {
  const Time now = clock_();
  {
    std::lock_guard lock(mutex_);
    auto found = cache_.find(token_hash);
    if (found != cache_.end() && found->second.checked + kSessionCacheFor > now &&
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
  std::lock_guard lock(mutex_);
  if (cache_.size() > 100'000) cache_.clear();  // bound memory; the store has them all
  cache_[token_hash] = {*user, session->expires_at, now};
  return user;
}

void Sessions::forget_token(const std::string& token) {
  std::lock_guard lock(mutex_);
  cache_.erase(hash_token(token));
}

void Sessions::forget_user(std::uint64_t user) {
  std::lock_guard lock(mutex_);
  std::erase_if(cache_, [user](const auto& entry) { return entry.second.user.id == user; });
}

namespace {
ApiOptions with_clock(ApiOptions options) {
  if (!options.clock) {
    options.clock = [] {
      return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
    };
  }
  return options;
}
}  // namespace

ApiContext::ApiContext(store::Store& storage, ContactCenter& domain, KnowledgeBase& articles,
                       EventHub& events, Metrics& figures, channels::Channels& running,
                       ApiOptions settings)
    : store(storage),
      center(domain),
      knowledge(articles),
      hub(events),
      metrics(figures),
      channels(running),
      options(with_clock(std::move(settings))),
      sessions(storage, this->options.clock),
      login_pairs(this->options.login_max_failures, this->options.login_window),
      login_addresses(this->options.login_max_failures_per_address, this->options.login_window),
      login_users(this->options.login_max_failures_per_user, this->options.login_window),
      hash_gate(static_cast<int>(std::max(1u, std::thread::hardware_concurrency() / 2)), 2) {}

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

HttpResponse from_result(const Result<std::string>& result, int status) {
  return result ? json_response(status, *result) : from_error(result.error());
}

HttpResponse no_content() {
  HttpResponse response;
  response.status = 204;
  return response;
}

HttpResponse forbidden() {
  return error_response(403, "forbidden", "your role does not allow this", "role");
}

HttpResponse not_yours() {
  return error_response(403, "forbidden", "not an interaction or citizen of yours", "id");
}

HttpResponse not_allowed() {
  return error_response(405, "method_not_allowed", "method not allowed on this route", "method");
}

HttpResponse no_route() {
  return error_response(404, "not_found", "no such route", "path");
}

HttpResponse refused(const Error& error) {
  if (error.code == ErrorCode::kInvalidArgument) {
    return error_response(403, "forbidden", error.message, error.field);
  }
  return error_response(401, "unauthenticated", error.message, error.field);
}

bool is_json(const HttpRequest& request) {
  const std::string* type = request.header("content-type");
  return type && type->rfind("application/json", 0) == 0;
}

Result<json::object> parse_body(const HttpRequest& request,
                                std::initializer_list<json_body::Field> fields) {
  if (!is_json(request))
    return invalid_argument("the body must be application/json", "content-type");
  return json_body::parse_object(request.body, fields);
}

std::optional<std::uint64_t> parse_id(std::string_view text) {
  if (text.empty() || text.size() > 18 ||
      text.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  const std::uint64_t id = std::stoull(std::string(text));
  return id == 0 ? std::nullopt : std::optional(id);
}

Result<std::string> idempotency_key(const HttpRequest& request, std::uint64_t user) {
  const std::string* key = request.header("idempotency-key");
  if (!key) return std::string();
  const bool printable =
      std::all_of(key->begin(), key->end(), [](char c) { return c > ' ' && c < 127; });
  if (key->empty() || key->size() > 255 || !printable) {
    return invalid_argument("1 to 255 printable characters (a UUID)", "idempotency-key");
  }
  return std::to_string(user) + ":" + *key;
}

std::string user_json(const store::User& user) {
  return "{\"id\":" + std::to_string(user.id) + ",\"username\":" + json_quote(user.username) +
         ",\"display_name\":" + json_quote(user.display_name) +
         ",\"role\":" + json_quote(store::to_string(user.role)) + "}";
}

}  // namespace guichet::server::routes
