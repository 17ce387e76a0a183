#include "server/engine_host.h"

#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

namespace guichet::server {

class EngineHost::Impl {
 public:
  Impl(routing::EngineConfig config, Clock clock, EventSink sink,
       std::function<void(std::chrono::nanoseconds)> on_command)
      : engine_(std::move(config)),
        clock_(std::move(clock)),
        sink_(std::move(sink)),
        on_command_(std::move(on_command)) {
    thread_ = std::thread([this] { loop(); });
  }

  ~Impl() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }

  Status run(Command command) {
    std::promise<Status> done;
    std::future<Status> result = done.get_future();
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return failed_precondition("the engine is stopping");
      queue_.push_back({std::move(command), std::move(done)});
    }
    wake_.notify_one();
    return result.get();
  }

 private:
  struct Pending {
    Command command;
    std::promise<Status> done;
  };

  Time now() {
    last_ = std::max(last_, clock_());
    return last_;
  }

  void loop() {
    std::unique_lock lock(mutex_);
    while (true) {
      const std::optional<Time> deadline = engine_.next_deadline();
      auto has_work = [this] { return stopping_ || !queue_.empty(); };
      if (deadline) {
        // The clock is the system's; wait on the steady clock for the same span.
        const auto wait = std::max(Duration(0), *deadline - now());
        wake_.wait_for(lock, wait, has_work);
      } else {
        wake_.wait(lock, has_work);
      }
      std::deque<Pending> batch;
      batch.swap(queue_);
      const bool stopping = stopping_;
      lock.unlock();
      (void)engine_.advance(now());  // timers due by now, before the commands
      flush();
      for (Pending& pending : batch) {
        const auto started = std::chrono::steady_clock::now();
        Status status = pending.command(engine_, now());
        if (on_command_) on_command_(std::chrono::steady_clock::now() - started);
        flush();
        pending.done.set_value(std::move(status));
      }
      lock.lock();
      if (stopping && queue_.empty()) return;
    }
  }

  void flush() {
    engine_.drain_events_into(events_);
    if (!events_.empty() && sink_) sink_(events_);
    events_.clear();
  }

  routing::Engine engine_;  // engine thread only
  Clock clock_;
  EventSink sink_;
  std::function<void(std::chrono::nanoseconds)> on_command_;
  Time last_{};
  std::vector<routing::Event> events_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;  // guarded by mutex_
  bool stopping_ = false;      // guarded by mutex_
  std::thread thread_;
};

EngineHost::EngineHost(routing::EngineConfig config, Clock clock, EventSink sink,
                       std::function<void(std::chrono::nanoseconds)> on_command)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(clock), std::move(sink),
                                   std::move(on_command))) {}
EngineHost::~EngineHost() = default;
Status EngineHost::run(Command command) {
  return impl_->run(std::move(command));
}

void EngineHost::inspect(const std::function<void(const routing::Engine&)>& read) {
  (void)impl_->run([&read](routing::Engine& engine, Time) {
    read(engine);
    return Status::ok();
  });
}

}  // namespace guichet::server
