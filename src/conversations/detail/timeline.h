// Interactions' timelines: the engine's events as stored and as pushed
// live, and the writer that keeps them in the store in order without making
// the engine wait for the disk. Private to the conversations component.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/json_format.h"
#include "core/log.h"
#include "core/result.h"
#include "routing/engine.h"
#include "store/store.h"

namespace guichet::conversations::detail {

// "closed" for an overflow to nowhere, else the engine's name.
std::string event_type(const routing::Event& e);
// An engine event as kept in its interaction's timeline.
store::InteractionEvent to_stored(const routing::Event& e);
// An engine event as the WebSocket clients receive it (the hub adds "id").
std::string live_json(const routing::Event& e);

// Keeps the engine's events in the store, in order, without making the
// engine wait for the disk. enqueue() returns a ticket; wait(ticket) returns
// once everything up to it is durable.
class TimelineWriter {
 public:
  explicit TimelineWriter(store::Store& store) : store_(store) {}
  ~TimelineWriter() {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return settled_ == enqueued_; });
  }

  // Called in the engine's order (under the engine's lock).
  std::uint64_t enqueue(std::vector<store::InteractionEvent> events) {
    const std::uint64_t count = events.size();
    std::uint64_t ticket = 0;
    // Tickets in the order the store receives the events: callers outside
    // the engine's lock (a completion's note) race with the engine's.
    std::lock_guard submitting(submit_mutex_);
    {
      std::lock_guard lock(mutex_);
      enqueued_ += count;
      ticket = enqueued_;
    }
    // Not under mutex_: the store may call back at once (when closing).
    store_.append_events_async(std::move(events), [this, count](Status status) {
      std::vector<std::pair<std::function<void(Status)>, Status>> ready;
      {
        std::lock_guard lock(mutex_);
        if (status) {
          written_ += count;
        } else {
          log::error("events not stored", "\"error\":" + json_quote(status.to_string()));
          failure_ = status;
        }
        while (!waiters_.empty() && (waiters_.begin()->first <= written_ || !failure_.is_ok())) {
          auto waiter = waiters_.extract(waiters_.begin());
          ready.emplace_back(std::move(waiter.mapped()),
                             waiter.key() <= written_ ? Status::ok() : failure_);
        }
      }
      for (auto& [then, result] : ready)
        then(result);
      std::lock_guard lock(mutex_);
      settled_ += count;  // after the waiters ran: the destructor waits for this
      done_.notify_all();
    });
    return ticket;
  }

  std::uint64_t ticket() {
    std::lock_guard lock(mutex_);
    return enqueued_;
  }

  Status wait(std::uint64_t ticket) {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return written_ >= ticket || !failure_.is_ok(); });
    return written_ >= ticket ? Status::ok() : failure_;
  }

  // Calls `then` once everything up to `ticket` is durable (at once if it
  // is), on the store's thread otherwise; with the failure if writing failed.
  void when_written(std::uint64_t ticket, std::function<void(Status)> then) {
    std::unique_lock lock(mutex_);
    if (written_ >= ticket || !failure_.is_ok()) {
      const Status result = written_ >= ticket ? Status::ok() : failure_;
      lock.unlock();
      then(result);
      return;
    }
    waiters_.emplace(ticket, std::move(then));
  }

 private:
  store::Store& store_;
  std::mutex submit_mutex_;  // never taken by the store's callback
  std::mutex mutex_;
  std::condition_variable done_;
  std::uint64_t enqueued_ = 0;  // guarded by mutex_
  std::uint64_t settled_ = 0;   // guarded by mutex_: written or failed
  std::uint64_t written_ = 0;   // guarded by mutex_
  Status failure_;              // guarded by mutex_
  std::multimap<std::uint64_t, std::function<void(Status)>> waiters_;  // guarded by mutex_
};

}  // namespace guichet::conversations::detail
