// JSON log lines on standard output, one object per line:
//   {"time":"2026-11-30T07:41:00.123Z","level":"info","msg":"listening",...}
// so that journald, Docker or any log shipper can parse them without rules.
//
// Warnings and errors are written at once (one write(2) per line, whole lines
// never interleave). Access lines — one per HTTP request, tens of thousands a
// second under load — are buffered and written by a background thread at
// most 100 ms later, or when 64 KiB are pending: a syscall per request would
// cost a tenth of the read throughput. A crash may lose the last 100 ms of
// access lines, never an error line.
//
// Thread-safety: every function may be called from any thread.
#pragma once

#include <string>
#include <string_view>

namespace guichet::log {

enum class Level { kInfo, kWarning, kError };

// `fields` is either empty or JSON members without braces, e.g.
// R"("port":8080,"tls":false)"; callers quote strings with json_quote.
void write(Level level, std::string_view msg, std::string_view fields = {});
inline void info(std::string_view msg, std::string_view fields = {}) {
  write(Level::kInfo, msg, fields);
}
inline void warning(std::string_view msg, std::string_view fields = {}) {
  write(Level::kWarning, msg, fields);
}
inline void error(std::string_view msg, std::string_view fields = {}) {
  write(Level::kError, msg, fields);
}

// One access line ({"level":"info","msg":"request",…fields}), buffered.
void access(std::string_view fields);

// Writes whatever is buffered (at a graceful stop).
void flush();

}  // namespace guichet::log
