#include "conversations/engine_host.h"

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace guichet::conversations {

// The engine is guarded by a mutex and commands run on the caller's thread:
// a command takes a microsecond or two, and handing it to an engine thread
// and back cost two context switches each — a third of the CPU of a create
// under load. A timer thread fires the engine's deadlines; it is woken only
// when a command brings the next deadline forward.
class EngineHost::Impl {
 public:
  Impl(routing::EngineConfig config, Clock clock, EventSink sink,
       std::function<void(std::chrono::nanoseconds)> on_command)
      : engine_(std::move(config)),
        clock_(std::move(clock)),
        sink_(std::move(sink)),
        on_command_(std::move(on_command)) {
    timer_ = std::thread([this] { fire_timers(); });
  }

  ~Impl() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    timer_.join();
  }

  Status run(const Command& command) {
    std::unique_lock lock(mutex_);
    if (stopping_) return failed_precondition("the engine is stopping");
    (void)engine_.advance(now());  // timers due by now, before the command
    flush();
    const auto started = std::chrono::steady_clock::now();
    Status status = command(engine_, now());
    if (on_command_) on_command_(std::chrono::steady_clock::now() - started);
    flush();
    const bool sooner = next_deadline_sooner();
    lock.unlock();
    if (sooner) wake_.notify_one();
    return status;
  }

  void inspect(const std::function<void(const routing::Engine&)>& read) {
    std::lock_guard lock(mutex_);
    read(engine_);
  }

 private:
  Time now() {
    last_ = std::max(last_, clock_());
    return last_;
  }

  // Whether the engine's next deadline comes before the one the timer
  // thread sleeps until (guarded by mutex_).
  bool next_deadline_sooner() const {
    const std::optional<Time> next = engine_.next_deadline();
    return next && (!timer_sleeps_until_ || *next < *timer_sleeps_until_);
  }

  void fire_timers() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      timer_sleeps_until_ = engine_.next_deadline();
      if (timer_sleeps_until_) {
        // The clock is the system's; wait on the steady clock for the same span.
        const auto wait = std::max(Duration(0), *timer_sleeps_until_ - now());
        wake_.wait_for(lock, wait);
      } else {
        wake_.wait(lock);
      }
      if (stopping_) break;
      (void)engine_.advance(now());
      flush();
    }
  }

  void flush() {
    engine_.drain_events_into(events_);
    if (!events_.empty() && sink_) sink_(events_);
    events_.clear();
  }

  std::mutex mutex_;  // guards everything below but the thread
  std::condition_variable wake_;
  routing::Engine engine_;
  Clock clock_;
  EventSink sink_;
  std::function<void(std::chrono::nanoseconds)> on_command_;
  Time last_{};
  std::vector<routing::Event> events_;
  std::optional<Time> timer_sleeps_until_;  // nothing: sleeps until woken
  bool stopping_ = false;
  std::thread timer_;
};

EngineHost::EngineHost(routing::EngineConfig config, Clock clock, EventSink sink,
                       std::function<void(std::chrono::nanoseconds)> on_command)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(clock), std::move(sink),
                                   std::move(on_command))) {}
EngineHost::~EngineHost() = default;
Status EngineHost::run(Command command) {
  return impl_->run(command);
}

void EngineHost::inspect(const std::function<void(const routing::Engine&)>& read) {
  impl_->inspect(read);
}

}  // namespace guichet::conversations
