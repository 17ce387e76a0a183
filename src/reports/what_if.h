// What-if: today's queues and agents (their skills, levels, capacities,
// strategies, thresholds) run through the simulator against a traffic
// profile; the predicted service level, speed of answer and occupancy per
// queue and per interval.
//
// The body: {"arrivals": {"<queue id>": [per interval…]}, "interval_s",
// "day_start" ("08:00"), "aht_s", "patience_s", "agents": "connected" |
// "all", "seed"}. The work it may ask for is bounded (200,000 arrivals, a
// week of the agents' time). Runs on the caller's thread, for up to seconds.
#pragma once

#include <string>

#include "conversations/contact_center.h"
#include "core/result.h"

namespace guichet::reports {

Result<std::string> what_if(const std::string& body, conversations::ContactCenter& center);

}  // namespace guichet::reports
