#include "channels/voice/ivr.h"

#include <algorithm>
#include <boost/json.hpp>
#include <deque>
#include <set>

#include "core/text.h"

namespace guichet::voice {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxSteps = 200;
constexpr std::size_t kMaxText = 1000;
constexpr std::size_t kMaxId = 64;
constexpr int kMaxStepsPerCall = 200;
constexpr std::size_t kMaxPath = 512;

bool is_key(char c) {
  return (c >= '0' && c <= '9') || c == '*' || c == '#';
}

bool is_terminal(const IvrStep& step) {
  using T = IvrStep::Type;
  return step.type == T::kQueue || step.type == T::kVoicemail || step.type == T::kHangup;
}

// The steps a step leads to (its edges in the graph).
std::vector<std::string> targets(const IvrStep& step) {
  std::vector<std::string> out;
  auto add = [&](const std::string& id) {
    if (!id.empty()) out.push_back(id);
  };
  add(step.next);
  add(step.fallback);
  add(step.open);
  add(step.closed);
  for (const auto& [digit, target] : step.options)
    add(target);
  return out;
}

// Reads one step; shape errors go to `problems` (the step named when known).
IvrStep read_step(const json::value& value, std::size_t index, std::vector<IvrProblem>& problems) {
  IvrStep step;
  const std::string where = "steps[" + std::to_string(index) + "]";
  const json::object* object = value.if_object();
  if (!object) {
    problems.push_back({"", where, "a step is an object"});
    return step;
  }
  auto problem = [&](const std::string& field, const std::string& message) {
    problems.push_back({step.id, where + "." + field, message});
  };
  auto text = [&](const char* field, std::string& out) {
    const json::value* v = object->if_contains(field);
    if (!v) return;
    if (!v->is_string()) return problem(field, "must be text");
    out = std::string(v->as_string());
    if (out.size() > kMaxText) problem(field, "at most 1000 characters");
  };
  auto number = [&](const char* field, auto& out, long long low, long long high) {
    const json::value* v = object->if_contains(field);
    if (!v) return;
    if (!v->is_int64() || v->as_int64() < low || v->as_int64() > high) {
      return problem(field,
                     "a whole number from " + std::to_string(low) + " to " + std::to_string(high));
    }
    out = static_cast<std::remove_reference_t<decltype(out)>>(v->as_int64());
  };
  text("id", step.id);
  if (step.id.empty() || step.id.size() > kMaxId) problem("id", "1 to 64 characters");
  std::string type;
  text("type", type);
  static const std::map<std::string, IvrStep::Type> kTypes = {
      {"prompt", IvrStep::Type::kPrompt},   {"menu", IvrStep::Type::kMenu},
      {"collect", IvrStep::Type::kCollect}, {"hours", IvrStep::Type::kHours},
      {"queue", IvrStep::Type::kQueue},     {"voicemail", IvrStep::Type::kVoicemail},
      {"hangup", IvrStep::Type::kHangup}};
  if (auto found = kTypes.find(type); found != kTypes.end()) {
    step.type = found->second;
  } else {
    problem("type", "one of prompt, menu, collect, hours, queue, voicemail, hangup");
  }
  text("text", step.text);
  text("next", step.next);
  text("invalid_text", step.invalid);
  text("fallback", step.fallback);
  text("attribute", step.attribute);
  text("open", step.open);
  text("closed", step.closed);
  number("retries", step.retries, 0, 9);
  long long timeout_s = step.timeout.count() / 1000;
  if (step.type == IvrStep::Type::kCollect) timeout_s = 8;
  number("timeout_s", timeout_s, 1, 60);
  step.timeout = std::chrono::seconds(timeout_s);
  number("min_digits", step.min_digits, 1, 40);
  number("max_digits", step.max_digits, 1, 40);
  number("calendar_id", step.calendar_id, 1, 1LL << 53);
  number("audio_id", step.audio_id, 1, 1LL << 53);
  number("queue_id", step.queue_id, 1, 1LL << 53);
  number("priority", step.priority, -1000, 1000);
  long long max_s = step.max_record.count();
  number("max_s", max_s, 5, 600);
  step.max_record = std::chrono::seconds(max_s);
  std::string callback;
  text("callback_digit", callback);
  if (!callback.empty()) {
    if (callback.size() != 1 || !is_key(callback[0])) {
      problem("callback_digit", "one key: 0-9, * or #");
    } else {
      step.callback_digit = callback[0];
    }
  }
  if (const json::value* options = object->if_contains("options")) {
    if (!options->is_object()) {
      problem("options", "an object: key → step");
    } else {
      for (const auto& [key, target] : options->as_object()) {
        if (key.size() != 1 || !is_key(key[0]) || !target.is_string()) {
          problem("options", "keys are one of 0-9 * #, values step ids");
          continue;
        }
        step.options[key[0]] = std::string(target.as_string());
      }
    }
  }
  return step;
}

// What each type needs; `known` holds the ids of the flow's steps.
void check_step(const IvrStep& step, const std::set<std::string>& known,
                std::vector<IvrProblem>& problems) {
  using T = IvrStep::Type;
  auto problem = [&](const std::string& field, const std::string& message) {
    problems.push_back({step.id, field, "step '" + step.id + "': " + message});
  };
  auto need_step = [&](const std::string& field, const std::string& target) {
    if (target.empty()) return problem(field, "no " + field + " step");
    if (!known.count(target)) problem(field, field + " '" + target + "' is not a step");
  };
  auto may_step = [&](const std::string& field, const std::string& target) {
    if (!target.empty() && !known.count(target)) {
      problem(field, field + " '" + target + "' is not a step");
    }
  };
  const bool speaks = step.type == T::kPrompt || step.type == T::kMenu ||
                      step.type == T::kCollect || step.type == T::kVoicemail;
  if (speaks && step.text.empty() && step.audio_id == 0) problem("text", "no prompt to play");
  switch (step.type) {
    case T::kPrompt:
      need_step("next", step.next);
      break;
    case T::kMenu:
      if (step.options.empty()) problem("options", "a menu needs at least one key");
      for (const auto& [key, target] : step.options) {
        need_step(std::string("options.") + key, target);
      }
      may_step("fallback", step.fallback);
      break;
    case T::kCollect:
      if (step.attribute.empty()) problem("attribute", "no attribute to keep the digits in");
      if (step.min_digits > step.max_digits) problem("min_digits", "more than max_digits");
      need_step("next", step.next);
      may_step("fallback", step.fallback);
      break;
    case T::kHours:
      if (step.calendar_id == 0) problem("calendar_id", "no calendar");
      need_step("open", step.open);
      need_step("closed", step.closed);
      break;
    case T::kQueue:
      if (step.queue_id == 0) problem("queue_id", "no queue");
      break;
    case T::kVoicemail:
      if (step.queue_id == 0) problem("queue_id", "no queue for the messages");
      break;
    case T::kHangup:
      break;
  }
  // Whatever the type, a step named as a target must exist: the walks below
  // follow every target.
  if (step.type == T::kQueue || step.type == T::kVoicemail || step.type == T::kHangup) {
    may_step("next", step.next);
  }
}

}  // namespace

const IvrStep* IvrFlow::step(const std::string& id) const {
  for (const IvrStep& s : steps) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

std::vector<std::string> IvrFlow::texts() const {
  std::set<std::string> out;
  for (const IvrStep& s : steps) {
    if (s.audio_id) continue;  // a recording says it
    if (!s.text.empty()) out.insert(s.text);
    if (!s.invalid.empty()) out.insert(s.invalid + " " + s.text);
  }
  return {out.begin(), out.end()};
}

std::vector<std::uint64_t> IvrFlow::audios() const {
  std::set<std::uint64_t> out;
  for (const IvrStep& s : steps) {
    if (s.audio_id) out.insert(s.audio_id);
  }
  return {out.begin(), out.end()};
}

bool IvrFlow::from_relay(const std::string& caller) const {
  if (!relay || caller.empty()) return false;
  const std::string calling = e164(caller).value_or(caller);
  return std::find(relay->callers.begin(), relay->callers.end(), calling) != relay->callers.end();
}

namespace {

// "relay": {name, url, callers, start?}; its problems under field "relay…".
std::optional<IvrRelay> read_relay(const json::value& value, std::vector<IvrProblem>& problems) {
  if (!value.is_object()) {
    problems.push_back({"", "relay", "the relay provider: {name, url, callers, start}"});
    return std::nullopt;
  }
  const json::object& object = value.as_object();
  IvrRelay relay;
  const auto text = [&](const char* key) {
    const json::value* v = object.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  relay.name = text("name");
  relay.url = text("url");
  relay.start = text("start");
  if (relay.name.empty() || relay.name.size() > 100)
    problems.push_back({"", "relay.name", "the relay provider's name: 1 to 100 characters"});
  const bool web = (relay.url.starts_with("https://") || relay.url.starts_with("http://")) &&
                   relay.url.size() <= 500 &&
                   relay.url.find_first_of(" \"'<>\\") == std::string::npos;
  if (!web) problems.push_back({"", "relay.url", "the relay provider's page: an http(s) address"});
  const json::value* callers = object.if_contains("callers");
  if (!callers || !callers->is_array() || callers->as_array().empty() ||
      callers->as_array().size() > 50) {
    problems.push_back({"", "relay.callers", "the numbers the relay calls from: 1 to 50"});
  } else {
    for (std::size_t i = 0; i < callers->as_array().size(); ++i) {
      const json::value& c = callers->as_array()[i];
      auto number = c.is_string() ? e164(std::string(c.as_string())) : std::nullopt;
      if (!number) {
        problems.push_back({"", "relay.callers[" + std::to_string(i) + "]", "a phone number"});
        continue;
      }
      relay.callers.push_back(*number);
    }
  }
  return relay;
}

}  // namespace

Result<IvrFlow> parse_ivr_flow(const std::string& text, std::vector<IvrProblem>& problems) {
  problems.clear();
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec || !value.is_object()) {
    problems.push_back({"", "", "a flow is a JSON object"});
    return Error{ErrorCode::kInvalidArgument, problems.back().message, ""};
  }
  const json::object& object = value.as_object();
  IvrFlow flow;
  if (const json::value* number = object.if_contains("number"); number && number->is_string()) {
    flow.number = std::string(number->as_string());
  }
  if (flow.number.empty() || flow.number.size() > 32 ||
      flow.number.find_first_not_of("+0123456789*#") != std::string::npos) {
    problems.push_back({"", "number", "the service number: digits, 1 to 32"});
  }
  if (const json::value* start = object.if_contains("start"); start && start->is_string()) {
    flow.start = std::string(start->as_string());
  }
  if (const json::value* relay = object.if_contains("relay"))
    flow.relay = read_relay(*relay, problems);
  const json::value* steps = object.if_contains("steps");
  if (!steps || !steps->is_array() || steps->as_array().empty()) {
    problems.push_back({"", "steps", "a flow needs steps"});
  } else if (steps->as_array().size() > kMaxSteps) {
    problems.push_back({"", "steps", "at most 200 steps"});
  } else {
    std::size_t index = 0;
    for (const json::value& s : steps->as_array()) {
      flow.steps.push_back(read_step(s, index++, problems));
    }
  }

  std::set<std::string> known;
  for (const IvrStep& s : flow.steps) {
    if (s.id.empty()) continue;
    if (!known.insert(s.id).second) {
      problems.push_back({s.id, "id", "two steps are named '" + s.id + "'"});
    }
  }
  if (!flow.steps.empty()) {
    if (flow.start.empty()) flow.start = flow.steps.front().id;
    if (!known.count(flow.start)) {
      problems.push_back({"", "start", "the start '" + flow.start + "' is not a step"});
    }
  }
  for (const IvrStep& s : flow.steps)
    check_step(s, known, problems);
  if (flow.relay && !flow.relay->start.empty() && !known.count(flow.relay->start)) {
    problems.push_back(
        {"", "relay.start", "the relay's start '" + flow.relay->start + "' is not a step"});
  }

  if (problems.empty()) {
    // Reachable from the start…
    std::set<std::string> reached{flow.start};
    std::deque<std::string> todo{flow.start};
    if (flow.relay && !flow.relay->start.empty() && reached.insert(flow.relay->start).second)
      todo.push_back(flow.relay->start);
    while (!todo.empty()) {
      const IvrStep* s = flow.step(todo.front());
      todo.pop_front();
      if (!s) continue;  // (refused above: not a step)
      for (const std::string& t : targets(*s)) {
        if (reached.insert(t).second) todo.push_back(t);
      }
    }
    // …and able to end: a terminal step, or a menu or collect hanging up
    // after its retries (no fallback). The rest loops without an exit.
    std::set<std::string> ends;
    for (const IvrStep& s : flow.steps) {
      const bool gives_up = (s.type == IvrStep::Type::kMenu || s.type == IvrStep::Type::kCollect) &&
                            s.fallback.empty();
      if (is_terminal(s) || gives_up) ends.insert(s.id);
    }
    for (bool grew = true; grew;) {
      grew = false;
      for (const IvrStep& s : flow.steps) {
        if (ends.count(s.id)) continue;
        for (const std::string& t : targets(s)) {
          if (ends.count(t)) {
            ends.insert(s.id);
            grew = true;
            break;
          }
        }
      }
    }
    for (const IvrStep& s : flow.steps) {
      if (!reached.count(s.id)) {
        problems.push_back({s.id, "id", "step '" + s.id + "' cannot be reached from the start"});
      } else if (!ends.count(s.id)) {
        problems.push_back({s.id, "next",
                            "step '" + s.id +
                                "' is in a loop without exit (never reaches a queue, "
                                "a voicemail or a hang-up)"});
      }
    }
  }
  if (!problems.empty()) {
    const IvrProblem& first = problems.front();
    return Error{ErrorCode::kInvalidArgument, first.message, first.field};
  }
  return flow;
}

// ---- a call's walk -------------------------------------------------------------

IvrRun::IvrRun(std::shared_ptr<const IvrFlow> flow, IsOpen is_open)
    : flow_(std::move(flow)), is_open_(std::move(is_open)) {}

void IvrRun::keep(const std::string& key, const std::string& value) {
  for (auto& [k, v] : attributes_) {
    if (k == key) {
      v = value;  // collected again (a loop back): the last answer counts
      return;
    }
  }
  attributes_.emplace_back(key, value);
}

IvrAction& IvrRun::set(IvrAction action) {
  action_ = std::move(action);
  return action_;
}

IvrAction IvrRun::start(const std::string& caller) {
  if (flow_->relay && flow_->from_relay(caller)) {
    keep("relay", flow_->relay->name);
    if (!flow_->relay->start.empty()) return enter(flow_->relay->start);
  }
  return enter(flow_->start);
}

IvrAction IvrRun::enter(const std::string& step_id, int hops) {
  using T = IvrStep::Type;
  const IvrStep* step = flow_->step(step_id);
  // Hours steps chained back to themselves at run time (a loop validation
  // allows, because another branch exits) must not spin: hang up.
  if (!step || hops > static_cast<int>(flow_->steps.size())) return set({});
  // A caller looping through menus for ever (a loop validation allows when
  // another branch exits) is let go, and the path kept stays short.
  if (++entered_ > kMaxStepsPerCall) return set({});
  step_ = step;
  tries_ = 0;
  digits_.clear();
  if (!path_.empty()) path_ += ">";
  path_ += step->id;
  if (path_.size() > kMaxPath) path_ = "…" + path_.substr(path_.size() - kMaxPath + 3);
  IvrAction action;
  action.text = step->text;  // what it says, if it says something
  action.audio_id = step->audio_id;
  switch (step->type) {
    case T::kPrompt:
    case T::kMenu:
    case T::kCollect:
      action.kind = IvrAction::Kind::kPlay;
      return set(action);
    case T::kHours:
      return enter(is_open_(step->calendar_id) ? step->open : step->closed, hops + 1);
    case T::kQueue:
      action.kind = IvrAction::Kind::kQueue;
      action.queue_id = step->queue_id;
      action.priority = step->priority;
      action.callback_digit = step->callback_digit;
      keep("ivr_path", path_);
      return set(action);
    case T::kVoicemail:
      action.kind = IvrAction::Kind::kVoicemail;
      action.queue_id = step->queue_id;
      action.max_record = step->max_record;
      keep("ivr_path", path_);
      return set(action);
    case T::kHangup:
      action.kind = IvrAction::Kind::kHangup;
      return set(action);
  }
  return set({});
}

IvrAction IvrRun::retry() {
  if (++tries_ > step_->retries) {
    if (step_->fallback.empty()) return set({});  // hang up
    return enter(step_->fallback);
  }
  digits_.clear();
  IvrAction action;
  action.kind = IvrAction::Kind::kPlay;
  // A recording is played again as it is; a text follows the "invalid" one.
  action.audio_id = step_->audio_id;
  action.text = step_->invalid.empty() ? step_->text : step_->invalid + " " + step_->text;
  return set(action);
}

IvrAction IvrRun::finish_collect() {
  if (static_cast<int>(digits_.size()) < step_->min_digits) return retry();
  keep(step_->attribute, digits_);
  return enter(step_->next);
}

std::optional<IvrAction> IvrRun::played() {
  if (!step_ || action_.kind != IvrAction::Kind::kPlay) return std::nullopt;
  if (step_->type == IvrStep::Type::kPrompt) return enter(step_->next);
  IvrAction wait;
  wait.kind = IvrAction::Kind::kWait;
  wait.wait = step_->timeout;
  return set(wait);
}

std::optional<IvrAction> IvrRun::digit(char digit) {
  if (!step_ || !is_key(digit)) return std::nullopt;
  const bool listening =
      action_.kind == IvrAction::Kind::kPlay || action_.kind == IvrAction::Kind::kWait;
  if (!listening) return std::nullopt;
  if (step_->type == IvrStep::Type::kMenu) {
    auto option = step_->options.find(digit);
    if (option == step_->options.end()) return retry();
    path_ += "[";
    path_ += digit;
    path_ += "]";
    return enter(option->second);
  }
  if (step_->type == IvrStep::Type::kCollect) {
    if (digit == '#') return finish_collect();
    digits_ += digit;
    if (static_cast<int>(digits_.size()) >= step_->max_digits) return finish_collect();
    IvrAction wait;  // the prompt stops; the next digit has `timeout` to come
    wait.kind = IvrAction::Kind::kWait;
    wait.wait = step_->timeout;
    return set(wait);
  }
  return std::nullopt;
}

std::optional<IvrAction> IvrRun::timed_out() {
  if (!step_ || action_.kind != IvrAction::Kind::kWait) return std::nullopt;
  if (step_->type == IvrStep::Type::kCollect &&
      static_cast<int>(digits_.size()) >= step_->min_digits) {
    return finish_collect();
  }
  return retry();
}

}  // namespace guichet::voice
