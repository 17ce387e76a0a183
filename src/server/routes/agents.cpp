// /api/v1/agents: agents' profiles (documents keyed by their user id), and
// what an agent sets for themselves — their state, the phone their calls
// ring — or a supervisor sets for them.
#include "conversations/contact_center.h"
#include "server/routes/routes.h"

namespace guichet::server::routes {

std::vector<Route> agents() {
  return {
      list_documents("agents", "agent"),
      get_document("agents", "agent"),
      put_document("agents", "agent"),  // a profile comes and goes with its user
      {"PUT", "/api/v1/agents/{id}/state", Access::kSelfOrManager,
       [](ApiContext& api, const Call& call) {
         return from_result(api.center.set_agent_state(call.id, call.request.body));
       }},
      {"PUT", "/api/v1/agents/{id}/phone", Access::kSelfOrManager,
       [](ApiContext& api, const Call& call) {
         return from_result(api.center.set_agent_phone(call.id, call.request.body, call.me()));
       }},
      {"GET", "/api/v1/agents/{id}/interactions", Access::kSelfOrManager,
       [](ApiContext& api, const Call& call) {
         return from_result(api.center.agent_interactions(call.id));
       }},
  };
}

}  // namespace guichet::server::routes
