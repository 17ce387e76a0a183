// Configuration documents: kept in the store, checked, and applied live to
// the routing engine; what refers to what (a skill, a calendar, a queue in use stays).
#include "conversations/detail/contact_center_impl.h"

#include <algorithm>
#include <cctype>
#include <future>

#include "core/json_format.h"
#include "core/log.h"
#include "core/text.h"

namespace guichet::conversations {

using namespace detail;

namespace {

// A website's origin as browsers send it: scheme, host, optional port.
bool web_origin(std::string_view origin) {
  const bool https = origin.starts_with("https://");
  if (!https && !origin.starts_with("http://")) return false;
  std::string_view host = origin.substr(https ? 8 : 7);
  if (host.empty() || host.size() > 253) return false;
  const std::size_t colon = host.find(':');
  if (colon != std::string_view::npos) {
    const std::string_view port = host.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string_view::npos) {
      return false;
    }
    host = host.substr(0, colon);
  }
  return !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
  });
}

}  // namespace

Status ContactCenter::Impl::load() {
  for (const char* kind : {kQueue, kAgent}) {
    auto documents = store_.documents(kind);
    if (!documents) return documents.status();
    // Queues may name others (overflow…): apply those without targets first.
    for (int pass = 0; pass < 2; ++pass) {
      for (const store::Document& document : *documents) {
        if (Status s = apply(document, pass == 0); !s && pass == 1) {
          log::warning("configuration not applied", "\"kind\":" + json_quote(kind) +
                                                        ",\"id\":" + std::to_string(document.id) +
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

Result<std::string> ContactCenter::Impl::create(const std::string& kind, const std::string& body,
                                                std::uint64_t user) {
  if (kind == kAgent) return invalid_argument("agents are created with PUT on their user id", "id");
  return put_document(kind, 0, body, user);
}

Result<std::string> ContactCenter::Impl::put(const std::string& kind, std::uint64_t id,
                                             const std::string& body, std::uint64_t user) {
  if (kind != kAgent) {
    auto existing = store_.document(kind, id);
    if (!existing) return existing.error();
  }
  return put_document(kind, id, body, user);
}

Result<std::string> ContactCenter::Impl::get(const std::string& kind, std::uint64_t id,
                                             std::uint64_t viewer) {
  auto document = store_.document(kind, id);
  if (!document) return document.error();
  return document_view(*document, viewer);
}

Result<std::string> ContactCenter::Impl::list(const std::string& kind, std::uint64_t viewer) {
  auto documents = store_.documents(kind);
  if (!documents) return documents.error();
  std::string out = "[";
  for (std::size_t i = 0; i < documents->size(); ++i) {
    if (i > 0) out += ",";
    out += document_view((*documents)[i], viewer);
  }
  return out + "]";
}

Status ContactCenter::Impl::remove(const std::string& kind, std::uint64_t id, std::uint64_t user) {
  std::lock_guard lock(config_mutex_);
  auto existing = store_.document(kind, id);
  if (!existing) return existing.status();
  if (kind == kQueue) {
    const std::pair<const char*, const char*> naming[] = {
        {"voicemail_queue_id", " leaves its messages here"},
        {"chat_message_queue_id", " leaves its messages here"},
        {"chat_hours_queue_id", " keeps its hours"},
        {"chat_rtt_queue_id", " offers it from its chat"}};
    for (const auto& [field, why] : naming) {
      auto keeping = queues_naming(field, id);
      if (!keeping) return keeping.status();
      std::erase_if(*keeping, [id](const store::Document& q) { return q.id == id; });
      if (!keeping->empty())
        return failed_precondition("queue " + keeping->front().name + why, "id");
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
      return failed_precondition("queue " + queues->front().name + " follows this calendar", "id");
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
      const json::value* steps = body.is_object() ? body.as_object().if_contains("steps") : nullptr;
      if (!steps || !steps->is_array()) continue;
      for (const json::value& step : steps->as_array()) {
        if (step.is_object() && json_body::int_or(step.as_object(), field.c_str(), 0) ==
                                    static_cast<std::int64_t>(id)) {
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

void ContactCenter::Impl::set_phone_policy(PhonePolicy policy) {
  std::lock_guard lock(phone_policy_mutex_);
  phone_policy_ = std::move(policy);
}

// The agent's own setting of where calls ring (telework).
Result<std::string> ContactCenter::Impl::set_agent_phone(std::uint64_t agent,
                                                         const std::string& phone,
                                                         std::uint64_t user) {
  // Read, change, write as one configuration change: a supervisor's edit
  // of the same profile cannot slip in between.
  std::lock_guard lock(config_mutex_);
  auto existing = store_.document(kAgent, agent);
  if (!existing) return not_found("no agent profile for this user", "id");
  json::value profile = json::parse(existing->body_json);
  profile.as_object()["phone"] = phone;
  return put_document_locked(kAgent, agent, json::serialize(profile), user);
}

// Once a service has defined wrap-up codes (or pause reasons), a value must
// be one of them; before that, any value goes.
Status ContactCenter::Impl::one_of(const char* kind, const std::string& value, const char* field) {
  auto defined = store_.documents(kind);
  if (!defined) return defined.status();
  if (defined->empty()) return Status::ok();
  for (const store::Document& d : *defined) {
    if (d.name == value) return Status::ok();
  }
  return invalid_argument("not one of the service's " + std::string(kind) + "s", field);
}

Result<std::string> ContactCenter::Impl::put_document(const std::string& kind, std::uint64_t id,
                                                      const std::string& body, std::uint64_t user) {
  std::lock_guard lock(config_mutex_);
  return put_document_locked(kind, id, body, user);
}

// put_document with config_mutex_ held.
Result<std::string> ContactCenter::Impl::put_document_locked(const std::string& kind,
                                                             std::uint64_t id,
                                                             const std::string& body,
                                                             std::uint64_t user) {
  store::Document document;
  document.kind = kind;
  document.id = id;
  bool owned = false;  // a channel's (its mailboxes…): it checks them, they are versioned as flows
  {
    std::lock_guard checks(checks_mutex_);
    owned = checks_.count(kind) > 0;
  }
  if (kind == kIvrFlow || owned) {
    boost::system::error_code ec;
    json::value parsed = json::parse(body, ec);
    if (ec || !parsed.is_object()) return invalid_argument("the body must be an object", "body");
    json::object object = std::move(parsed.as_object());
    const json::value* name = object.if_contains("name");
    if (!name || !name->is_string()) return invalid_argument("a name is needed", "name");
    // Copied now: erasing or adding a field moves the object's values.
    document.name = std::string(name->as_string());
    object.erase("id");       // the server's: the path's, or the next free
    object.erase("version");  // ours to count
    std::vector<DocumentProblem> problems = owned_problems(kind, json::serialize(object), id);
    if (!problems.empty()) {
      return invalid_argument(problems.front().message, problems.front().field);
    }
    std::int64_t version = 1;
    if (id != 0) {
      if (auto existing = store_.document(kind, id)) {
        boost::system::error_code old_ec;
        json::value old = json::parse(existing->body_json, old_ec);
        if (!old_ec && old.is_object())
          version = json_body::int_or(old.as_object(), "version", 0) + 1;
      }
    }
    object["version"] = version;
    document.body_json = body_without_name(std::move(object));
  } else if (kind == kPrompt) {
    auto object = json_body::parse_object(body, {{"name", json::kind::string, true},
                                                 {"seconds", json::kind::double_, true},
                                                 {"description", json::kind::string, false}});
    if (!object) return object.error();
    document.name = json_body::string_or(*object, "name", "");
    document.body_json = body_without_name(std::move(*object));
  } else if (kind == kCannedResponse) {
    auto object = json_body::parse_object(
        body, {{"name", json::kind::string, true}, {"text", json::kind::string, true}});
    if (!object) return object.error();
    const std::string text = json_body::string_or(*object, "text", "");
    if (text.empty() || utf8_length(text) > 4000) {
      return invalid_argument("1 to 4000 characters", "text");
    }
    document.name = json_body::string_or(*object, "name", "");
    document.body_json = body_without_name(std::move(*object));
  } else if (kind == kSkill || kind == kWrapupCode || kind == kPauseReason) {
    auto object = json_body::parse_object(
        body, {{"name", json::kind::string, true}, {"description", json::kind::string, false}});
    if (!object) return object.error();
    document.name = json_body::string_or(*object, "name", "");
    document.body_json = body_without_name(std::move(*object));
  } else if (kind == kCalendar) {
    auto object = json_body::parse_object(body, {{"name", json::kind::string, true},
                                                 {"hours", json::kind::string, true},
                                                 {"time_zone", json::kind::string, false},
                                                 {"french_holidays", json::kind::bool_, false},
                                                 {"alsace_moselle", json::kind::bool_, false},
                                                 {"closed_dates", json::kind::array, false},
                                                 {"description", json::kind::string, false}});
    if (!object) return object.error();
    if (auto calendar = calendar_from(*object); !calendar) return calendar.error();
    document.name = json_body::string_or(*object, "name", "");
    document.body_json = body_without_name(std::move(*object));
  } else if (kind == kQueue) {
    auto object = json_body::parse_object(body, kQueueFields);
    if (!object) return object.error();
    if (object->contains("hours") && object->contains("calendar_id")) {
      return invalid_argument("give hours or calendar_id, not both", "calendar_id");
    }
    auto config = queue_config(*object, id);
    if (!config) return config.error();
    if (Status s = resolve_calendar(*object, *config); !s) return s.error();
    // The queues a chat queue names, and what each must be: any queue to
    // keep the messages left, the phone line whose hours it keeps, a
    // real-time text chat to offer.
    for (const char* field :
         {"chat_message_queue_id", "chat_hours_queue_id", "chat_rtt_queue_id"}) {
      if (!object->contains(field)) continue;
      const auto other = json_body::int_or(*object, field, 0);
      if (other <= 0 || static_cast<std::uint64_t>(other) == id)
        return not_found("no such queue (another one)", field);
      auto named = store_.document(kQueue, static_cast<std::uint64_t>(other));
      if (!named) return not_found("no such queue (another one)", field);
      boost::system::error_code named_ec;
      const json::value named_body = json::parse(named->body_json, named_ec);
      const json::object named_object =
          !named_ec && named_body.is_object() ? named_body.as_object() : json::object();
      const std::string channel = json_body::string_or(named_object, "channel", "");
      if (std::string_view(field) == "chat_hours_queue_id" && channel != "voice")
        return invalid_argument("a phone queue (the line whose hours it keeps)", field);
      if (std::string_view(field) == "chat_rtt_queue_id" &&
          (channel != "chat" || !json_body::bool_or(named_object, "chat_rtt", false))) {
        return invalid_argument("a real-time text chat queue", field);
      }
    }
    if (json::value* origins = object->if_contains("chat_origins")) {
      if (origins->as_array().size() > 20) return invalid_argument("at most 20", "chat_origins");
      for (std::size_t i = 0; i < origins->as_array().size(); ++i) {
        json::value& origin = origins->as_array()[i];
        if (!origin.is_string() || !web_origin(origin.as_string())) {
          return invalid_argument("an origin: https://host or https://host:port, nothing after",
                                  "chat_origins[" + std::to_string(i) + "]");
        }
        // As browsers send it: in lower case ("https://Ville.fr" never matched).
        std::string lower(origin.as_string());
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        origin = lower;
      }
    }
    for (const routing::Requirement& r : config->requirements) {
      if (!store_.document(kSkill, r.skill)) return not_found("no such skill", "skills");
    }
    // A caller who heard the beep was told the message is kept: never
    // left for a queue that is not there, or that could end it unheard.
    if (object->contains("voicemail_queue_id")) {
      const auto target = static_cast<std::uint64_t>(object->at("voicemail_queue_id").as_int64());
      if (target == id) {
        return invalid_argument("another queue keeps this queue's messages", "voicemail_queue_id");
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
          return not_found("no such skill", "escalation[" + std::to_string(i) + "].drop_skill_ids");
        }
      }
    }
    document.name = json_body::string_or(*object, "name", "");
    document.body_json = body_without_name(std::move(*object));
  } else if (kind == kAgent) {
    auto object = json_body::parse_object(body, kAgentFields);
    if (!object) return object.error();
    auto user_record = store_.user_by_id(id);
    if (!user_record) return not_found("no such user", "id");
    if (object->contains("phone")) {
      PhonePolicy policy;
      {
        std::lock_guard lock(phone_policy_mutex_);
        policy = phone_policy_;
      }
      auto phone = agent_phone(json_body::string_or(*object, "phone", ""), policy);
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
  // Characters, not bytes: "Équipe d'accueil" is as long as it reads.
  if (document.name.empty() || utf8_length(document.name) > 100) {
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

void ContactCenter::Impl::notify_config(const std::string& kind) {
  std::function<void(const std::string&)> observer;
  {
    std::lock_guard lock(observer_mutex_);
    observer = config_observer_;
  }
  if (observer) observer(kind);
}

namespace {

// The documents a channel's check may look at: the store's, read only.
class StoredDocuments final : public DocumentLookup {
 public:
  explicit StoredDocuments(store::Store& store) : store_(store) {}
  bool exists(const std::string& kind, std::uint64_t id) override {
    return store_.document(kind, id).is_ok();
  }
  std::vector<Named> all(const std::string& kind) override {
    std::vector<Named> out;
    if (auto documents = store_.documents(kind)) {
      for (store::Document& d : *documents)
        out.push_back({d.id, std::move(d.name), std::move(d.body_json)});
    }
    return out;
  }

 private:
  store::Store& store_;
};

}  // namespace

void ContactCenter::Impl::check_documents(const std::string& kind, DocumentCheck check) {
  std::lock_guard lock(checks_mutex_);
  checks_[kind] = std::move(check);
}

std::vector<DocumentProblem> ContactCenter::Impl::owned_problems(const std::string& kind,
                                                                 const std::string& body,
                                                                 std::uint64_t id) {
  DocumentCheck check;
  {
    std::lock_guard lock(checks_mutex_);
    if (auto found = checks_.find(kind); found != checks_.end()) check = found->second;
  }
  if (!check) return {{"", "kind", "no channel checks these documents"}};
  StoredDocuments lookup(store_);
  return check(body, id, lookup);
}

std::string ContactCenter::Impl::check_document(const std::string& kind, const std::string& body) {
  // A stored document being edited gives its id: e.g. its own number is not taken.
  std::uint64_t id = 0;
  boost::system::error_code ec;
  json::value parsed = json::parse(body, ec);
  if (!ec && parsed.is_object()) {
    id = static_cast<std::uint64_t>(
        std::max<std::int64_t>(0, json_body::int_or(parsed.as_object(), "id", 0)));
  }
  json::array list;
  for (const DocumentProblem& p : owned_problems(kind, body, id)) {
    list.push_back(json::object{{"step", p.part}, {"field", p.field}, {"message", p.message}});
  }
  return json::serialize(json::object{{"problems", std::move(list)}});
}

// Calendar `id`, parsed; errors of its own name `field`.
Result<std::shared_ptr<const BusinessCalendar>> ContactCenter::Impl::calendar(
    std::uint64_t id, const std::string& field) {
  auto document = store_.document(kCalendar, id);
  if (!document) return not_found("no such calendar", field);
  boost::system::error_code ec;
  json::value body = json::parse(document->body_json, ec);
  if (ec || !body.is_object()) return invalid_argument("stored calendar is not an object", field);
  auto parsed = calendar_from(body.as_object());
  if (!parsed) return parsed.error();
  return std::make_shared<const BusinessCalendar>(std::move(*parsed));
}

void ContactCenter::Impl::observe(EventObserver on_events,
                                  std::function<void(const std::string&)> on_config) {
  std::lock_guard lock(observer_mutex_);
  event_observer_ = std::move(on_events);
  config_observer_ = std::move(on_config);
}

// A queue's hours from the calendar it names, if it names one.
Status ContactCenter::Impl::resolve_calendar(const json::object& body,
                                             routing::QueueConfig& config) {
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
Result<std::vector<store::Document>> ContactCenter::Impl::queues_naming(const char* field,
                                                                        std::uint64_t id) {
  auto queues = store_.documents(kQueue);
  if (!queues) return queues.error();
  std::vector<store::Document> naming;
  for (store::Document& queue : *queues) {
    boost::system::error_code ec;
    json::value body = json::parse(queue.body_json, ec);
    if (!ec && body.is_object() &&
        json_body::int_or(body.as_object(), field, 0) == static_cast<std::int64_t>(id)) {
      naming.push_back(std::move(queue));
    }
  }
  return naming;
}

// Gives a stored document to the engine. With skip_references, a queue
// that names other queues waits for the second pass of load().
Status ContactCenter::Impl::apply(const store::Document& document, bool skip_references) {
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
    return engine_.run([&](routing::Engine& e, Time now) { return e.upsert_agent(now, *config); });
  }
  return Status::ok();
}

// A skill in use — required by a queue, dropped by one of its escalation
// steps, or held by an agent — stays.
Status ContactCenter::Impl::skill_unused(std::uint64_t skill) {
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
        return failed_precondition(std::string("a ") + kind + " uses this skill: " + d.name, "id");
      }
    }
  }
  return Status::ok();
}

Result<std::vector<QueueSetting>> ContactCenter::Impl::queue_settings() {
  auto queues = store_.documents(kQueue);
  if (!queues) return queues.error();
  std::vector<QueueSetting> out;
  for (const store::Document& document : *queues) {
    boost::system::error_code ec;
    json::value body = json::parse(document.body_json, ec);
    if (ec || !body.is_object()) continue;
    auto config = queue_config(body.as_object(), document.id);
    if (!config) continue;
    out.push_back({document.id, document.name, std::move(*config)});
  }
  return out;
}

Result<std::vector<AgentSetting>> ContactCenter::Impl::agent_settings() {
  auto agents = store_.documents(kAgent);
  if (!agents) return agents.error();
  std::vector<AgentSetting> out;
  for (const store::Document& document : *agents) {
    boost::system::error_code ec;
    json::value body = json::parse(document.body_json, ec);
    if (ec || !body.is_object()) continue;
    auto config = agent_config(body.as_object(), document.id);
    if (!config) continue;
    out.push_back({document.id, document.name, std::move(*config), false});
  }
  engine_.inspect([&](const routing::Engine& e) {
    for (AgentSetting& agent : out) {
      auto status = e.agent(agent.id);
      agent.connected = status && status->state != routing::AgentState::kOffline;
    }
  });
  return out;
}

}  // namespace guichet::conversations
