#include "server/contact_center.h"

#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <set>

#include "core/calendar.h"
#include "core/json_format.h"
#include "core/log.h"
#include "core/text.h"
#include "routing/engine.h"
#include "server/agent_phone.h"
#include "server/detail/json_body.h"
#include "server/engine_host.h"
#include "server/event_hub.h"
#include "server/metrics.h"
#include "server/today.h"
#include "sim/simulator.h"
#include "voice/ivr.h"

namespace guichet::server {

namespace json = boost::json;
using detail::Field;
using routing::Channel;

namespace {

constexpr const char* kSkill = "skill";
constexpr const char* kQueue = "queue";
constexpr const char* kAgent = "agent";
constexpr const char* kWrapupCode = "wrapup_code";
constexpr const char* kPauseReason = "pause_reason";
constexpr const char* kCalendar = "calendar";
constexpr const char* kCannedResponse = "canned_response";
constexpr const char* kIvrFlow = "ivr_flow";
constexpr const char* kPrompt = "prompt";  // an uploaded recording (its file: the API's)

// A business calendar from its JSON: weekly hours, time zone (Europe/Paris
// unless said), French public holidays (on unless said, Alsace-Moselle's
// optional) and extra closed dates.
// "2026-11-30" → that date; nothing for anything else.
std::optional<std::chrono::year_month_day> parse_date(const std::string& text) {
  int y = 0, m = 0, d = 0;
  char extra = 0;
  // Digits and dashes only: sscanf alone would skip spaces and take signs.
  if (text.empty() || text.size() > 10 ||
      text.find_first_not_of("0123456789-") != std::string::npos ||
      std::sscanf(text.c_str(), "%d-%d-%d%c", &y, &m, &d, &extra) != 3) {
    return std::nullopt;
  }
  const std::chrono::year_month_day day{std::chrono::year{y},
                                        std::chrono::month{static_cast<unsigned>(m)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!day.ok()) return std::nullopt;
  return day;
}

std::string date_text(std::chrono::year_month_day day) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
  return text;
}

// A CSV field (RFC 4180): quoted when it holds a separator, a quote or a
// line break; a leading = + - @ is neutralised so that a spreadsheet does not
// run it as a formula.
std::string csv_field(std::string_view text) {
  std::string out(text);
  if (!out.empty() && (out[0] == '=' || out[0] == '+' || out[0] == '-' || out[0] == '@')) {
    out.insert(out.begin(), '\'');
  }
  if (out.find_first_of(",\"\r\n") == std::string::npos) return out;
  std::string quoted = "\"";
  for (char c : out) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

Result<BusinessCalendar> calendar_from(const json::object& body) {
  TimeZone zone = TimeZone::europe_paris();
  const std::string zone_name = detail::string_or(body, "time_zone", "Europe/Paris");
  if (zone_name != "Europe/Paris") {
    auto loaded = TimeZone::load(zone_name);
    if (!loaded) return invalid_argument("unknown time zone", "time_zone");
    zone = *loaded;
  }
  auto calendar = BusinessCalendar::parse(detail::string_or(body, "hours", ""), zone);
  if (!calendar) return invalid_argument(calendar.error().message, "hours");
  calendar->set_french_holidays(detail::bool_or(body, "french_holidays", true),
                                detail::bool_or(body, "alsace_moselle", false));
  if (const json::value* dates = body.if_contains("closed_dates")) {
    for (const json::value& date : dates->as_array()) {
      const std::string text = date.is_string() ? std::string(date.as_string()) : std::string();
      auto day = parse_date(text);
      if (!day) return invalid_argument("dates as YYYY-MM-DD: " + text, "closed_dates");
      calendar->add_closed_date(*day);
    }
  }
  return *calendar;
}

// A digest of a request's body that stays the same across versions and
// restarts (what an Idempotency-Key was first used for).
std::string fnv1a(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ull;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(hash));
  return out;
}

Result<std::uint64_t> id_field(const json::object& object, const char* key,
                               const std::string& where) {
  const std::int64_t value = detail::int_or(object, key, 0);
  if (value <= 0) return invalid_argument("must be a positive id", where + key);
  return static_cast<std::uint64_t>(value);
}

// The document's JSON as the API shows it: its body with id and name.
// `viewer`: an agent reading (0: a manager); a colleague's phone is theirs.
std::string document_view(const store::Document& document, std::uint64_t viewer = 0) {
  boost::system::error_code ec;
  json::value body = json::parse(document.body_json, ec);
  json::object out;
  out["id"] = document.id;
  out["name"] = document.name;
  if (!ec && body.is_object()) {
    for (const auto& [key, value] : body.as_object())
      out[key] = value;
  }
  if (document.kind == kAgent && viewer != 0 && viewer != document.id) out.erase("phone");
  if (document.kind == kQueue) {
    // The settings in force, defaults included: clients need not know them.
    const routing::QueueConfig defaults;
    auto seconds = [](Duration d) -> json::value {  // 20 rather than 2E1
      if (d.count() % 1000 == 0) return d.count() / 1000;
      return std::chrono::duration<double>(d).count();
    };
    if (!out.contains("priority")) out["priority"] = defaults.priority;
    if (!out.contains("sl_threshold_s")) out["sl_threshold_s"] = seconds(defaults.sl_threshold);
    if (!out.contains("sl_target")) out["sl_target"] = defaults.sl_target;
    if (!out.contains("strategy")) out["strategy"] = routing::to_string(defaults.strategy);
    if (!out.contains("wrapup_s")) out["wrapup_s"] = seconds(defaults.wrapup);
    if (!out.contains("accept_when_closed"))
      out["accept_when_closed"] = defaults.accept_when_closed;
    if (!out.contains("announce_every_s")) out["announce_every_s"] = 30;
    if (!out.contains("record_calls")) out["record_calls"] = false;
    if (!out.contains("recording_retention_days")) out["recording_retention_days"] = 30;
    if (out.contains("voicemail_queue_id") && !out.contains("voicemail_max_s"))
      out["voicemail_max_s"] = 120;
  }
  return json::serialize(out);
}

// ---- queues -------------------------------------------------------------------

Result<routing::QueueConfig> queue_config(const json::object& body, std::uint64_t id) {
  routing::QueueConfig config;
  config.id = id;
  auto channel = routing::channel_from_string(detail::string_or(body, "channel", ""));
  if (!channel)
    return invalid_argument("voice, callback, chat, email, sms, social or task", "channel");
  config.channel = *channel;
  if (const json::value* skills = body.if_contains("skills")) {
    for (std::size_t i = 0; i < skills->as_array().size(); ++i) {
      const std::string where = "skills[" + std::to_string(i) + "].";
      const json::value& item = skills->as_array()[i];
      if (!item.is_object()) return invalid_argument("must be an object", where);
      if (Status s = detail::check_fields(
              item.as_object(),
              {{"skill_id", json::kind::int64, true}, {"min_level", json::kind::int64, false}},
              where.substr(0, where.size() - 1));
          !s) {
        return s.error();
      }
      auto skill = id_field(item.as_object(), "skill_id", where);
      if (!skill) return skill.error();
      const auto level = detail::int_or(item.as_object(), "min_level", 1);
      if (level < 1 || level > 5) return invalid_argument("must be 1..5", where + "min_level");
      config.requirements.push_back(
          {static_cast<routing::SkillId>(*skill), static_cast<int>(level)});
    }
  }
  config.priority = static_cast<int>(detail::int_or(body, "priority", 0));
  config.sl_threshold = seconds(detail::number_or(body, "sl_threshold_s", 20));
  config.sl_target = detail::number_or(body, "sl_target", 0.8);
  auto strategy =
      routing::strategy_from_string(detail::string_or(body, "strategy", "longest_idle"));
  if (!strategy) {
    return invalid_argument("longest_idle, least_occupied, most_skilled or round_robin",
                            "strategy");
  }
  config.strategy = *strategy;
  config.wrapup = seconds(detail::number_or(body, "wrapup_s", 0));
  if (body.contains("max_wait_s"))
    config.max_wait = seconds(detail::number_or(body, "max_wait_s", 0));
  if (body.contains("max_length")) {
    const auto length = detail::int_or(body, "max_length", 0);
    if (length < 0 || length > 1'000'000)
      return invalid_argument("must be 0..1000000", "max_length");
    config.max_length = static_cast<std::uint32_t>(length);
  }
  for (auto [key, target] : {std::pair{"overflow_queue_id", &config.overflow_target},
                             std::pair{"closed_queue_id", &config.closed_target},
                             std::pair{"callback_queue_id", &config.callback_queue}}) {
    if (!body.contains(key)) continue;
    auto queue = id_field(body, key, "");
    if (!queue) return queue.error();
    *target = *queue;
  }
  if (const json::value* steps = body.if_contains("escalation")) {
    for (std::size_t i = 0; i < steps->as_array().size(); ++i) {
      const std::string where = "escalation[" + std::to_string(i) + "]";
      const json::value& item = steps->as_array()[i];
      if (!item.is_object()) return invalid_argument("must be an object", where);
      const json::object& step_json = item.as_object();
      if (Status s = detail::check_fields(step_json,
                                          {{"after_s", json::kind::double_, true},
                                           {"relax_levels", json::kind::int64, false},
                                           {"drop_skill_ids", json::kind::array, false},
                                           {"raise_priority", json::kind::int64, false}},
                                          where);
          !s) {
        return s.error();
      }
      routing::EscalationStep step;
      step.after = seconds(detail::number_or(step_json, "after_s", 0));
      step.relax_levels = static_cast<int>(detail::int_or(step_json, "relax_levels", 0));
      step.raise_priority = static_cast<int>(detail::int_or(step_json, "raise_priority", 0));
      if (const json::value* drops = step_json.if_contains("drop_skill_ids")) {
        for (const json::value& drop : drops->as_array()) {
          if (!drop.is_int64()) return invalid_argument("skill ids", where + ".drop_skill_ids");
          step.drop_skills.push_back(static_cast<routing::SkillId>(drop.as_int64()));
        }
      }
      config.escalation.push_back(step);
    }
  }
  if (body.contains("hours")) {
    auto hours = BusinessCalendar::parse(detail::string_or(body, "hours", ""));
    if (!hours) return invalid_argument(hours.error().message, "hours");
    config.hours = *hours;
  }
  config.accept_when_closed = detail::bool_or(body, "accept_when_closed", false);
  if (const auto every = detail::int_or(body, "announce_every_s", 30); every < 0 || every > 600) {
    return invalid_argument("0 (never) to 600 seconds", "announce_every_s");
  }
  if (const auto days = detail::int_or(body, "recording_retention_days", 30);
      days < 1 || days > 3650) {
    return invalid_argument("1 to 3650 days", "recording_retention_days");
  }
  if (body.contains("voicemail_queue_id")) {
    if (config.channel != routing::Channel::kVoice) {
      return invalid_argument("only voice queues take messages", "voicemail_queue_id");
    }
    if (auto queue = id_field(body, "voicemail_queue_id", ""); !queue) return queue.error();
  } else if (body.contains("voicemail_text") || body.contains("voicemail_max_s")) {
    return invalid_argument("give voicemail_queue_id too", "voicemail_queue_id");
  }
  if (utf8_length(detail::string_or(body, "voicemail_text", "")) > 500) {
    return invalid_argument("at most 500 characters", "voicemail_text");
  }
  if (const auto longest = detail::int_or(body, "voicemail_max_s", 120);
      longest < 10 || longest > 600) {
    return invalid_argument("10 to 600 seconds", "voicemail_max_s");
  }
  return config;
}

// Why a queue could end a message left in it before anyone hears it (the
// engine's closed outcome); null when it keeps them.
const char* ends_unheard(const json::object& queue) {
  if (queue.contains("max_wait_s")) return "ends what waits too long (max_wait_s)";
  if (queue.contains("max_length")) return "ends what finds it full (max_length)";
  if ((queue.contains("hours") || queue.contains("calendar_id")) &&
      !detail::bool_or(queue, "accept_when_closed", false)) {
    return "ends what comes outside its hours (accept_when_closed)";
  }
  return nullptr;
}

constexpr std::initializer_list<Field> kQueueFields = {
    {"name", json::kind::string, true},
    {"channel", json::kind::string, true},
    {"skills", json::kind::array},
    {"priority", json::kind::int64},
    {"sl_threshold_s", json::kind::double_},
    {"sl_target", json::kind::double_},
    {"strategy", json::kind::string},
    {"wrapup_s", json::kind::double_},
    {"max_wait_s", json::kind::double_},
    {"max_length", json::kind::int64},
    {"overflow_queue_id", json::kind::int64},
    {"closed_queue_id", json::kind::int64},
    {"callback_queue_id", json::kind::int64},
    {"escalation", json::kind::array},
    {"hours", json::kind::string},
    {"calendar_id", json::kind::int64},
    {"accept_when_closed", json::kind::bool_},
    // Voice queues (the voice channel reads them): position and expected
    // wait said every N s (0: never); conversations recorded (announced),
    // kept N days (voicemails too).
    {"announce_every_s", json::kind::int64},
    {"record_calls", json::kind::bool_},
    {"recording_retention_days", json::kind::int64},
    // A call this queue ends with the closed outcome (waited max_wait or
    // found it full, with no overflow queue; or came outside its hours with
    // no closed queue) leaves a message instead of being hung up on: it
    // hears voicemail_text (or a default), a beep, and is recorded up to
    // voicemail_max_s into a new interaction of voicemail_queue_id.
    {"voicemail_queue_id", json::kind::int64},
    {"voicemail_text", json::kind::string},
    {"voicemail_max_s", json::kind::int64},
};

// ---- agents ---------------------------------------------------------------------

Result<routing::AgentConfig> agent_config(const json::object& body, std::uint64_t id) {
  routing::AgentConfig config;
  config.id = id;
  if (const json::value* skills = body.if_contains("skills")) {
    for (std::size_t i = 0; i < skills->as_array().size(); ++i) {
      const std::string where = "skills[" + std::to_string(i) + "]";
      const json::value& item = skills->as_array()[i];
      if (!item.is_object()) return invalid_argument("must be an object", where);
      if (Status s = detail::check_fields(
              item.as_object(),
              {{"skill_id", json::kind::int64, true}, {"level", json::kind::int64, true}}, where);
          !s) {
        return s.error();
      }
      auto skill = id_field(item.as_object(), "skill_id", where + ".");
      if (!skill) return skill.error();
      config.skills.push_back({static_cast<routing::SkillId>(*skill),
                               static_cast<int>(detail::int_or(item.as_object(), "level", 0))});
    }
  }
  if (const json::value* capacity = body.if_contains("capacity")) {
    for (const auto& [name, slots] : capacity->as_object()) {
      auto channel = routing::channel_from_string(name);
      if (!channel) return invalid_argument("unknown channel", "capacity." + std::string(name));
      if (!slots.is_int64() || slots.as_int64() < 0 || slots.as_int64() > 255) {
        return invalid_argument("slots must be 0..255", "capacity." + std::string(name));
      }
      config.capacity[static_cast<int>(*channel)] = static_cast<int>(slots.as_int64());
    }
  }
  // Checked and normalised when written (put_document): a profile stored
  // before the check existed still loads.
  config.phone = detail::string_or(body, "phone", "");
  config.voice_exclusive = detail::bool_or(body, "voice_exclusive", true);
  return config;
}

constexpr std::initializer_list<Field> kAgentFields = {
    {"skills", json::kind::array},
    {"capacity", json::kind::object},
    {"phone", json::kind::string},
    {"voice_exclusive", json::kind::bool_},
};

// The engine names fields as its model does; the API, as its JSON does.
Error in_api_terms(Error error) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"overflow_target", "overflow_queue_id"},
      {"closed_target", "closed_queue_id"},
      {"callback_queue", "callback_queue_id"},
      {"sl_threshold", "sl_threshold_s"},
      {"max_wait", "max_wait_s"},
      {"wrapup", "wrapup_s"},
      {"requirements", "skills"}};
  for (const auto& [engine, api] : kNames) {
    if (error.field == engine) error.field = api;
  }
  return error;
}

// The stored body: the request without its name.
std::string body_without_name(json::object object) {
  object.erase("name");
  return json::serialize(object);
}

// ---- events -----------------------------------------------------------------------

std::string event_type(const routing::Event& e) {
  if (e.type == routing::EventType::kOverflowed && e.to_queue == 0) return "closed";
  return routing::to_string(e.type);
}

store::InteractionEvent to_stored(const routing::Event& e) {
  store::InteractionEvent stored;
  stored.interaction_id = e.interaction;
  stored.at = e.at;
  stored.type = event_type(e);
  std::string data = "{\"queue_id\":" + std::to_string(e.queue);
  if (e.agent) data += ",\"agent_id\":" + std::to_string(e.agent);
  if (e.offer) data += ",\"offer_id\":" + std::to_string(e.offer);
  if (e.to_queue) data += ",\"to_queue_id\":" + std::to_string(e.to_queue);
  if (e.to_agent) data += ",\"to_agent_id\":" + std::to_string(e.to_agent);
  if (e.stage) data += ",\"stage\":" + std::to_string(e.stage);
  data += ",\"priority\":" + std::to_string(e.priority);
  data += ",\"waited_ms\":" + std::to_string(e.waited.count());
  if (!e.reason.empty()) data += ",\"reason\":" + json_quote(e.reason);
  if (e.type == routing::EventType::kOffered) {
    data += ",\"deadline\":" + json_quote(iso8601(e.deadline));
  }
  stored.data_json = data + "}";
  if (e.type == routing::EventType::kQueued) {
    stored.queue_id = e.queue;
    stored.channel = routing::to_string(e.channel);
  }
  return stored;
}

// An engine event as the WebSocket clients receive it (the hub adds "id").
std::string live_json(const routing::Event& e) {
  std::string out =
      "{\"type\":" + json_quote(event_type(e)) + ",\"at\":" + json_quote(iso8601(e.at));
  if (e.interaction) {
    out += ",\"interaction_id\":" + std::to_string(e.interaction) +
           ",\"channel\":" + json_quote(routing::to_string(e.channel)) +
           ",\"citizen_id\":" + std::to_string(e.citizen) +
           ",\"waited_ms\":" + std::to_string(e.waited.count());
  }
  if (e.agent) out += ",\"agent_id\":" + std::to_string(e.agent);
  if (e.queue) out += ",\"queue_id\":" + std::to_string(e.queue);
  if (e.offer) out += ",\"offer_id\":" + std::to_string(e.offer);
  if (e.to_queue) out += ",\"to_queue_id\":" + std::to_string(e.to_queue);
  if (e.to_agent) out += ",\"to_agent_id\":" + std::to_string(e.to_agent);
  if (e.type == routing::EventType::kOffered)
    out += ",\"deadline\":" + json_quote(iso8601(e.deadline));
  if (e.type == routing::EventType::kAgentState) {
    out += ",\"state\":" + json_quote(routing::to_string(e.agent_state));
  }
  if (!e.reason.empty()) out += ",\"reason\":" + json_quote(e.reason);
  return out + "}";
}

// Keeps the engine's events in the store, in order, without making the
// engine wait for the disk. enqueue() returns a ticket; wait(ticket) returns
// once everything up to it is durable.
class EventWriter {
 public:
  explicit EventWriter(store::Store& store) : store_(store) {}
  ~EventWriter() {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return settled_ == enqueued_; });
  }

  // Called in the engine's order (under the engine's lock).
  std::uint64_t enqueue(std::vector<store::InteractionEvent> events) {
    const std::uint64_t count = events.size();
    std::uint64_t ticket = 0;
    // Tickets in the order the store receives the events: callers outside
    // the engine's lock (a completion's note) race with the engine's.
    std::lock_guard submitting(submit_mutex_);
    {
      std::lock_guard lock(mutex_);
      enqueued_ += count;
      ticket = enqueued_;
    }
    // Not under mutex_: the store may call back at once (when closing).
    store_.append_events_async(std::move(events), [this, count](Status status) {
      std::vector<std::pair<std::function<void(Status)>, Status>> ready;
      {
        std::lock_guard lock(mutex_);
        if (status) {
          written_ += count;
        } else {
          log::error("events not stored", "\"error\":" + json_quote(status.to_string()));
          failure_ = status;
        }
        while (!waiters_.empty() && (waiters_.begin()->first <= written_ || !failure_.is_ok())) {
          auto waiter = waiters_.extract(waiters_.begin());
          ready.emplace_back(std::move(waiter.mapped()),
                             waiter.key() <= written_ ? Status::ok() : failure_);
        }
      }
      for (auto& [then, result] : ready)
        then(result);
      std::lock_guard lock(mutex_);
      settled_ += count;  // after the waiters ran: the destructor waits for this
      done_.notify_all();
    });
    return ticket;
  }

  std::uint64_t ticket() {
    std::lock_guard lock(mutex_);
    return enqueued_;
  }

  Status wait(std::uint64_t ticket) {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return written_ >= ticket || !failure_.is_ok(); });
    return written_ >= ticket ? Status::ok() : failure_;
  }

  // Calls `then` once everything up to `ticket` is durable (at once if it
  // is), on the store's thread otherwise; with the failure if writing failed.
  void when_written(std::uint64_t ticket, std::function<void(Status)> then) {
    std::unique_lock lock(mutex_);
    if (written_ >= ticket || !failure_.is_ok()) {
      const Status result = written_ >= ticket ? Status::ok() : failure_;
      lock.unlock();
      then(result);
      return;
    }
    waiters_.emplace(ticket, std::move(then));
  }

 private:
  store::Store& store_;
  std::mutex submit_mutex_;  // never taken by the store's callback
  std::mutex mutex_;
  std::condition_variable done_;
  std::uint64_t enqueued_ = 0;  // guarded by mutex_
  std::uint64_t settled_ = 0;   // guarded by mutex_: written or failed
  std::uint64_t written_ = 0;   // guarded by mutex_
  Status failure_;              // guarded by mutex_
  std::multimap<std::uint64_t, std::function<void(Status)>> waiters_;  // guarded by mutex_
};

struct PendingOffer {
  std::uint64_t interaction = 0;
  std::uint64_t agent = 0;
  std::uint64_t queue = 0;
  Channel channel = Channel::kVoice;
  std::uint64_t citizen = 0;
  Time deadline{};
};

}  // namespace

class ContactCenter::Impl {
 public:
  Impl(store::Store& store, EventHub& hub, Metrics& metrics, Clock clock)
      : store_(store),
        hub_(hub),
        writer_(store),
        clock_(clock),
        engine_(
            routing::EngineConfig{}, std::move(clock),
            [this](const std::vector<routing::Event>& events) { on_events(events); },
            [&metrics](std::chrono::nanoseconds took) {
              metrics.observe_routing(std::chrono::duration<double>(took).count());
            }) {}

  Status load() {
    for (const char* kind : {kQueue, kAgent}) {
      auto documents = store_.documents(kind);
      if (!documents) return documents.status();
      // Queues may name others (overflow…): apply those without targets first.
      for (int pass = 0; pass < 2; ++pass) {
        for (const store::Document& document : *documents) {
          if (Status s = apply(document, pass == 0); !s && pass == 1) {
            log::warning("configuration not applied",
                         "\"kind\":" + json_quote(kind) + ",\"id\":" + std::to_string(document.id) +
                             ",\"error\":" + json_quote(s.to_string()));
          }
        }
      }
    }
    auto open = store_.open_interactions();
    if (!open) return open.status();
    recovering_ = true;
    for (const store::Interaction& it : *open) {
      Status s = arrive(it);
      if (!s) {
        log::warning("interaction not resumed",
                     "\"id\":" + std::to_string(it.id) + ",\"error\":" + json_quote(s.to_string()));
      }
    }
    recovering_ = false;
    return Status::ok();
  }

  // ---- configuration ----------------------------------------------------------

  Result<std::string> create(const std::string& kind, const std::string& body, std::uint64_t user) {
    if (kind == kAgent)
      return invalid_argument("agents are created with PUT on their user id", "id");
    return put_document(kind, 0, body, user);
  }

  Result<std::string> put(const std::string& kind, std::uint64_t id, const std::string& body,
                          std::uint64_t user) {
    if (kind != kAgent) {
      auto existing = store_.document(kind, id);
      if (!existing) return existing.error();
    }
    return put_document(kind, id, body, user);
  }

  Result<std::string> get(const std::string& kind, std::uint64_t id, std::uint64_t viewer) {
    auto document = store_.document(kind, id);
    if (!document) return document.error();
    return document_view(*document, viewer);
  }

  Result<std::string> list(const std::string& kind, std::uint64_t viewer) {
    auto documents = store_.documents(kind);
    if (!documents) return documents.error();
    std::string out = "[";
    for (std::size_t i = 0; i < documents->size(); ++i) {
      if (i > 0) out += ",";
      out += document_view((*documents)[i], viewer);
    }
    return out + "]";
  }

  Status remove(const std::string& kind, std::uint64_t id, std::uint64_t user) {
    std::lock_guard lock(config_mutex_);
    auto existing = store_.document(kind, id);
    if (!existing) return existing.status();
    if (kind == kQueue) {
      auto keeping = queues_naming("voicemail_queue_id", id);
      if (!keeping) return keeping.status();
      std::erase_if(*keeping, [id](const store::Document& q) { return q.id == id; });
      if (!keeping->empty()) {
        return failed_precondition("queue " + keeping->front().name + " leaves its messages here",
                                   "id");
      }
      if (Status s =
              engine_.run([id](routing::Engine& e, Time now) { return e.remove_queue(now, id); });
          !s) {
        return s;
      }
    } else if (kind == kSkill) {
      if (Status s = skill_unused(id); !s) return s;
    } else if (kind == kCalendar) {
      auto queues = queues_naming("calendar_id", id);
      if (!queues) return queues.status();
      if (!queues->empty()) {
        return failed_precondition("queue " + queues->front().name + " follows this calendar",
                                   "id");
      }
    } else if (kind == kAgent) {
      return failed_precondition("an agent profile stays; set its capacities to 0", "id");
    }
    if (kind == kQueue || kind == kCalendar || kind == kPrompt) {
      auto flows = store_.documents(kIvrFlow);
      if (!flows) return flows.status();
      const std::string field = kind == kQueue      ? "queue_id"
                                : kind == kCalendar ? "calendar_id"
                                                    : "audio_id";
      for (const store::Document& flow : *flows) {
        boost::system::error_code ec;
        json::value body = json::parse(flow.body_json, ec);
        const json::value* steps =
            body.is_object() ? body.as_object().if_contains("steps") : nullptr;
        if (!steps || !steps->is_array()) continue;
        for (const json::value& step : steps->as_array()) {
          if (step.is_object() &&
              detail::int_or(step.as_object(), field.c_str(), 0) == static_cast<std::int64_t>(id)) {
            return failed_precondition("the IVR flow " + flow.name + " uses it", "id");
          }
        }
      }
    }
    Status removed = store_.delete_document(kind, id, user, now());
    if (removed && kind == kQueue) {
      std::lock_guard stats(stats_mutex_);
      queue_names_.erase(id);
      queue_channels_.erase(id);
    }
    if (removed) notify_config(kind);
    return removed;
  }

  // ---- agents ----------------------------------------------------------------------

  Result<std::string> set_agent_state(std::uint64_t agent, const std::string& body) {
    auto object = detail::parse_object(
        body, {{"state", json::kind::string, true}, {"reason", json::kind::string, false}});
    if (!object) return object.error();
    auto state = routing::agent_state_from_string(detail::string_or(*object, "state", ""));
    if (!state) return invalid_argument("available, paused or offline", "state");
    std::string reason = detail::string_or(*object, "reason", "");
    if (*state == routing::AgentState::kPaused && reason.empty()) reason = "pause";
    if (reason.size() > 64) return invalid_argument("at most 64 characters", "reason");
    if (*state == routing::AgentState::kPaused) {
      if (Status s = one_of(kPauseReason, reason, "reason"); !s) return s.error();
    }
    Status status = engine_.run([&](routing::Engine& e, Time now) {
      return e.set_agent_state(now, agent, *state, reason);
    });
    if (!status) {
      if (status.error().code == ErrorCode::kNotFound) {
        return not_found("no agent profile for this user", "id");
      }
      return status.error();
    }
    return agent_status(agent);
  }

  // ---- interactions ----------------------------------------------------------------

  // Validates here, then stores and routes on the store's thread: no thread
  // waits for the disk, so creates are limited by group commit, not by a
  // thread per pending create.
  void create_interaction_async(const std::string& body, CreateDone done,
                                std::string idempotency_key = {}) {
    auto object = detail::parse_object(body, {{"channel", json::kind::string, true},
                                              {"queue_id", json::kind::int64, true},
                                              {"citizen_id", json::kind::int64, false},
                                              {"priority", json::kind::int64, false},
                                              {"attributes", json::kind::object, false}});
    if (!object) return done(object.error());
    store::Interaction it;
    it.channel = detail::string_or(*object, "channel", "");
    auto channel = routing::channel_from_string(it.channel);
    if (!channel) return done(invalid_argument("unknown channel", "channel"));
    auto queue = id_field(*object, "queue_id", "");
    if (!queue) return done(queue.error());
    it.queue_id = *queue;
    it.citizen_id = static_cast<std::uint64_t>(
        std::max<std::int64_t>(0, detail::int_or(*object, "citizen_id", 0)));
    const auto priority = detail::int_or(*object, "priority", 0);
    if (priority < -1000 || priority > 1000)
      return done(invalid_argument("must be -1000..1000", "priority"));
    it.priority = static_cast<int>(priority);
    if (const json::value* attributes = object->if_contains("attributes")) {
      if (Status s = check_attributes(attributes->as_object()); !s) return done(s.error());
      it.attributes_json = json::serialize(*attributes);
    }
    // Refuse before writing what the engine would refuse. (The store checks
    // the citizen and follows a merge.)
    if (Status s = check_queue(it.queue_id, *channel); !s) return done(s.error());
    if (!idempotency_key.empty()) {
      it.idempotency_key = std::move(idempotency_key);
      it.request_digest = fnv1a(body);
    }
    it.enqueued_at = now();
    store::InteractionEvent created;
    created.type = "created";
    created.at = it.enqueued_at;
    created.data_json = "{\"queue_id\":" + std::to_string(it.queue_id) + "}";
    // Counted until answered: a stop waits for them (drain) before the
    // engine and the server go away.
    {
      std::lock_guard lock(in_flight_mutex_);
      ++in_flight_;
    }
    CreateDone answer = [this, done = std::move(done)](Result<std::string> view) {
      done(std::move(view));
      std::lock_guard lock(in_flight_mutex_);
      if (--in_flight_ == 0) in_flight_done_.notify_all();
    };
    store_.create_interaction_async(
        std::move(it), std::move(created),
        [this, answer = std::move(answer)](Result<store::Interaction> stored) mutable {
          if (!stored) return answer(stored.error());
          if (stored->replayed) return answer(interaction_view(*stored));  // routed the first time
          routed(*stored, std::move(answer));
        });
  }

  // An interaction's attributes are a few strings (what the IVR collected, a
  // form's reference): bounded, so that no client fills the disk or makes a
  // list of 500 interactions weigh hundreds of megabytes.
  static constexpr std::size_t kMaxAttributes = 50;
  static constexpr std::size_t kMaxAttributeKey = 64;
  static constexpr std::size_t kMaxAttributeValue = 2000;  // characters
  static constexpr std::size_t kMaxAttributesBytes = 16 * 1024;
  static Status check_attributes(const json::object& attributes) {
    if (attributes.size() > kMaxAttributes) {
      return invalid_argument("at most " + std::to_string(kMaxAttributes) + " attributes",
                              "attributes");
    }
    std::size_t bytes = 0;
    for (const auto& [key, value] : attributes) {
      const std::string field = "attributes." + std::string(key);
      if (key.empty() || key.size() > kMaxAttributeKey) {
        return invalid_argument("names of 1 to 64 characters", "attributes");
      }
      if (!value.is_string()) return invalid_argument("attribute values are strings", field);
      if (utf8_length(value.as_string()) > kMaxAttributeValue) {
        return invalid_argument("at most 2000 characters", field);
      }
      bytes += key.size() + value.as_string().size();
    }
    if (bytes > kMaxAttributesBytes) return invalid_argument("at most 16 KiB in all", "attributes");
    return Status::ok();
  }

  // Waits (up to a minute) for the creates being stored to be answered.
  void drain() {
    std::unique_lock lock(in_flight_mutex_);
    in_flight_done_.wait_for(lock, std::chrono::minutes(1), [this] { return in_flight_ == 0; });
  }

  Result<std::string> create_interaction(const std::string& body, std::string idempotency_key) {
    std::promise<Result<std::string>> promise;
    std::future<Result<std::string>> answer = promise.get_future();
    create_interaction_async(
        body, [&promise](Result<std::string> view) { promise.set_value(std::move(view)); },
        std::move(idempotency_key));
    return answer.get();
  }

  Result<std::string> interaction(std::uint64_t id) {
    auto it = store_.interaction(id);
    if (!it) return it.error();
    auto timeline = store_.timeline(id);
    if (!timeline) return timeline.error();
    std::string out = interaction_view(*it);
    out.pop_back();
    out += ",\"timeline\":[";
    for (std::size_t i = 0; i < timeline->size(); ++i) {
      const store::InteractionEvent& e = (*timeline)[i];
      if (i > 0) out += ",";
      out += "{\"sequence\":" + std::to_string(e.sequence) +
             ",\"at\":" + json_quote(iso8601(e.at)) + ",\"type\":" + json_quote(e.type) +
             ",\"data\":" + e.data_json + "}";
    }
    return out + "]}";
  }

  Result<std::string> list_interactions(const store::InteractionFilter& filter) {
    auto found = store_.list_interactions(filter);
    if (!found) return found.error();
    const std::vector<std::string> views = interaction_views(*found);
    std::string out = "{\"interactions\":[";
    for (std::size_t i = 0; i < views.size(); ++i) {
      if (i > 0) out += ",";
      out += views[i];
    }
    out += "]";
    if (found->size() == filter.limit && !found->empty()) {
      out += ",\"next_before_id\":" + std::to_string(found->back().id);
    }
    return out + "}";
  }

  Result<std::string> transfer(std::uint64_t interaction, std::uint64_t caller, bool manager,
                               const std::string& body) {
    auto object = detail::parse_object(body, {{"queue_id", json::kind::int64, false},
                                              {"agent_id", json::kind::int64, false},
                                              {"timeout_s", json::kind::double_, false}});
    if (!object) return object.error();
    const bool to_queue = object->contains("queue_id");
    if (to_queue == object->contains("agent_id")) {
      return invalid_argument("give queue_id or agent_id", "queue_id");
    }
    auto target = id_field(*object, to_queue ? "queue_id" : "agent_id", "");
    if (!target) return target.error();
    const double timeout_s = detail::number_or(*object, "timeout_s", 30);
    if (!(timeout_s > 0 && timeout_s <= 3600))
      return invalid_argument("must be 0..3600", "timeout_s");
    Status status = engine_.run([&](routing::Engine& e, Time now) -> Status {
      auto current = e.interaction(interaction);
      if (!current) return not_found("no such interaction in progress", "id");
      if (!manager && current->agent != caller) {
        return failed_precondition("you are not handling this interaction", "id");
      }
      return to_queue ? e.transfer_to_queue(now, interaction, *target)
                      : e.transfer_to_agent(now, interaction, *target, seconds(timeout_s));
    });
    if (!status) return in_api_terms(status.error());
    if (Status s = writer_.wait(writer_.ticket()); !s) return s.error();
    return std::string(R"({"status":"transferred"})");
  }

  Status request_callback(std::uint64_t interaction) {
    Status status = engine_.run(
        [&](routing::Engine& e, Time now) { return e.request_callback(now, interaction); });
    if (!status)
      return status.error().code == ErrorCode::kNotFound && status.error().field == "interaction"
                 ? Status(not_found("no such interaction in progress", "id"))
                 : status;
    return writer_.wait(writer_.ticket());
  }

  Status abandon(std::uint64_t interaction) {
    Status status =
        engine_.run([&](routing::Engine& e, Time now) { return e.abandon(now, interaction); });
    if (!status)
      return status.error().code == ErrorCode::kNotFound
                 ? Status(not_found("no such interaction in progress", "id"))
                 : status;
    return writer_.wait(writer_.ticket());
  }

  Result<std::string> complete(std::uint64_t interaction, std::uint64_t agent,
                               const std::string& body) {
    auto object = detail::parse_object(
        body, {{"wrapup_code", json::kind::string, false}, {"note", json::kind::string, false}});
    if (!object) return object.error();
    const std::string code = detail::string_or(*object, "wrapup_code", "");
    const std::string note = detail::string_or(*object, "note", "");
    if (code.size() > 64) return invalid_argument("at most 64 characters", "wrapup_code");
    if (Status s = one_of(kWrapupCode, code, "wrapup_code"); !s) return s.error();
    if (utf8_length(note) > 4000) return invalid_argument("at most 4000 characters", "note");
    Status status = engine_.run([&](routing::Engine& e, Time now) -> Status {
      auto status_now = e.interaction(interaction);
      if (!status_now) return not_found("no such interaction in progress", "id");
      if (status_now->agent != agent || status_now->phase != routing::InteractionPhase::kActive) {
        return failed_precondition("you are not handling this interaction", "id");
      }
      return e.complete(now, interaction, code);
    });
    if (!status) return status.error();
    if (!note.empty()) {
      store::InteractionEvent event;
      event.interaction_id = interaction;
      event.type = "note";
      event.at = now();
      event.data_json =
          "{\"agent_id\":" + std::to_string(agent) + ",\"note\":" + json_quote(note) + "}";
      writer_.enqueue({event});
    }
    if (Status s = writer_.wait(writer_.ticket()); !s) return s.error();
    return std::string(R"({"status":"completed"})");
  }

  // A message in an interaction's conversation: from the citizen (brought by
  // an integration: a web chat, a messaging bridge — supervisor or admin
  // tokens) or from the agent handling it. Stored in the timeline, then
  // pushed to the agent and supervisors (and so to the integration, which
  // delivers the agent's replies).
  Result<std::string> post_message(std::uint64_t interaction, std::uint64_t caller, bool manager,
                                   const std::string& body) {
    auto object = detail::parse_object(
        body, {{"text", json::kind::string, true}, {"from", json::kind::string, false}});
    if (!object) return object.error();
    const std::string text = detail::string_or(*object, "text", "");
    const std::string from = detail::string_or(*object, "from", "agent");
    if (text.empty() || utf8_length(text) > 4000) {
      return invalid_argument("1 to 4000 characters", "text");
    }
    if (from != "agent" && from != "citizen") return invalid_argument("agent or citizen", "from");
    if (from == "citizen" && !manager) {
      return failed_precondition("the citizen's messages come from an integration", "from");
    }
    std::optional<routing::InteractionStatus> status;
    engine_.inspect([&](const routing::Engine& e) { status = e.interaction(interaction); });
    if (!status) {
      if (!store_.interaction(interaction)) return not_found("no such interaction", "id");
      return failed_precondition("the interaction has ended", "id");
    }
    if (from == "agent" && !manager &&
        (status->agent != caller || status->phase != routing::InteractionPhase::kActive)) {
      return failed_precondition("you are not handling this interaction", "id");
    }
    store::InteractionEvent event;
    event.interaction_id = interaction;
    event.type = "message";
    event.at = now();
    const std::uint64_t author = from == "agent" ? caller : 0;
    event.data_json = "{\"from\":\"" + from + "\",\"agent_id\":" + std::to_string(author) +
                      ",\"text\":" + json_quote(text) + "}";
    if (Status s = writer_.wait(writer_.enqueue({event})); !s) return s.error();
    const std::string message =
        "{\"type\":\"message\",\"at\":" + json_quote(iso8601(event.at)) +
        ",\"interaction_id\":" + std::to_string(interaction) +
        ",\"channel\":" + json_quote(routing::to_string(status->channel)) + ",\"from\":\"" + from +
        "\",\"text\":" + json_quote(text) +
        (status->agent ? ",\"agent_id\":" + std::to_string(status->agent) : std::string()) +
        ",\"queue_id\":" + std::to_string(status->queue) + "}";
    hub_.publish(status->agent, status->queue, message);
    return "{\"interaction_id\":" + std::to_string(interaction) +
           ",\"at\":" + json_quote(iso8601(event.at)) + ",\"from\":\"" + from +
           "\",\"text\":" + json_quote(text) + "}";
  }

  // Returns when it happened, as written.
  Time note(std::uint64_t interaction, const std::string& type, const std::string& data_json) {
    store::InteractionEvent event;
    event.interaction_id = interaction;
    event.type = type;
    event.at = now();
    event.data_json = data_json;
    writer_.enqueue({event});
    return event.at;
  }

  // A call's state for the call card: in the timeline, and pushed live.
  void note_call(std::uint64_t interaction, std::uint64_t agent, const std::string& state) {
    std::optional<routing::InteractionStatus> status;
    engine_.inspect([&](const routing::Engine& e) { status = e.interaction(interaction); });
    const Time at =
        note(interaction, "call",
             "{\"state\":" + json_quote(state) + ",\"agent_id\":" + std::to_string(agent) + "}");
    const std::uint64_t queue = status ? status->queue : 0;
    hub_.publish(agent, queue,
                 "{\"type\":\"call\",\"at\":" + json_quote(iso8601(at)) + ",\"interaction_id\":" +
                     std::to_string(interaction) + ",\"agent_id\":" + std::to_string(agent) +
                     ",\"queue_id\":" + std::to_string(queue) + ",\"state\":" + json_quote(state) +
                     "}");
  }

  // ---- what an agent may see ---------------------------------------------------------

  void set_phone_policy(PhonePolicy policy) {
    std::lock_guard lock(phone_policy_mutex_);
    phone_policy_ = std::move(policy);
  }

  bool agent_involved(std::uint64_t interaction, std::uint64_t agent) {
    bool now_theirs = false;
    engine_.inspect([&](const routing::Engine& e) {
      auto status = e.interaction(interaction);
      now_theirs = status && status->agent == agent;
    });
    if (now_theirs) return true;
    // Once theirs: offered to them, accepted, handled (its timeline says).
    auto timeline = store_.timeline(interaction);
    if (!timeline) return false;
    for (const store::InteractionEvent& e : *timeline) {
      boost::system::error_code ec;
      json::value data = json::parse(e.data_json, ec);
      if (!ec && data.is_object() &&
          detail::int_or(data.as_object(), "agent_id", 0) == static_cast<std::int64_t>(agent)) {
        return true;
      }
    }
    return false;
  }

  bool agent_serves_citizen(std::uint64_t citizen, std::uint64_t agent) {
    if (citizen == 0) return false;
    std::vector<std::uint64_t> interactions;
    {
      std::lock_guard lock(offers_mutex_);
      for (const auto& [offer, pending] : offers_) {
        if (pending.agent == agent) interactions.push_back(pending.interaction);
      }
      if (auto found = held_.find(agent); found != held_.end()) {
        interactions.insert(interactions.end(), found->second.begin(), found->second.end());
      }
    }
    // held_ may still name what ended (see agent_interactions): the engine says.
    engine_.inspect([&](const routing::Engine& e) {
      std::erase_if(interactions, [&](std::uint64_t id) {
        auto status = e.interaction(id);
        return !status || status->agent != agent;
      });
    });
    // A merged citizen answers for the one it went into, and the other way.
    auto asked = store_.citizen(citizen);
    const std::uint64_t kept = asked && asked->merged_into ? asked->merged_into : citizen;
    for (std::uint64_t id : interactions) {
      auto it = store_.interaction(id);
      if (!it || it->citizen_id == 0) continue;
      if (it->citizen_id == citizen || it->citizen_id == kept) return true;
      auto theirs = store_.citizen(it->citizen_id);
      if (theirs && theirs->merged_into == kept) return true;
    }
    return false;
  }

  // ---- citizens ---------------------------------------------------------------------

  // Phone numbers keep their digits and a leading +; emails are lower case.
  static Result<store::Contact> contact_from(const json::object& object, const std::string& where) {
    if (Status s = detail::check_fields(
            object, {{"kind", json::kind::string, true}, {"value", json::kind::string, true}},
            where);
        !s) {
      return s.error();
    }
    store::Contact contact{detail::string_or(object, "kind", ""),
                           detail::string_or(object, "value", "")};
    if (contact.kind == "phone") {
      auto number = e164(contact.value);  // one form, whatever way it was typed
      if (!number) return invalid_argument("not a phone number", where + ".value");
      contact.value = *number;
    } else if (contact.kind == "email") {
      for (char& c : contact.value)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (contact.value.find('@') == std::string::npos) {
        return invalid_argument("not an email address", where + ".value");
      }
    } else if (contact.kind != "social" && contact.kind != "web") {
      return invalid_argument("phone, email, social or web", where + ".kind");
    }
    if (contact.value.empty() || contact.value.size() > 200) {
      return invalid_argument("1 to 200 characters", where + ".value");
    }
    return contact;
  }

  static std::string citizen_view(const store::Citizen& citizen) {
    std::string out = "{\"id\":" + std::to_string(citizen.id) +
                      ",\"name\":" + json_quote(citizen.name) +
                      ",\"created_at\":" + json_quote(iso8601(citizen.created_at));
    if (citizen.merged_into) out += ",\"merged_into\":" + std::to_string(citizen.merged_into);
    out += ",\"contacts\":[";
    for (std::size_t i = 0; i < citizen.contacts.size(); ++i) {
      if (i > 0) out += ",";
      out += "{\"kind\":" + json_quote(citizen.contacts[i].kind) +
             ",\"value\":" + json_quote(citizen.contacts[i].value) + "}";
    }
    return out + "]}";
  }

  Result<std::string> create_citizen(const std::string& body) {
    auto object = detail::parse_object(
        body, {{"name", json::kind::string, true}, {"contacts", json::kind::array, false}});
    if (!object) return object.error();
    store::Citizen citizen;
    citizen.name = detail::string_or(*object, "name", "");
    if (citizen.name.empty() || citizen.name.size() > 200) {
      return invalid_argument("1 to 200 characters", "name");
    }
    if (const json::value* contacts = object->if_contains("contacts")) {
      for (std::size_t i = 0; i < contacts->as_array().size(); ++i) {
        const std::string where = "contacts[" + std::to_string(i) + "]";
        const json::value& item = contacts->as_array()[i];
        if (!item.is_object()) return invalid_argument("must be an object", where);
        auto contact = contact_from(item.as_object(), where);
        if (!contact) return contact.error();
        citizen.contacts.push_back(std::move(*contact));
      }
    }
    citizen.created_at = now();
    auto created = store_.create_citizen(citizen);
    if (!created) return created.error();
    return citizen_view(*created);
  }

  Result<std::string> find_citizens(const std::string& query) {
    // A number is found however it is typed (06 12…, +33 6…).
    const std::optional<std::string> number = e164(query);
    auto found = store_.find_citizens(number ? *number : query, 50);
    if (!found) return found.error();
    std::string out = "[";
    for (std::size_t i = 0; i < found->size(); ++i) {
      if (i > 0) out += ",";
      out += citizen_view((*found)[i]);
    }
    return out + "]";
  }

  Result<std::string> citizen(std::uint64_t id) {
    auto citizen = store_.citizen(id);
    if (!citizen) return citizen.error();
    store::InteractionFilter filter;
    filter.citizen_id = citizen->merged_into ? citizen->merged_into : id;
    filter.limit = 200;
    auto interactions = store_.list_interactions(filter);
    if (!interactions) return interactions.error();
    std::string out = citizen_view(*citizen);
    out.pop_back();
    out += ",\"interactions\":[";
    for (std::size_t i = 0; i < interactions->size(); ++i) {
      const store::Interaction& it = (*interactions)[i];
      std::string outcome, notes = "[";
      if (auto timeline = store_.timeline(it.id)) {
        for (const store::InteractionEvent& e : *timeline) {
          boost::system::error_code ec;
          json::value data = json::parse(e.data_json, ec);
          if (ec || !data.is_object()) continue;
          if (e.type == "completed") outcome = detail::string_or(data.as_object(), "reason", "");
          if (e.type == "note") {
            if (notes.size() > 1) notes += ",";
            notes +=
                "{\"at\":" + json_quote(iso8601(e.at)) +
                ",\"agent_id\":" + std::to_string(detail::int_or(data.as_object(), "agent_id", 0)) +
                ",\"note\":" + json_quote(detail::string_or(data.as_object(), "note", "")) + "}";
          }
        }
      }
      if (i > 0) out += ",";
      out += "{\"id\":" + std::to_string(it.id) + ",\"channel\":" + json_quote(it.channel) +
             ",\"queue_id\":" + std::to_string(it.queue_id) +
             ",\"status\":" + json_quote(it.status) +
             ",\"enqueued_at\":" + json_quote(iso8601(it.enqueued_at));
      if (it.ended_at) out += ",\"ended_at\":" + json_quote(iso8601(*it.ended_at));
      out += ",\"wrapup_code\":" + json_quote(outcome) + ",\"notes\":" + notes + "]}";
    }
    return out + "]}";
  }

  Result<std::string> add_contact(std::uint64_t citizen, const std::string& body) {
    auto object = detail::parse_object(
        body, {{"kind", json::kind::string, true}, {"value", json::kind::string, true}});
    if (!object) return object.error();
    auto contact = contact_from(*object, "");
    if (!contact) {
      Error error = contact.error();
      if (!error.field.empty() && error.field[0] == '.') error.field.erase(0, 1);
      return error;
    }
    if (Status s = store_.add_contact(citizen, *contact); !s) return s.error();
    return this->citizen(citizen);
  }

  Result<std::string> merge_citizens(std::uint64_t keep, const std::string& body) {
    auto object = detail::parse_object(body, {{"duplicate_id", json::kind::int64, true}});
    if (!object) return object.error();
    auto duplicate = id_field(*object, "duplicate_id", "");
    if (!duplicate) return duplicate.error();
    if (Status s = store_.merge_citizens(keep, *duplicate); !s) return s.error();
    return citizen(keep);
  }

  // ---- offers -------------------------------------------------------------------------

  Result<std::string> offers(std::uint64_t agent) {
    std::vector<std::pair<std::uint64_t, PendingOffer>> mine;
    {
      std::lock_guard lock(offers_mutex_);
      for (const auto& [offer, pending] : offers_) {
        if (pending.agent == agent) mine.emplace_back(offer, pending);
      }
    }
    // The citizen's name, read outside the lock: the agent sees who it is.
    std::string out = "[";
    for (std::size_t i = 0; i < mine.size(); ++i) {
      const auto& [offer, pending] = mine[i];
      std::string citizen_name;
      if (pending.citizen != 0) {
        if (auto citizen = store_.citizen(pending.citizen)) citizen_name = citizen->name;
      }
      if (i > 0) out += ",";
      out += "{\"id\":" + std::to_string(offer) +
             ",\"interaction_id\":" + std::to_string(pending.interaction) +
             ",\"queue_id\":" + std::to_string(pending.queue) +
             ",\"channel\":" + json_quote(routing::to_string(pending.channel)) +
             ",\"citizen_id\":" + std::to_string(pending.citizen) +
             ",\"citizen_name\":" + json_quote(citizen_name) +
             ",\"deadline\":" + json_quote(iso8601(pending.deadline)) + "}";
    }
    return out + "]";
  }

  Status answer_offer(std::uint64_t offer, std::uint64_t agent, bool accept) {
    {
      std::lock_guard lock(offers_mutex_);
      auto found = offers_.find(offer);
      if (found == offers_.end()) return not_found("no such offer, or it expired", "id");
      if (found->second.agent != agent) return not_found("no such offer for you", "id");
    }
    Status status = engine_.run([&](routing::Engine& e, Time now) {
      return accept ? e.accept(now, offer) : e.reject(now, offer);
    });
    if (!status) return status;
    return writer_.wait(writer_.ticket());
  }

  // ---- figures --------------------------------------------------------------------------

  std::string metrics_gauges() {
    auto queues = store_.documents(kQueue);
    std::string waiting =
        "# HELP guichet_queue_waiting Interactions waiting in the queue.\n"
        "# TYPE guichet_queue_waiting gauge\n";
    std::string ready =
        "# HELP guichet_queue_ready_agents Agents ready to take the queue's next interaction.\n"
        "# TYPE guichet_queue_ready_agents gauge\n";
    if (!queues) return waiting + ready;
    engine_.inspect([&](const routing::Engine& e) {
      for (const store::Document& queue : *queues) {
        auto status = e.queue(queue.id);
        const std::string labels = "{queue=" + json_quote(queue.name) + "}";
        waiting += "guichet_queue_waiting" + labels + " " +
                   std::to_string(status ? status->waiting : 0) + "\n";
        ready += "guichet_queue_ready_agents" + labels + " " +
                 std::to_string(status ? status->ready_agents : 0) + "\n";
      }
    });
    return waiting + ready;
  }

  // Wallboard figures: read often, so served from memory. Ready agents come
  // from the engine at most every kReadyRefresh (a round trip to its thread).
  static constexpr Duration kReadyRefresh = Duration(100);
  Result<std::string> queue_stats() {
    const Time at = now();
    std::vector<std::uint64_t> ids;
    {
      std::lock_guard stats(stats_mutex_);
      if (at - ready_read_at_ >= kReadyRefresh) {
        for (const auto& [id, name] : queue_names_)
          ids.push_back(id);
      }
    }
    if (!ids.empty()) {
      std::map<std::uint64_t, std::size_t> ready;
      engine_.inspect([&](const routing::Engine& e) {
        for (std::uint64_t id : ids) {
          auto status = e.queue(id);
          ready[id] = status ? status->ready_agents : 0;
        }
      });
      std::lock_guard stats(stats_mutex_);
      ready_ = std::move(ready);
      ready_read_at_ = at;
    }
    std::lock_guard stats(stats_mutex_);
    std::string out = "[";
    bool first = true;
    for (const auto& [id, name] : queue_names_) {
      const TodayFigures::Queue q = today_.queue(id, at);
      if (!first) out += ",";
      first = false;
      out += "{\"queue_id\":" + std::to_string(id) + ",\"name\":" + json_quote(name) +
             ",\"waiting\":" + std::to_string(q.waiting) +
             ",\"longest_wait_s\":" + json_number(q.longest_wait_s, 1) +
             ",\"ready_agents\":" + std::to_string(ready_[id]) +
             ",\"offered_today\":" + std::to_string(q.offered) +
             ",\"answered_today\":" + std::to_string(q.answered) +
             ",\"abandoned_today\":" + std::to_string(q.abandoned) +
             ",\"service_level_today\":" + json_number(q.service_level(), 4) +
             ",\"service_level_target\":" + json_number(sl_targets_[id], 4) +
             ",\"asa_s\":" + json_number(q.asa_s(), 1) + "}";
    }
    return out + "]";
  }

  Result<std::string> agent_stats() {
    auto agents = store_.documents(kAgent);
    if (!agents) return agents.error();
    const Time at = now();
    std::string out = "[";
    bool first = true;
    engine_.inspect([&](const routing::Engine& e) {
      std::lock_guard stats(stats_mutex_);
      for (const store::Document& agent : *agents) {
        auto status = e.agent(agent.id);
        if (!status) continue;
        const TodayFigures::Agent today = today_.agent(agent.id);
        int load = 0;
        for (int slots : status->load)
          load += slots;
        if (!first) out += ",";
        first = false;
        out += "{\"agent_id\":" + std::to_string(agent.id) + ",\"name\":" + json_quote(agent.name) +
               ",\"state\":" + json_quote(routing::to_string(status->state)) +
               ",\"reason\":" + json_quote(status->reason) +
               ",\"state_since\":" + json_quote(iso8601(status->state_since)) +
               ",\"time_in_state_s\":" +
               json_number(std::chrono::duration<double>(at - status->state_since).count(), 0) +
               ",\"interactions_in_hand\":" + std::to_string(load) +
               ",\"offered_today\":" + std::to_string(today.offered) +
               ",\"handled_today\":" + std::to_string(today.handled) +
               ",\"missed_today\":" + std::to_string(today.missed) + "}";
      }
    });
    return out + "]";
  }

 private:
  // The domain's time is the clock it was given (the engine's too), never
  // the machine's: tests, the simulator and a replay set it.
  Time now() const { return clock_(); }

 public:
  // What-if: today's queues and agents (their skills, levels, capacities,
  // strategies, thresholds) run through the simulator against a traffic
  // profile; the predicted service level per interval.
  Result<std::string> simulate(const std::string& body) {
    auto object = detail::parse_object(body, {{"arrivals", json::kind::object, true},
                                              {"interval_s", json::kind::double_, false},
                                              {"day_start", json::kind::string, false},
                                              {"aht_s", json::kind::double_, false},
                                              {"patience_s", json::kind::double_, false},
                                              {"agents", json::kind::string, false},
                                              {"seed", json::kind::int64, false}});
    if (!object) return object.error();
    sim::Scenario scenario;
    scenario.name = "what-if";
    scenario.interval_s = detail::number_or(*object, "interval_s", 900);
    if (scenario.interval_s < 60 || scenario.interval_s > 3600) {
      return invalid_argument("60 to 3600 seconds", "interval_s");
    }
    int hour = 0, minute = 0;
    char extra = 0;
    const std::string day_start = detail::string_or(*object, "day_start", "08:00");
    if (std::sscanf(day_start.c_str(), "%d:%d%c", &hour, &minute, &extra) != 2 || hour < 0 ||
        hour > 23 || minute < 0 || minute > 59) {
      return invalid_argument("a time as HH:MM", "day_start");
    }
    scenario.day_start_s = hour * 3600.0 + minute * 60.0;
    const double aht = detail::number_or(*object, "aht_s", 180);
    if (aht < 1 || aht > 3'600) return invalid_argument("1 to 3600 seconds", "aht_s");
    sim::Distribution patience;
    if (object->contains("patience_s")) {
      const double mean = detail::number_or(*object, "patience_s", 0);
      if (mean < 1 || mean > 3'600) return invalid_argument("1 to 3600 seconds", "patience_s");
      patience = {sim::Distribution::Kind::kExponential, mean, 0};
    }
    const std::string who = detail::string_or(*object, "agents", "connected");
    if (who != "connected" && who != "all") return invalid_argument("connected or all", "agents");

    auto queues = store_.documents(kQueue);
    if (!queues) return queues.error();
    const json::object& arrivals = object->at("arrivals").as_object();
    std::size_t intervals = 0;
    double total = 0;
    for (const auto& [queue, counts] : arrivals) {
      const std::string where = "arrivals." + std::string(queue);
      if (!counts.is_array() || counts.as_array().empty() || counts.as_array().size() > 96) {
        return invalid_argument("1 to 96 numbers, one per interval", where);
      }
      for (const json::value& count : counts.as_array()) {
        if (!count.is_number() || count.to_number<double>() < 0) {
          return invalid_argument("arrivals are numbers, 0 or more", where);
        }
        total += count.to_number<double>();
      }
      intervals = std::max(intervals, counts.as_array().size());
      const bool known = std::any_of(queues->begin(), queues->end(), [&](const auto& q) {
        return std::to_string(q.id) == std::string_view(queue);
      });
      if (!known) return not_found("no such queue", where);
    }
    if (total > 200'000) return invalid_argument("at most 200,000 arrivals", "arrivals");
    for (const store::Document& document : *queues) {
      auto config = queue_config(json::parse(document.body_json).as_object(), document.id);
      if (!config) continue;
      sim::QueueSpec spec;
      spec.name = document.name;
      spec.channel = config->channel;
      for (const routing::Requirement& r : config->requirements)
        spec.skills.emplace_back(std::to_string(r.skill), r.min_level);
      spec.priority = config->priority;
      spec.threshold_s = std::chrono::duration<double>(config->sl_threshold).count();
      spec.target = config->sl_target;
      spec.strategy = config->strategy;
      spec.wrapup_s = std::chrono::duration<double>(config->wrapup).count();
      spec.handle_time = {sim::Distribution::Kind::kExponential, aht, 0};
      spec.patience = patience;
      spec.arrivals.assign(intervals, 0);
      if (const json::value* counts = arrivals.if_contains(std::to_string(document.id))) {
        for (std::size_t i = 0; i < counts->as_array().size(); ++i)
          spec.arrivals[i] = counts->as_array()[i].to_number<double>();
      }
      scenario.queues.push_back(std::move(spec));
    }
    auto agents = store_.documents(kAgent);
    if (!agents) return agents.error();
    std::set<std::uint64_t> connected;
    engine_.inspect([&](const routing::Engine& e) {
      for (const store::Document& agent : *agents) {
        auto status = e.agent(agent.id);
        if (status && status->state != routing::AgentState::kOffline) connected.insert(agent.id);
      }
    });
    for (const store::Document& document : *agents) {
      if (who == "connected" && !connected.contains(document.id)) continue;
      auto config = agent_config(json::parse(document.body_json).as_object(), document.id);
      if (!config) continue;
      sim::AgentSpec spec;
      spec.name = document.name;
      for (const routing::SkillLevel& skill : config->skills)
        spec.skills.emplace_back(std::to_string(skill.skill), skill.level);
      spec.capacity = config->capacity;
      scenario.agents.push_back(std::move(spec));
    }
    // The simulated day runs until the last interaction is served: bound the
    // work the request may ask for (a week of the agents' time).
    const double work_s =
        total * aht / static_cast<double>(std::max<std::size_t>(1, scenario.agents.size()));
    if (work_s > 7 * 86'400.0) {
      return invalid_argument("more work than these agents could do in a week: fewer arrivals",
                              "arrivals");
    }
    sim::Options options;
    options.seed =
        static_cast<std::uint64_t>(std::max<std::int64_t>(1, detail::int_or(*object, "seed", 1)));
    auto report = sim::simulate(scenario, options);
    if (!report) return report.error();
    auto figures = [](const sim::Counts& c) {
      return "\"offered\":" + std::to_string(c.offered) +
             ",\"answered\":" + std::to_string(c.answered) +
             ",\"abandoned\":" + std::to_string(c.abandoned) +
             ",\"service_level\":" + json_number(c.service_level(), 4) +
             ",\"asa_s\":" + json_number(c.asa_s(), 1) +
             ",\"occupancy\":" + json_number(c.occupancy(), 4);
    };
    std::string out = "{\"agents\":" + std::to_string(scenario.agents.size()) +
                      ",\"day_start\":" + json_quote(day_start) +
                      ",\"interval_s\":" + json_number(scenario.interval_s, 0) + ",\"overall\":{" +
                      figures(report->overall) + "},\"queues\":[";
    bool first = true;
    for (std::size_t q = 0; q < report->queues.size(); ++q) {
      if (report->queues[q].offered == 0) continue;
      if (!first) out += ",";
      first = false;
      out += "{\"name\":" + json_quote(report->queue_names[q]) + "," + figures(report->queues[q]) +
             "}";
    }
    out += "],\"intervals\":[";
    for (std::size_t i = 0; i < report->intervals.size(); ++i) {
      sim::Counts sum;
      for (const sim::Counts& c : report->intervals[i])
        sum.add(c);
      if (i > 0) out += ",";
      out += "{\"start_s\":" +
             json_number(scenario.day_start_s + static_cast<double>(i) * scenario.interval_s, 0) +
             "," + figures(sum) + "}";
    }
    return out + "]}";
  }

  // Traffic over a range of local days (the service's time zone), per
  // interval and per queue, channel or agent, as JSON or CSV.
  Result<std::string> traffic_report(const TrafficRequest& request) {
    const TimeZone& zone = TimeZone::europe_paris();
    const auto today =
        std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(zone.to_local(now())));
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
    {
      std::lock_guard stats(stats_mutex_);
      query.thresholds = sl_thresholds_;
      queue_names = queue_names_;
    }
    std::map<std::uint64_t, std::string> agent_names;
    if (query.by == store::TrafficQuery::By::kAgent) {
      if (auto agents = store_.documents(kAgent)) {
        for (const store::Document& agent : *agents)
          agent_names[agent.id] = agent.name;
      }
    }
    // Local midnights to UTC; a day is one query when days are the
    // interval (23 or 25 hours on the days the clocks change).
    std::vector<store::TrafficRow> rows;
    const int spans = per_day ? static_cast<int>(days) : 1;
    for (int i = 0; i < spans; ++i) {
      const auto span_first = per_day ? first + std::chrono::days(i) : first;
      const auto span_end =
          per_day ? span_first + std::chrono::days(1) : last + std::chrono::days(1);
      query.from = zone.to_utc(LocalTime(span_first));
      query.to = zone.to_utc(LocalTime(span_end));
      auto found = store_.traffic(query);
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
      std::string out = agents ? "start,agent,offers,accepted,missed,completed\r\n"
                               : std::string("start,") + request.by +
                                     ",offered,answered,answered_in_threshold,abandoned,"
                                     "service_level,asa_s\r\n";
      for (const store::TrafficRow& r : rows) {
        const LocalTime local = zone.to_local(r.start);
        const auto day = std::chrono::floor<std::chrono::days>(local);
        const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(local - day).count();
        char start[32];
        std::snprintf(start, sizeof start, "%s %02d:%02d",
                      date_text(std::chrono::year_month_day(day)).c_str(),
                      static_cast<int>(minutes / 60), static_cast<int>(minutes % 60));
        out += std::string(start) + "," + csv_field(name_of(r)) + ",";
        if (agents) {
          out += std::to_string(r.offers) + "," + std::to_string(r.accepted) + "," +
                 std::to_string(r.missed) + "," + std::to_string(r.completed);
        } else {
          const auto sl = service_level(r);
          out += std::to_string(r.offered) + "," + std::to_string(r.answered) + "," +
                 std::to_string(r.answered_in_threshold) + "," + std::to_string(r.abandoned) + "," +
                 (sl ? json_number(*sl, 4) : "") + "," + json_number(asa(r), 1);
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

  // The agent's own setting of where calls ring (telework).
  Result<std::string> set_agent_phone(std::uint64_t agent, const std::string& body,
                                      std::uint64_t user) {
    auto object = detail::parse_object(body, {{"phone", json::kind::string, true}});
    if (!object) return object.error();
    // Read, change, write as one configuration change: a supervisor's edit
    // of the same profile cannot slip in between.
    std::lock_guard lock(config_mutex_);
    auto existing = store_.document(kAgent, agent);
    if (!existing) return not_found("no agent profile for this user", "id");
    json::value profile = json::parse(existing->body_json);
    profile.as_object()["phone"] = (*object)["phone"];
    return put_document_locked(kAgent, agent, json::serialize(profile), user);
  }

  // What the agent holds now (offered, active, in wrap-up), oldest first.
  Result<std::string> agent_interactions(std::uint64_t agent) {
    std::vector<std::uint64_t> ids;
    {
      std::lock_guard lock(offers_mutex_);
      if (auto found = held_.find(agent); found != held_.end()) {
        ids.assign(found->second.begin(), found->second.end());
      }
    }
    std::vector<std::uint64_t> gone;
    engine_.inspect([&](const routing::Engine& e) {
      std::erase_if(ids, [&](std::uint64_t id) {
        auto status = e.interaction(id);
        const bool held = status && status->agent == agent &&
                          (status->phase == routing::InteractionPhase::kActive ||
                           status->phase == routing::InteractionPhase::kWrapup);
        if (!held) gone.push_back(id);
        return !held;
      });
    });
    if (!gone.empty()) {
      std::lock_guard lock(offers_mutex_);
      auto& mine = held_[agent];
      for (std::uint64_t id : gone)
        mine.erase(id);
    }
    std::vector<store::Interaction> items;
    for (std::uint64_t id : ids) {
      auto it = store_.interaction(id);
      if (it) items.push_back(std::move(*it));
    }
    const std::vector<std::string> views = interaction_views(items);
    std::string out = "[";
    for (std::size_t i = 0; i < views.size(); ++i) {
      if (i > 0) out += ",";
      out += views[i];
    }
    return out + "]";
  }

 private:
  Result<std::string> agent_status(std::uint64_t agent) {
    std::string out;
    engine_.inspect([&](const routing::Engine& e) {
      auto status = e.agent(agent);
      if (!status) return;
      out = "{\"id\":" + std::to_string(agent) +
            ",\"state\":" + json_quote(routing::to_string(status->state)) +
            ",\"reason\":" + json_quote(status->reason) +
            ",\"since\":" + json_quote(iso8601(status->state_since)) + "}";
    });
    if (out.empty()) return not_found("no agent profile for this user", "id");
    return out;
  }

  // Once a service has defined wrap-up codes (or pause reasons), a value must
  // be one of them; before that, any value goes.
  Status one_of(const char* kind, const std::string& value, const char* field) {
    auto defined = store_.documents(kind);
    if (!defined) return defined.status();
    if (defined->empty()) return Status::ok();
    for (const store::Document& d : *defined) {
      if (d.name == value) return Status::ok();
    }
    return invalid_argument("not one of the service's " + std::string(kind) + "s", field);
  }

  // From memory: every create asks, and the engine has the queue whenever
  // this map does (both change together in apply() and remove()).
  // A stored interaction to the engine, then its view to `done` — once its
  // outcome is stored when it ended at once. On the store's thread.
  void routed(const store::Interaction& stored, CreateDone done) {
    bool ended = false;
    if (Status s = arrive(stored, &ended); !s) {
      store::InteractionEvent closed;
      closed.interaction_id = stored.id;
      closed.type = "closed";
      closed.at = now();
      closed.data_json = "{\"reason\":" + json_quote(s.to_string()) + "}";
      writer_.enqueue({closed});
      return done(s.error());
    }
    if (!ended) return done(interaction_view(stored));
    // Its outcome is part of the answer.
    writer_.when_written(writer_.ticket(),
                         [this, id = stored.id, done = std::move(done)](Status written) mutable {
                           if (!written) return done(written.error());
                           auto reread = store_.interaction(id);
                           if (!reread) return done(reread.error());
                           done(interaction_view(*reread));
                         });
  }

  Status check_queue(std::uint64_t queue, Channel channel) {
    std::lock_guard stats(stats_mutex_);
    auto found = queue_channels_.find(queue);
    if (found == queue_channels_.end()) return not_found("no such queue", "queue_id");
    if (found->second != channel)
      return invalid_argument("the queue serves another channel", "channel");
    return Status::ok();
  }

  // Routes a stored interaction. `ended`, if given, tells whether it ended at
  // once (closed outcome: the queue was closed or full).
  Status arrive(const store::Interaction& it, bool* ended = nullptr) {
    auto channel = routing::channel_from_string(it.channel);
    if (!channel) return invalid_argument("unknown channel", "channel");
    return engine_.run([&](routing::Engine& e, Time now) {
      routing::InteractionSpec spec;
      spec.id = it.id;
      spec.channel = *channel;
      spec.queue = it.queue_id;
      spec.citizen = it.citizen_id;
      spec.priority = it.priority;
      spec.enqueued_at = std::min(it.enqueued_at, now);
      Status status = e.arrive(now, spec);
      if (ended) *ended = status && !e.interaction(it.id);
      return status;
    });
  }

  // The API's view of stored interactions, with the live phase and agent of
  // those the engine holds: one visit to the engine thread for the whole list.
  std::vector<std::string> interaction_views(const std::vector<store::Interaction>& items) {
    std::vector<std::string> live(items.size());
    engine_.inspect([&](const routing::Engine& e) {
      for (std::size_t i = 0; i < items.size(); ++i) {
        auto status = e.interaction(items[i].id);
        if (!status) continue;
        live[i] = ",\"phase\":" + json_quote(routing::to_string(status->phase));
        if (status->agent) live[i] += ",\"agent_id\":" + std::to_string(status->agent);
      }
    });
    std::vector<std::string> views;
    views.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
      const store::Interaction& it = items[i];
      std::string out =
          "{\"id\":" + std::to_string(it.id) + ",\"channel\":" + json_quote(it.channel) +
          ",\"queue_id\":" + std::to_string(it.queue_id) +
          ",\"citizen_id\":" + std::to_string(it.citizen_id) +
          ",\"priority\":" + std::to_string(it.priority) + ",\"attributes\":" + it.attributes_json +
          ",\"enqueued_at\":" + json_quote(iso8601(it.enqueued_at)) +
          ",\"status\":" + json_quote(it.status);
      if (it.ended_at) out += ",\"ended_at\":" + json_quote(iso8601(*it.ended_at));
      views.push_back(out + live[i] + "}");
    }
    return views;
  }

  std::string interaction_view(const store::Interaction& it) {
    return interaction_views({it}).front();
  }

  Result<std::string> put_document(const std::string& kind, std::uint64_t id,
                                   const std::string& body, std::uint64_t user) {
    std::lock_guard lock(config_mutex_);
    return put_document_locked(kind, id, body, user);
  }

  // put_document with config_mutex_ held.
  Result<std::string> put_document_locked(const std::string& kind, std::uint64_t id,
                                          const std::string& body, std::uint64_t user) {
    store::Document document;
    document.kind = kind;
    document.id = id;
    if (kind == kIvrFlow) {
      boost::system::error_code ec;
      json::value parsed = json::parse(body, ec);
      if (ec || !parsed.is_object()) return invalid_argument("the body must be an object", "body");
      json::object object = std::move(parsed.as_object());
      const json::value* name = object.if_contains("name");
      if (!name || !name->is_string()) return invalid_argument("a flow needs a name", "name");
      object.erase("version");  // ours to count
      std::vector<voice::IvrProblem> problems = flow_problems(json::serialize(object), id);
      if (!problems.empty()) {
        return invalid_argument(problems.front().message, problems.front().field);
      }
      std::int64_t version = 1;
      if (id != 0) {
        if (auto existing = store_.document(kind, id)) {
          boost::system::error_code old_ec;
          json::value old = json::parse(existing->body_json, old_ec);
          if (!old_ec && old.is_object())
            version = detail::int_or(old.as_object(), "version", 0) + 1;
        }
      }
      object["version"] = version;
      document.name = std::string(name->as_string());
      document.body_json = body_without_name(std::move(object));
    } else if (kind == kPrompt) {
      auto object = detail::parse_object(body, {{"name", json::kind::string, true},
                                                {"seconds", json::kind::double_, true},
                                                {"description", json::kind::string, false}});
      if (!object) return object.error();
      document.name = detail::string_or(*object, "name", "");
      document.body_json = body_without_name(std::move(*object));
    } else if (kind == kCannedResponse) {
      auto object = detail::parse_object(
          body, {{"name", json::kind::string, true}, {"text", json::kind::string, true}});
      if (!object) return object.error();
      const std::string text = detail::string_or(*object, "text", "");
      if (text.empty() || utf8_length(text) > 4000) {
        return invalid_argument("1 to 4000 characters", "text");
      }
      document.name = detail::string_or(*object, "name", "");
      document.body_json = body_without_name(std::move(*object));
    } else if (kind == kSkill || kind == kWrapupCode || kind == kPauseReason) {
      auto object = detail::parse_object(
          body, {{"name", json::kind::string, true}, {"description", json::kind::string, false}});
      if (!object) return object.error();
      document.name = detail::string_or(*object, "name", "");
      document.body_json = body_without_name(std::move(*object));
    } else if (kind == kCalendar) {
      auto object = detail::parse_object(body, {{"name", json::kind::string, true},
                                                {"hours", json::kind::string, true},
                                                {"time_zone", json::kind::string, false},
                                                {"french_holidays", json::kind::bool_, false},
                                                {"alsace_moselle", json::kind::bool_, false},
                                                {"closed_dates", json::kind::array, false},
                                                {"description", json::kind::string, false}});
      if (!object) return object.error();
      if (auto calendar = calendar_from(*object); !calendar) return calendar.error();
      document.name = detail::string_or(*object, "name", "");
      document.body_json = body_without_name(std::move(*object));
    } else if (kind == kQueue) {
      auto object = detail::parse_object(body, kQueueFields);
      if (!object) return object.error();
      if (object->contains("hours") && object->contains("calendar_id")) {
        return invalid_argument("give hours or calendar_id, not both", "calendar_id");
      }
      auto config = queue_config(*object, id);
      if (!config) return config.error();
      if (Status s = resolve_calendar(*object, *config); !s) return s.error();
      for (const routing::Requirement& r : config->requirements) {
        if (!store_.document(kSkill, r.skill)) return not_found("no such skill", "skills");
      }
      // A caller who heard the beep was told the message is kept: never
      // left for a queue that is not there, or that could end it unheard.
      if (object->contains("voicemail_queue_id")) {
        const auto target = static_cast<std::uint64_t>(object->at("voicemail_queue_id").as_int64());
        if (target == id) {
          return invalid_argument("another queue keeps this queue's messages",
                                  "voicemail_queue_id");
        }
        auto keeper = store_.document(kQueue, target);
        if (!keeper) return not_found("no such queue", "voicemail_queue_id");
        boost::system::error_code ec;
        const json::value kept = json::parse(keeper->body_json, ec);
        if (const char* why = kept.is_object() ? ends_unheard(kept.as_object()) : nullptr) {
          return failed_precondition("queue " + keeper->name + " " + why, "voicemail_queue_id");
        }
      }
      // And a queue keeping others' messages keeps being able to.
      if (id != 0) {
        if (const char* why = ends_unheard(*object)) {
          auto keeping = queues_naming("voicemail_queue_id", id);
          if (!keeping) return keeping.error();
          std::erase_if(*keeping, [id](const store::Document& q) { return q.id == id; });
          if (!keeping->empty()) {
            return failed_precondition(
                "it keeps queue " + keeping->front().name + "'s messages, and " + why,
                "voicemail_queue_id");
          }
        }
      }
      for (std::size_t i = 0; i < config->escalation.size(); ++i) {
        for (routing::SkillId drop : config->escalation[i].drop_skills) {
          if (!store_.document(kSkill, drop)) {
            return not_found("no such skill",
                             "escalation[" + std::to_string(i) + "].drop_skill_ids");
          }
        }
      }
      document.name = detail::string_or(*object, "name", "");
      document.body_json = body_without_name(std::move(*object));
    } else if (kind == kAgent) {
      auto object = detail::parse_object(body, kAgentFields);
      if (!object) return object.error();
      auto user_record = store_.user_by_id(id);
      if (!user_record) return not_found("no such user", "id");
      if (object->contains("phone")) {
        PhonePolicy policy;
        {
          std::lock_guard lock(phone_policy_mutex_);
          policy = phone_policy_;
        }
        auto phone = agent_phone(detail::string_or(*object, "phone", ""), policy);
        if (!phone) return phone.error();
        (*object)["phone"] = *phone;  // normalised
      }
      auto config = agent_config(*object, id);
      if (!config) return config.error();
      for (const routing::SkillLevel& s : config->skills) {
        if (!store_.document(kSkill, s.skill)) return not_found("no such skill", "skills");
      }
      document.name = user_record->username;
      document.body_json = json::serialize(*object);
    } else {
      return not_found("no such resource", "kind");
    }
    if (document.name.empty() || document.name.size() > 100) {
      return invalid_argument("1 to 100 characters", "name");
    }
    // A new queue needs its id before the engine sees it: the store gives it.
    const bool created = id == 0;
    std::optional<store::Document> before;
    if (!created) {
      if (auto existing = store_.document(kind, id)) before = *existing;
    }
    auto saved = store_.put_document(document, user, now());
    if (!saved) return saved.error();
    if (Status s = apply(*saved, false); !s) {
      // Undo: the engine refused (e.g. an overflow queue of another channel).
      if (before) {
        (void)store_.put_document(*before, user, now());
      } else {
        (void)store_.delete_document(kind, saved->id, user, now());
      }
      return in_api_terms(s.error());
    }
    if (kind == kCalendar && !created) {
      // Changed hours apply at once to the queues that follow this calendar.
      auto queues = queues_naming("calendar_id", saved->id);
      if (!queues) return queues.error();
      for (const store::Document& queue : *queues) {
        if (Status s = apply(queue, false); !s) return s.error();
      }
    }
    notify_config(kind);
    return document_view(*saved);
  }

  void notify_config(const std::string& kind) {
    std::function<void(const std::string&)> observer;
    {
      std::lock_guard lock(observer_mutex_);
      observer = config_observer_;
    }
    if (observer) observer(kind);
  }

  // The problems of an IVR flow's JSON: its own (voice::parse_ivr_flow), the
  // queues and calendars it names, and a service number another flow has.
  std::vector<voice::IvrProblem> flow_problems(const std::string& body, std::uint64_t id) {
    std::vector<voice::IvrProblem> problems;
    auto flow = voice::parse_ivr_flow(body, problems);
    if (!flow) return problems;
    for (std::size_t i = 0; i < flow->steps.size(); ++i) {
      const voice::IvrStep& step = flow->steps[i];
      const std::string where = "steps[" + std::to_string(i) + "].";
      if (step.queue_id && !store_.document(kQueue, step.queue_id)) {
        problems.push_back({step.id, where + "queue_id",
                            "step '" + step.id + "': no queue " + std::to_string(step.queue_id)});
      }
      if (step.calendar_id && !store_.document(kCalendar, step.calendar_id)) {
        problems.push_back(
            {step.id, where + "calendar_id",
             "step '" + step.id + "': no calendar " + std::to_string(step.calendar_id)});
      }
      if (step.audio_id && !store_.document(kPrompt, step.audio_id)) {
        problems.push_back(
            {step.id, where + "audio_id",
             "step '" + step.id + "': no recording " + std::to_string(step.audio_id)});
      }
    }
    if (auto flows = store_.documents(kIvrFlow)) {
      for (const store::Document& other : *flows) {
        if (other.id == id) continue;
        boost::system::error_code ec;
        json::value body_other = json::parse(other.body_json, ec);
        if (!ec && body_other.is_object() &&
            detail::string_or(body_other.as_object(), "number", "") == flow->number) {
          problems.push_back(
              {"", "number", "the number " + flow->number + " is already the flow " + other.name});
        }
      }
    }
    return problems;
  }

 public:
  std::string check_ivr_flow(const std::string& body) {
    // A stored flow being edited gives its id: its own number is not taken.
    std::uint64_t id = 0;
    boost::system::error_code ec;
    json::value parsed = json::parse(body, ec);
    if (!ec && parsed.is_object()) {
      id = static_cast<std::uint64_t>(
          std::max<std::int64_t>(0, detail::int_or(parsed.as_object(), "id", 0)));
    }
    json::array list;
    for (const voice::IvrProblem& p : flow_problems(body, id)) {
      list.push_back(json::object{{"step", p.step}, {"field", p.field}, {"message", p.message}});
    }
    return json::serialize(json::object{{"problems", std::move(list)}});
  }

  // Calendar `id`, parsed; errors of its own name `field`.
  Result<std::shared_ptr<const BusinessCalendar>> calendar(std::uint64_t id,
                                                           const std::string& field = "id") {
    auto document = store_.document(kCalendar, id);
    if (!document) return not_found("no such calendar", field);
    boost::system::error_code ec;
    json::value body = json::parse(document->body_json, ec);
    if (ec || !body.is_object()) return invalid_argument("stored calendar is not an object", field);
    auto parsed = calendar_from(body.as_object());
    if (!parsed) return parsed.error();
    return std::make_shared<const BusinessCalendar>(std::move(*parsed));
  }

  void observe(EventObserver on_events, std::function<void(const std::string&)> on_config) {
    std::lock_guard lock(observer_mutex_);
    event_observer_ = std::move(on_events);
    config_observer_ = std::move(on_config);
  }

 private:
  // A queue's hours from the calendar it names, if it names one.
  Status resolve_calendar(const json::object& body, routing::QueueConfig& config) {
    if (!body.contains("calendar_id")) return Status::ok();
    auto id = id_field(body, "calendar_id", "");
    if (!id) return id.status();
    auto calendar = this->calendar(*id, "calendar_id");
    if (!calendar) return calendar.status();
    config.hours = **calendar;
    return Status::ok();
  }

  // The queues that name calendar `id`.
  // The queues whose `field` names `id`: the calendar they follow, the
  // queue that keeps their messages.
  Result<std::vector<store::Document>> queues_naming(const char* field, std::uint64_t id) {
    auto queues = store_.documents(kQueue);
    if (!queues) return queues.error();
    std::vector<store::Document> naming;
    for (store::Document& queue : *queues) {
      boost::system::error_code ec;
      json::value body = json::parse(queue.body_json, ec);
      if (!ec && body.is_object() &&
          detail::int_or(body.as_object(), field, 0) == static_cast<std::int64_t>(id)) {
        naming.push_back(std::move(queue));
      }
    }
    return naming;
  }

  // Gives a stored document to the engine. With skip_references, a queue
  // that names other queues waits for the second pass of load().
  Status apply(const store::Document& document, bool skip_references) {
    boost::system::error_code ec;
    json::value body = json::parse(document.body_json, ec);
    if (ec || !body.is_object()) return invalid_argument("stored body is not an object", "body");
    if (document.kind == kQueue) {
      auto config = queue_config(body.as_object(), document.id);
      if (!config) return config.status();
      if (Status s = resolve_calendar(body.as_object(), *config); !s) return s;
      const bool references =
          config->overflow_target || config->closed_target || config->callback_queue;
      if (skip_references && references) return Status::ok();
      Status applied =
          engine_.run([&](routing::Engine& e, Time now) { return e.upsert_queue(now, *config); });
      if (applied) {
        std::lock_guard stats(stats_mutex_);
        today_.set_threshold(config->id, config->sl_threshold);
        queue_names_[config->id] = document.name;
        queue_channels_[config->id] = config->channel;
        ready_read_at_ = Time{};  // the next read asks the engine
        sl_targets_[config->id] = config->sl_target;
        sl_thresholds_[config->id] = config->sl_threshold;
      }
      return applied;
    }
    if (document.kind == kAgent) {
      if (skip_references) return Status::ok();
      auto config = agent_config(body.as_object(), document.id);
      if (!config) return config.status();
      return engine_.run(
          [&](routing::Engine& e, Time now) { return e.upsert_agent(now, *config); });
    }
    return Status::ok();
  }

  // A skill in use — required by a queue, dropped by one of its escalation
  // steps, or held by an agent — stays.
  Status skill_unused(std::uint64_t skill) {
    auto names = [skill](const json::value* items, const char* key) {
      if (!items || !items->is_array()) return false;
      for (const json::value& item : items->as_array()) {
        const json::value* id = item.is_object() ? item.as_object().if_contains(key) : nullptr;
        if (id && id->is_int64() && static_cast<std::uint64_t>(id->as_int64()) == skill) {
          return true;
        }
      }
      return false;
    };
    for (const char* kind : {kQueue, kAgent}) {
      auto documents = store_.documents(kind);
      if (!documents) return documents.status();
      for (const store::Document& d : *documents) {
        boost::system::error_code ec;
        const json::value body = json::parse(d.body_json, ec);
        if (ec || !body.is_object()) continue;
        bool uses = names(body.as_object().if_contains("skills"), "skill_id");
        if (const json::value* steps = body.as_object().if_contains("escalation");
            steps && steps->is_array()) {
          for (const json::value& step : steps->as_array()) {
            const json::value* drops =
                step.is_object() ? step.as_object().if_contains("drop_skill_ids") : nullptr;
            if (!drops || !drops->is_array()) continue;
            for (const json::value& drop : drops->as_array()) {
              uses |= drop.is_int64() && static_cast<std::uint64_t>(drop.as_int64()) == skill;
            }
          }
        }
        if (uses) {
          return failed_precondition(std::string("a ") + kind + " uses this skill: " + d.name,
                                     "id");
        }
      }
    }
    return Status::ok();
  }

  // On the engine thread: keep the offers the API shows, and queue the
  // events for the store.
  void on_events(const std::vector<routing::Event>& events) {
    std::vector<store::InteractionEvent> stored;
    {
      std::lock_guard lock(offers_mutex_);
      for (const routing::Event& e : events) {
        switch (e.type) {
          case routing::EventType::kOffered:
            offers_[e.offer] = {e.interaction, e.agent, e.queue, e.channel, e.citizen, e.deadline};
            break;
          case routing::EventType::kAccepted:
            held_[e.agent].insert(e.interaction);
            offers_.erase(e.offer);
            break;
          case routing::EventType::kWrapupEnded:
          case routing::EventType::kTransferred:
            if (auto found = held_.find(e.agent); found != held_.end()) {
              found->second.erase(e.interaction);
            }
            break;
          case routing::EventType::kRejected:
          case routing::EventType::kOfferTimeout:
          case routing::EventType::kOfferRevoked:
            offers_.erase(e.offer);
            break;
          default:
            break;
        }
        hub_.publish(e.agent, e.queue, live_json(e));
        {
          std::lock_guard stats(stats_mutex_);
          today_.on_event(e);
        }
        if (e.interaction == 0) continue;  // agent states: not an interaction's timeline
        if (recovering_ && e.type == routing::EventType::kQueued) continue;
        stored.push_back(to_stored(e));
      }
    }
    if (!stored.empty()) writer_.enqueue(std::move(stored));
    std::lock_guard lock(observer_mutex_);
    if (event_observer_) event_observer_(events);
  }

  store::Store& store_;
  EventHub& hub_;
  EventWriter writer_;
  std::mutex offers_mutex_;
  std::map<std::uint64_t, PendingOffer> offers_;  // guarded by offers_mutex_
  // Interactions each agent accepted, until their wrap-up ends or they are
  // transferred (and, as a safety net, when listed). Guarded by offers_mutex_.
  std::map<std::uint64_t, std::set<std::uint64_t>> held_;
  std::mutex config_mutex_;  // one configuration change at a time
  std::mutex phone_policy_mutex_;
  PhonePolicy phone_policy_;  // guarded by phone_policy_mutex_
  std::mutex observer_mutex_;
  EventObserver event_observer_;                             // guarded by observer_mutex_
  std::function<void(const std::string&)> config_observer_;  // guarded by observer_mutex_
  std::mutex in_flight_mutex_;
  std::condition_variable in_flight_done_;
  int in_flight_ = 0;  // creates stored or routed, not yet answered; guarded by in_flight_mutex_
  std::mutex stats_mutex_;
  TodayFigures today_;                                // guarded by stats_mutex_
  std::map<std::uint64_t, std::string> queue_names_;  // guarded by stats_mutex_
  std::map<std::uint64_t, Channel> queue_channels_;   // guarded by stats_mutex_
  std::map<std::uint64_t, std::size_t> ready_;        // guarded by stats_mutex_
  Time ready_read_at_{};                              // guarded by stats_mutex_
  std::map<std::uint64_t, double> sl_targets_;        // guarded by stats_mutex_
  std::map<std::uint64_t, Duration> sl_thresholds_;   // guarded by stats_mutex_
  bool recovering_ = false;                           // set by load(), before serving
  Clock clock_;
  EngineHost engine_;  // last: its thread calls on_events, which uses the members above
};

ContactCenter::ContactCenter(store::Store& store, EventHub& hub, Metrics& metrics, Clock clock)
    : impl_(std::make_unique<Impl>(store, hub, metrics, std::move(clock))) {}
std::string ContactCenter::metrics_gauges() {
  return impl_->metrics_gauges();
}
Result<std::string> ContactCenter::agent_stats() {
  return impl_->agent_stats();
}
ContactCenter::~ContactCenter() = default;
Status ContactCenter::load() {
  return impl_->load();
}
Result<std::string> ContactCenter::create(const std::string& kind, const std::string& body,
                                          std::uint64_t user) {
  return impl_->create(kind, body, user);
}
Result<std::string> ContactCenter::put(const std::string& kind, std::uint64_t id,
                                       const std::string& body, std::uint64_t user) {
  return impl_->put(kind, id, body, user);
}
Result<std::string> ContactCenter::get(const std::string& kind, std::uint64_t id,
                                       std::uint64_t viewer) {
  return impl_->get(kind, id, viewer);
}
Result<std::string> ContactCenter::list(const std::string& kind, std::uint64_t viewer) {
  return impl_->list(kind, viewer);
}
void ContactCenter::set_phone_policy(PhonePolicy policy) {
  impl_->set_phone_policy(std::move(policy));
}
bool ContactCenter::agent_involved(std::uint64_t interaction, std::uint64_t agent) {
  return impl_->agent_involved(interaction, agent);
}
bool ContactCenter::agent_serves_citizen(std::uint64_t citizen, std::uint64_t agent) {
  return impl_->agent_serves_citizen(citizen, agent);
}
Status ContactCenter::remove(const std::string& kind, std::uint64_t id, std::uint64_t user) {
  return impl_->remove(kind, id, user);
}
Result<std::string> ContactCenter::set_agent_state(std::uint64_t agent, const std::string& body) {
  return impl_->set_agent_state(agent, body);
}
Result<std::string> ContactCenter::set_agent_phone(std::uint64_t agent, const std::string& body,
                                                   std::uint64_t user) {
  return impl_->set_agent_phone(agent, body, user);
}
Result<std::string> ContactCenter::post_message(std::uint64_t interaction, std::uint64_t caller,
                                                bool manager, const std::string& body) {
  return impl_->post_message(interaction, caller, manager, body);
}
Result<std::string> ContactCenter::simulate(const std::string& body) {
  return impl_->simulate(body);
}
Result<std::string> ContactCenter::traffic_report(const TrafficRequest& request) {
  return impl_->traffic_report(request);
}
Result<std::string> ContactCenter::agent_interactions(std::uint64_t agent) {
  return impl_->agent_interactions(agent);
}
Result<std::string> ContactCenter::create_interaction(const std::string& body,
                                                      std::string idempotency_key) {
  return impl_->create_interaction(body, std::move(idempotency_key));
}
void ContactCenter::create_interaction_async(const std::string& body, CreateDone done,
                                             std::string idempotency_key) {
  impl_->create_interaction_async(body, std::move(done), std::move(idempotency_key));
}
void ContactCenter::drain() {
  impl_->drain();
}
Result<std::string> ContactCenter::interaction(std::uint64_t id) {
  return impl_->interaction(id);
}
Result<std::string> ContactCenter::complete(std::uint64_t interaction, std::uint64_t agent,
                                            const std::string& body) {
  return impl_->complete(interaction, agent, body);
}
Result<std::string> ContactCenter::offers(std::uint64_t agent) {
  return impl_->offers(agent);
}
Result<std::string> ContactCenter::list_interactions(const store::InteractionFilter& filter) {
  return impl_->list_interactions(filter);
}
Result<std::string> ContactCenter::transfer(std::uint64_t interaction, std::uint64_t caller,
                                            bool manager, const std::string& body) {
  return impl_->transfer(interaction, caller, manager, body);
}
Status ContactCenter::request_callback(std::uint64_t interaction) {
  return impl_->request_callback(interaction);
}
Status ContactCenter::abandon(std::uint64_t interaction) {
  return impl_->abandon(interaction);
}
Result<std::string> ContactCenter::create_citizen(const std::string& body) {
  return impl_->create_citizen(body);
}
Result<std::string> ContactCenter::find_citizens(const std::string& query) {
  return impl_->find_citizens(query);
}
Result<std::string> ContactCenter::citizen(std::uint64_t id) {
  return impl_->citizen(id);
}
Result<std::string> ContactCenter::add_contact(std::uint64_t citizen, const std::string& body) {
  return impl_->add_contact(citizen, body);
}
Result<std::string> ContactCenter::merge_citizens(std::uint64_t keep, const std::string& body) {
  return impl_->merge_citizens(keep, body);
}
Status ContactCenter::answer_offer(std::uint64_t offer, std::uint64_t agent, bool accept) {
  return impl_->answer_offer(offer, agent, accept);
}
Result<std::string> ContactCenter::queue_stats() {
  return impl_->queue_stats();
}

std::string ContactCenter::check_ivr_flow(const std::string& body) {
  return impl_->check_ivr_flow(body);
}
Result<std::shared_ptr<const BusinessCalendar>> ContactCenter::calendar(std::uint64_t id) {
  return impl_->calendar(id);
}
void ContactCenter::note_call(std::uint64_t interaction, std::uint64_t agent,
                              const std::string& state) {
  impl_->note_call(interaction, agent, state);
}
void ContactCenter::note(std::uint64_t interaction, const std::string& type,
                         const std::string& data_json) {
  (void)impl_->note(interaction, type, data_json);
}
void ContactCenter::observe(EventObserver on_events,
                            std::function<void(const std::string& kind)> on_config) {
  impl_->observe(std::move(on_events), std::move(on_config));
}

}  // namespace guichet::server
