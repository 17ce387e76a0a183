// The web chat channel (chat_channel.h): conversations, their citizens'
// streams, the bot's turns and the hand-over; the engine's events and the
// agents' replies carried to the citizen.
#include "channels/chat/chat_channel.h"

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>

#include "channels/chat/detail/chat_conversation.h"
#include "core/json_body.h"
#include "core/json_format.h"
#include "core/log.h"
#include "core/text.h"

namespace guichet::chat {

namespace json = boost::json;
using detail::Conversation;
using detail::Phase;
using Wakes = std::vector<std::function<void()>>;
constexpr int kWorkers = 128;

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

// A citizen's connection: what is ready for it, and its actions to the channel.
class Stream final : public CitizenStream {
 public:
  Stream(ChatChannel::Impl& impl, std::shared_ptr<Conversation> conversation)
      : impl_(impl), conversation_(std::move(conversation)) {}
  ~Stream() override;
  std::vector<std::string> take() override;
  void on_ready(std::function<void()> notify) override;
  void on_message(const std::string& text) override;
  bool ended() const override;

  // Under the channel's mutex.
  std::deque<std::string> queued;
  std::function<void()> wake;
  bool closed = false;

 private:
  ChatChannel::Impl& impl_;
  std::shared_ptr<Conversation> conversation_;
};

}  // namespace detail

using detail::Stream;

namespace {

std::string random_hex(std::size_t bytes) {
  static thread_local std::random_device device;  // getrandom(2) on Linux
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (std::size_t i = 0; i < bytes; i += 4) {
    std::uint32_t word = device();
    for (std::size_t j = 0; j < 4 && i + j < bytes; ++j, word >>= 8) {
      out += kHex[(word >> 4) & 0xF];
      out += kHex[word & 0xF];
    }
  }
  return out;
}

std::string trimmed(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!text.empty() && space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && space(text.back()))
    text.remove_suffix(1);
  return std::string(text);
}

// The articles of a bot's answer as the widget shows them.
std::string articles_json(const std::vector<knowledge::Hit>& hits) {
  std::string out = "[";
  for (std::size_t i = 0; i < hits.size(); ++i) {
    const knowledge::Article& a = hits[i].article;
    out += (i ? ",{" : "{") + std::string("\"id\":") + std::to_string(a.id) +
           ",\"title\":" + json_quote(a.title) + ",\"excerpt\":" + json_quote(hits[i].excerpt) +
           ",\"links\":[";
    for (std::size_t j = 0; j < a.links.size(); ++j) {
      out += (j ? ",{" : "{") + std::string("\"title\":") + json_quote(a.links[j].title) +
             ",\"url\":" + json_quote(a.links[j].url) + "}";
    }
    out += "]}";
  }
  return out + "]";
}

// The bot's answer as the agent will read it in the timeline: its words,
// then each article's title and first link.
std::string as_text(const BotTurn& turn) {
  std::string out = turn.text;
  for (const knowledge::Hit& hit : turn.articles) {
    out += "\n• " + hit.article.title;
    if (!hit.article.links.empty()) out += " — " + hit.article.links.front().url;
  }
  return out;
}

}  // namespace

class ChatChannel::Impl {
 public:
  Impl(ChatOptions options, channels::Host& host) : options_(options), host_(host) {
    // Workers wait on durable writes: many of them let the store commit
    // their writes together (group commit), where four made a commit each.
    for (int i = 0; i < kWorkers; ++i)
      workers_.emplace_back([this] { work(); });
    timer_ = std::thread([this] { watch(); });
  }

  ~Impl() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    ready_cv_.notify_all();
    timer_cv_.notify_all();
    for (std::thread& worker : workers_)
      worker.join();
    timer_.join();
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

  // ---- the queue's face -------------------------------------------------

  struct QueueSettings {
    std::string name;
    bool bot = true;
    std::vector<std::string> origins;
    std::uint64_t calendar = 0;
    std::string hours;
    std::uint64_t messages = 0;  // the queue that keeps messages left
  };

  Result<QueueSettings> settings(std::uint64_t queue) {
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
    if (const json::value* origins = q.if_contains("chat_origins");
        origins && origins->is_array()) {
      for (const json::value& o : origins->as_array())
        if (o.is_string()) out.origins.emplace_back(o.as_string());
    }
    out.calendar = static_cast<std::uint64_t>(json_body::int_or(q, "calendar_id", 0));
    out.messages = static_cast<std::uint64_t>(json_body::int_or(q, "chat_message_queue_id", 0));
    out.hours = json_body::string_or(q, "hours", "");
    return out;
  }

  Result<ChatService> service(std::uint64_t queue) {
    auto settings_now = settings(queue);
    if (!settings_now) return settings_now.error();
    ChatService out;
    out.queue = queue;
    out.name = settings_now->name;
    out.bot = settings_now->bot;
    out.messages = settings_now->messages != 0;
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

  bool origin_allowed(std::uint64_t queue, const std::string& origin) {
    if (origin.empty()) return true;
    auto settings_now = settings(queue);
    if (!settings_now) return false;
    if (settings_now->origins.empty()) return true;
    return std::find(settings_now->origins.begin(), settings_now->origins.end(), origin) !=
           settings_now->origins.end();
  }

  // ---- starting ----------------------------------------------------------

  Result<ChatStarted> start_conversation(std::uint64_t queue, const std::string& name,
                                         const std::string& language, const std::string& address) {
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
      auto& starts = starts_[address];
      while (!starts.empty() && now - starts.front() > Duration(10LL * 60 * 1000))
        starts.pop_front();
      if (options_.starts_per_address > 0 &&
          static_cast<int>(starts.size()) >= options_.starts_per_address)
        return failed_precondition("too many conversations from this address", "service");
      starts.push_back(now);
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

  Result<std::uint64_t> leave_message(std::uint64_t queue, const std::string& name,
                                      const std::string& contact, const std::string& text,
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
      auto& starts = starts_[address];
      while (!starts.empty() && now - starts.front() > Duration(10LL * 60 * 1000))
        starts.pop_front();
      if (options_.starts_per_address > 0 &&
          static_cast<int>(starts.size()) >= options_.starts_per_address)
        return failed_precondition("too many messages from this address", "service");
      starts.push_back(now);
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

  // ---- the citizen's stream ----------------------------------------------

  Result<std::unique_ptr<CitizenStream>> open_stream(const std::string& token, std::uint64_t after,
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
    c.streams.insert(stream.get());
    connected_.fetch_add(1, std::memory_order_relaxed);
    return std::unique_ptr<CitizenStream>(std::move(stream));
  }

  void forget(Stream* stream, Conversation& conversation) {
    std::lock_guard lock(mutex_);
    if (conversation.streams.erase(stream)) connected_.fetch_sub(1, std::memory_order_relaxed);
  }

  std::vector<std::string> take(Stream& stream) {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out(std::make_move_iterator(stream.queued.begin()),
                                 std::make_move_iterator(stream.queued.end()));
    stream.queued.clear();
    return out;
  }

  void on_ready(Stream& stream, std::function<void()> notify) {
    bool now = false;
    {
      std::lock_guard lock(mutex_);
      stream.wake = notify;
      now = !stream.queued.empty() || stream.closed;
    }
    if (now && notify) notify();
  }

  bool ended(const Stream& stream) {
    std::lock_guard lock(mutex_);
    return stream.closed && stream.queued.empty();
  }

  // A citizen's action, on the connection's thread: checked here, written
  // on a worker.
  void from_citizen(const std::shared_ptr<Conversation>& conversation, const std::string& text) {
    boost::system::error_code ec;
    json::value parsed = text.size() <= 16 * 1024 ? json::parse(text, ec) : json::value();
    Wakes wakes;
    std::unique_lock lock(mutex_);
    Conversation& c = *conversation;
    if (ec || !parsed.is_object()) {
      tell(c, R"({"type":"error","code":"invalid_argument","message":"not a JSON object"})", wakes);
      lock.unlock();
      for (auto& wake : wakes)
        wake();
      return;
    }
    const json::object& action = parsed.as_object();
    const std::string type = json_body::string_or(action, "type", "");
    const Time now = host_.now();
    if (c.phase == Phase::kEnded && type != "read") {
      tell(
          c,
          R"({"type":"error","code":"failed_precondition","message":"the conversation has ended"})",
          wakes);
    } else if (type == "message") {
      c.last_activity = now;
      take_message(conversation, action, now, wakes);
    } else if (type == "typing") {
      c.last_activity = now;
      if (c.phase == Phase::kWithAgent) {
        const std::uint64_t interaction = c.interaction;
        submit(conversation,
               [this, interaction] { host_.tell_agent(interaction, "citizen_typing", "{}"); });
      }
    } else if (type == "read") {
      const std::uint64_t up_to = static_cast<std::uint64_t>(
          std::max<std::int64_t>(0, json_body::int_or(action, "up_to", 0)));
      if (c.phase == Phase::kWithAgent) {
        const std::uint64_t interaction = c.interaction;
        submit(conversation, [this, interaction, up_to] {
          host_.tell_agent(interaction, "citizen_read",
                           "{\"up_to\":" + std::to_string(up_to) + "}");
        });
      }
    } else if (type == "extend") {
      c.last_activity = now;
      if (c.warned) {
        c.warned = false;
        tell(c, R"({"type":"idle_extended"})", wakes);
      }
    } else if (type == "feedback" && c.phase == Phase::kBot && c.bot_asked) {
      c.last_activity = now;
      c.bot_asked = false;
      const bool answered = json_body::bool_or(action, "answered", false);
      submit(conversation, [this, conversation, answered] { feedback(conversation, answered); });
    } else if (type == "person") {
      c.last_activity = now;
      if (c.phase == Phase::kBot) {
        submit(conversation, [this, conversation] {
          hand_over(conversation, conversation->language == Language::kFrench
                                      ? "Je vous mets en relation avec un conseiller."
                                      : "I am putting you through to an advisor.");
        });
      }
    } else if (type == "end") {
      submit(conversation, [this, conversation] { end_by_citizen(conversation); });
    } else {
      tell(c, R"({"type":"error","code":"invalid_argument","message":"unknown action"})", wakes);
    }
    lock.unlock();
    for (auto& wake : wakes)
      wake();
  }

  // Under mutex_.
  void take_message(const std::shared_ptr<Conversation>& conversation, const json::object& action,
                    Time now, Wakes& wakes) {
    Conversation& c = *conversation;
    const std::string client_id = json_body::string_or(action, "client_id", "");
    std::string text = trimmed(json_body::string_or(action, "text", ""));
    if (client_id.empty() || client_id.size() > 64) {
      tell(
          c,
          R"({"type":"error","code":"invalid_argument","field":"client_id","message":"1 to 64 characters"})",
          wakes);
      return;
    }
    if (c.client_ids.contains(client_id)) return;  // a resend: its echo is in the log already
    if (text.empty() || utf8_length(text) > options_.max_message_chars) {
      tell(c,
           "{\"type\":\"error\",\"code\":\"invalid_argument\",\"field\":\"text\",\"client_id\":" +
               json_quote(client_id) + ",\"message\":\"1 to " +
               std::to_string(options_.max_message_chars) + " characters\"}",
           wakes);
      return;
    }
    while (!c.recent.empty() && now - c.recent.front() > Duration(60'000))
      c.recent.pop_front();
    if (static_cast<int>(c.recent.size()) >= options_.messages_per_minute) {
      tell(c,
           "{\"type\":\"error\",\"code\":\"rate_limited\",\"client_id\":" + json_quote(client_id) +
               ",\"message\":\"too many messages: wait a moment\"}",
           wakes);
      return;
    }
    c.recent.push_back(now);
    c.client_ids.insert(client_id);
    submit(conversation, [this, conversation, client_id, text = std::move(text)]() mutable {
      citizen_writes(conversation, client_id, std::move(text));
    });
  }

  // On a worker: the citizen's message made durable, then acknowledged
  // (its echo is the "delivered" mark), then the bot's turn.
  void citizen_writes(const std::shared_ptr<Conversation>& conversation,
                      const std::string& client_id, std::string text) {
    Phase phase;
    std::uint64_t interaction;
    {
      std::lock_guard lock(mutex_);
      phase = conversation->phase;
      interaction = conversation->interaction;
    }
    Result<Time> written = phase == Phase::kBot ? host_.record_message(interaction, false, text)
                                                : host_.receive(interaction, text);
    Wakes wakes;
    {
      std::lock_guard lock(mutex_);
      Conversation& c = *conversation;
      if (!written) {
        c.client_ids.erase(client_id);  // not taken: it may be sent again
        tell(c,
             "{\"type\":\"error\",\"code\":\"not_kept\",\"client_id\":" + json_quote(client_id) +
                 ",\"message\":" + json_quote(written.error().message) + "}",
             wakes);
      } else {
        received_.fetch_add(1, std::memory_order_relaxed);
        emit_message(c, "citizen", text, *written, client_id, "", wakes);
        c.last_citizen_seq = c.log.size();
      }
    }
    for (auto& wake : wakes)
      wake();
    if (!written || phase != Phase::kBot) return;
    // The bot's turn.
    // The search takes 500 characters: a longer message is searched by its start.
    std::string question = text;
    if (utf8_length(question) > 500) {
      std::size_t cut = 0;
      for (std::size_t letters = 0; cut < question.size() && letters < 500; ++letters) {
        do
          ++cut;
        while (cut < question.size() && (static_cast<unsigned char>(question[cut]) & 0xC0) == 0x80);
      }
      question.resize(cut);
    }
    auto hits = host_.search_knowledge(question, 3);
    BotTurn turn;
    {
      std::lock_guard lock(mutex_);
      if (!conversation->bot || conversation->phase != Phase::kBot) return;
      turn = conversation->bot->on_question(text, hits ? *hits : std::vector<knowledge::Hit>{});
    }
    if (turn.kind == BotTurn::Kind::kHandOver) return hand_over(conversation, turn.text);
    bot_says(conversation, as_text(turn), turn.articles, turn.kind == BotTurn::Kind::kAnswer,
             turn.text);
  }

  // On a worker: the bot's words recorded, then shown (with its articles,
  // and "did that answer?" when it asks).
  void bot_says(const std::shared_ptr<Conversation>& conversation, const std::string& recorded_text,
                const std::vector<knowledge::Hit>& articles, bool asks,
                const std::string& shown_text = {}) {
    std::uint64_t interaction;
    {
      std::lock_guard lock(mutex_);
      interaction = conversation->interaction;
    }
    auto at = host_.record_message(interaction, true, recorded_text);
    Wakes wakes;
    {
      std::lock_guard lock(mutex_);
      Conversation& c = *conversation;
      c.bot_asked = asks;
      emit_message(c, "bot", shown_text.empty() ? recorded_text : shown_text,
                   at ? *at : host_.now(), "",
                   articles.empty() ? std::string() : articles_json(articles), wakes, asks);
    }
    for (auto& wake : wakes)
      wake();
  }

  void feedback(const std::shared_ptr<Conversation>& conversation, bool answered) {
    BotTurn turn;
    {
      std::lock_guard lock(mutex_);
      if (!conversation->bot || conversation->phase != Phase::kBot) return;
      turn = conversation->bot->on_feedback(answered);
      if (answered) bot_answered_.fetch_add(1, std::memory_order_relaxed);
    }
    if (turn.kind == BotTurn::Kind::kHandOver) return hand_over(conversation, turn.text);
    bot_says(conversation, turn.text, {}, false);
  }

  // On a worker: to a person, the bot saying `connecting` first. The
  // conversation so far is in its timeline. Closed: nobody to hand over to;
  // the citizen is told so, and may leave a message instead.
  void hand_over(const std::shared_ptr<Conversation>& conversation, const std::string& connecting) {
    std::uint64_t interaction;
    std::uint64_t queue_now;
    {
      std::lock_guard lock(mutex_);
      if (conversation->phase != Phase::kBot) return;
      queue_now = conversation->queue;
    }
    if (auto face = service(queue_now); face && !face->open) {
      const bool french = conversation->language == Language::kFrench;
      std::string said = french ? "Aucun conseiller ne répond en ce moment : le service est fermé."
                                : "No advisor answers right now: the service is closed.";
      if (face->messages) {
        said += french ? " Vous pouvez laisser un message : le service vous répondra."
                       : " You can leave a message: the service will answer you.";
      }
      bot_says(conversation, said, {}, false);
      Wakes wakes;
      {
        std::lock_guard lock(mutex_);
        append(*conversation,
               std::string("\"type\":\"closed\",\"messages\":") +
                   (face->messages ? "true" : "false") +
                   (face->opens_at ? ",\"opens_at\":" + json_quote(iso8601(*face->opens_at)) : ""),
               wakes);
      }
      for (auto& wake : wakes)
        wake();
      return;
    }
    bot_says(conversation, connecting, {}, false);
    {
      std::lock_guard lock(mutex_);
      if (conversation->phase != Phase::kBot) return;
      interaction = conversation->interaction;
      conversation->phase = Phase::kWaiting;
      conversation->routed_at = host_.now();
      conversation->bot_asked = false;
    }
    handovers_.fetch_add(1, std::memory_order_relaxed);
    std::uint64_t queue;
    {
      std::lock_guard lock(mutex_);
      queue = conversation->queue;
    }
    auto figures = host_.queue_now(queue);
    Status routed = host_.route(interaction);
    Wakes wakes;
    {
      std::lock_guard lock(mutex_);
      if (figures) expected_wait_[queue] = figures->expected_wait_s;
      if (!routed) {
        conversation->phase = Phase::kBot;
        tell(*conversation,
             "{\"type\":\"error\",\"code\":\"not_routed\",\"message\":" +
                 json_quote(routed.error().message) + "}",
             wakes);
      } else if (conversation->phase == Phase::kWaiting) {
        emit_status(*conversation, wakes);
      }
    }
    for (auto& wake : wakes)
      wake();
  }

  void end_by_citizen(const std::shared_ptr<Conversation>& conversation) {
    Phase phase;
    std::uint64_t interaction, agent;
    {
      std::lock_guard lock(mutex_);
      phase = conversation->phase;
      interaction = conversation->interaction;
      agent = conversation->agent;
    }
    if (phase == Phase::kEnded) return;
    if (phase == Phase::kBot) {
      bool answered = false;
      {
        std::lock_guard lock(mutex_);
        answered = conversation->bot && conversation->bot->unhelpful() == 0 &&
                   conversation->log.size() > 2;
      }
      (void)host_.end_held(interaction, answered);
    } else if (phase == Phase::kWaiting) {
      (void)host_.abandon(interaction);
    } else {
      // With an agent: they complete it; they see the citizen has left.
      host_.note_contact(interaction, agent, "ended");
    }
    Wakes wakes;
    {
      std::lock_guard lock(mutex_);
      end(*conversation, "citizen", wakes);
    }
    for (auto& wake : wakes)
      wake();
  }

  // ---- the agent's side and the engine -----------------------------------

  void on_events(const std::vector<routing::Event>& events) {
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
            emit_status(c, wakes);
            break;
          case routing::EventType::kAccepted:
            c.phase = Phase::kWithAgent;
            c.agent = e.agent;
            c.last_activity = e.at;
            c.warned = false;
            emit_status(c, wakes);
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

  Status control(std::uint64_t interaction, const std::string& action) {
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

  Status deliver(const channels::Reply& reply) {
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
      if (c.phase == Phase::kEnded)
        return failed_precondition("the citizen has left the chat", "id");
      emit_message(c, "agent", reply.text, host_.now(), "", "", wakes);
      connected = !c.streams.empty();
    }
    sent_.fetch_add(1, std::memory_order_relaxed);
    for (auto& wake : wakes)
      wake();
    // Connected: on the citizen's screen now; else when they come back.
    host_.note_delivery(reply,
                        connected ? channels::Delivery::kDelivered : channels::Delivery::kSent, "");
    return Status::ok();
  }

  Result<std::string> transcript(const std::string& token) {
    std::lock_guard lock(mutex_);
    auto found = by_token_.find(token);
    if (found == by_token_.end()) return not_found("no such conversation (now)", "token");
    const Conversation& c = *found->second;
    const bool french = c.language == Language::kFrench;
    std::string out = (french ? "Conversation avec " : "Conversation with ") + c.service + "\n\n";
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
      out += "[" + json_body::string_or(e, "at", "") + "] " + who + " :\n" +
             json_body::string_or(e, "text", "") + "\n";
      if (const json::value* articles = e.if_contains("articles");
          articles && articles->is_array()) {
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

  std::string metrics() const {
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

  std::string stats_json() const {
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

 private:
  friend class detail::Stream;

  // ---- what the citizen's stream gets (under mutex_) ---------------------

  // An event kept in the conversation's log (replayed on reconnect): "seq" first.
  void append(Conversation& c, const std::string& fields, Wakes& wakes) {
    std::string event = "{\"seq\":" + std::to_string(c.log.size() + 1) + "," + fields + "}";
    for (Stream* stream : c.streams) {
      stream->queued.push_back(event);
      if (stream->wake) wakes.push_back(stream->wake);
    }
    c.log.push_back(std::move(event));
  }

  // A passing event (typing, errors): to the streams connected now only.
  void tell(Conversation& c, const std::string& event, Wakes& wakes) {
    for (Stream* stream : c.streams) {
      stream->queued.push_back(event);
      if (stream->wake) wakes.push_back(stream->wake);
    }
  }

  void emit_message(Conversation& c, const char* from, const std::string& text, Time at,
                    const std::string& client_id, const std::string& articles, Wakes& wakes,
                    bool asks = false) {
    std::string fields = std::string("\"type\":\"message\",\"from\":\"") + from +
                         "\",\"at\":" + json_quote(iso8601(at)) + ",\"text\":" + json_quote(text);
    if (!client_id.empty()) fields += ",\"client_id\":" + json_quote(client_id);
    if (!articles.empty()) fields += ",\"articles\":" + articles;
    if (asks) fields += ",\"asks\":\"answered\"";
    append(c, fields, wakes);
  }

  void emit_status(Conversation& c, Wakes& wakes, const char* by = nullptr) {
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

  void end(Conversation& c, const char* by, Wakes& wakes) {
    if (c.phase == Phase::kEnded) return;
    c.phase = Phase::kEnded;
    c.ended_at = host_.now();
    --open_;
    emit_status(c, wakes, by);
  }

  // ---- workers: a conversation's jobs one at a time, in order ------------

  // Under mutex_.
  void submit(const std::shared_ptr<Conversation>& conversation, std::function<void()> job) {
    conversation->jobs.push_back(std::move(job));
    if (!conversation->running) {
      conversation->running = true;
      ready_.push_back(conversation);
      ready_cv_.notify_one();
    }
  }

  void work() {
    std::unique_lock lock(mutex_);
    for (;;) {
      ready_cv_.wait(lock, [this] { return stopping_ || !ready_.empty(); });
      if (stopping_) return;
      std::shared_ptr<Conversation> c = std::move(ready_.front());
      ready_.pop_front();
      std::function<void()> job = std::move(c->jobs.front());
      c->jobs.pop_front();
      lock.unlock();
      job();
      lock.lock();
      if (c->jobs.empty()) {
        c->running = false;
      } else {
        ready_.push_back(c);
      }
    }
  }

  // ---- the timer: inactivity, positions, forgetting ----------------------

  void watch() {
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
          return entry.second.empty() || now - entry.second.back() > Duration(10LL * 60 * 1000);
        });
      }
      lock.unlock();
      for (auto& wake : wakes)
        wake();
      lock.lock();
    }
  }

  const ChatOptions options_;
  channels::Host& host_;

  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<Conversation>> by_token_;
  std::unordered_map<std::uint64_t, std::shared_ptr<Conversation>> by_interaction_;
  std::unordered_map<std::string, std::deque<Time>> starts_;  // by address
  std::map<std::uint64_t, double> expected_wait_;             // by queue
  std::size_t open_ = 0;
  bool stopping_ = false;
  std::deque<std::shared_ptr<Conversation>> ready_;
  std::condition_variable ready_cv_;
  std::condition_variable timer_cv_;
  std::vector<std::thread> workers_;
  std::thread timer_;

  std::atomic<std::uint64_t> started_{0};
  std::atomic<std::uint64_t> connected_{0};
  std::atomic<std::uint64_t> received_{0};
  std::atomic<std::uint64_t> sent_{0};
  std::atomic<std::uint64_t> handovers_{0};
  std::atomic<std::uint64_t> bot_answered_{0};
  std::atomic<std::uint64_t> messages_left_{0};
};

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
