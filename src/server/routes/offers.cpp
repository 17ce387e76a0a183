// /api/v1/offers: the offers waiting for the caller's answer, and the
// answer (only the agent it was offered to; durable when answered).
#include "conversations/contact_center.h"
#include "core/json_format.h"
#include "server/routes/routes.h"

namespace guichet::server::routes {

namespace {

// [{"id","interaction_id","queue_id","channel","citizen_id","citizen_name","deadline",
//   "transferred_by"?,"transfer_note"?}]: the last two for a colleague's transfer.
HttpResponse mine(ApiContext& api, const Call& call) {
  auto offers = api.center.offers(call.me());
  if (!offers) return from_error(offers.error());
  std::string out = "[";
  for (const conversations::Offer& offer : *offers) {
    if (out.size() > 1) out += ",";
    out += "{\"id\":" + std::to_string(offer.id) +
           ",\"interaction_id\":" + std::to_string(offer.interaction) +
           ",\"queue_id\":" + std::to_string(offer.queue) +
           ",\"channel\":" + json_quote(routing::to_string(offer.channel)) +
           ",\"citizen_id\":" + std::to_string(offer.citizen) +
           ",\"citizen_name\":" + json_quote(offer.citizen_name) +
           ",\"deadline\":" + json_quote(iso8601(offer.deadline));
    if (offer.transferred_by != 0) {
      out += ",\"transferred_by\":" + std::to_string(offer.transferred_by) +
             ",\"transfer_note\":" + json_quote(offer.transfer_note);
    }
    out += "}";
  }
  return json_response(200, out + "]");
}

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
      {"GET", "/api/v1/offers", Access::kSignedIn, mine},
      {"POST", "/api/v1/offers/{id}/accept", Access::kSignedIn, answer(true)},
      {"POST", "/api/v1/offers/{id}/reject", Access::kSignedIn, answer(false)},
  };
}

}  // namespace guichet::server::routes
