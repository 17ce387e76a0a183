// Where the domain sends what happens as it happens: engine events (offers,
// agents' states, queue changes), messages, call states — each a JSON object
// for the agent and the queue it concerns. The server's EventHub implements
// it for the WebSocket clients; tests can keep what they get.
//
// publish() is called from the engine's thread and from API workers: an
// implementation is thread-safe and quick (never blocks on a client).
#pragma once

#include <cstdint>
#include <string>

namespace guichet::conversations {

class LiveEvents {
 public:
  virtual ~LiveEvents() = default;
  // `json_without_id`: an object's text starting with '{'. `agent`, `queue`:
  // who it concerns (0: none). Returns the event's id, when it has one.
  virtual std::uint64_t publish(std::uint64_t agent, std::uint64_t queue,
                                const std::string& json_without_id) = 0;
};

}  // namespace guichet::conversations
