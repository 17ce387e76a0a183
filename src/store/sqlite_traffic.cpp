// The traffic report: arrivals, answers and abandons per queue or channel,
// and agents' offers, counted by SQL per time bucket.
#include "store/detail/sqlite_impl.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace guichet::store {

using namespace detail;

namespace {

// The report's statements, one set per grouping: arrivals (interactions by
// arrival time), answers and abandons (events by time; thresholds come as a
// JSON object bound to ?4, {"queue id": ms}), and agents' offers.
struct TrafficStatements {
  const char* arrivals;
  const char* answers;
  const char* abandons;
};

const TrafficStatements kByQueue = {
    "SELECT (enqueued_at - ?1) / ?3 AS b, CAST(queue_id AS TEXT) AS k, COUNT(*) "
    "FROM interactions WHERE enqueued_at >= ?1 AND enqueued_at < ?2 GROUP BY b, k",
    "SELECT (at - ?1) / ?3 AS b, CAST(json_extract(data, '$.queue_id') AS TEXT) AS k, COUNT(*), "
    "TOTAL(json_extract(data, '$.waited_ms')), "
    "TOTAL(json_extract(data, '$.waited_ms') <= COALESCE(json_extract(?4, '$.\"' || "
    "json_extract(data, '$.queue_id') || '\"'), -1)) "
    "FROM interaction_events WHERE type = 'accepted' AND at >= ?1 AND at < ?2 GROUP BY b, k",
    "SELECT (at - ?1) / ?3 AS b, CAST(json_extract(data, '$.queue_id') AS TEXT) AS k, COUNT(*) "
    "FROM interaction_events WHERE type = 'abandoned' AND at >= ?1 AND at < ?2 GROUP BY b, k",
};

// By channel, accessible reception apart: the calls placed by a relay
// provider ("voice:relay") and real-time text ("chat:rtt"), as
// memory_traffic.cpp's reception_key.
#define GUICHET_RECEPTION(i)            \
  "CASE WHEN json_extract(" i           \
  "attributes, '$.relay') IS NOT NULL " \
  "THEN " i                             \
  "channel || ':relay' "                \
  "WHEN json_extract(" i                \
  "attributes, '$.mode') = 'rtt' "      \
  "THEN " i "channel || ':rtt' ELSE " i "channel END"

const TrafficStatements kByChannel = {
    "SELECT (enqueued_at - ?1) / ?3 AS b, " GUICHET_RECEPTION("") " AS k, COUNT(*) "
    "FROM interactions WHERE enqueued_at >= ?1 AND enqueued_at < ?2 GROUP BY b, k",
    "SELECT (e.at - ?1) / ?3 AS b, " GUICHET_RECEPTION("i.") " AS k, COUNT(*), "
    "TOTAL(json_extract(e.data, '$.waited_ms')), "
    "TOTAL(json_extract(e.data, '$.waited_ms') <= COALESCE(json_extract(?4, '$.\"' || "
    "json_extract(e.data, '$.queue_id') || '\"'), -1)) "
    "FROM interaction_events e JOIN interactions i ON i.id = e.interaction_id "
    "WHERE e.type = 'accepted' AND e.at >= ?1 AND e.at < ?2 GROUP BY b, k",
    "SELECT (e.at - ?1) / ?3 AS b, " GUICHET_RECEPTION("i.") " AS k, COUNT(*) "
    "FROM interaction_events e JOIN interactions i ON i.id = e.interaction_id "
    "WHERE e.type = 'abandoned' AND e.at >= ?1 AND e.at < ?2 GROUP BY b, k",
};
#undef GUICHET_RECEPTION

const char* const kByAgent =
    "SELECT (at - ?1) / ?3 AS b, CAST(json_extract(data, '$.agent_id') AS TEXT) AS k, "
    "TOTAL(type = 'offered'), TOTAL(type = 'accepted'), "
    "TOTAL(type IN ('rejected', 'offer_timeout')), TOTAL(type = 'completed') "
    "FROM interaction_events WHERE type IN ('offered', 'accepted', 'rejected', 'offer_timeout', "
    "'completed') AND at >= ?1 AND at < ?2 AND json_extract(data, '$.agent_id') > 0 "
    "GROUP BY b, k";

}  // namespace

Result<std::vector<TrafficRow>> SqliteStore::traffic(const TrafficQuery& query) {
  const std::int64_t from = to_ms(query.from);
  const std::int64_t to = to_ms(query.to);
  if (to <= from) return invalid_argument("the range is empty", "to");
  const std::int64_t bucket = query.bucket.count() > 0 ? query.bucket.count() : to - from;
  std::string thresholds = "{";
  for (const auto& [queue, threshold] : query.thresholds) {
    if (thresholds.size() > 1) thresholds += ",";
    thresholds += "\"" + std::to_string(queue) + "\":" + std::to_string(threshold.count());
  }
  thresholds += "}";
  return impl_->read([&](Connection& c) -> Result<std::vector<TrafficRow>> {
    std::map<std::pair<std::int64_t, std::string>, TrafficRow> rows;
    // Runs `sql` and hands each result row, with its bucket's row, to `take`.
    auto each = [&](const char* sql, auto&& take) -> Status {
      Statement s = c.statement(sql);
      if (!s) return c.error("traffic");
      sqlite3_bind_int64(s, 1, from);
      sqlite3_bind_int64(s, 2, to);
      sqlite3_bind_int64(s, 3, bucket);
      if (sqlite3_bind_parameter_count(s) >= 4) bind_text(s, 4, thresholds);
      int step;
      while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const std::int64_t b = sqlite3_column_int64(s, 0);
        const std::string key = column_text(s, 1);
        TrafficRow& row = rows[{b, key}];
        row.start = time_from_ms(from + b * bucket);
        row.key = key;
        take(s, row);
      }
      return step == SQLITE_DONE ? Status::ok() : c.error("traffic");
    };
    auto count = [](sqlite3_stmt* s, int column) {
      return static_cast<std::uint64_t>(sqlite3_column_double(s, column));
    };
    Status status;
    if (query.by == TrafficQuery::By::kAgent) {
      status = each(kByAgent, [&](sqlite3_stmt* s, TrafficRow& row) {
        row.offers = count(s, 2);
        row.accepted = count(s, 3);
        row.missed = count(s, 4);
        row.completed = count(s, 5);
      });
    } else {
      const TrafficStatements& sql = query.by == TrafficQuery::By::kQueue ? kByQueue : kByChannel;
      status =
          each(sql.arrivals, [&](sqlite3_stmt* s, TrafficRow& row) { row.offered = count(s, 2); });
      if (status) {
        status = each(sql.answers, [&](sqlite3_stmt* s, TrafficRow& row) {
          row.answered = count(s, 2);
          row.answered_wait_s = sqlite3_column_double(s, 3) / 1000.0;
          row.answered_in_threshold = count(s, 4);
        });
      }
      if (status) {
        status = each(sql.abandons,
                      [&](sqlite3_stmt* s, TrafficRow& row) { row.abandoned = count(s, 2); });
      }
    }
    if (!status) return status.error();
    std::vector<TrafficRow> out;
    out.reserve(rows.size());
    for (auto& [key, row] : rows)
      out.push_back(std::move(row));
    return out;
  });
}

}  // namespace guichet::store
