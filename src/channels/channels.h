// The channels running, registered in one place: serve() makes each and
// adds it here at start. Every engine event and configuration change goes
// to each; the API finds a channel by name for its figures and actions.
//
// Thread-safe: the engine's thread calls on_events() while API workers look
// channels up; remove_all() waits for a delivery in progress, then destroys
// the channels (each stops) in the reverse order of their adding.
#pragma once

#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "channels/channel.h"

namespace guichet::channels {

class Channels {
 public:
  ~Channels() { remove_all(); }

  void add(std::unique_ptr<Channel> channel);
  void remove_all();

  // Uses the channel named `name` (null when none runs) under the lock that
  // remove_all() waits for.
  template <typename Use>
  auto with(std::string_view name, Use&& use) {
    std::shared_lock lock(mutex_);
    return use(find(name));
  }

  // An agent's reply, to the channel added last that carries `medium` (a
  // channel of its own takes it from the messages API's) and knows the
  // conversation (see Channel::deliver). kFailedPrecondition when none does.
  Status deliver(routing::Channel medium, const Reply& reply);

  void on_events(const std::vector<routing::Event>& events);
  void on_config(const std::string& kind);
  // Every channel's Prometheus lines.
  std::string metrics() const;

 private:
  Channel* find(std::string_view name) const;

  mutable std::shared_mutex mutex_;
  std::vector<std::unique_ptr<Channel>> channels_;  // guarded by mutex_
};

}  // namespace guichet::channels
