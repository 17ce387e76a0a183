// The web chat channel (chat_channel.h): the queue's face, starting a
// conversation or leaving a message, the citizen's streams; and the
// channel's public face. The citizen's actions are in chat_citizen.cpp, the
// agent's side, the workers and the timer in chat_agent.cpp.
#include "channels/chat/chat_channel.h"

#include <boost/json.hpp>

#include <algorithm>
#include <future>

#include "channels/chat/detail/chat_channel_impl.h"
#include "core/json_body.h"
#include "core/json_format.h"
#include "core/text.h"

namespace guichet::chat {

// A citizen's message and the bot's answer are written without waiting
// (their continuation goes on when durable, and the store commits them
// together); what still waits on a write (a hand-over, an end) is rare.
constexpr int kWorkers = 8;

namespace detail {

const char* to_string(Phase phase) {
  switch (phase) {
    case Phase::kBot:
      return "bot";
    case Phase::kWaiting:
      return "waiting";
    case Phase::kWithAgent:
      return "with_agent";
    case Phase::kEnded:
      return "ended";
  }
  return "ended";
}

bool take_from_window(std::deque<Time>& recent, Time now, Duration window, int limit) {
  while (!recent.empty() && now - recent.front() > window)
    recent.pop_front();
  if (limit > 0 && static_cast<int>(recent.size()) >= limit) return false;
  recent.push_back(now);
  return true;
}

}  // namespace detail

using detail::kStartsWindow;
using detail::take_from_window;

ChatChannel::Impl::Impl(ChatOptions options, channels::Host& host)
    : options_(options), host_(host) {
  for (int i = 0; i < kWorkers; ++i)
    workers_.emplace_back([this] { work(); });
  timer_ = std::thread([this] { watch(); });
}

ChatChannel::Impl::~Impl() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_cv_.notify_all();
  timer_cv_.notify_all();
  for (std::thread& worker : workers_)
    worker.join();
  timer_.join();
  {
    // Writes under way call back into this channel: they end first.
    std::unique_lock lock(mutex_);
    resumed_cv_.wait(lock, [this] { return suspended_ == 0; });
    // Jobs never run hold their conversation (a cycle): they go.
    ready_.clear();
    for (auto& [token, conversation] : by_token_)
      conversation->jobs.clear();
  }
  // Streams still connected end with their connections: they are told.
  Wakes wakes;
  {
    std::lock_guard lock(mutex_);
    for (auto& [token, conversation] : by_token_) {
      for (Stream* stream : conversation->streams) {
        stream->closed = true;
        if (stream->wake) wakes.push_back(stream->wake);
      }
    }
  }
  for (auto& wake : wakes)
    wake();
}

Result<ChatChannel::Impl::QueueSettings> ChatChannel::Impl::settings(std::uint64_t queue) {
  auto document = host_.document("queue", queue);
  if (!document) return not_found("no such chat service", "service");
  boost::system::error_code ec;
  json::value body = json::parse(document->body_json, ec);
  if (ec || !body.is_object()) return not_found("no such chat service", "service");
  const json::object& q = body.as_object();
  if (json_body::string_or(q, "channel", "") != "chat")
    return not_found("no such chat service", "service");
  QueueSettings out;
  out.name = document->name;
  // The bot names the service as its pages do (its identity), not its queue.
  if (auto identity = host_.document("identity", 1)) {
    boost::system::error_code identity_ec;
    json::value named = json::parse(identity->body_json, identity_ec);
    if (!identity_ec && named.is_object()) {
      const std::string service_name = json_body::string_or(named.as_object(), "name", "");
      if (!service_name.empty()) out.name = service_name;
    }
  }
  out.bot = json_body::bool_or(q, "chat_bot", true);
  if (const json::value* origins = q.if_contains("chat_origins"); origins && origins->is_array()) {
    for (const json::value& o : origins->as_array())
      if (o.is_string()) out.origins.emplace_back(o.as_string());
  }
  out.calendar = static_cast<std::uint64_t>(json_body::int_or(q, "calendar_id", 0));
  out.messages = static_cast<std::uint64_t>(json_body::int_or(q, "chat_message_queue_id", 0));
  out.hours = json_body::string_or(q, "hours", "");
  out.rtt = json_body::bool_or(q, "chat_rtt", false);
  if (out.rtt) out.bot = false;
  out.rtt_queue = static_cast<std::uint64_t>(json_body::int_or(q, "chat_rtt_queue_id", 0));
  // Open when the phone line is: its hours, kept in one place.
  if (const auto phone = json_body::int_or(q, "chat_hours_queue_id", 0); phone > 0) {
    out.calendar = 0;
    out.hours.clear();
    if (auto line = host_.document("queue", static_cast<std::uint64_t>(phone))) {
      boost::system::error_code line_ec;
      json::value line_body = json::parse(line->body_json, line_ec);
      if (!line_ec && line_body.is_object()) {
        out.calendar =
            static_cast<std::uint64_t>(json_body::int_or(line_body.as_object(), "calendar_id", 0));
        out.hours = json_body::string_or(line_body.as_object(), "hours", "");
      }
    }
  }
  return out;
}

Result<ChatService> ChatChannel::Impl::service(std::uint64_t queue) {
  auto settings_now = settings(queue);
  if (!settings_now) return settings_now.error();
  ChatService out;
  out.queue = queue;
  out.name = settings_now->name;
  out.bot = settings_now->bot;
  out.messages = settings_now->messages != 0;
  out.rtt = settings_now->rtt;
  out.rtt_queue = settings_now->rtt_queue;
  const Time now = host_.now();
  std::shared_ptr<const BusinessCalendar> calendar;
  if (settings_now->calendar) {
    if (auto found = host_.calendar(settings_now->calendar)) calendar = *found;
  } else if (!settings_now->hours.empty()) {
    if (auto parsed = BusinessCalendar::parse(settings_now->hours))
      calendar = std::make_shared<const BusinessCalendar>(std::move(*parsed));
  }
  out.open = !calendar || calendar->is_open(now);
  if (calendar && !out.open) out.opens_at = calendar->next_change(now);
  if (auto figures = host_.queue_now(queue)) {
    out.agents_ready = figures->ready_agents;
    out.expected_wait_s = figures->expected_wait_s;
  }
  return out;
}

bool ChatChannel::Impl::origin_allowed(std::uint64_t queue, const std::string& origin) {
  if (origin.empty()) return true;
  auto settings_now = settings(queue);
  if (!settings_now) return false;
  if (settings_now->origins.empty()) return true;
  return std::find(settings_now->origins.begin(), settings_now->origins.end(), origin) !=
         settings_now->origins.end();
}

Result<ChatStarted> ChatChannel::Impl::start_conversation(std::uint64_t queue,
                                                          const std::string& name,
                                                          const std::string& language,
                                                          const std::string& address) {
  auto settings_now = settings(queue);
  if (!settings_now) return settings_now.error();
  if (utf8_length(name) > 100) return invalid_argument("at most 100 characters", "name");
  if (language != "fr" && language != "en" && !language.empty())
    return invalid_argument("fr or en", "language");
  auto face = service(queue);
  if (!face) return face.error();
  // Closed, the bot still answers (and a message may be left); without
  // the bot there is nobody to write to.
  if (!face->open && !face->bot) return failed_precondition("the chat is closed now", "service");
  const Time now = host_.now();
  {
    std::lock_guard lock(mutex_);
    if (open_ >= options_.max_conversations)
      return failed_precondition("too many conversations now: try again later", "service");
    if (!take_from_window(starts_[address], now, kStartsWindow, options_.starts_per_address))
      return failed_precondition("too many conversations from this address", "service");
    ++open_;  // reserved; given back if the store refuses
  }
  channels::Arrival arrival;
  arrival.channel = routing::Channel::kChat;
  arrival.queue_id = queue;
  // Held even without the bot: registered here before the engine's first
  // event about it, then routed.
  arrival.hold = true;
  if (!name.empty()) arrival.attributes["name"] = trimmed(name);
  arrival.attributes["origin"] = "web chat";
  if (settings_now->rtt) arrival.attributes["mode"] = "rtt";  // counted apart in reports
  std::promise<Result<std::uint64_t>> created;
  host_.arrive(std::move(arrival),
               [&created](Result<std::uint64_t> id) { created.set_value(std::move(id)); });
  Result<std::uint64_t> interaction = created.get_future().get();
  if (!interaction) {
    std::lock_guard lock(mutex_);
    --open_;
    return interaction.error();
  }
  auto conversation = std::make_shared<Conversation>();
  conversation->id = random_hex(8);
  conversation->token = random_hex(32);
  conversation->queue = queue;
  conversation->interaction = *interaction;
  conversation->service = settings_now->name;
  conversation->language = language == "en" ? Language::kEnglish : Language::kFrench;
  conversation->phase = settings_now->bot ? Phase::kBot : Phase::kWaiting;
  conversation->last_activity = now;
  conversation->routed_at = now;
  conversation->rtt = settings_now->rtt;
  if (settings_now->bot) conversation->bot.emplace(conversation->language, settings_now->name);
  {
    std::lock_guard lock(mutex_);
    by_token_[conversation->token] = conversation;
    by_interaction_[conversation->interaction] = conversation;
  }
  started_.fetch_add(1, std::memory_order_relaxed);
  Wakes wakes;
  if (conversation->bot) {
    const std::string greeting = conversation->bot->greeting();
    auto recorded = host_.record_message(conversation->interaction, true, greeting);
    std::lock_guard lock(mutex_);
    emit_message(*conversation, "bot", greeting, recorded ? *recorded : now, "", "", wakes);
    emit_status(*conversation, wakes);
  } else if (Status routed = host_.route(conversation->interaction); !routed) {
    (void)host_.end_held(conversation->interaction, false);
    std::lock_guard lock(mutex_);
    end(*conversation, "closed", wakes);
  } else {
    std::lock_guard lock(mutex_);
    if (conversation->phase == Phase::kWaiting && conversation->log.empty())
      emit_status(*conversation, wakes);
  }
  return ChatStarted{conversation->id, conversation->token, conversation->interaction};
}

Result<std::uint64_t> ChatChannel::Impl::leave_message(std::uint64_t queue, const std::string& name,
                                                       const std::string& contact,
                                                       const std::string& text,
                                                       const std::string& address) {
  auto settings_now = settings(queue);
  if (!settings_now) return settings_now.error();
  if (!settings_now->messages)
    return failed_precondition("this service takes no messages here", "service");
  if (utf8_length(name) > 100) return invalid_argument("at most 100 characters", "name");
  const std::string said = trimmed(text);
  if (said.empty() || utf8_length(said) > options_.max_message_chars)
    return invalid_argument("1 to " + std::to_string(options_.max_message_chars) + " characters",
                            "text");
  // How the service answers: an email address, or a phone number.
  channels::Address from;
  const std::string given = trimmed(contact);
  if (const auto at = given.find('@');
      at != std::string::npos && at > 0 && given.find('.', at) != std::string::npos &&
      given.size() <= 254 && given.find_first_of(" <>\"") == std::string::npos) {
    from = {"email", given};
    std::transform(from.value.begin(), from.value.end(), from.value.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  } else if (auto phone = e164(given)) {
    from = {"phone", *phone};
  } else {
    return invalid_argument("an email address or a phone number", "contact");
  }
  const Time now = host_.now();
  {
    std::lock_guard lock(mutex_);
    if (!take_from_window(starts_[address], now, kStartsWindow, options_.starts_per_address))
      return failed_precondition("too many messages from this address", "service");
  }
  channels::Arrival arrival;
  arrival.queue_channel = true;  // the keeping queue's medium: a written request
  arrival.queue_id = settings_now->messages;
  arrival.hold = true;  // its text kept before anyone is offered it
  arrival.from = from;
  if (!name.empty()) arrival.attributes["name"] = trimmed(name);
  arrival.attributes["contact"] = from.value;
  arrival.attributes["origin"] = "web chat: message left";
  std::promise<Result<std::uint64_t>> created;
  host_.arrive(std::move(arrival),
               [&created](Result<std::uint64_t> id) { created.set_value(std::move(id)); });
  Result<std::uint64_t> interaction = created.get_future().get();
  if (!interaction) return interaction.error();
  if (auto recorded = host_.record_message(*interaction, false, said); !recorded)
    return recorded.error();
  if (Status routed = host_.route(*interaction); !routed) return routed.error();
  messages_left_.fetch_add(1, std::memory_order_relaxed);
  return *interaction;
}

Result<std::unique_ptr<CitizenStream>> ChatChannel::Impl::open_stream(const std::string& token,
                                                                      std::uint64_t after,
                                                                      const std::string& origin) {
  if (!origin.empty()) {
    std::uint64_t queue = 0;
    {
      std::lock_guard lock(mutex_);
      auto found = by_token_.find(token);
      if (found != by_token_.end()) queue = found->second->queue;
    }
    if (queue != 0 && !origin_allowed(queue, origin))
      return failed_precondition("this website may not use this chat", "origin");
  }
  std::lock_guard lock(mutex_);
  auto found = by_token_.find(token);
  if (found == by_token_.end()) return not_found("no such conversation (now)", "token");
  auto stream = std::make_unique<Stream>(*this, found->second);
  Conversation& c = *found->second;
  for (std::uint64_t seq = after; seq < c.log.size(); ++seq)
    stream->queued.push_back(c.log[seq]);
  // Warned of closing while away: warned again, or it closes unseen.
  if (c.warned && c.phase != Phase::kEnded) {
    stream->queued.push_back(
        "{\"type\":\"idle_warning\",\"closes_at\":" +
        json_quote(iso8601(c.last_activity + options_.idle_warning + options_.idle_grace)) + "}");
  }
  if (c.rtt && c.phase == Phase::kWithAgent && !c.agent_draft.empty()) {
    stream->queued.push_back(
        "{\"type\":\"rtt\",\"from\":\"agent\",\"text\":" + json_quote(c.agent_draft) + "}");
  }
  c.streams.insert(stream.get());
  connected_.fetch_add(1, std::memory_order_relaxed);
  return std::unique_ptr<CitizenStream>(std::move(stream));
}

void ChatChannel::Impl::forget(Stream* stream, Conversation& conversation) {
  std::lock_guard lock(mutex_);
  if (conversation.streams.erase(stream)) connected_.fetch_sub(1, std::memory_order_relaxed);
}

std::vector<std::string> ChatChannel::Impl::take(Stream& stream) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out(std::make_move_iterator(stream.queued.begin()),
                               std::make_move_iterator(stream.queued.end()));
  stream.queued.clear();
  return out;
}

void ChatChannel::Impl::on_ready(Stream& stream, std::function<void()> notify) {
  bool now = false;
  {
    std::lock_guard lock(mutex_);
    stream.wake = notify;
    now = !stream.queued.empty() || stream.closed;
  }
  if (now && notify) notify();
}

bool ChatChannel::Impl::ended(const Stream& stream) {
  std::lock_guard lock(mutex_);
  return stream.closed && stream.queued.empty();
}

namespace detail {

Stream::~Stream() {
  impl_.forget(this, *conversation_);
}
std::vector<std::string> Stream::take() {
  return impl_.take(*this);
}
void Stream::on_ready(std::function<void()> notify) {
  impl_.on_ready(*this, std::move(notify));
}
void Stream::on_message(const std::string& text) {
  impl_.from_citizen(conversation_, text);
}
bool Stream::ended() const {
  return impl_.ended(*this);
}

}  // namespace detail

ChatChannel::ChatChannel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ChatChannel::~ChatChannel() = default;

Result<std::unique_ptr<ChatChannel>> ChatChannel::start(ChatOptions options, channels::Host& host) {
  // Web chats left open by the last run: their citizens' tokens and streams
  // were in its memory, so nobody can write in them any more. Not offered
  // to agents as if someone were there: those not taken yet are abandoned;
  // an agent who had one completes it.
  auto open = host.open_interactions(routing::Channel::kChat);
  if (!open) return open.status();
  for (const channels::OpenInteraction& it : *open) {
    auto origin = it.attributes.find("origin");
    if (origin == it.attributes.end() || origin->second != "web chat") continue;
    if (it.phase.empty()) {
      (void)host.end_held(it.id, false);
    } else if (it.phase == "waiting" || it.phase == "offered") {
      (void)host.abandon(it.id);
    }
  }
  return std::unique_ptr<ChatChannel>(new ChatChannel(std::make_unique<Impl>(options, host)));
}

Result<ChatService> ChatChannel::service(std::uint64_t queue) {
  return impl_->service(queue);
}
bool ChatChannel::origin_allowed(std::uint64_t queue, const std::string& origin) {
  return impl_->origin_allowed(queue, origin);
}
Result<ChatStarted> ChatChannel::start_conversation(std::uint64_t queue, const std::string& name,
                                                    const std::string& language,
                                                    const std::string& address) {
  return impl_->start_conversation(queue, name, language, address);
}
Result<std::uint64_t> ChatChannel::leave_message(std::uint64_t queue, const std::string& name,
                                                 const std::string& contact,
                                                 const std::string& text,
                                                 const std::string& address) {
  return impl_->leave_message(queue, name, contact, text, address);
}
Result<std::unique_ptr<CitizenStream>> ChatChannel::open_stream(const std::string& token,
                                                                std::uint64_t after,
                                                                const std::string& origin) {
  return impl_->open_stream(token, after, origin);
}
Status ChatChannel::agent_draft(std::uint64_t interaction, const std::string& text) {
  return impl_->agent_draft(interaction, text);
}
Result<ChatAttachment> ChatChannel::attach(const std::string& token, const std::string& name,
                                           std::string_view bytes) {
  return impl_->attach(token, name, bytes);
}
Result<std::pair<ChatAttachment, std::string>> ChatChannel::attachment(const std::string& token,
                                                                       const std::string& id) {
  return impl_->attachment(token, id);
}
Result<std::string> ChatChannel::transcript(const std::string& token) {
  return impl_->transcript(token);
}
bool ChatChannel::carries(routing::Channel channel) const {
  return channel == routing::Channel::kChat;
}
void ChatChannel::on_events(const std::vector<routing::Event>& events) {
  impl_->on_events(events);
}
void ChatChannel::on_config(const std::string&) {}
Status ChatChannel::control(std::uint64_t interaction, const std::string& action, std::uint64_t,
                            bool) {
  return impl_->control(interaction, action);
}
Status ChatChannel::deliver(const channels::Reply& reply) {
  return impl_->deliver(reply);
}
std::string ChatChannel::metrics() const {
  return impl_->metrics();
}
std::string ChatChannel::stats_json() const {
  return impl_->stats_json();
}

}  // namespace guichet::chat
