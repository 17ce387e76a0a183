// /healthz, /readyz, /metrics, the API's own description, and the events
// route (a WebSocket: a plain GET is told to upgrade).
#include "conversations/contact_center.h"
#include "server/event_hub.h"
#include "server/metrics.h"
#include "server/openapi.h"
#include "server/routes/routes.h"

namespace guichet::server::routes {

namespace {

bool loopback(const std::string& address) {
  return address.rfind("127.", 0) == 0 || address == "::1" || address.rfind("::ffff:127.", 0) == 0;
}

bool bearer_is(const HttpRequest& request, const std::string& token) {
  const std::string* authorization = request.header("authorization");
  return authorization && authorization->rfind("Bearer ", 0) == 0 &&
         same_secret(authorization->substr(7), token);
}

HttpResponse health(ApiContext&, const Call&) {
  return json_response(200, R"({"status":"ok"})");
}

HttpResponse ready(ApiContext& api, const Call&) {
  if (!api.store.schema_version()) {
    return error_response(503, "unavailable", "the store does not answer");
  }
  return json_response(200, R"({"status":"ready"})");
}

// Queue names and counters are the service's business: for the monitoring
// that holds the token, or from this machine when none is set.
HttpResponse metrics(ApiContext& api, const Call& call) {
  const std::string& token = api.options.metrics_token;
  if (token.empty() ? !loopback(call.request.remote_address) : !bearer_is(call.request, token)) {
    return error_response(403, "forbidden",
                          token.empty() ? "/metrics answers this machine only (see --metrics-token)"
                                        : "a Bearer token for /metrics is needed",
                          "authorization");
  }
  HttpResponse response;
  response.content_type = "text/plain; version=0.0.4";
  const std::string channel_figures = api.channels.metrics();
  response.body =
      api.metrics.render(api.center.metrics_gauges() +
                         "# HELP guichet_websocket_clients Open WebSocket connections.\n"
                         "# TYPE guichet_websocket_clients gauge\nguichet_websocket_clients " +
                         std::to_string(api.hub.subscribers()) + "\n" + channel_figures);
  return response;
}

HttpResponse description(ApiContext&, const Call&) {
  return json_response(200, openapi_json());
}

HttpResponse events_without_upgrade(ApiContext&, const Call&) {
  return error_response(426, "upgrade_required", "this route is a WebSocket", "upgrade");
}

}  // namespace

std::vector<Route> operations() {
  return {
      {"GET", "/healthz", Access::kAnyone, health, true},
      {"GET", "/readyz", Access::kAnyone, ready},
      {"GET", "/metrics", Access::kAnyone, metrics},
      {"GET", "/api/v1/openapi.json", Access::kAnyone, description, true},
      {"GET", "/api/v1/events", Access::kSignedIn, events_without_upgrade},
  };
}

}  // namespace guichet::server::routes
