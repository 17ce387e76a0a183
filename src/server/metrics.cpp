#include "server/metrics.h"

#include <algorithm>
#include <cstdio>
#include <memory>

namespace guichet::server {

void Histogram::observe(double seconds) {
  std::size_t bucket = 0;
  while (bucket < kBounds.size() && seconds > kBounds[bucket])
    ++bucket;
  ++counts_[bucket];
  ++total_;
  sum_micros_ += static_cast<std::uint64_t>(seconds * 1e6);
}

std::string Histogram::render(const std::string& name, const std::string& labels) const {
  std::string out;
  const std::string prefix = labels.empty() ? "" : labels + ",";
  std::uint64_t cumulative = 0;
  char line[256];
  for (std::size_t i = 0; i < kBounds.size(); ++i) {
    cumulative += counts_[i];
    std::snprintf(line, sizeof line, "%s_bucket{%sle=\"%g\"} %llu\n", name.c_str(), prefix.c_str(),
                  kBounds[i], static_cast<unsigned long long>(cumulative));
    out += line;
  }
  cumulative += counts_[kBounds.size()];
  std::snprintf(line, sizeof line, "%s_bucket{%sle=\"+Inf\"} %llu\n", name.c_str(), prefix.c_str(),
                static_cast<unsigned long long>(cumulative));
  out += line;
  const std::string braces = labels.empty() ? "" : "{" + labels + "}";
  std::snprintf(line, sizeof line, "%s_sum%s %.6f\n%s_count%s %llu\n", name.c_str(), braces.c_str(),
                static_cast<double>(sum_micros_) / 1e6, name.c_str(), braces.c_str(),
                static_cast<unsigned long long>(total_.load()));
  return out + line;
}

void Metrics::observe_http(const std::string& route, int status, double seconds) {
  RouteFigures* figures;
  {
    std::lock_guard lock(mutex_);
    auto& slot = routes_[route];
    if (!slot) slot = std::make_unique<RouteFigures>();
    figures = slot.get();  // never freed while Metrics lives
  }
  figures->latency.observe(seconds);
  ++figures->by_class[static_cast<std::size_t>(std::clamp(status / 100, 0, 5))];
}

void Metrics::observe_routing(double seconds) {
  routing_.observe(seconds);
}

std::string Metrics::render(const std::string& gauges) const {
  std::string out =
      "# HELP guichet_http_request_duration_seconds Time to answer an HTTP request, per route.\n"
      "# TYPE guichet_http_request_duration_seconds histogram\n";
  std::string counters =
      "# HELP guichet_http_requests_total HTTP requests answered, per route and status class.\n"
      "# TYPE guichet_http_requests_total counter\n";
  {
    std::lock_guard lock(mutex_);
    for (const auto& [route, figures] : routes_) {
      const std::string labels = "route=\"" + route + "\"";
      out += figures->latency.render("guichet_http_request_duration_seconds", labels);
      for (std::size_t c = 1; c < figures->by_class.size(); ++c) {
        const auto count = figures->by_class[c].load();
        if (count == 0) continue;
        counters += "guichet_http_requests_total{" + labels + ",status=\"" + std::to_string(c) +
                    "xx\"} " + std::to_string(count) + "\n";
      }
    }
  }
  out += counters;
  out +=
      "# HELP guichet_routing_command_duration_seconds Time the routing engine took per command.\n"
      "# TYPE guichet_routing_command_duration_seconds histogram\n";
  out += routing_.render("guichet_routing_command_duration_seconds", "");
  return out + gauges;
}

}  // namespace guichet::server
