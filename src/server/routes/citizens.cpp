// /api/v1/citizens: the register of citizens (usagers). An agent sees the
// citizen they are serving now (an offer, a conversation, a wrap-up) and
// adds a contact to them; searching, creating and merging is for
// supervisors and the integrations' accounts.
#include "conversations/contact_center.h"
#include "server/routes/routes.h"

namespace guichet::server::routes {

namespace {

// The citizen's own routes: an agent only for the citizen they serve.
Handler served(Handler handler) {
  return [handler = std::move(handler)](ApiContext& api, const Call& call) {
    if (!call.manager() && !api.center.agent_serves_citizen(call.id, call.me())) {
      return error_response(403, "forbidden", "not an interaction or citizen of yours", "id");
    }
    return handler(api, call);
  };
}

HttpResponse search(ApiContext& api, const Call& call) {
  auto query = call.request.query_param("q");
  if (!query || query->empty() || query->size() > 100) {
    return error_response(400, "invalid_argument", "a search of 1 to 100 characters", "q");
  }
  return from_result(api.center.find_citizens(*query));
}

}  // namespace

std::vector<Route> citizens() {
  return {
      {"GET", "/api/v1/citizens", Access::kManager, search},
      {"POST", "/api/v1/citizens", Access::kManager,
       [](ApiContext& api, const Call& call) {
         return from_result(api.center.create_citizen(call.request.body), 201);
       }},
      {"GET", "/api/v1/citizens/{id}", Access::kSignedIn,
       served([](ApiContext& api, const Call& call) {
         return from_result(api.center.citizen(call.id));
       })},
      {"POST", "/api/v1/citizens/{id}/contacts", Access::kSignedIn,
       served([](ApiContext& api, const Call& call) {
         return from_result(api.center.add_contact(call.id, call.request.body), 201);
       })},
      // {"duplicate_id"}: its contacts and interactions move to this one.
      {"POST", "/api/v1/citizens/{id}/merge", Access::kManager,
       [](ApiContext& api, const Call& call) {
         return from_result(api.center.merge_citizens(call.id, call.request.body));
       }},
  };
}

}  // namespace guichet::server::routes
