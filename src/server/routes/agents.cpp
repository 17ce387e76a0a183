// /api/v1/agents: agents' profiles (documents keyed by their user id), and
// what an agent sets for themselves — their state, the phone their calls
// ring — or a supervisor sets for them.
#include "conversations/contact_center.h"
#include "core/json_format.h"
#include "server/routes/routes.h"
#include "server/routes/views.h"

namespace guichet::server::routes {

namespace json = boost::json;

namespace {

// {"state":"available"|"paused"|"offline","reason"?} → {"id","state","reason","since"}
HttpResponse set_state(ApiContext& api, const Call& call) {
  auto body = json_body::parse_object(call.request.body, {{"state", json::kind::string, true},
                                                          {"reason", json::kind::string, false}});
  if (!body) return from_error(body.error());
  auto state = routing::agent_state_from_string(json_body::string_or(*body, "state", ""));
  if (!state) return from_error(invalid_argument("available, paused or offline", "state"));
  auto status =
      api.center.set_agent_state(call.id, *state, json_body::string_or(*body, "reason", ""));
  if (!status) return from_error(status.error());
  return json_response(200, "{\"id\":" + std::to_string(status->agent) +
                                ",\"state\":" + json_quote(routing::to_string(status->state)) +
                                ",\"reason\":" + json_quote(status->reason) +
                                ",\"since\":" + json_quote(iso8601(status->since)) + "}");
}

}  // namespace

std::vector<Route> agents() {
  return {
      list_documents("agents", "agent"),
      get_document("agents", "agent"),
      put_document("agents", "agent"),  // a profile comes and goes with its user
      {"PUT", "/api/v1/agents/{id}/state", Access::kSelfOrManager, set_state},
      {"PUT", "/api/v1/agents/{id}/phone", Access::kSelfOrManager,
       [](ApiContext& api, const Call& call) {
         auto body = json_body::parse_object(call.request.body,
                                             {{"phone", boost::json::kind::string, true}});
         if (!body) return from_error(body.error());
         return from_result(api.center.set_agent_phone(
             call.id, json_body::string_or(*body, "phone", ""), call.me()));
       }},
      {"GET", "/api/v1/agents/{id}/interactions", Access::kSelfOrManager,
       [](ApiContext& api, const Call& call) {
         return from_result(api.center.agent_interactions(call.id), interactions_json);
       }},
  };
}

}  // namespace guichet::server::routes
