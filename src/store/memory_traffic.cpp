// MemoryStore's traffic report (detail/memory_traffic.h).
#include "store/detail/memory_traffic.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

namespace guichet::store::detail {

namespace {

// What SQLite's json_extract(data, '$.name') gives: NULL, an integer, a
// real or text (true and false are integers, arrays and objects their text).
struct SqlValue {
  enum class Type { kNull, kInteger, kReal, kText };
  Type type = Type::kNull;
  std::int64_t integer = 0;
  double real = 0;
  std::string text;
};

SqlValue json_member(const boost::json::value& data, const char* name) {
  SqlValue v;
  const boost::json::object* object = data.if_object();
  const boost::json::value* member = object ? object->if_contains(name) : nullptr;
  if (!member) return v;
  switch (member->kind()) {
    case boost::json::kind::null:
      break;
    case boost::json::kind::bool_:
      v.type = SqlValue::Type::kInteger;
      v.integer = member->get_bool() ? 1 : 0;
      break;
    case boost::json::kind::int64:
      v.type = SqlValue::Type::kInteger;
      v.integer = member->get_int64();
      break;
    case boost::json::kind::uint64:  // beyond int64: SQLite makes it a real
      v.type = SqlValue::Type::kReal;
      v.real = static_cast<double>(member->get_uint64());
      break;
    case boost::json::kind::double_:
      v.type = SqlValue::Type::kReal;
      v.real = member->get_double();
      break;
    case boost::json::kind::string:
      v.type = SqlValue::Type::kText;
      v.text = std::string(member->get_string());
      break;
    case boost::json::kind::array:
    case boost::json::kind::object:
      v.type = SqlValue::Type::kText;
      v.text = boost::json::serialize(*member);
      break;
  }
  return v;
}

// CAST(v AS TEXT), with NULL read as "" (as SqliteStore's column_text does).
// Reals as SQLite prints them: 15 significant digits and always a point.
std::string as_text(const SqlValue& v) {
  if (v.type == SqlValue::Type::kNull) return {};
  if (v.type == SqlValue::Type::kInteger) return std::to_string(v.integer);
  if (v.type == SqlValue::Type::kText) return v.text;
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.15g", v.real);
  std::string text = buffer;  // 3, 1.5, 1e+20 (JSON has no infinity nor NaN)
  if (text.find('.') != std::string::npos) return text;
  const std::size_t exponent = text.find('e');
  if (exponent == std::string::npos) return text + ".0";
  text.insert(exponent, ".0");
  return text;
}

// The value TOTAL() adds: text by its numeric prefix (0 without one).
double as_number(const SqlValue& v) {
  if (v.type == SqlValue::Type::kInteger) return static_cast<double>(v.integer);
  if (v.type == SqlValue::Type::kReal) return v.real;
  return v.type == SqlValue::Type::kText ? std::strtod(v.text.c_str(), nullptr) : 0;
}

// SQLite's `v <= limit` and `v > 0`: NULL compares to nothing, and text is
// greater than any number.
bool at_most(const SqlValue& v, std::int64_t limit) {
  if (v.type == SqlValue::Type::kNull || v.type == SqlValue::Type::kText) return false;
  return v.type == SqlValue::Type::kInteger ? v.integer <= limit
                                            : v.real <= static_cast<double>(limit);
}
bool positive(const SqlValue& v) {
  if (v.type == SqlValue::Type::kNull) return false;
  return v.type == SqlValue::Type::kText || as_number(v) > 0;
}

// By channel, accessible reception apart: the calls placed by a relay
// provider ("voice:relay") and real-time text ("chat:rtt"), as
// sqlite_traffic.cpp's GUICHET_RECEPTION.
std::string reception_key(const Interaction& it) {
  boost::json::error_code ec;
  const boost::json::value attributes = boost::json::parse(it.attributes_json, ec);
  if (ec || !attributes.is_object()) return it.channel;
  const boost::json::object& a = attributes.as_object();
  if (a.contains("relay") && !a.at("relay").is_null()) return it.channel + ":relay";
  if (const auto* mode = a.if_contains("mode");
      mode && mode->is_string() && mode->as_string() == "rtt")
    return it.channel + ":rtt";
  return it.channel;
}

// SqliteStore's traffic statements (kByQueue, kByChannel, kByAgent) in C++:
// arrivals by the interaction's enqueue time, its queue and channel as they
// are now; answers ("accepted") and abandons by the event's time, their queue
// from the event's data; agents' figures from the events naming an agent.
class TrafficCount {
 public:
  TrafficCount(const TrafficQuery& query, std::int64_t from, std::int64_t to, std::int64_t bucket)
      : query_(query), from_(from), to_(to), bucket_(bucket) {
    for (const auto& [queue, threshold] : query.thresholds)
      thresholds_[std::to_string(queue)] = threshold.count();
  }

  Status add(const std::map<std::uint64_t, Interaction>& interactions,
             const std::vector<InteractionEvent>& events) {
    if (query_.by != TrafficQuery::By::kAgent) {
      for (const auto& [id, it] : interactions) {
        if (!in_range(it.enqueued_at)) continue;
        ++row(it.enqueued_at, by_queue() ? std::to_string(it.queue_id) : reception_key(it)).offered;
      }
    }
    for (const InteractionEvent& event : events) {
      if (!in_range(event.at)) continue;
      if (Status s = add_event(interactions, event); !s) return s;
    }
    return Status::ok();
  }

  std::vector<TrafficRow> rows() && {
    std::vector<TrafficRow> out;
    out.reserve(rows_.size());
    for (auto& [key, row] : rows_) {
      row.answered_wait_s /= 1000.0;  // summed in milliseconds, as TOTAL() does
      out.push_back(std::move(row));
    }
    return out;
  }

 private:
  bool by_queue() const { return query_.by == TrafficQuery::By::kQueue; }
  bool in_range(Time t) const { return to_ms(t) >= from_ && to_ms(t) < to_; }

  TrafficRow& row(Time at, const std::string& key) {
    const std::int64_t b = (to_ms(at) - from_) / bucket_;
    TrafficRow& r = rows_[{b, key}];
    r.start = time_from_ms(from_ + b * bucket_);
    r.key = key;
    return r;
  }

  Status add_event(const std::map<std::uint64_t, Interaction>& interactions,
                   const InteractionEvent& event) {
    const std::string& type = event.type;
    const bool by_agent = query_.by == TrafficQuery::By::kAgent;
    const bool counted = by_agent ? type == "offered" || type == "accepted" || type == "rejected" ||
                                        type == "offer_timeout" || type == "completed"
                                  : type == "accepted" || type == "abandoned";
    if (!counted) return Status::ok();
    // By channel, an abandon reads nothing from the data (SQLite does not
    // parse it, so would not find it malformed either).
    const bool reads_data = by_agent || by_queue() || type != "abandoned";
    boost::json::value data;
    if (reads_data) {
      boost::json::error_code ec;
      data = boost::json::parse(event.data_json, ec);
      if (ec) return io_error("traffic: malformed JSON");
    }
    if (by_agent) {
      const SqlValue agent = json_member(data, "agent_id");
      if (!positive(agent)) return Status::ok();
      TrafficRow& r = row(event.at, as_text(agent));
      r.offers += type == "offered";
      r.accepted += type == "accepted";
      r.missed += type == "rejected" || type == "offer_timeout";
      r.completed += type == "completed";
      return Status::ok();
    }
    std::string key;
    if (by_queue()) {
      key = as_text(json_member(data, "queue_id"));
    } else {
      auto it = interactions.find(event.interaction_id);
      if (it == interactions.end()) return Status::ok();  // an inner join
      key = reception_key(it->second);
    }
    if (type == "abandoned") {
      ++row(event.at, key).abandoned;
      return Status::ok();
    }
    const SqlValue queue = json_member(data, "queue_id");
    const SqlValue waited = json_member(data, "waited_ms");
    std::int64_t threshold = -1;  // no threshold: nothing is within it
    if (queue.type != SqlValue::Type::kNull) {
      auto found = thresholds_.find(as_text(queue));
      if (found != thresholds_.end()) threshold = found->second;
    }
    TrafficRow& r = row(event.at, key);
    ++r.answered;
    if (waited.type != SqlValue::Type::kNull) r.answered_wait_s += as_number(waited);
    r.answered_in_threshold += at_most(waited, threshold);
    return Status::ok();
  }

  const TrafficQuery& query_;
  const std::int64_t from_;
  const std::int64_t to_;
  const std::int64_t bucket_;
  std::map<std::string, std::int64_t> thresholds_;                   // by queue id in decimal
  std::map<std::pair<std::int64_t, std::string>, TrafficRow> rows_;  // by bucket, key
};

}  // namespace

Result<std::vector<TrafficRow>> count_traffic(
    const TrafficQuery& query, const std::map<std::uint64_t, Interaction>& interactions,
    const std::vector<InteractionEvent>& events) {
  const std::int64_t from = to_ms(query.from);
  const std::int64_t to = to_ms(query.to);
  const std::int64_t bucket = query.bucket.count() > 0 ? query.bucket.count() : to - from;
  TrafficCount count(query, from, to, bucket);
  if (Status s = count.add(interactions, events); !s) return s.error();
  return std::move(count).rows();
}

}  // namespace guichet::store::detail
