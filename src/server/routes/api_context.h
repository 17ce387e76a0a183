// What the API's route handlers share: the services they call, the signed-in
// sessions, the login limits, and the answers they all give the same way
// (errors, bodies). Private to the server. Thread-safe: handlers run
// concurrently on the HTTP workers and I/O threads.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "channels/channels.h"
#include "core/json_body.h"
#include "core/result.h"
#include "core/time.h"
#include "server/api.h"
#include "server/auth.h"
#include "server/http.h"
#include "store/store.h"

namespace guichet::conversations {
class ContactCenter;
class KnowledgeBase;
}  // namespace guichet::conversations

namespace guichet::server {
class EventHub;
class Metrics;
}  // namespace guichet::server

namespace guichet::server::routes {

constexpr const char* kSessionCookie = "guichet_session";

struct Caller {
  store::User user;
  std::string token;
  bool manager() const {
    return user.role == store::Role::kAdmin || user.role == store::Role::kSupervisor;
  }
};

// Who is signed in: a request's caller from a Bearer token or the session
// cookie (a cookie must come with its CSRF token on state-changing
// requests). Every request authenticates, and two store reads each would cap
// the read rate: a session looked up in the last 30 s is taken from memory.
// Ending a session, or changing a user's role or password, forgets it at once.
class Sessions {
 public:
  Sessions(store::Store& store, std::function<Time()> clock)
      : store_(store), clock_(std::move(clock)) {}
  Result<Caller> authenticate(const HttpRequest& request);
  // Whether authenticate() would not read the store (no token: refused at once).
  bool in_memory(const HttpRequest& request);
  void forget_token(const std::string& token);
  void forget_user(std::uint64_t user);

 private:
  struct Cached {
    store::User user;
    Time expires_at{};
    Time checked{};
  };
  Result<store::User> user_of(const std::string& token_hash);

  store::Store& store_;
  const std::function<Time()> clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, Cached> cache_;  // by token hash; guarded by mutex_
};

class ApiContext {
 public:
  ApiContext(store::Store& storage, ContactCenter& domain, KnowledgeBase& articles,
             EventHub& events, Metrics& figures, channels::Channels& running, ApiOptions settings);

  Time now() const { return options.clock(); }

  store::Store& store;
  ContactCenter& center;
  KnowledgeBase& knowledge;
  EventHub& hub;
  Metrics& metrics;
  channels::Channels& channels;  // the voice channel's figures and calls
  const ApiOptions options;      // its clock set
  Sessions sessions;
  // Failed logins are counted per user name and address, per address (random
  // names from one place: a flood, or one password sprayed over many
  // accounts) and per user name (one account tried from many places).
  LoginLimiter login_pairs;
  LoginLimiter login_addresses;
  LoginLimiter login_users;
  HashGate hash_gate;  // one hash at a time per core, as many waiting
};

// The answers every route gives the same way.
HttpResponse from_error(const Error& error);
HttpResponse from_result(const Result<std::string>& result, int status = 200);
// A typed result written by `write` (views.h), or its error.
template <typename T, typename Write>
HttpResponse from_result(const Result<T>& result, Write write, int status = 200) {
  return result ? json_response(status, write(*result)) : from_error(result.error());
}
HttpResponse no_content();
HttpResponse forbidden();  // the caller's role does not allow it
// To an agent, about an interaction or citizen not theirs: whether it exists
// is not theirs to know either.
HttpResponse not_yours();
HttpResponse not_allowed();
HttpResponse no_route();
// Authentication failed: 401; the CSRF check failed: 403.
HttpResponse refused(const Error& error);

bool is_json(const HttpRequest& request);
// A JSON body with these fields (the content type must say JSON).
Result<boost::json::object> parse_body(const HttpRequest& request,
                                       std::initializer_list<json_body::Field> fields);
// A path's or query's id: 1 to 18 digits, not 0.
std::optional<std::uint64_t> parse_id(std::string_view text);
// The Idempotency-Key a client sends with a create, as kept: per user, so
// that two clients' keys never meet. Empty when none is sent.
Result<std::string> idempotency_key(const HttpRequest& request, std::uint64_t user);
// {"id","username","display_name","role"}
std::string user_json(const store::User& user);

}  // namespace guichet::server::routes
