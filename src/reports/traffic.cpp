// The traffic report: the store's counts per interval, named from the
// configuration in force, in the service's time zone.
#include "reports/traffic.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "core/calendar.h"
#include "core/json_format.h"

namespace guichet::reports {

namespace {

// A CSV field (RFC 4180): quoted when it holds a separator, a quote or a
// line break; a leading = + - @ is neutralised so that a spreadsheet does not
// run it as a formula.
std::string csv_field(std::string_view text, char separator) {
  std::string out(text);
  if (!out.empty() && (out[0] == '=' || out[0] == '+' || out[0] == '-' || out[0] == '@')) {
    out.insert(out.begin(), '\'');
  }
  if (out.find_first_of(std::string{separator, '"', '\r', '\n'}) == std::string::npos) return out;
  std::string quoted = "\"";
  for (char c : out) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

// What a French spreadsheet reads as a number: a decimal comma.
std::string french_number(std::string number) {
  std::replace(number.begin(), number.end(), '.', ',');
  return number;
}

std::string french_channel(std::string_view channel) {
  static const std::map<std::string_view, std::string_view> kNames = {
      {"voice", "Téléphone"},
      {"chat", "Chat"},
      {"email", "Courriel"},
      {"sms", "SMS"},
      {"social", "Réseaux sociaux"},
      {"task", "Tâche"},
      {"callback", "Rappel"},
      {"voice:relay", "Téléphone (relais sourds et malentendants)"},
      {"chat:rtt", "Texte en temps réel"}};
  auto found = kNames.find(channel);
  return std::string(found == kNames.end() ? channel : found->second);
}

}  // namespace

// Traffic over a range of local days (the service's time zone), per
// interval and per queue, channel or agent, as JSON or CSV.
Result<std::string> traffic_report(const TrafficRequest& request, Time now, store::Store& store,
                                   conversations::ContactCenter& center) {
  const TimeZone& zone = TimeZone::europe_paris();
  const auto today =
      std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(zone.to_local(now)));
  auto from = request.from.empty() ? std::optional(today) : parse_date(request.from);
  if (!from) return invalid_argument("a date as YYYY-MM-DD", "from");
  auto to = request.to.empty() ? from : parse_date(request.to);
  if (!to) return invalid_argument("a date as YYYY-MM-DD", "to");
  const auto first = std::chrono::local_days(*from);
  const auto last = std::chrono::local_days(*to);
  if (last < first) return invalid_argument("before from", "to");
  const auto days = (last - first).count() + 1;
  store::TrafficQuery query;
  if (request.by == "queue") {
    query.by = store::TrafficQuery::By::kQueue;
  } else if (request.by == "channel") {
    query.by = store::TrafficQuery::By::kChannel;
  } else if (request.by == "agent") {
    query.by = store::TrafficQuery::By::kAgent;
  } else {
    return invalid_argument("queue, channel or agent", "by");
  }
  const bool per_day = request.interval == "day";
  if (request.interval == "15" || request.interval == "30" || request.interval == "60") {
    query.bucket = Duration(std::stoll(request.interval) * 60'000);
    if (days > 31) return invalid_argument("at most 31 days in intervals", "to");
  } else if (!per_day && request.interval != "total") {
    return invalid_argument("15, 30, 60, day or total", "interval");
  }
  if (days > 366) return invalid_argument("at most 366 days", "to");
  std::map<std::uint64_t, std::string> queue_names;
  auto queues = center.queue_settings();
  if (!queues) return queues.error();
  for (const conversations::QueueSetting& queue : *queues) {
    query.thresholds[queue.id] = queue.config.sl_threshold;
    queue_names[queue.id] = queue.name;
  }
  std::map<std::uint64_t, std::string> agent_names;
  if (query.by == store::TrafficQuery::By::kAgent) {
    if (auto agents = center.agent_settings()) {
      for (const conversations::AgentSetting& agent : *agents)
        agent_names[agent.id] = agent.name;
    }
  }
  // Local midnights to UTC; a day is one query when days are the
  // interval (23 or 25 hours on the days the clocks change).
  std::vector<store::TrafficRow> rows;
  const int spans = per_day ? static_cast<int>(days) : 1;
  for (int i = 0; i < spans; ++i) {
    const auto span_first = per_day ? first + std::chrono::days(i) : first;
    const auto span_end = per_day ? span_first + std::chrono::days(1) : last + std::chrono::days(1);
    query.from = zone.to_utc(LocalTime(span_first));
    query.to = zone.to_utc(LocalTime(span_end));
    auto found = store.traffic(query);
    if (!found) return found.error();
    rows.insert(rows.end(), found->begin(), found->end());
  }
  auto name_of = [&](const store::TrafficRow& row) -> std::string {
    if (query.by == store::TrafficQuery::By::kChannel) return row.key;
    const std::uint64_t id = std::strtoull(row.key.c_str(), nullptr, 10);
    const auto& names = query.by == store::TrafficQuery::By::kQueue ? queue_names : agent_names;
    auto found = names.find(id);
    return found != names.end() ? found->second : "#" + row.key;
  };
  const bool agents = query.by == store::TrafficQuery::By::kAgent;
  auto service_level = [](const store::TrafficRow& r) -> std::optional<double> {
    if (r.answered + r.abandoned == 0) return std::nullopt;
    return static_cast<double>(r.answered_in_threshold) /
           static_cast<double>(r.answered + r.abandoned);
  };
  auto asa = [](const store::TrafficRow& r) {
    return r.answered == 0 ? 0.0 : r.answered_wait_s / static_cast<double>(r.answered);
  };
  if (request.csv) {
    const bool fr = request.french;
    const char sep = fr ? ';' : ',';
    std::string out;
    if (fr) {
      out = "\xEF\xBB\xBF";  // the BOM: read as UTF-8, accents kept
      const std::string by = request.by == "queue"     ? "File"
                             : request.by == "channel" ? "Canal"
                                                       : "Agent";
      out += agents ? "Début;Agent;Propositions;Acceptées;Manquées;Terminées\r\n"
                    : "Début;" + by +
                          ";Proposées;Traitées;Traitées dans le seuil;Abandonnées;"
                          "Niveau de service (%);Attente moyenne (s)\r\n";
    } else {
      out = agents ? "start,agent,offers,accepted,missed,completed\r\n"
                   : std::string("start,") + request.by +
                         ",offered,answered,answered_in_threshold,abandoned,"
                         "service_level,asa_s\r\n";
    }
    const std::string s(1, sep);
    for (const store::TrafficRow& r : rows) {
      const LocalTime local = zone.to_local(r.start);
      const auto day = std::chrono::floor<std::chrono::days>(local);
      const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(local - day).count();
      const std::chrono::year_month_day date(day);
      char start[32];
      if (fr) {
        std::snprintf(start, sizeof start, "%02u/%02u/%04d %02d:%02d",
                      static_cast<unsigned>(date.day()), static_cast<unsigned>(date.month()),
                      static_cast<int>(date.year()), static_cast<int>(minutes / 60),
                      static_cast<int>(minutes % 60));
      } else {
        std::snprintf(start, sizeof start, "%s %02d:%02d", date_text(date).c_str(),
                      static_cast<int>(minutes / 60), static_cast<int>(minutes % 60));
      }
      const std::string name =
          fr && request.by == "channel" ? french_channel(name_of(r)) : name_of(r);
      out += std::string(start) + s + csv_field(name, sep) + s;
      if (agents) {
        out += std::to_string(r.offers) + s + std::to_string(r.accepted) + s +
               std::to_string(r.missed) + s + std::to_string(r.completed);
      } else {
        const auto sl = service_level(r);
        std::string level =
            sl ? (fr ? french_number(json_number(*sl * 100, 1)) : json_number(*sl, 4)) : "";
        out += std::to_string(r.offered) + s + std::to_string(r.answered) + s +
               std::to_string(r.answered_in_threshold) + s + std::to_string(r.abandoned) + s +
               level + s + (fr ? french_number(json_number(asa(r), 1)) : json_number(asa(r), 1));
      }
      out += "\r\n";
    }
    return out;
  }
  std::string out = "{\"from\":\"" + date_text(*from) + "\",\"to\":\"" + date_text(*to) +
                    "\",\"by\":" + json_quote(request.by) +
                    ",\"interval\":" + json_quote(request.interval) +
                    ",\"time_zone\":" + json_quote(zone.name()) + ",\"rows\":[";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const store::TrafficRow& r = rows[i];
    if (i > 0) out += ",";
    out += "{\"start\":" + json_quote(iso8601(r.start)) + ",\"key\":" + json_quote(r.key) +
           ",\"name\":" + json_quote(name_of(r));
    if (agents) {
      out += ",\"offers\":" + std::to_string(r.offers) +
             ",\"accepted\":" + std::to_string(r.accepted) +
             ",\"missed\":" + std::to_string(r.missed) +
             ",\"completed\":" + std::to_string(r.completed);
    } else {
      const auto sl = service_level(r);
      out += ",\"offered\":" + std::to_string(r.offered) +
             ",\"answered\":" + std::to_string(r.answered) +
             ",\"answered_in_threshold\":" + std::to_string(r.answered_in_threshold) +
             ",\"abandoned\":" + std::to_string(r.abandoned) +
             ",\"service_level\":" + (sl ? json_number(*sl, 4) : "null") +
             ",\"asa_s\":" + json_number(asa(r), 1);
    }
    out += "}";
  }
  return out + "]}";
}

}  // namespace guichet::reports
