#include "conversations/detail/documents.h"

#include <cstdio>

#include "core/json_format.h"
#include "core/text.h"

namespace guichet::conversations::detail {

namespace json = boost::json;

Result<BusinessCalendar> calendar_from(const json::object& body) {
  TimeZone zone = TimeZone::europe_paris();
  const std::string zone_name = json_body::string_or(body, "time_zone", "Europe/Paris");
  if (zone_name != "Europe/Paris") {
    auto loaded = TimeZone::load(zone_name);
    if (!loaded) return invalid_argument("unknown time zone", "time_zone");
    zone = *loaded;
  }
  auto calendar = BusinessCalendar::parse(json_body::string_or(body, "hours", ""), zone);
  if (!calendar) return invalid_argument(calendar.error().message, "hours");
  calendar->set_french_holidays(json_body::bool_or(body, "french_holidays", true),
                                json_body::bool_or(body, "alsace_moselle", false));
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

Result<std::uint64_t> id_field(const json::object& object, const char* key,
                               const std::string& where) {
  const std::int64_t value = json_body::int_or(object, key, 0);
  if (value <= 0) return invalid_argument("must be a positive id", where + key);
  return static_cast<std::uint64_t>(value);
}

// The document's JSON as the API shows it: its body with id and name.
// `viewer`: an agent reading (0: a manager); a colleague's phone is theirs.
std::string document_view(const store::Document& document, std::uint64_t viewer) {
  boost::system::error_code ec;
  json::value body = json::parse(document.body_json, ec);
  json::object out;
  out["id"] = document.id;
  out["name"] = document.name;
  if (!ec && body.is_object()) {
    for (const auto& [key, value] : body.as_object()) {
      if (key != "id" && key != "name") out[key] = value;  // the store's, whatever a body kept
    }
  }
  if (document.kind == kAgent && viewer != 0 && viewer != document.id) out.erase("phone");
  if (document.kind == kQueue) {
    // The settings in force, defaults included: clients need not know them.
    const routing::QueueConfig defaults;
    auto seconds = [](Duration d) { return std::chrono::duration<double>(d).count(); };
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
  return json_text(out);
}

// ---- queues -------------------------------------------------------------------

namespace {

// Bounds a service means: an admin's slip (a wrap-up of 99,999,999 s, an
// answer threshold of 0 s) was saved and applied. 30 days holds a written
// request's deadline; an hour, the longest wrap-up.
constexpr double kMonth = 30 * 24 * 3600;

// `key`'s number in `object` (`fallback` when absent), refused on `field`
// with `said` outside low..high.
Result<double> bounded_number(const json::object& object, const char* key, double fallback,
                              double low, double high, const char* said, const std::string& field) {
  const double value = json_body::number_or(object, key, fallback);
  if (!(value >= low && value <= high)) return invalid_argument(said, field);
  return value;
}

}  // namespace

Result<routing::QueueConfig> queue_config(const json::object& body, std::uint64_t id) {
  routing::QueueConfig config;
  config.id = id;
  auto channel = routing::channel_from_string(json_body::string_or(body, "channel", ""));
  if (!channel)
    return invalid_argument("voice, callback, chat, email, sms, social or task", "channel");
  config.channel = *channel;
  if (const json::value* skills = body.if_contains("skills")) {
    for (std::size_t i = 0; i < skills->as_array().size(); ++i) {
      const std::string where = "skills[" + std::to_string(i) + "].";
      const json::value& item = skills->as_array()[i];
      if (!item.is_object()) return invalid_argument("must be an object", where);
      if (Status s = json_body::check_fields(
              item.as_object(),
              {{"skill_id", json::kind::int64, true}, {"min_level", json::kind::int64, false}},
              where.substr(0, where.size() - 1));
          !s) {
        return s.error();
      }
      auto skill = id_field(item.as_object(), "skill_id", where);
      if (!skill) return skill.error();
      const auto level = json_body::int_or(item.as_object(), "min_level", 1);
      if (level < 1 || level > 5) return invalid_argument("must be 1..5", where + "min_level");
      config.requirements.push_back(
          {static_cast<routing::SkillId>(*skill), static_cast<int>(level)});
    }
  }
  auto bounded = [&](const char* field, double fallback, double low, double high,
                     const char* said) {
    return bounded_number(body, field, fallback, low, high, said, field);
  };
  const auto priority = json_body::int_or(body, "priority", 0);
  if (priority < -1000 || priority > 1000)
    return invalid_argument("must be -1000..1000", "priority");
  config.priority = static_cast<int>(priority);
  auto threshold = bounded("sl_threshold_s", 20, 1, kMonth, "1 to 2592000 seconds");
  if (!threshold) return threshold.error();
  config.sl_threshold = seconds(*threshold);
  auto sl_target = bounded("sl_target", 0.8, 0, 1, "must be within 0..1");
  if (!sl_target) return sl_target.error();
  config.sl_target = *sl_target;
  auto strategy =
      routing::strategy_from_string(json_body::string_or(body, "strategy", "longest_idle"));
  if (!strategy) {
    return invalid_argument("longest_idle, least_occupied, most_skilled or round_robin",
                            "strategy");
  }
  config.strategy = *strategy;
  auto wrapup = bounded("wrapup_s", 0, 0, 3600, "0 to 3600 seconds");
  if (!wrapup) return wrapup.error();
  config.wrapup = seconds(*wrapup);
  if (body.contains("max_wait_s")) {
    auto max_wait = bounded("max_wait_s", 0, 1, kMonth, "1 to 2592000 seconds");
    if (!max_wait) return max_wait.error();
    config.max_wait = seconds(*max_wait);
  }
  if (body.contains("max_length")) {
    const auto length = json_body::int_or(body, "max_length", 0);
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
      if (Status s = json_body::check_fields(step_json,
                                             {{"after_s", json::kind::double_, true},
                                              {"relax_levels", json::kind::int64, false},
                                              {"drop_skill_ids", json::kind::array, false},
                                              {"raise_priority", json::kind::int64, false}},
                                             where);
          !s) {
        return s.error();
      }
      routing::EscalationStep step;
      auto after = bounded_number(step_json, "after_s", 0, 0, kMonth, "0 to 2592000 seconds",
                                  where + ".after_s");
      if (!after) return after.error();
      step.after = seconds(*after);
      step.relax_levels = static_cast<int>(json_body::int_or(step_json, "relax_levels", 0));
      step.raise_priority = static_cast<int>(json_body::int_or(step_json, "raise_priority", 0));
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
    auto hours = BusinessCalendar::parse(json_body::string_or(body, "hours", ""));
    if (!hours) return invalid_argument(hours.error().message, "hours");
    config.hours = *hours;
  }
  config.accept_when_closed = json_body::bool_or(body, "accept_when_closed", false);
  if (const auto every = json_body::int_or(body, "announce_every_s", 30);
      every < 0 || every > 600) {
    return invalid_argument("0 (never) to 600 seconds", "announce_every_s");
  }
  if (const auto days = json_body::int_or(body, "recording_retention_days", 30);
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
  if (utf8_length(json_body::string_or(body, "voicemail_text", "")) > 500) {
    return invalid_argument("at most 500 characters", "voicemail_text");
  }
  if (const auto longest = json_body::int_or(body, "voicemail_max_s", 120);
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
      !json_body::bool_or(queue, "accept_when_closed", false)) {
    return "ends what comes outside its hours (accept_when_closed)";
  }
  return nullptr;
}

// ---- agents ---------------------------------------------------------------------

Result<routing::AgentConfig> agent_config(const json::object& body, std::uint64_t id) {
  routing::AgentConfig config;
  config.id = id;
  if (const json::value* skills = body.if_contains("skills")) {
    for (std::size_t i = 0; i < skills->as_array().size(); ++i) {
      const std::string where = "skills[" + std::to_string(i) + "]";
      const json::value& item = skills->as_array()[i];
      if (!item.is_object()) return invalid_argument("must be an object", where);
      if (Status s = json_body::check_fields(
              item.as_object(),
              {{"skill_id", json::kind::int64, true}, {"level", json::kind::int64, true}}, where);
          !s) {
        return s.error();
      }
      auto skill = id_field(item.as_object(), "skill_id", where + ".");
      if (!skill) return skill.error();
      config.skills.push_back({static_cast<routing::SkillId>(*skill),
                               static_cast<int>(json_body::int_or(item.as_object(), "level", 0))});
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
  if (utf8_length(json_body::string_or(body, "team", "")) > 100) {
    return invalid_argument("at most 100 characters", "team");
  }
  // Checked and normalised when written (put_document): a profile stored
  // before the check existed still loads.
  config.phone = json_body::string_or(body, "phone", "");
  config.voice_exclusive = json_body::bool_or(body, "voice_exclusive", true);
  return config;
}

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

}  // namespace guichet::conversations::detail
