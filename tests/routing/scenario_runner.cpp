#include "scenario_runner.h"

#include <algorithm>
#include <charconv>
#include <deque>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "routing/engine.h"

namespace guichet::routing::testing {

namespace {

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream stream(text);
  while (std::getline(stream, part, separator)) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

// Parses "2026-11-30T08:00:00Z" (UTC only: scenarios need no more).
std::optional<Time> parse_utc(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%dZ", &y, &mo, &d, &h, &mi, &s) != 6) {
    return std::nullopt;
  }
  using namespace std::chrono;
  const sys_days date =
      year{y} / month{static_cast<unsigned>(mo)} / std::chrono::day{static_cast<unsigned>(d)};
  return Time(date) + hours{h} + minutes{mi} + std::chrono::seconds{s};
}

class Runner {
 public:
  explicit Runner(std::string name) : name_(std::move(name)) {}

  ScenarioOutcome run(const std::string& text) {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
      ++line_number_;
      if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
      std::vector<std::string> words = split(line, ' ');
      if (words.empty()) continue;
      if (!step(words)) return outcome_;
    }
    if (!pending_.empty()) fail("event left unchecked at the end: " + describe(pending_.front()));
    return outcome_;
  }

 private:
  // ---- reporting ------------------------------------------------------------

  bool fail(const std::string& message) {
    if (outcome_.ok) {
      outcome_.ok = false;
      outcome_.failure = name_ + ":" + std::to_string(line_number_) + ": " + message;
    }
    return false;
  }

  // ---- names ------------------------------------------------------------------

  std::uint64_t id(std::map<std::string, std::uint64_t>& table, const std::string& name) {
    auto [it, added] = table.emplace(name, table.size() + 1);
    return it->second;
  }
  static std::string name_of(const std::map<std::string, std::uint64_t>& table,
                             std::uint64_t value) {
    if (value == 0) return "-";
    for (const auto& [name, id] : table) {
      if (id == value) return name;
    }
    return "#" + std::to_string(value);
  }

  std::string describe(const Event& e) const {
    std::string text = to_string(e.type);
    auto add = [&](const char* key, const std::string& value) {
      if (value != "-" && !value.empty()) text += std::string(" ") + key + "=" + value;
    };
    add("interaction", name_of(interactions_, e.interaction));
    add("agent", name_of(agents_, e.agent));
    add("queue", name_of(queues_, e.queue));
    add("to_queue", name_of(queues_, e.to_queue));
    add("to_agent", name_of(agents_, e.to_agent));
    if (e.interaction != 0) add("channel", to_string(e.channel));
    if (e.type == EventType::kAgentState) add("state", to_string(e.agent_state));
    if (e.type == EventType::kEscalated || e.stage != 0) add("stage", std::to_string(e.stage));
    if (e.priority != 0) add("priority", std::to_string(e.priority));
    add("reason", e.reason);
    add("at", format_seconds(e.at - start_));
    if (e.interaction != 0) add("waited", format_seconds(e.waited));
    return text;
  }

  static std::string format_seconds(Duration d) {
    std::string text = std::to_string(d.count() / 1000);
    if (d.count() % 1000 != 0) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, ".%03lld",
                    static_cast<long long>(std::abs(d.count() % 1000)));
      text += buffer;
      while (text.back() == '0')
        text.pop_back();
    }
    return text;
  }

  // ---- parsing helpers ------------------------------------------------------

  using Options = std::map<std::string, std::string>;
  bool options(const std::vector<std::string>& words, std::size_t from, Options& out) {
    for (std::size_t i = from; i < words.size(); ++i) {
      const auto eq = words[i].find('=');
      if (eq == std::string::npos) return fail("expected key=value, got '" + words[i] + "'");
      out[words[i].substr(0, eq)] = words[i].substr(eq + 1);
    }
    return true;
  }
  bool number(const std::string& text, double& out) {
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, out);
    if (ec != std::errc() || ptr != end) return fail("not a number: '" + text + "'");
    return true;
  }
  bool integer(const std::string& text, int& out) {
    double value = 0;
    if (!number(text, value)) return false;
    out = static_cast<int>(value);
    return true;
  }
  Time at_seconds(double s) const { return start_ + seconds(s); }

  bool skill_levels(const std::string& text, std::vector<SkillLevel>& out) {
    for (const std::string& item : split(text, ',')) {
      const auto colon = item.find(':');
      if (colon == std::string::npos) return fail("expected skill:level, got '" + item + "'");
      SkillLevel level;
      level.skill = static_cast<SkillId>(id(skills_, item.substr(0, colon)));
      if (!integer(item.substr(colon + 1), level.level)) return false;
      out.push_back(level);
    }
    return true;
  }
  std::vector<GroupId> groups(const std::string& text) {
    std::vector<GroupId> out;
    for (const std::string& item : split(text, ',')) {
      out.push_back(static_cast<GroupId>(id(groups_, item)));
    }
    return out;
  }

  // ---- steps -------------------------------------------------------------------

  bool check(const Status& status) {
    if (expected_failure_) {
      const std::string expected = *expected_failure_;
      expected_failure_.reset();
      if (status.is_ok()) return fail("command succeeded, expected " + expected);
      if (expected != to_string(status.error().code)) {
        return fail("expected " + expected + ", got " + status.to_string());
      }
      return collect();
    }
    if (!status.is_ok()) return fail("command refused: " + status.to_string());
    return collect();
  }

  bool collect() {
    for (Event& event : engine_.drain_events()) {
      if (!ignored_.count(event.type)) pending_.push_back(std::move(event));
    }
    return true;
  }

  bool before_command() {
    ++outcome_.commands;
    if (!pending_.empty()) return fail("event left unchecked: " + describe(pending_.front()));
    return true;
  }

  bool step(const std::vector<std::string>& words) {
    const std::string& verb = words[0];
    if (verb == "expect") return expect(words);
    if (verb == "ignore") {
      for (std::size_t i = 1; i < words.size(); ++i) {
        bool known = false;
        for (int t = 0; t <= static_cast<int>(EventType::kPreferredExpired); ++t) {
          if (words[i] == to_string(static_cast<EventType>(t))) {
            ignored_.insert(static_cast<EventType>(t));
            known = true;
          }
        }
        if (!known) return fail("unknown event type '" + words[i] + "'");
      }
      return true;
    }
    if (verb == "fails") {
      if (words.size() < 3) return fail("fails needs a code and a command");
      expected_failure_ = words[1];
      return step(std::vector<std::string>(words.begin() + 2, words.end()));
    }
    if (!before_command()) return false;
    if (verb == "start") {
      auto start = parse_utc(words.size() > 1 ? words[1] : "");
      if (!start) return fail("start needs a time like 2026-12-25T08:00:00Z");
      start_ = *start;
      now_ = start_;
      return true;
    }
    if (verb == "engine") return configure_engine(words);
    if (verb == "queue") return queue(words);
    if (verb == "escalate") return escalate(words);
    if (verb == "agent") return agent(words);
    if (verb == "at") {
      double s = 0;
      if (words.size() != 2 || !number(words[1], s)) return fail("at needs a time in seconds");
      now_ = at_seconds(s);
      return check(engine_.advance(now_));
    }
    return interaction_or_agent_command(words);
  }

  bool configure_engine(const std::vector<std::string>& words) {
    Options opts;
    if (!options(words, 1, opts)) return false;
    EngineConfig config;
    for (const auto& [key, value] : opts) {
      double number_value = 0;
      if (key == "retry") {
        if (!number(value, number_value)) return false;
        config.retry_after_reject = seconds(number_value);
      } else if (key == "max_missed") {
        if (!integer(value, config.max_missed_offers)) return false;
      } else if (key.rfind("timeout.", 0) == 0 || key.rfind("auto.", 0) == 0) {
        const bool timeout = key[0] == 't';
        auto channel = channel_from_string(key.substr(key.find('.') + 1));
        if (!channel) return fail("unknown channel in '" + key + "'");
        const int c = static_cast<int>(*channel);
        if (timeout) {
          if (!number(value, number_value)) return false;
          config.offer_timeout[c] = seconds(number_value);
        } else {
          config.auto_accept[c] = value == "true";
        }
      } else {
        return fail("unknown engine option '" + key + "'");
      }
    }
    engine_ = Engine(config);
    return true;
  }

  bool queue(const std::vector<std::string>& words) {
    if (words.size() < 2) return fail("queue needs a name");
    Options opts;
    if (!options(words, 2, opts)) return false;
    QueueConfig config = queue_configs_[words[1]];  // a refused change is not kept
    config.id = id(queues_, words[1]);
    config.escalation.clear();
    for (const auto& [key, value] : opts) {
      double n = 0;
      if (key == "channel") {
        auto channel = channel_from_string(value);
        if (!channel) return fail("unknown channel '" + value + "'");
        config.channel = *channel;
      } else if (key == "skills") {
        std::vector<SkillLevel> levels;
        if (!skill_levels(value, levels)) return false;
        config.requirements.clear();
        for (const SkillLevel& l : levels)
          config.requirements.push_back({l.skill, l.level});
      } else if (key == "groups") {
        config.groups = groups(value);
      } else if (key == "priority") {
        if (!integer(value, config.priority)) return false;
      } else if (key == "threshold") {
        if (!number(value, n)) return false;
        config.sl_threshold = seconds(n);
      } else if (key == "strategy") {
        auto strategy = strategy_from_string(value);
        if (!strategy) return fail("unknown strategy '" + value + "'");
        config.strategy = *strategy;
      } else if (key == "wrapup") {
        if (!number(value, n)) return false;
        config.wrapup = seconds(n);
      } else if (key == "max_wait") {
        if (!number(value, n)) return false;
        config.max_wait = seconds(n);
      } else if (key == "max_length") {
        int length = 0;
        if (!integer(value, length)) return false;
        config.max_length = static_cast<std::uint32_t>(length);
      } else if (key == "overflow") {
        config.overflow_target = id(queues_, value);
      } else if (key == "closed") {
        config.closed_target = id(queues_, value);
      } else if (key == "accept_closed") {
        config.accept_when_closed = value == "true";
      } else if (key == "callback") {
        config.callback_queue = id(queues_, value);
      } else if (key == "hours") {
        std::string hours = value;
        std::replace(hours.begin(), hours.end(), '_', ' ');
        auto calendar = BusinessCalendar::parse(hours);
        if (!calendar) return fail("bad hours: " + calendar.error().message);
        config.hours = *calendar;
      } else {
        return fail("unknown queue option '" + key + "'");
      }
    }
    return upsert_queue(words[1], std::move(config));
  }

  bool upsert_queue(const std::string& name, QueueConfig config) {
    const Status status = engine_.upsert_queue(now_, config);
    if (status.is_ok()) queue_configs_[name] = std::move(config);
    return check(status);
  }

  bool escalate(const std::vector<std::string>& words) {
    if (words.size() < 2 || !queue_configs_.count(words[1])) {
      return fail("escalate needs a queue declared before");
    }
    Options opts;
    if (!options(words, 2, opts)) return false;
    EscalationStep step;
    for (const auto& [key, value] : opts) {
      double n = 0;
      if (key == "after") {
        if (!number(value, n)) return false;
        step.after = seconds(n);
      } else if (key == "relax") {
        if (!integer(value, step.relax_levels)) return false;
      } else if (key == "drop") {
        for (const std::string& skill : split(value, ',')) {
          step.drop_skills.push_back(static_cast<SkillId>(id(skills_, skill)));
        }
      } else if (key == "add_groups") {
        step.add_groups = groups(value);
      } else if (key == "raise") {
        if (!integer(value, step.raise_priority)) return false;
      } else {
        return fail("unknown escalation option '" + key + "'");
      }
    }
    QueueConfig config = queue_configs_[words[1]];
    config.escalation.push_back(step);
    return upsert_queue(words[1], std::move(config));
  }

  bool agent(const std::vector<std::string>& words) {
    if (words.size() < 2) return fail("agent needs a name");
    Options opts;
    if (!options(words, 2, opts)) return false;
    AgentConfig config;
    config.id = id(agents_, words[1]);
    for (const auto& [key, value] : opts) {
      if (key == "skills") {
        if (!skill_levels(value, config.skills)) return false;
      } else if (key == "groups") {
        config.groups = groups(value);
      } else if (key == "exclusive") {
        config.voice_exclusive = value != "false";
      } else if (auto channel = channel_from_string(key)) {
        if (!integer(value, config.capacity[static_cast<int>(*channel)])) return false;
      } else {
        return fail("unknown agent option '" + key + "'");
      }
    }
    return check(engine_.upsert_agent(now_, config));
  }

  OfferId offer_of(const std::string& interaction) {
    auto status = engine_.interaction(id(interactions_, interaction));
    return status ? status->offer : 0;
  }

  bool interaction_or_agent_command(const std::vector<std::string>& words) {
    const std::string& verb = words[0];
    if (words.size() < 2) return fail(verb + " needs a name");
    const std::string& name = words[1];
    Options opts;
    auto opts_from = [&](std::size_t from) { return options(words, from, opts); };
    if (verb == "available")
      return check(engine_.set_agent_state(now_, id(agents_, name), AgentState::kAvailable));
    if (verb == "offline")
      return check(engine_.set_agent_state(now_, id(agents_, name), AgentState::kOffline));
    if (verb == "pause") {
      return check(engine_.set_agent_state(now_, id(agents_, name), AgentState::kPaused,
                                           words.size() > 2 ? words[2] : "pause"));
    }
    if (verb == "skills") {
      std::vector<SkillLevel> levels;
      if (words.size() > 2 && !skill_levels(words[2], levels)) return false;
      return check(engine_.set_agent_skills(now_, id(agents_, name), levels));
    }
    if (verb == "capacity") {
      if (!opts_from(2)) return false;
      for (const auto& [key, value] : opts) {
        auto channel = channel_from_string(key);
        int slots = 0;
        if (!channel) return fail("unknown channel '" + key + "'");
        if (!integer(value, slots)) return false;
        if (!check(engine_.set_agent_capacity(now_, id(agents_, name), *channel, slots))) {
          return false;
        }
      }
      return true;
    }
    const InteractionId interaction = id(interactions_, name);
    if (verb == "arrive") {
      if (!opts_from(2)) return false;
      InteractionSpec spec;
      spec.id = interaction;
      spec.queue = id(queues_, opts["queue"]);
      spec.channel = queue_configs_[opts["queue"]].channel;
      double n = 0;
      if (opts.count("channel")) {
        auto channel = channel_from_string(opts["channel"]);
        if (!channel) return fail("unknown channel");
        spec.channel = *channel;
      }
      if (opts.count("priority") && !integer(opts["priority"], spec.priority)) return false;
      if (opts.count("citizen")) {
        if (!number(opts["citizen"], n)) return false;
        spec.citizen = static_cast<CitizenId>(n);
      }
      if (opts.count("preferred")) spec.preferred_agent = id(agents_, opts["preferred"]);
      if (opts.count("timeout")) {
        if (!number(opts["timeout"], n)) return false;
        spec.preferred_timeout = seconds(n);
      }
      if (opts.count("enqueued")) {
        if (!number(opts["enqueued"], n)) return false;
        spec.enqueued_at = at_seconds(n);
      }
      if (opts.count("due")) {
        if (!number(opts["due"], n)) return false;
        spec.due_at = at_seconds(n);
      }
      return check(engine_.arrive(now_, spec));
    }
    if (verb == "accept") return check(engine_.accept(now_, offer_of(name)));
    if (verb == "reject") return check(engine_.reject(now_, offer_of(name)));
    if (verb == "abandon") return check(engine_.abandon(now_, interaction));
    if (verb == "end_wrapup") return check(engine_.end_wrapup(now_, interaction));
    if (verb == "callback") return check(engine_.request_callback(now_, interaction));
    if (verb == "complete") {
      if (!opts_from(2)) return false;
      return check(engine_.complete(now_, interaction, opts["code"]));
    }
    if (verb == "transfer") {
      if (!opts_from(2)) return false;
      if (opts.count("queue")) {
        return check(engine_.transfer_to_queue(now_, interaction, id(queues_, opts["queue"])));
      }
      double timeout = 0;
      if (!opts.count("agent") || !number(opts["timeout"], timeout)) {
        return fail("transfer needs queue=Q, or agent=A timeout=S");
      }
      return check(engine_.transfer_to_agent(now_, interaction, id(agents_, opts["agent"]),
                                             seconds(timeout)));
    }
    return fail("unknown command '" + verb + "'");
  }

  bool expect(const std::vector<std::string>& words) {
    ++outcome_.expectations;
    if (words.size() < 2) return fail("expect needs an event type, or nothing");
    if (words[1] == "nothing") {
      if (!pending_.empty()) return fail("unexpected event: " + describe(pending_.front()));
      return true;
    }
    if (pending_.empty()) return fail("expected " + words[1] + ", but no event is left");
    const Event event = pending_.front();
    pending_.pop_front();
    const std::string actual = describe(event);
    if (words[1] != to_string(event.type)) {
      return fail("expected " + words[1] + ", got " + actual);
    }
    Options wanted;
    if (!options(words, 2, wanted)) return false;
    // Compare field by field on the description, which names every field.
    std::map<std::string, std::string> fields;
    for (const std::string& part : split(actual, ' ')) {
      const auto eq = part.find('=');
      if (eq != std::string::npos) fields[part.substr(0, eq)] = part.substr(eq + 1);
    }
    for (const auto& [key, value] : wanted) {
      const std::string got = fields.count(key) ? fields[key] : "-";
      const bool zero_omitted = (key == "stage" || key == "priority") && value == "0" && got == "-";
      if (got != value && !zero_omitted) {
        return fail("expected " + key + "=" + value + " in: " + actual);
      }
    }
    return true;
  }

  std::string name_;
  int line_number_ = 0;
  ScenarioOutcome outcome_;
  Time start_ = *parse_utc("2026-11-30T08:00:00Z");
  Time now_ = start_;
  Engine engine_;
  std::map<std::string, std::uint64_t> agents_, queues_, skills_, groups_, interactions_;
  std::map<std::string, QueueConfig> queue_configs_;
  std::deque<Event> pending_;
  std::set<EventType> ignored_;
  std::optional<std::string> expected_failure_;
};

}  // namespace

ScenarioOutcome run_scenario_text(const std::string& text, const std::string& name) {
  return Runner(name).run(text);
}

ScenarioOutcome run_scenario_file(const std::string& path) {
  std::ifstream file(path);
  if (!file) {
    ScenarioOutcome outcome;
    outcome.ok = false;
    outcome.failure = path + ": cannot be read";
    return outcome;
  }
  std::ostringstream text;
  text << file.rdbuf();
  return run_scenario_text(text.str(), path);
}

}  // namespace guichet::routing::testing
