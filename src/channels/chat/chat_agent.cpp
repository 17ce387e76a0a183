// The web chat channel (chat_channel.h): the engine's events and the
// agent's replies carried to the citizen, what the citizen's streams get,
// the workers that run each conversation's jobs in order, and the timer.
#include <boost/json.hpp>

#include <chrono>
#include <cstdio>

#include "channels/chat/detail/chat_channel_impl.h"
#include "core/calendar.h"
#include "core/json_body.h"
#include "core/json_format.h"
#include "core/text.h"

namespace guichet::chat {

void ChatChannel::Impl::on_events(const std::vector<routing::Event>& events) {
  Wakes wakes;
  {
    std::lock_guard lock(mutex_);
    for (const routing::Event& e : events) {
      auto found = by_interaction_.find(e.interaction);
      if (found == by_interaction_.end()) continue;
      Conversation& c = *found->second;
      if (c.phase == Phase::kEnded) continue;
      switch (e.type) {
        case routing::EventType::kQueued:
          c.phase = Phase::kWaiting;
          c.agent = 0;
          clear_agent_draft(c, wakes);  // transferred: the last agent's words go
          emit_status(c, wakes);
          break;
        case routing::EventType::kAccepted:
          if (c.agent != e.agent) clear_agent_draft(c, wakes);
          c.phase = Phase::kWithAgent;
          c.agent = e.agent;
          c.last_activity = e.at;
          c.warned = false;
          emit_status(c, wakes);
          if (c.rtt && !c.citizen_draft.empty() && !c.draft_pending) {
            c.draft_pending = true;
            submit(found->second,
                   [this, conversation = found->second] { pass_draft(conversation); });
          }
          break;
        case routing::EventType::kCompleted:
          end(c, "agent", wakes);
          break;
        case routing::EventType::kAbandoned:
          end(c, "citizen", wakes);
          break;
        case routing::EventType::kOverflowed:
          if (e.to_queue == 0) end(c, "closed", wakes);
          break;
        default:
          break;
      }
    }
  }
  for (auto& wake : wakes)
    wake();
}

Status ChatChannel::Impl::control(std::uint64_t interaction, const std::string& action) {
  Wakes wakes;
  {
    std::lock_guard lock(mutex_);
    auto found = by_interaction_.find(interaction);
    if (found == by_interaction_.end()) return not_found("no such chat conversation", "id");
    Conversation& c = *found->second;
    if (c.phase != Phase::kWithAgent)
      return failed_precondition("nobody is writing with the citizen", "id");
    if (action == "typing") {
      tell(c, R"({"type":"typing","from":"agent"})", wakes);
    } else if (action == "read") {
      append(c, "\"type\":\"read\",\"up_to\":" + std::to_string(c.last_citizen_seq), wakes);
    } else {
      return invalid_argument("typing or read", "action");
    }
  }
  for (auto& wake : wakes)
    wake();
  return Status::ok();
}

Status ChatChannel::Impl::deliver(const channels::Reply& reply) {
  if (!reply.files.empty()) return failed_precondition("a chat carries no agent's files", "files");
  Wakes wakes;
  bool connected = false;
  {
    std::lock_guard lock(mutex_);
    auto found = by_interaction_.find(reply.interaction);
    if (found == by_interaction_.end()) {
      // A chat an integration brings (the messages API): its channel takes it.
      return not_found("not a web chat conversation", "interaction");
    }
    Conversation& c = *found->second;
    if (c.phase == Phase::kEnded) return failed_precondition("the citizen has left the chat", "id");
    c.agent_draft.clear();  // sent: the draft is a message now
    c.agent_sent = reply.text;
    emit_message(c, "agent", reply.text, host_.now(), "", "", wakes);
    connected = !c.streams.empty();
  }
  sent_.fetch_add(1, std::memory_order_relaxed);
  for (auto& wake : wakes)
    wake();
  // Connected: on the citizen's screen now; else when they come back.
  host_.note_delivery(reply, connected ? channels::Delivery::kDelivered : channels::Delivery::kSent,
                      "");
  return Status::ok();
}

Status ChatChannel::Impl::agent_draft(std::uint64_t interaction, const std::string& text) {
  if (utf8_length(text) > options_.max_message_chars) {
    return invalid_argument("at most " + std::to_string(options_.max_message_chars) + " characters",
                            "text");
  }
  Wakes wakes;
  {
    std::lock_guard lock(mutex_);
    auto found = by_interaction_.find(interaction);
    if (found == by_interaction_.end()) return not_found("no such chat conversation", "id");
    Conversation& c = *found->second;
    if (!c.rtt) return failed_precondition("not a real-time text conversation", "id");
    if (c.phase != Phase::kWithAgent)
      return failed_precondition("nobody is writing with the citizen", "id");
    // A draft that is the message just sent came late (the desk's last
    // draft raced its message): the citizen has it as a message already.
    if (c.agent_draft == text || (c.agent_draft.empty() && text == c.agent_sent))
      return Status::ok();
    c.agent_draft = text;
    tell(c, "{\"type\":\"rtt\",\"from\":\"agent\",\"text\":" + json_quote(text) + "}", wakes);
  }
  for (auto& wake : wakes)
    wake();
  return Status::ok();
}

namespace {

// "2026-12-07T04:10:03.123Z" as the citizen reads a time: in the service's
// time zone, "07/12/2026 05:10" (French) or "2026-12-07 05:10" (English).
std::string local_time_text(const std::string& iso, bool french) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (std::sscanf(iso.c_str(), "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &s) != 6) return iso;
  using namespace std::chrono;
  const Time at = time_point_cast<Duration>(
      sys_days(year(y) / month(static_cast<unsigned>(mo)) / day(static_cast<unsigned>(d))) +
      hours(h) + minutes(mi) + seconds(s));
  const LocalTime local = TimeZone::europe_paris().to_local(at);
  const auto date = floor<days>(local);
  const year_month_day ymd(date);
  const auto minute = duration_cast<minutes>(local - date).count();
  char out[32];
  if (french) {
    std::snprintf(out, sizeof out, "%02u/%02u/%04d %02d:%02d", static_cast<unsigned>(ymd.day()),
                  static_cast<unsigned>(ymd.month()), static_cast<int>(ymd.year()),
                  static_cast<int>(minute / 60), static_cast<int>(minute % 60));
  } else {
    std::snprintf(out, sizeof out, "%04d-%02u-%02u %02d:%02d", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(minute / 60), static_cast<int>(minute % 60));
  }
  return out;
}

}  // namespace

Result<std::string> ChatChannel::Impl::transcript(const std::string& token) {
  std::lock_guard lock(mutex_);
  auto found = by_token_.find(token);
  if (found == by_token_.end()) return not_found("no such conversation (now)", "token");
  const Conversation& c = *found->second;
  const bool french = c.language == Language::kFrench;
  std::string out = (french ? "Conversation avec " : "Conversation with ") + c.service +
                    (french ? " (heures de Paris)" : " (Paris time)") + "\n\n";
  for (const std::string& event : c.log) {
    boost::system::error_code ec;
    json::value parsed = json::parse(event, ec);
    if (ec || !parsed.is_object()) continue;
    const json::object& e = parsed.as_object();
    if (json_body::string_or(e, "type", "") != "message") continue;
    const std::string from = json_body::string_or(e, "from", "");
    const std::string who = from == "citizen" ? (french ? "Vous" : "You")
                            : from == "bot"
                                ? (french ? "Assistant automatique" : "Automatic assistant")
                                : (french ? "Conseiller" : "Advisor");
    out += "[" + local_time_text(json_body::string_or(e, "at", ""), french) + "] " + who + " :\n" +
           json_body::string_or(e, "text", "") + "\n";
    if (const json::value* articles = e.if_contains("articles"); articles && articles->is_array()) {
      for (const json::value& a : articles->as_array()) {
        if (!a.is_object()) continue;
        out += "  • " + json_body::string_or(a.as_object(), "title", "");
        const json::value* links = a.as_object().if_contains("links");
        if (links && links->is_array() && !links->as_array().empty() &&
            links->as_array().front().is_object()) {
          out += " — " + json_body::string_or(links->as_array().front().as_object(), "url", "");
        }
        out += "\n";
      }
    }
    out += "\n";
  }
  return out;
}

std::string ChatChannel::Impl::metrics() const {
  std::size_t open = 0;
  {
    std::lock_guard lock(mutex_);
    open = open_;
  }
  return "# TYPE guichet_chat_conversations_open gauge\nguichet_chat_conversations_open " +
         std::to_string(open) +
         "\n# TYPE guichet_chat_streams_connected gauge\nguichet_chat_streams_connected " +
         std::to_string(connected_.load()) +
         "\n# TYPE guichet_chat_conversations_started_total counter\n"
         "guichet_chat_conversations_started_total " +
         std::to_string(started_.load()) +
         "\n# TYPE guichet_chat_messages_received_total counter\n"
         "guichet_chat_messages_received_total " +
         std::to_string(received_.load()) +
         "\n# TYPE guichet_chat_messages_sent_total counter\nguichet_chat_messages_sent_total " +
         std::to_string(sent_.load()) +
         "\n# TYPE guichet_chat_handovers_total counter\nguichet_chat_handovers_total " +
         std::to_string(handovers_.load()) +
         "\n# TYPE guichet_chat_bot_answered_total counter\nguichet_chat_bot_answered_total " +
         std::to_string(bot_answered_.load()) +
         "\n# TYPE guichet_chat_messages_left_total counter\nguichet_chat_messages_left_total " +
         std::to_string(messages_left_.load()) + "\n";
}

std::string ChatChannel::Impl::stats_json() const {
  std::size_t open = 0;
  {
    std::lock_guard lock(mutex_);
    open = open_;
  }
  return "{\"open\":" + std::to_string(open) +
         ",\"connected\":" + std::to_string(connected_.load()) +
         ",\"started\":" + std::to_string(started_.load()) +
         ",\"received\":" + std::to_string(received_.load()) +
         ",\"sent\":" + std::to_string(sent_.load()) +
         ",\"handovers\":" + std::to_string(handovers_.load()) +
         ",\"bot_answered\":" + std::to_string(bot_answered_.load()) +
         ",\"messages_left\":" + std::to_string(messages_left_.load()) + "}";
}

void ChatChannel::Impl::append(Conversation& c, const std::string& fields, Wakes& wakes) {
  std::string event = "{\"seq\":" + std::to_string(c.log.size() + 1) + "," + fields + "}";
  for (Stream* stream : c.streams) {
    stream->queued.push_back(event);
    if (stream->wake) wakes.push_back(stream->wake);
  }
  c.log.push_back(std::move(event));
}

void ChatChannel::Impl::tell(Conversation& c, const std::string& event, Wakes& wakes) {
  for (Stream* stream : c.streams) {
    stream->queued.push_back(event);
    if (stream->wake) wakes.push_back(stream->wake);
  }
}

void ChatChannel::Impl::emit_message(Conversation& c, const char* from, const std::string& text,
                                     Time at, const std::string& client_id,
                                     const std::string& articles, Wakes& wakes, bool asks) {
  std::string fields = std::string("\"type\":\"message\",\"from\":\"") + from +
                       "\",\"at\":" + json_quote(iso8601(at)) + ",\"text\":" + json_quote(text);
  if (!client_id.empty()) fields += ",\"client_id\":" + json_quote(client_id);
  if (!articles.empty()) fields += ",\"articles\":" + articles;
  if (asks) fields += ",\"asks\":\"answered\"";
  append(c, fields, wakes);
}

void ChatChannel::Impl::emit_status(Conversation& c, Wakes& wakes, const char* by) {
  std::string fields =
      std::string("\"type\":\"status\",\"status\":\"") + detail::to_string(c.phase) + "\"";
  if (c.phase == Phase::kWaiting) {
    std::size_t position = 1;
    for (const auto& [id, other] : by_interaction_) {
      if (other.get() != &c && other->queue == c.queue && other->phase == Phase::kWaiting &&
          other->routed_at < c.routed_at) {
        ++position;
      }
    }
    fields += ",\"position\":" + std::to_string(position) +
              ",\"expected_wait_s\":" + json_number(expected_wait_[c.queue], 0);
  }
  if (by) fields += std::string(",\"by\":\"") + by + "\"";
  if (fields == c.last_status) return;  // the engine and the hand-over both tell it
  c.last_status = fields;
  append(c, fields, wakes);
}

void ChatChannel::Impl::end(Conversation& c, const char* by, Wakes& wakes) {
  if (c.phase == Phase::kEnded) return;
  c.phase = Phase::kEnded;
  c.ended_at = host_.now();
  --open_;
  emit_status(c, wakes, by);
}

void ChatChannel::Impl::submit(const std::shared_ptr<Conversation>& conversation,
                               std::function<void()> job) {
  conversation->jobs.push_back(std::move(job));
  if (!conversation->running) {
    conversation->running = true;
    ready_.push_back(conversation);
    ready_cv_.notify_one();
  }
}

void ChatChannel::Impl::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    ready_cv_.wait(lock, [this] { return stopping_ || !ready_.empty(); });
    if (stopping_) return;
    std::shared_ptr<Conversation> c = std::move(ready_.front());
    ready_.pop_front();
    std::function<void()> job = std::move(c->jobs.front());
    c->jobs.pop_front();
    const std::uint64_t suspensions = c->suspensions;
    lock.unlock();
    job();
    lock.lock();
    // Gone on after a write: its continuation schedules what follows (it
    // may have done so already, on another thread).
    if (c->suspensions != suspensions) continue;
    schedule_next(*c, c);
  }
}

void ChatChannel::Impl::clear_agent_draft(Conversation& c, Wakes& wakes) {
  if (c.agent_draft.empty()) return;
  c.agent_draft.clear();
  tell(c, R"({"type":"rtt","from":"agent","text":""})", wakes);
}

void ChatChannel::Impl::schedule_next(Conversation& c, const std::shared_ptr<Conversation>& self) {
  if (c.jobs.empty()) {
    c.running = false;
  } else {
    ready_.push_back(self);
    ready_cv_.notify_one();
  }
}

void ChatChannel::Impl::suspend(Conversation& conversation) {
  ++conversation.suspensions;
  ++suspended_;
}

void ChatChannel::Impl::resume(const std::shared_ptr<Conversation>& conversation,
                               std::function<void()> next) {
  std::lock_guard lock(mutex_);
  if (next) conversation->jobs.push_front(std::move(next));
  schedule_next(*conversation, conversation);
  --suspended_;
  resumed_cv_.notify_all();
}

void ChatChannel::Impl::watch() {
  std::unique_lock lock(mutex_);
  int tick = 0;
  while (!timer_cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; })) {
    ++tick;
    std::set<std::uint64_t> queues;
    for (const auto& [id, c] : by_interaction_)
      if (c->phase == Phase::kWaiting) queues.insert(c->queue);
    lock.unlock();
    std::map<std::uint64_t, double> waits;
    if (tick % 10 == 0) {
      for (std::uint64_t queue : queues) {
        if (auto figures = host_.queue_now(queue)) waits[queue] = figures->expected_wait_s;
      }
    }
    const Time now = host_.now();
    Wakes wakes;
    std::vector<std::shared_ptr<Conversation>> idle;
    lock.lock();
    for (const auto& [queue, wait] : waits)
      expected_wait_[queue] = wait;
    for (auto it = by_token_.begin(); it != by_token_.end();) {
      Conversation& c = *it->second;
      if (c.phase == Phase::kEnded) {
        if (now - c.ended_at > options_.token_after_end) {
          by_interaction_.erase(c.interaction);
          it = by_token_.erase(it);
          continue;
        }
      } else if (c.phase == Phase::kBot || c.phase == Phase::kWithAgent) {
        const Duration silent = now - c.last_activity;
        if (!c.warned && silent >= options_.idle_warning) {
          c.warned = true;
          tell(c,
               "{\"type\":\"idle_warning\",\"closes_at\":" +
                   json_quote(
                       iso8601(c.last_activity + options_.idle_warning + options_.idle_grace)) +
                   "}",
               wakes);
        } else if (c.warned && silent >= options_.idle_warning + options_.idle_grace) {
          idle.push_back(it->second);
        }
      } else if (tick % 10 == 0 && waits.contains(c.queue)) {
        emit_status(c, wakes);  // position and expected wait, refreshed
      }
      ++it;
    }
    for (const auto& c : idle)
      submit(c, [this, c] { end_by_citizen(c); });
    if (tick % 60 == 0) {
      std::erase_if(starts_, [&](const auto& entry) {
        return entry.second.empty() || now - entry.second.back() > detail::kStartsWindow;
      });
    }
    lock.unlock();
    for (auto& wake : wakes)
      wake();
    lock.lock();
  }
}

}  // namespace guichet::chat
