// The web chat channel over the real domain (in-memory store, the
// knowledge base with two published articles): the bot answering and
// handing over, an agent taking the conversation, a reconnect that loses
// and duplicates nothing, and what a citizen may not send.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "channels/chat/chat_channel.h"
#include "channels/contact_center_host.h"
#include "channels/files.h"
#include "conversations/contact_center.h"
#include "conversations/knowledge_base.h"
#include "store/memory_store.h"
#include "tests/conversations/kept_events.h"

namespace guichet::chat {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::string str(const json::object& e, const char* key) {
  const json::value* v = e.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// A citizen's side: their stream, the events it gave, their actions.
class Citizen {
 public:
  explicit Citizen(std::unique_ptr<CitizenStream> stream) : stream_(std::move(stream)) {
    stream_->on_ready([this] {
      std::lock_guard lock(mutex_);
      ready_.notify_all();
    });
  }
  void send(const std::string& action) { stream_->on_message(action); }
  void say(const std::string& client_id, const std::string& text) {
    send(json::serialize(
        json::object{{"type", "message"}, {"client_id", client_id}, {"text", text}}));
  }
  // Waits (2 s at most) for an event matching `wanted`; every event is kept.
  json::object wait_for(const std::function<bool(const json::object&)>& wanted) {
    const auto until = std::chrono::steady_clock::now() + 2s;
    std::size_t looked = 0;
    for (;;) {
      for (std::string& text : stream_->take())
        events.push_back(json::parse(text).as_object());
      for (; looked < events.size(); ++looked)
        if (wanted(events[looked])) return events[looked];
      std::unique_lock lock(mutex_);
      if (ready_.wait_until(lock, until) == std::cv_status::timeout) {
        for (std::string& text : stream_->take())
          events.push_back(json::parse(text).as_object());
        for (; looked < events.size(); ++looked)
          if (wanted(events[looked])) return events[looked];
        ADD_FAILURE() << "no such event in " << events.size();
        return {};
      }
    }
  }
  json::object message_from(const std::string& from, const std::string& containing = "") {
    return wait_for([&](const json::object& e) {
      return str(e, "type") == "message" && str(e, "from") == from &&
             str(e, "text").find(containing) != std::string::npos;
    });
  }
  json::object status(const std::string& status) {
    return wait_for([&](const json::object& e) {
      return str(e, "type") == "status" && str(e, "status") == status;
    });
  }
  json::object of_type(const std::string& type) {
    return wait_for([&](const json::object& e) { return str(e, "type") == type; });
  }
  std::vector<json::object> events;

 private:
  std::unique_ptr<CitizenStream> stream_;
  std::mutex mutex_;
  std::condition_variable ready_;
};

class Chat : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(center_.load());
    auto knowledge = conversations::KnowledgeBase::open(store_, [this] { return now_; });
    ASSERT_TRUE(knowledge);
    knowledge_ = std::move(*knowledge);
    for (auto [title, body] : {std::pair{"Obtenir un acte de naissance",
                                         "Demandez une copie intégrale à la mairie. Gratuit."},
                               std::pair{"Carte d'identité", "Prenez rendez-vous en ligne."}}) {
      conversations::ArticleContent content;
      content.title = title;
      content.body = body;
      content.links = {{"Service-Public.fr", "https://www.service-public.fr/"}};
      auto created = knowledge_->create(content, 0);
      ASSERT_TRUE(created);
      ASSERT_TRUE(knowledge_->publish(created->id, 0));
    }
    host_ = std::make_unique<channels::ContactCenterHost>(center_, knowledge_.get());
    auto started = ChatChannel::start({}, *host_);
    ASSERT_TRUE(started);
    chat_ = std::move(*started);
    center_.observe([this](const std::vector<routing::Event>& events) { chat_->on_events(events); },
                    {});
    store::User agent;
    agent.username = "lea";
    agent.password_hash = "-";
    agent_ = store_.create_user(agent)->id;
  }
  void TearDown() override { center_.observe({}, {}); }

  std::uint64_t chat_queue(bool bot = true) {
    auto queue =
        center_.create("queue",
                       std::string(R"({"name":"chat-mairie","channel":"chat","chat_bot":)") +
                           (bot ? "true" : "false") + "}",
                       0);
    EXPECT_TRUE(queue) << queue.error().message;
    const std::uint64_t id = json::parse(*queue).at("id").as_int64();
    EXPECT_TRUE(center_.put("agent", agent_, R"({"capacity":{"chat":2}})", 0));
    return id;
  }

  // The agent's one offer (it comes on the channel's worker), taken.
  void accept_offer() {
    auto offers = center_.offers(agent_);
    for (int i = 0; i < 100 && offers->empty(); ++i) {
      std::this_thread::sleep_for(10ms);
      offers = center_.offers(agent_);
    }
    ASSERT_EQ(offers->size(), 1u);
    ASSERT_TRUE(center_.answer_offer(offers->front().id, agent_, true));
  }

  Citizen open(const ChatStarted& started, std::uint64_t after = 0) {
    auto stream = chat_->open_stream(started.token, after);
    EXPECT_TRUE(stream);
    return Citizen(std::move(*stream));
  }

  Time now_ = std::chrono::time_point_cast<Duration>(
      std::chrono::sys_days(std::chrono::year(2026) / 3 / 2) + 10h);
  store::MemoryStore store_;
  conversations::KeptEvents live_;
  conversations::ContactCenter center_{store_, live_, [this] { return now_; }};
  std::unique_ptr<conversations::KnowledgeBase> knowledge_;
  std::unique_ptr<channels::ContactCenterHost> host_;
  std::unique_ptr<ChatChannel> chat_;
  std::uint64_t agent_ = 0;
};

TEST_F(Chat, TheBotAnswersFromTheKnowledgeBaseThenHandsOverToAPerson) {
  const std::uint64_t queue = chat_queue();
  auto started = chat_->start_conversation(queue, "Lucie", "fr", "192.0.2.1");
  ASSERT_TRUE(started) << started.status().to_string();
  Citizen citizen = open(*started);
  auto greeting = citizen.message_from("bot", "assistant automatique");
  EXPECT_NE(std::string(greeting.at("text").as_string()).find("pas une personne"),
            std::string::npos)
      << "it says it is a bot";
  citizen.status("bot");

  citizen.say("c1", "comment avoir un extrait de naissance");
  auto echo = citizen.message_from("citizen");
  EXPECT_EQ(echo.at("client_id"), "c1") << "durable: its echo is the delivered mark";
  auto answer = citizen.message_from("bot", "devrait répondre");
  ASSERT_TRUE(answer.contains("articles"));
  EXPECT_EQ(answer.at("articles").as_array()[0].at("title"), "Obtenir un acte de naissance");
  EXPECT_EQ(answer.at("asks"), "answered");
  citizen.send(R"({"type":"feedback","answered":false})");
  citizen.message_from("bot", "reformuler");
  EXPECT_TRUE(center_.offers(agent_)->empty()) << "nobody offered it yet";

  // "Parler à un conseiller": to the queue; the agent reads it all.
  ASSERT_TRUE(center_.set_agent_state(agent_, routing::AgentState::kAvailable));
  citizen.say("c2", "je voudrais parler à un conseiller");
  citizen.status("waiting");
  ASSERT_NO_FATAL_FAILURE(accept_offer());
  citizen.status("with_agent");
  auto record = center_.interaction(started->interaction);
  std::vector<std::string> froms;
  for (const auto& event : record->timeline)
    if (event.type == "message")
      froms.emplace_back(json::parse(event.data_json).at("from").as_string());
  EXPECT_EQ(froms, (std::vector<std::string>{"bot", "citizen", "bot", "bot", "citizen", "bot"}));

  // The agent writes, types; the citizen answers; the agent completes.
  ASSERT_TRUE(chat_->control(started->interaction, "typing", agent_, false));
  citizen.of_type("typing");
  ASSERT_TRUE(chat_->deliver({started->interaction, agent_, "Bonjour Lucie, je vous écoute."}));
  citizen.message_from("agent", "je vous écoute");
  citizen.say("c3", "Merci !");
  citizen.message_from("citizen", "Merci");
  ASSERT_TRUE(chat_->control(started->interaction, "read", agent_, false));
  citizen.of_type("read");
  EXPECT_EQ(live_.of_type("message").size(), 1u) << "the citizen's message reached the agent";
  ASSERT_TRUE(center_.complete(started->interaction, agent_, "", ""));
  auto ended = citizen.status("ended");
  EXPECT_EQ(ended.at("by"), "agent");
  auto transcript = chat_->transcript(started->token);
  ASSERT_TRUE(transcript);
  EXPECT_NE(transcript->find("Bonjour Lucie"), std::string::npos);
  EXPECT_NE(transcript->find("[02/03/2026 11:00] Conseiller :"), std::string::npos)
      << "in the service's time, as the citizen reads it: " << *transcript;
  EXPECT_NE(transcript->find("Obtenir un acte de naissance — https://www.service-public.fr/"),
            std::string::npos);
}

TEST_F(Chat, AReconnectLosesAndDuplicatesNothing) {
  const std::uint64_t queue = chat_queue();
  auto started = chat_->start_conversation(queue, "", "fr", "192.0.2.1");
  ASSERT_TRUE(started);
  std::uint64_t seen = 0;
  {
    Citizen citizen = open(*started);
    citizen.say("c1", "carte d'identité");
    citizen.message_from("bot", "devrait");
    seen = citizen.events.back().at("seq").as_int64();
  }  // the network drops
  // Sent again after the reconnect (not acknowledged, as the widget saw it).
  Citizen again = open(*started, seen);
  again.say("c1", "carte d'identité");
  again.say("c2", "et pour un passeport ?");
  again.message_from("citizen", "passeport");
  int copies = 0;
  for (const auto& event : again.events)
    copies += str(event, "client_id") == "c1";
  EXPECT_EQ(copies, 0) << "c1 was taken once, before the drop; not replayed, not taken again";
  EXPECT_GT(again.events.front().at("seq").as_int64(), static_cast<std::int64_t>(seen))
      << "replayed from after what was seen";
  auto record = center_.interaction(started->interaction);
  int citizen_messages = 0;
  for (const auto& event : record->timeline)
    citizen_messages +=
        event.type == "message" && event.data_json.find("\"citizen\"") != std::string::npos;
  EXPECT_EQ(citizen_messages, 2);
}

TEST_F(Chat, WhatACitizenMayNotSend) {
  const std::uint64_t queue = chat_queue();
  auto started = chat_->start_conversation(queue, "", "fr", "192.0.2.1");
  ASSERT_TRUE(started);
  Citizen citizen = open(*started);
  citizen.send("not json");
  EXPECT_EQ(citizen.of_type("error").at("code"), "invalid_argument");
  citizen.say("long", std::string(2001, 'a'));
  EXPECT_EQ(citizen
                .wait_for([](const json::object& e) {
                  return str(e, "type") == "error" && str(e, "field") == "text";
                })
                .at("client_id"),
            "long");
  for (int i = 0; i < 31; ++i)
    citizen.say("m" + std::to_string(i), "bonjour");
  EXPECT_EQ(citizen
                .wait_for([](const json::object& e) {
                  return str(e, "type") == "error" && str(e, "code") == "rate_limited";
                })
                .at("client_id"),
            "m30");
  EXPECT_EQ(chat_->open_stream("0000", 0).status().error().code, ErrorCode::kNotFound);
  EXPECT_EQ(
      chat_->start_conversation(queue, std::string(101, 'x'), "fr", "a").status().error().field,
      "name");
  for (int i = 0; i < 20; ++i) {
    auto more = chat_->start_conversation(queue, "", "fr", "198.51.100.7");
    ASSERT_TRUE(more) << i << ": " << more.status().to_string();
  }
  EXPECT_EQ(chat_->start_conversation(queue, "", "fr", "198.51.100.7").status().error().code,
            ErrorCode::kFailedPrecondition)
      << "20 conversations from one address in 10 minutes";
  auto task = center_.create("queue", R"({"name":"courriers","channel":"task"})", 0);
  EXPECT_EQ(chat_->service(json::parse(*task).at("id").as_int64()).status().error().code,
            ErrorCode::kNotFound)
      << "a task queue is no chat service";
}

TEST_F(Chat, WithoutTheBotAConversationGoesToItsQueueAtOnce) {
  const std::uint64_t queue = chat_queue(false);
  auto service = chat_->service(queue);
  ASSERT_TRUE(service);
  EXPECT_FALSE(service->bot);
  EXPECT_TRUE(service->open) << "no calendar: always open";
  auto started = chat_->start_conversation(queue, "", "en", "192.0.2.1");
  ASSERT_TRUE(started);
  Citizen citizen = open(*started);
  auto waiting = citizen.status("waiting");
  EXPECT_EQ(waiting.at("position"), 1);
  citizen.send(R"({"type":"end"})");
  EXPECT_EQ(citizen.status("ended").at("by"), "citizen");
  // The engine's events reach the store on the timeline's writer.
  std::string status;
  for (int i = 0; i < 200 && status != "abandoned"; ++i) {
    status = center_.interaction(started->interaction)->view.stored.status;
    if (status != "abandoned") std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(status, "abandoned");
}

// The citizen gone, the agent's reply is refused, not reported delivered.
TEST_F(Chat, AReplyAfterTheCitizenLeftIsRefused) {
  const std::uint64_t queue = chat_queue(false);
  ASSERT_TRUE(center_.set_agent_state(agent_, routing::AgentState::kAvailable));
  auto started = chat_->start_conversation(queue, "", "fr", "192.0.2.1");
  ASSERT_TRUE(started);
  Citizen citizen = open(*started);
  ASSERT_NO_FATAL_FAILURE(accept_offer());
  citizen.status("with_agent");
  citizen.send(R"({"type":"end"})");
  citizen.status("ended");
  auto refused = chat_->deliver({started->interaction, agent_, "Vous êtes là ?"});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kFailedPrecondition);
}

// Real-time text (décret 2017-875): each side sees what the other is
// typing, corrections included, and Enter makes it a message. What the
// citizen typed while waiting reaches the agent who takes the chat.
TEST_F(Chat, RealTimeTextShowsEachSideTheOtherTypingCorrectionsIncluded) {
  auto created =
      center_.create("queue", R"({"name":"texte-temps-reel","channel":"chat","chat_rtt":true})", 0);
  ASSERT_TRUE(created) << created.error().message;
  const std::uint64_t queue = json::parse(*created).at("id").as_int64();
  ASSERT_TRUE(center_.put("agent", agent_, R"({"capacity":{"chat":2}})", 0));
  auto service = chat_->service(queue);
  ASSERT_TRUE(service);
  EXPECT_TRUE(service->rtt);
  EXPECT_FALSE(service->bot) << "its citizens asked for a person";
  auto started = chat_->start_conversation(queue, "", "fr", "192.0.2.1");
  ASSERT_TRUE(started);
  EXPECT_NE(center_.interaction(started->interaction)
                ->view.stored.attributes_json.find(R"("mode":"rtt")"),
            std::string::npos)
      << "counted apart in reports";
  Citizen citizen = open(*started);
  citizen.status("waiting");
  citizen.send(R"({"type":"rtt","text":"Bonj"})");
  ASSERT_TRUE(center_.set_agent_state(agent_, routing::AgentState::kAvailable));
  ASSERT_NO_FATAL_FAILURE(accept_offer());
  citizen.status("with_agent");
  const auto agent_saw = [&](const std::string& text) {
    for (int i = 0; i < 200; ++i) {
      for (const std::string& e : live_.of_type("citizen_rtt"))
        if (json::parse(e).at("data").at("text") == text.c_str()) return true;
      std::this_thread::sleep_for(5ms);
    }
    return false;
  };
  EXPECT_TRUE(agent_saw("Bonj")) << "typed while waiting";
  citizen.send(R"({"type":"rtt","text":"Bonjour, je suis sourt"})");
  citizen.send(R"({"type":"rtt","text":"Bonjour, je suis sourde"})");  // corrected
  EXPECT_TRUE(agent_saw("Bonjour, je suis sourde"));

  ASSERT_TRUE(chat_->agent_draft(started->interaction, "Bon"));
  ASSERT_TRUE(chat_->agent_draft(started->interaction, "Bonjour Madame"));
  citizen.wait_for([](const json::object& e) {
    return str(e, "type") == "rtt" && str(e, "from") == "agent" &&
           str(e, "text") == "Bonjour Madame";
  });
  // The agent's draft is there again for a citizen who reconnects.
  Citizen again = open(*started, 1000);
  again.wait_for([](const json::object& e) {
    return str(e, "type") == "rtt" && str(e, "text") == "Bonjour Madame";
  });
  ASSERT_TRUE(chat_->deliver({started->interaction, agent_, "Bonjour Madame"}));
  citizen.message_from("agent", "Bonjour Madame");
  // The desk's last draft, raced by its message, is not shown again.
  const std::size_t seen = citizen.events.size();
  ASSERT_TRUE(chat_->agent_draft(started->interaction, "Bonjour Madame"));
  ASSERT_TRUE(chat_->agent_draft(started->interaction, "Et"));
  citizen.wait_for(
      [](const json::object& e) { return str(e, "type") == "rtt" && str(e, "text") == "Et"; });
  for (std::size_t i = seen; i < citizen.events.size(); ++i)
    EXPECT_NE(str(citizen.events[i], "text"), "Bonjour Madame") << "shown again as a draft";

  EXPECT_EQ(chat_->agent_draft(started->interaction, std::string(2001, 'a')).error().code,
            ErrorCode::kInvalidArgument);
  citizen.send(json::serialize(json::object{{"type", "rtt"}, {"text", std::string(2001, 'a')}}));
  EXPECT_EQ(str(citizen.of_type("error"), "field"), "text");
  EXPECT_EQ(chat_->agent_draft(999999, "x").error().code, ErrorCode::kNotFound);
}

// An ordinary chat carries no real-time text: the agent's draft is
// refused, the citizen's ignored.
TEST_F(Chat, AnOrdinaryChatCarriesNoRealTimeText) {
  const std::uint64_t queue = chat_queue(false);
  ASSERT_TRUE(center_.set_agent_state(agent_, routing::AgentState::kAvailable));
  auto started = chat_->start_conversation(queue, "", "fr", "192.0.2.1");
  ASSERT_TRUE(started);
  Citizen citizen = open(*started);
  ASSERT_NO_FATAL_FAILURE(accept_offer());
  citizen.status("with_agent");
  EXPECT_EQ(chat_->agent_draft(started->interaction, "Bon").error().code,
            ErrorCode::kFailedPrecondition);
  citizen.send(R"({"type":"rtt","text":"Bonj"})");
  EXPECT_EQ(str(citizen.of_type("error"), "message"), "unknown action");
}

// A real-time text service keeps the phone line's hours: they are set in
// one place.
TEST_F(Chat, ARealTimeTextServiceKeepsThePhoneLinesHours) {
  auto line = center_.create(
      "queue", R"({"name":"accueil","channel":"voice","hours":"mon-fri 08:30-12:00"})", 0);
  ASSERT_TRUE(line);
  const auto line_id = json::parse(*line).at("id").as_int64();
  auto rtt =
      center_.create("queue",
                     R"({"name":"ttr","channel":"chat","chat_rtt":true,"chat_hours_queue_id":)" +
                         std::to_string(line_id) + "}",
                     0);
  ASSERT_TRUE(rtt) << rtt.error().message;
  const auto rtt_id = static_cast<std::uint64_t>(json::parse(*rtt).at("id").as_int64());
  now_ = std::chrono::time_point_cast<Duration>(
      std::chrono::sys_days(std::chrono::year(2026) / 3 / 2) + 10h);  // a Monday
  EXPECT_TRUE(chat_->service(rtt_id)->open);
  now_ += 4h;
  EXPECT_FALSE(chat_->service(rtt_id)->open) << "the line closes at noon";
  EXPECT_TRUE(chat_->service(rtt_id)->opens_at);
  // What the fields name must be what they say: a phone line for the
  // hours, a real-time text chat to offer.
  auto ordinary = center_.create("queue", R"({"name":"chat-site","channel":"chat"})", 0);
  ASSERT_TRUE(ordinary);
  const auto ordinary_id = json::parse(*ordinary).at("id").as_int64();
  auto wrong_line =
      center_.create("queue",
                     R"({"name":"ttr2","channel":"chat","chat_rtt":true,"chat_hours_queue_id":)" +
                         std::to_string(ordinary_id) + "}",
                     0);
  ASSERT_FALSE(wrong_line);
  EXPECT_EQ(wrong_line.error().field, "chat_hours_queue_id");
  auto wrong_offer = center_.put("queue", static_cast<std::uint64_t>(ordinary_id),
                                 R"({"name":"chat-site","channel":"chat","chat_rtt_queue_id":)" +
                                     std::to_string(line_id) + "}",
                                 0);
  ASSERT_FALSE(wrong_offer);
  EXPECT_EQ(wrong_offer.error().field, "chat_rtt_queue_id");
  EXPECT_TRUE(center_.put(
      "queue", static_cast<std::uint64_t>(ordinary_id),
      R"({"name":"chat-site","channel":"chat","chat_rtt_queue_id":)" + std::to_string(rtt_id) + "}",
      0));
  // The line cannot go while the text service follows its hours.
  auto removed = center_.remove("queue", static_cast<std::uint64_t>(line_id), 0);
  ASSERT_FALSE(removed);
  EXPECT_EQ(removed.error().code, ErrorCode::kFailedPrecondition);
}

// A citizen's file reaches the advisor: kept under the server's name,
// durable, shown to both; one of another type, too large, or sent to the
// bot is refused with the reason.
TEST_F(Chat, ACitizensFileIsKeptForTheAdvisorAndOthersAreRefusedWithTheReason) {
  center_.observe({}, {});
  chat_.reset();
  ChatOptions options;
  options.attachments_dir = (std::filesystem::temp_directory_path() /
                             ("guichet-attachments-" + std::to_string(::getpid())))
                                .string();
  options.max_attachment_bytes = 1024;
  auto started_chat = ChatChannel::start(options, *host_);
  ASSERT_TRUE(started_chat);
  chat_ = std::move(*started_chat);
  center_.observe([this](const std::vector<routing::Event>& events) { chat_->on_events(events); },
                  {});
  const std::uint64_t queue = chat_queue();
  auto started = chat_->start_conversation(queue, "", "fr", "192.0.2.1");
  ASSERT_TRUE(started);
  Citizen citizen = open(*started);
  static constexpr char kPng[] = "\x89PNG\r\n\x1A\n\0\0\0\rIHDR-a-scan";
  const std::string png(kPng, sizeof kPng - 1);
  auto to_bot = chat_->attach(started->token, "scan.png", png);
  ASSERT_FALSE(to_bot);
  EXPECT_EQ(to_bot.error().code, ErrorCode::kFailedPrecondition) << "the bot reads no files";

  citizen.send(R"({"type":"person"})");
  citizen.status("waiting");
  auto kept = chat_->attach(started->token, "C:\\Scans\\carte grise.png", png);
  ASSERT_TRUE(kept) << kept.error().message;
  EXPECT_EQ(kept->name, "carte grise.png");
  EXPECT_EQ(kept->type, "image/png");
  EXPECT_EQ(kept->size, png.size());
  auto shown = citizen.wait_for([](const json::object& e) { return e.contains("attachment"); });
  EXPECT_EQ(shown.at("attachment").at("id"), kept->id.c_str());
  EXPECT_EQ(str(shown, "text"), "Pièce jointe : carte grise.png (PNG, 1 Ko)");
  auto file = chat_->attachment(started->token, kept->id);
  ASSERT_TRUE(file);
  EXPECT_EQ(file->second,
            channels::attachment_path(options.attachments_dir, started->interaction, kept->id));
  std::ifstream in(file->second, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), png) << "kept whole";
  const auto timeline = center_.interaction(started->interaction)->timeline;
  EXPECT_TRUE(std::any_of(timeline.begin(), timeline.end(), [&](const store::InteractionEvent& e) {
    return e.type == "attachment" && e.data_json.find(kept->id) != std::string::npos;
  })) << "the agents' side finds it in the timeline";

  auto word = chat_->attach(started->token, "lettre.docx", std::string("PK\x03\x04", 4));
  ASSERT_FALSE(word);
  EXPECT_EQ(word.error().field, "type");
  auto large = chat_->attach(started->token, "gros.pdf", "%PDF-" + std::string(2000, 'x'));
  ASSERT_FALSE(large);
  EXPECT_EQ(large.error().field, "size");
  EXPECT_EQ(chat_->attachment("not a token", kept->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(chat_->attachment(started->token, "0000000000000000").error().code,
            ErrorCode::kNotFound);
  std::filesystem::remove_all(options.attachments_dir);
}

// A restart forgets the citizens' tokens: their chats are not left waiting
// for an agent as if someone were there.
TEST_F(Chat, ARestartEndsTheWebChatsNobodyCanReachAnyMore) {
  const std::uint64_t queue = chat_queue();
  auto held = chat_->start_conversation(queue, "", "fr", "192.0.2.1");
  ASSERT_TRUE(held);
  center_.observe({}, {});
  chat_.reset();
  auto again = ChatChannel::start({}, *host_);
  ASSERT_TRUE(again);
  chat_ = std::move(*again);
  EXPECT_EQ(center_.interaction(held->interaction)->view.stored.status, "closed");
}

}  // namespace
}  // namespace guichet::chat
