// Prometheus metrics: HTTP latency per route, routing-engine command latency,
// counters; rendered in the text exposition format. Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace guichet::server {

// Latency histogram with fixed buckets from 50 µs to 10 s.
class Histogram {
 public:
  static constexpr std::array<double, 14> kBounds = {0.00005, 0.0001, 0.00025, 0.0005, 0.001,
                                                     0.0025,  0.005,  0.01,    0.025,  0.05,
                                                     0.1,     0.5,    1.0,     10.0};
  void observe(double seconds);
  // Lines for `name` with `labels` (e.g. route="/healthz"), without HELP/TYPE.
  std::string render(const std::string& name, const std::string& labels) const;

 private:
  std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> counts_{};  // last: +Inf
  std::atomic<std::uint64_t> total_{0};
  std::atomic<std::uint64_t> sum_micros_{0};
};

class Metrics {
 public:
  void observe_http(const std::string& route, int status, double seconds);
  void observe_routing(double seconds);
  // The exposition text; `gauges` is appended as given (already formatted lines).
  std::string render(const std::string& gauges) const;

 private:
  struct RouteFigures {
    Histogram latency;
    std::array<std::atomic<std::uint64_t>, 6> by_class{};  // 1xx..5xx by status / 100
  };
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<RouteFigures>> routes_;  // guarded by mutex_ (the map)
  Histogram routing_;
};

}  // namespace guichet::server
