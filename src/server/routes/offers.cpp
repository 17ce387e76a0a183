// /api/v1/offers: the offers waiting for the caller's answer, and the
// answer (only the agent it was offered to; durable when answered).
#include "conversations/contact_center.h"
#include "server/routes/routes.h"

namespace guichet::server::routes {

namespace {

Handler answer(bool accept) {
  return [accept](ApiContext& api, const Call& call) {
    if (Status s = api.center.answer_offer(call.id, call.me(), accept); !s) {
      return from_error(s.error());
    }
    return json_response(200, accept ? R"({"status":"accepted"})" : R"({"status":"rejected"})");
  };
}

}  // namespace

std::vector<Route> offers() {
  return {
      {"GET", "/api/v1/offers", Access::kSignedIn,
       [](ApiContext& api, const Call& call) { return from_result(api.center.offers(call.me())); }},
      {"POST", "/api/v1/offers/{id}/accept", Access::kSignedIn, answer(true)},
      {"POST", "/api/v1/offers/{id}/reject", Access::kSignedIn, answer(false)},
  };
}

}  // namespace guichet::server::routes
