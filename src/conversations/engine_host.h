// The routing engine, shared by the threads that command it: one command at
// a time, run on the caller's thread; a timer thread fires the engine's
// deadlines on time. Every event the engine emits is handed to the sink, in
// order, while the engine is held (the sink must be quick: it queues work
// for other threads, and must not command the engine).
//
// Time: the host reads the clock it was given, never letting it go back.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "routing/engine.h"

namespace guichet::conversations {

class EngineHost {
 public:
  using Clock = std::function<Time()>;
  using EventSink = std::function<void(const std::vector<routing::Event>&)>;
  using Command = std::function<Status(routing::Engine&, Time now)>;

  // `on_command`, if given, learns how long each command took (metrics).
  EngineHost(routing::EngineConfig config, Clock clock, EventSink sink,
             std::function<void(std::chrono::nanoseconds)> on_command = {});
  ~EngineHost();  // stops the timers; no command may be running

  // Runs `command` with the current time (after firing the timers due);
  // returns its status once it ran and its events went to the sink.
  Status run(Command command);

  // Reads the engine (queries only), with no command running.
  void inspect(const std::function<void(const routing::Engine&)>& read);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace guichet::conversations
