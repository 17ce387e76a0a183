#include "core/log.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/json_format.h"

namespace guichet::log {

namespace {

void write_all(std::string_view text) {
  while (!text.empty()) {
    const ssize_t written = ::write(STDOUT_FILENO, text.data(), text.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return;  // stdout closed or full disk: logging must not stop the service
    }
    text.remove_prefix(static_cast<std::size_t>(written));
  }
}

std::string line(std::string_view level, std::string_view msg, std::string_view fields) {
  const Time now = std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
  std::string out;
  out.reserve(64 + msg.size() + fields.size());
  out += "{\"time\":\"";
  out += iso8601(now);
  out += "\",\"level\":\"";
  out += level;
  out += "\",\"msg\":";
  out += json_quote(msg);
  if (!fields.empty()) {
    out += ',';
    out += fields;
  }
  out += "}\n";
  return out;
}

// The buffer of access lines and the thread that writes it out. Immortal:
// access lines may come from threads that outlive main's locals.
class Buffer {
 public:
  static constexpr std::size_t kFlushAt = 64 * 1024;
  static constexpr std::size_t kDropAt = 8 * 1024 * 1024;

  void append(const std::string& text) {
    std::unique_lock lock(mutex_);
    // A stalled stdout must not grow the buffer without bound: past 8 MiB,
    // access lines are dropped (errors are still written, they block).
    if (pending_.size() > kDropAt) return;
    pending_ += text;
    if (!started_) {
      started_ = true;
      std::thread([this] { loop(); }).detach();
    }
    if (pending_.size() >= kFlushAt) wake_.notify_one();
  }

  // Writes what is pending now; `then` (a line that must follow it) too.
  void flush(std::string_view then = {}) {
    std::lock_guard write_lock(write_mutex_);
    std::string out;
    {
      std::lock_guard lock(mutex_);
      out.swap(pending_);
    }
    out += then;
    write_all(out);
  }

 private:
  void loop() {
    while (true) {
      {
        std::unique_lock lock(mutex_);
        wake_.wait_for(lock, std::chrono::milliseconds(100),
                       [this] { return pending_.size() >= kFlushAt; });
        if (pending_.empty()) continue;
      }
      flush();
    }
  }

  std::mutex mutex_;
  std::mutex write_mutex_;  // keeps lines in order between flushes
  std::condition_variable wake_;
  std::string pending_;   // guarded by mutex_
  bool started_ = false;  // guarded by mutex_
};

Buffer& buffer() {
  static Buffer* const instance = new Buffer;  // never destroyed, see above
  return *instance;
}

constexpr std::string_view name(Level level) {
  switch (level) {
    case Level::kInfo:
      return "info";
    case Level::kWarning:
      return "warning";
    case Level::kError:
      return "error";
  }
  return "info";
}

}  // namespace

void write(Level level, std::string_view msg, std::string_view fields) {
  // Buffered access lines first, so that the output stays in time order.
  buffer().flush(line(name(level), msg, fields));
}

void access(std::string_view fields) {
  buffer().append(line("info", "request", fields));
}

void flush() {
  buffer().flush();
}

}  // namespace guichet::log
