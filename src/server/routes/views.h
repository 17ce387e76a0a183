// The domain's values as the API writes them (docs/openapi.json), and the
// create's body read into the value the domain takes. Private to the server.
#pragma once

#include <string>
#include <vector>

#include "conversations/values.h"
#include "core/result.h"

namespace guichet::server::routes {

// {"id","channel","queue_id","citizen_id","priority","attributes",
//  "enqueued_at","status","ended_at"?,"phase"?,"agent_id"?}
std::string interaction_json(const conversations::InteractionView& view);
// The same with "timeline":[{"sequence","at","type","data"}].
std::string interaction_json(const conversations::InteractionRecord& record);
std::string interactions_json(const std::vector<conversations::InteractionView>& views);
// {"interactions":[…],"next_before_id"?}
std::string page_json(const conversations::InteractionPage& page);
// {"interaction_id","at","from","text"}
std::string message_json(const conversations::Message& message);
std::string queue_figures_json(const std::vector<conversations::QueueFigures>& queues);
std::string agent_figures_json(const std::vector<conversations::AgentFigures>& agents);
// {"time_zone","queues":[{"queue_id","name","phone_queue_id"?,"phone_queue_name"?,
//  "week":[{"date","phone":[{"from","to"}],"accessible":[…]}],"since",
//  "open_today_s","covered_today_s","gaps_today":[{"from","to"}],"trained",
//  "trained_signed_in"}]}
std::string coverage_json(const std::vector<conversations::AccessibleCoverage>& queues);

// {"channel","queue_id","citizen_id"?,"priority"?,"attributes"?} with the
// client's Idempotency-Key as kept (idempotency_key()): the request's digest
// is its body's.
Result<conversations::NewInteraction> new_interaction(const std::string& body,
                                                      std::string idempotency_key);

}  // namespace guichet::server::routes
