// Time in Guichet: UTC instants with millisecond resolution. Components that
// must stay pure (the routing engine, the simulator) never read a clock; the
// time is passed in with every command.
#pragma once

#include <chrono>
#include <cstdint>

namespace guichet {

using Duration = std::chrono::milliseconds;
using Time = std::chrono::sys_time<Duration>;  // an instant, UTC

inline constexpr Duration seconds(double s) {
  return Duration(static_cast<std::int64_t>(s * 1000.0 + (s >= 0 ? 0.5 : -0.5)));
}
inline constexpr double to_seconds(Duration d) {
  return static_cast<double>(d.count()) / 1000.0;
}
inline constexpr Time time_from_ms(std::int64_t ms) {
  return Time(Duration(ms));
}
inline constexpr std::int64_t to_ms(Time t) {
  return t.time_since_epoch().count();
}

}  // namespace guichet
