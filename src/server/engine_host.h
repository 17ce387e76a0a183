// The routing engine on its own thread. Other threads submit commands and
// wait for their result; the host fires the engine's timers on time; every
// event the engine emits is handed to the sink, in order, on the engine
// thread (the sink must be quick: it queues work for other threads).
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

namespace guichet::server {

class EngineHost {
 public:
  using Clock = std::function<Time()>;
  using EventSink = std::function<void(const std::vector<routing::Event>&)>;
  using Command = std::function<Status(routing::Engine&, Time now)>;

  // `on_command`, if given, learns how long each command took (metrics).
  EngineHost(routing::EngineConfig config, Clock clock, EventSink sink,
             std::function<void(std::chrono::nanoseconds)> on_command = {});
  ~EngineHost();  // runs the commands already submitted, then stops

  // Runs `command` on the engine thread with the current time; returns its
  // status once it ran and its events went to the sink.
  Status run(Command command);

  // Reads the engine on its thread (queries only).
  void inspect(const std::function<void(const routing::Engine&)>& read);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace guichet::server
