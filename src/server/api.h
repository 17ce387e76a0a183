// The REST API (/api/v1) and the operations routes (/healthz, /readyz):
// routing of requests to resources, authentication (session cookie with CSRF
// protection, or Bearer token), roles, and JSON errors.
//
// Thread-safe: handle() is called concurrently from the HTTP workers.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/time.h"
#include "server/http.h"
#include "store/store.h"

namespace guichet::conversations {
class ContactCenter;
class KnowledgeBase;
}  // namespace guichet::conversations
namespace guichet::channels {
class Channels;
}  // namespace guichet::channels

namespace guichet::server {

using conversations::ContactCenter;
using conversations::KnowledgeBase;

class EventHub;
class Metrics;

struct ApiOptions {
  Duration session_lifetime = Duration(12LL * 3600 * 1000);
  int login_max_failures = 5;               // per user name and address
  int login_max_failures_per_address = 50;  // whatever the names (an office's NAT: room)
  int login_max_failures_per_user = 20;     // wherever from
  Duration login_window = Duration(5LL * 60 * 1000);
  std::function<Time()> clock;    // defaults to the system clock
  std::string data_dir = "data";  // recordings are read from there
  std::string metrics_token;      // /metrics: this Bearer token, or loopback only when empty
};

class Api {
 public:
  Api(store::Store& store, ContactCenter& center, KnowledgeBase& knowledge, EventHub& hub,
      Metrics& metrics, channels::Channels& channels, ApiOptions options);
  ~Api();
  HttpResponse handle(const HttpRequest& request);
  // The same answer as handle(), without a worker thread, for the requests
  // that never wait (health, the OpenAPI document, live queue figures) or
  // wait for the store only (interaction creates), by a caller whose session
  // is in memory: returns false for every other request. On an I/O thread.
  bool handle_quick(const HttpRequest& request, const Responder& respond);
  // GET /api/v1/events (WebSocket): the caller's real-time events, after
  // ?last_event_id=N when reconnecting; GET /chat/v1/stream: a citizen's
  // web chat (their token, ?after=N).
  StreamOpening open_events(const HttpRequest& request);
  // Every route served, as (method, path template with {id}): a request that
  // matches none gets 404 (or 405 when only the method differs). A test keeps
  // docs/openapi.json in step with it.
  static const std::vector<std::pair<std::string, std::string>>& routes();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace guichet::server
