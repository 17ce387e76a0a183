// The web chat channel (chat_channel.h): the citizen's actions on their
// stream, their messages made durable, the bot's turns and the hand-over.
#include <boost/json.hpp>

#include <algorithm>

#include "channels/chat/detail/chat_channel_impl.h"
#include "core/json_body.h"
#include "core/json_format.h"
#include "core/text.h"

namespace guichet::chat {

namespace {

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

void ChatChannel::Impl::from_citizen(const std::shared_ptr<Conversation>& conversation,
                                     const std::string& text) {
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
    tell(c,
         R"({"type":"error","code":"failed_precondition","message":"the conversation has ended"})",
         wakes);
  } else if (type == "message") {
    c.last_activity = now;
    c.citizen_draft.clear();  // sent: the draft is a message now
    take_message(conversation, action, now, wakes);
  } else if (type == "rtt" && c.rtt) {
    c.last_activity = now;
    std::string draft = json_body::string_or(action, "text", "");
    if (utf8_length(draft) > options_.max_message_chars) {
      tell(c,
           "{\"type\":\"error\",\"code\":\"invalid_argument\",\"field\":\"text\",\"message\":\"at "
           "most " +
               std::to_string(options_.max_message_chars) + " characters\"}",
           wakes);
    } else {
      c.citizen_draft = std::move(draft);
      // One job at a time carries the newest draft: a fast typist's
      // drafts in between are not queued, only the last one matters.
      if (c.phase == Phase::kWithAgent && !c.draft_pending) {
        c.draft_pending = true;
        submit(conversation, [this, conversation] { pass_draft(conversation); });
      }
    }
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
        host_.tell_agent(interaction, "citizen_read", "{\"up_to\":" + std::to_string(up_to) + "}");
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

void ChatChannel::Impl::take_message(const std::shared_ptr<Conversation>& conversation,
                                     const json::object& action, Time now, Wakes& wakes) {
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
  if (!detail::take_from_window(c.recent, now, detail::kMessagesWindow,
                                options_.messages_per_minute)) {
    tell(c,
         "{\"type\":\"error\",\"code\":\"rate_limited\",\"client_id\":" + json_quote(client_id) +
             ",\"message\":\"too many messages: wait a moment\"}",
         wakes);
    return;
  }
  c.client_ids.insert(client_id);
  submit(conversation, [this, conversation, client_id, text = std::move(text)]() mutable {
    citizen_writes(conversation, client_id, std::move(text));
  });
}

void ChatChannel::Impl::citizen_writes(const std::shared_ptr<Conversation>& conversation,
                                       const std::string& client_id, std::string text) {
  Phase phase;
  std::uint64_t interaction;
  {
    std::lock_guard lock(mutex_);
    phase = conversation->phase;
    interaction = conversation->interaction;
    suspend(*conversation);
  }
  // Once durable (on the store's thread): the echo, then the bot's turn as
  // the conversation's next job.
  auto written = [this, conversation, client_id, text, phase](Result<Time> at) {
    Wakes wakes;
    {
      std::lock_guard lock(mutex_);
      Conversation& c = *conversation;
      if (!at) {
        c.client_ids.erase(client_id);  // not taken: it may be sent again
        tell(c,
             "{\"type\":\"error\",\"code\":\"not_kept\",\"client_id\":" + json_quote(client_id) +
                 ",\"message\":" + json_quote(at.error().message) + "}",
             wakes);
      } else {
        received_.fetch_add(1, std::memory_order_relaxed);
        emit_message(c, "citizen", text, *at, client_id, "", wakes);
        c.last_citizen_seq = c.log.size();
      }
    }
    for (auto& wake : wakes)
      wake();
    if (at && phase == Phase::kBot) {
      resume(conversation, [this, conversation, text] { bot_turn(conversation, text); });
    } else {
      resume(conversation);
    }
  };
  if (phase == Phase::kBot) {
    host_.record_message_async(interaction, false, std::move(text), std::move(written));
  } else {
    host_.receive_async(interaction, std::move(text), std::move(written));
  }
}

void ChatChannel::Impl::bot_turn(const std::shared_ptr<Conversation>& conversation,
                                 const std::string& text) {
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

void ChatChannel::Impl::bot_says(const std::shared_ptr<Conversation>& conversation,
                                 const std::string& recorded_text,
                                 const std::vector<knowledge::Hit>& articles, bool asks,
                                 const std::string& shown_text, std::function<void()> then) {
  std::uint64_t interaction;
  {
    std::lock_guard lock(mutex_);
    interaction = conversation->interaction;
    suspend(*conversation);
  }
  // Recorded without waiting: shown once durable, then `then`.
  std::string shown = shown_text.empty() ? recorded_text : shown_text;
  std::string articles_shown = articles.empty() ? std::string() : articles_json(articles);
  host_.record_message_async(
      interaction, true, recorded_text,
      [this, conversation, asks, shown = std::move(shown),
       articles_shown = std::move(articles_shown), then = std::move(then)](Result<Time> at) {
        Wakes wakes;
        {
          std::lock_guard lock(mutex_);
          Conversation& c = *conversation;
          c.bot_asked = asks;
          emit_message(c, "bot", shown, at ? *at : host_.now(), "", articles_shown, wakes, asks);
        }
        for (auto& wake : wakes)
          wake();
        resume(conversation, then);
      });
}

void ChatChannel::Impl::feedback(const std::shared_ptr<Conversation>& conversation, bool answered) {
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

void ChatChannel::Impl::hand_over(const std::shared_ptr<Conversation>& conversation,
                                  const std::string& connecting) {
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
    // Then the citizen may leave a message instead.
    const std::string closed =
        std::string("\"type\":\"closed\",\"messages\":") + (face->messages ? "true" : "false") +
        (face->opens_at ? ",\"opens_at\":" + json_quote(iso8601(*face->opens_at)) : "");
    bot_says(conversation, said, {}, false, {}, [this, conversation, closed] {
      Wakes wakes;
      {
        std::lock_guard lock(mutex_);
        append(*conversation, closed, wakes);
      }
      for (auto& wake : wakes)
        wake();
    });
    return;
  }
  bot_says(conversation, connecting, {}, false, {},
           [this, conversation] { route_after_words(conversation); });
}

void ChatChannel::Impl::route_after_words(const std::shared_ptr<Conversation>& conversation) {
  std::uint64_t interaction;
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

void ChatChannel::Impl::pass_draft(const std::shared_ptr<Conversation>& conversation) {
  std::string draft;
  std::uint64_t interaction = 0;
  {
    std::lock_guard lock(mutex_);
    conversation->draft_pending = false;
    if (conversation->phase != Phase::kWithAgent) return;
    draft = conversation->citizen_draft;
    interaction = conversation->interaction;
  }
  host_.tell_agent(interaction, "citizen_rtt", "{\"text\":" + json_quote(draft) + "}");
}

void ChatChannel::Impl::end_by_citizen(const std::shared_ptr<Conversation>& conversation) {
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
      answered =
          conversation->bot && conversation->bot->unhelpful() == 0 && conversation->log.size() > 2;
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

}  // namespace guichet::chat
