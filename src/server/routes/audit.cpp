// /api/v1/audit: the last 200 configuration and account changes, who made
// them, before and after.
#include "core/json_format.h"
#include "server/routes/routes.h"

namespace guichet::server::routes {

namespace {

HttpResponse recent_changes(ApiContext& api, const Call&) {
  auto entries = api.store.audit_log(200);
  if (!entries) return from_error(entries.error());
  std::string body = "[";
  for (std::size_t i = 0; i < entries->size(); ++i) {
    const store::AuditEntry& e = (*entries)[i];
    if (i > 0) body += ",";
    body += "{\"sequence\":" + std::to_string(e.sequence) + ",\"at\":" + json_quote(iso8601(e.at)) +
            ",\"user_id\":" + std::to_string(e.user_id) + ",\"kind\":" + json_quote(e.kind) +
            ",\"object_id\":" + std::to_string(e.object_id) +
            ",\"action\":" + json_quote(e.action) +
            ",\"before\":" + (e.before_json.empty() ? "null" : e.before_json) +
            ",\"after\":" + (e.after_json.empty() ? "null" : e.after_json) + "}";
  }
  return json_response(200, body + "]");
}

}  // namespace

std::vector<Route> audit() {
  return {{"GET", "/api/v1/audit", Access::kManager, recent_changes}};
}

}  // namespace guichet::server::routes
