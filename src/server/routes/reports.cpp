// /api/v1/reports/traffic (JSON, or CSV for a spreadsheet) and
// /api/v1/simulations (what-if): for supervisors and admins.
#include "reports/traffic.h"
#include "reports/what_if.h"
#include "server/routes/routes.h"

namespace guichet::server::routes {

namespace {

// ?from&to (local dates)&by&interval&format
HttpResponse traffic(ApiContext& api, const Call& call) {
  const HttpRequest& request = call.request;
  guichet::reports::TrafficRequest traffic;
  traffic.from = request.query_param("from").value_or("");
  traffic.to = request.query_param("to").value_or("");
  traffic.by = request.query_param("by").value_or("queue");
  traffic.interval = request.query_param("interval").value_or("total");
  const std::string format = request.query_param("format").value_or("json");
  if (format != "json" && format != "csv" && format != "csv-fr") {
    return error_response(400, "invalid_argument", "json, csv or csv-fr", "format");
  }
  traffic.csv = format != "json";
  traffic.french = format == "csv-fr";
  auto report = guichet::reports::traffic_report(traffic, api.now(), api.store, api.center);
  if (!report) return from_error(report.error());
  if (!traffic.csv) return json_response(200, std::move(*report));
  HttpResponse response;
  response.content_type = "text/csv; charset=utf-8";
  response.body = std::move(*report);
  // The dates were checked (digits and dashes); keep only those anyway.
  auto safe = [](std::string text) {
    std::erase_if(text, [](char c) { return !(c == '-' || (c >= '0' && c <= '9')); });
    return text;
  };
  std::string name = "guichet-trafic-" + traffic.by;  // by: queue, channel or agent
  if (!traffic.from.empty()) name += "-" + safe(traffic.from);
  if (!traffic.to.empty()) name += "-" + safe(traffic.to);
  response.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + ".csv\"");
  return response;
}

}  // namespace

std::vector<Route> reports() {
  return {
      {"GET", "/api/v1/reports/traffic", Access::kManager, traffic},
      {"POST", "/api/v1/simulations", Access::kManager,
       [](ApiContext& api, const Call& call) {
         return from_result(guichet::reports::what_if(call.request.body, api.center));
       }},
  };
}

}  // namespace guichet::server::routes
