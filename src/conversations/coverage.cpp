// Accessible reception's coverage (décret 2017-875): each real-time text
// queue's hours against its phone line's, and today's hours with an agent
// trained for it signed in.
#include "conversations/detail/contact_center_impl.h"

#include <algorithm>

#include "core/json_body.h"

namespace guichet::conversations {

using namespace detail;

namespace {

// The stretches of [from, to) a queue's hours open (none: always open).
std::vector<Stretch> open_within(const std::shared_ptr<const BusinessCalendar>& hours, Time from,
                                 Time to) {
  if (!hours) return {{from, to}};
  return open_stretches(*hours, from, to);
}

Duration total(const std::vector<Stretch>& stretches) {
  Duration sum{0};
  for (const Stretch& s : stretches)
    sum += s.to - s.from;
  return sum;
}

bool holds(const routing::AgentConfig& agent, const std::vector<routing::Requirement>& needed) {
  return std::all_of(needed.begin(), needed.end(), [&](const routing::Requirement& r) {
    return std::any_of(agent.skills.begin(), agent.skills.end(), [&](const routing::SkillLevel& s) {
      return s.skill == r.skill && s.level >= r.min_level;
    });
  });
}

}  // namespace

std::shared_ptr<const BusinessCalendar> ContactCenter::Impl::hours_of(const json::object& body) {
  if (const auto calendar = json_body::int_or(body, "calendar_id", 0); calendar > 0) {
    auto found = this->calendar(static_cast<std::uint64_t>(calendar));
    return found ? *found : nullptr;
  }
  const std::string hours = json_body::string_or(body, "hours", "");
  if (hours.empty()) return nullptr;
  auto parsed = BusinessCalendar::parse(hours);
  return parsed ? std::make_shared<const BusinessCalendar>(std::move(*parsed)) : nullptr;
}

std::shared_ptr<const BusinessCalendar> ContactCenter::Impl::queue_hours(std::uint64_t queue) {
  auto found = store_.document(kQueue, queue);
  if (!found) return nullptr;
  boost::system::error_code ec;
  json::value body = json::parse(found->body_json, ec);
  return ec || !body.is_object() ? nullptr : hours_of(body.as_object());
}

Result<std::vector<AccessibleCoverage>> ContactCenter::Impl::accessible_coverage() {
  auto queues = store_.documents(kQueue);
  if (!queues) return queues.error();
  auto agents = agent_settings();
  if (!agents) return agents.error();
  const Time at = now();
  const TimeZone& zone = TimeZone::europe_paris();
  const auto today = std::chrono::floor<std::chrono::days>(zone.to_local(at));
  const auto body_of = [](const store::Document& document) {
    boost::system::error_code ec;
    json::value body = json::parse(document.body_json, ec);
    return ec || !body.is_object() ? json::object() : body.as_object();
  };

  std::vector<AccessibleCoverage> out;
  for (const store::Document& queue : *queues) {
    const json::object body = body_of(queue);
    if (!json_body::bool_or(body, "chat_rtt", false)) continue;
    AccessibleCoverage& c = out.emplace_back();
    c.queue = queue.id;
    c.name = queue.name;
    std::shared_ptr<const BusinessCalendar> accessible = hours_of(body);
    std::shared_ptr<const BusinessCalendar> phone;
    if (const auto line = json_body::int_or(body, "chat_hours_queue_id", 0); line > 0) {
      auto found = std::find_if(queues->begin(), queues->end(), [&](const store::Document& q) {
        return q.id == static_cast<std::uint64_t>(line);
      });
      if (found != queues->end()) {
        c.phone_queue = found->id;
        c.phone_name = found->name;
        phone = hours_of(body_of(*found));
        accessible = phone;  // kept in one place: the line's
      }
    }
    for (int d = 0; d < 7; ++d) {
      const auto day = today + std::chrono::days(d);
      const Time from = zone.to_utc(LocalTime(day));
      const Time to = zone.to_utc(LocalTime(day + std::chrono::days(1)));
      AccessibleCoverage::Day& shown = c.week.emplace_back();
      shown.date = std::chrono::year_month_day(day);
      if (c.phone_queue) shown.phone = open_within(phone, from, to);
      shown.accessible = open_within(accessible, from, to);
    }

    auto config = queue_config(body, queue.id);
    const std::vector<routing::Requirement> needed =
        config ? config->requirements : std::vector<routing::Requirement>{};
    std::vector<Stretch> present;
    {
      std::lock_guard stats(stats_mutex_);
      // Nothing seen since the start yet: nothing known before now.
      c.since =
          today_.since() == Time{} ? at : std::max(today_.since(), zone.to_utc(LocalTime(today)));
      for (const AgentSetting& agent : *agents) {
        if (!holds(agent.config, needed)) continue;
        ++c.trained;
        if (agent.connected) ++c.trained_signed_in;
        for (const Stretch& s : today_.signed_in(agent.id, at))
          present.push_back(s);
      }
    }
    const std::vector<Stretch> open =
        c.since < at ? open_within(accessible, c.since, at) : std::vector<Stretch>{};
    c.gaps_today = uncovered(open, present);
    c.open_today = total(open);
    c.covered_today = c.open_today - total(c.gaps_today);
  }
  return out;
}

}  // namespace guichet::conversations
