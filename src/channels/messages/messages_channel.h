// The messages API as a channel: integrations (a web chat already on the
// service's site, a messaging bridge) bring the citizen's messages through
// POST /api/v1/interactions/{id}/messages with a supervisor's or an
// integration account's token, and take the agent's replies from the event
// stream (/api/v1/events: "message" events, kept in its window and replayed
// to a client that reconnects with the last id it saw).
//
// It carries the written media (chat, email, SMS, social) until a channel
// of their own runs: Channels gives a reply to the channel added last that
// carries its medium, and serve() adds this one first. A reply is "sent"
// once on the stream; the integration's own delivery is not known here.
//
// Thread-safe: API workers call it concurrently.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "channels/channel.h"

namespace guichet::channels {

class MessagesChannel final : public Channel {
 public:
  explicit MessagesChannel(Host& host) : host_(host) {}

  // The citizen's message, brought by an integration, in a conversation
  // under way: durable when it returns, then pushed to the agent. When it
  // was written.
  Result<Time> receive(std::uint64_t interaction, std::string text);

  std::string_view name() const override { return "messages"; }
  bool carries(routing::Channel channel) const override;
  // Offers and ends need nothing here: the agent's desk shows them, and
  // the integration follows the same stream.
  void on_events(const std::vector<routing::Event>&) override {}
  void on_config(const std::string&) override {}
  Status control(std::uint64_t interaction, const std::string& action, std::uint64_t agent,
                 bool manager) override;
  Status deliver(const Reply& reply) override;
  std::string metrics() const override;
  std::string stats_json() const override;

 private:
  Host& host_;
  std::atomic<std::uint64_t> received_{0};
  std::atomic<std::uint64_t> sent_{0};
};

}  // namespace guichet::channels
