// /api/v1/stats: the live figures — per queue (the wallboard, answered from
// memory on the I/O thread), per agent, and the voice channel's.
#include "conversations/contact_center.h"
#include "server/routes/routes.h"
#include "server/routes/views.h"

namespace guichet::server::routes {

std::vector<Route> stats() {
  return {
      {"GET", "/api/v1/stats/voice", Access::kManager,
       [](ApiContext& api, const Call&) {
         return api.channels.with("voice", [](channels::Channel* voice) {
           return voice
                      ? json_response(200, voice->stats_json())
                      : error_response(404, "not_found", "voice is off (no --sip-listen)", "path");
         });
       }},
      {"GET", "/api/v1/stats/queues", Access::kSignedIn,
       [](ApiContext& api, const Call&) {
         return from_result(api.center.queue_stats(), queue_figures_json);
       },
       true},
      {"GET", "/api/v1/stats/agents", Access::kSignedIn,
       [](ApiContext& api, const Call&) {
         return from_result(api.center.agent_stats(), agent_figures_json);
       }},
      // Written requests whose announced answer is due within a day, or
      // overdue: the ones a supervisor moves to someone free.
      {"GET", "/api/v1/stats/deadlines", Access::kManager,
       [](ApiContext& api, const Call&) {
         return from_result(
             api.center.answers_due(std::chrono::hours(24), 50),
             [](const std::vector<conversations::InteractionView>& views) {
               return "{\"within_hours\":24,\"interactions\":" + interactions_json(views) + "}";
             });
       }},
      // Accessible reception's hours against the phone line's, and today's
      // coverage by the agents trained for it (décret 2017-875).
      {"GET", "/api/v1/stats/accessible", Access::kManager,
       [](ApiContext& api, const Call&) {
         return from_result(api.center.accessible_coverage(), coverage_json);
       }},
  };
}

}  // namespace guichet::server::routes
