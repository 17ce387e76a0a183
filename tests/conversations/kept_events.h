// What the domain publishes, kept, for tests (the server's EventHub sends it
// to WebSocket clients). Thread-safe: the engine's thread publishes.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "conversations/live_events.h"

namespace guichet::conversations {

class KeptEvents final : public LiveEvents {
 public:
  std::uint64_t publish(std::uint64_t, std::uint64_t, const std::string& json) override {
    std::lock_guard lock(mutex_);
    events_.push_back(json);
    return events_.size();
  }
  // The events of `type` ("offered", "message"…), oldest first.
  std::vector<std::string> of_type(const std::string& type) {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const std::string& e : events_) {
      if (e.find("\"type\":\"" + type + "\"") != std::string::npos) out.push_back(e);
    }
    return out;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> events_;  // guarded by mutex_
};

}  // namespace guichet::conversations
