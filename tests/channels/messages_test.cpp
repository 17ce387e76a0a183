// The messages channel over the real domain (in-memory store, fixed clock):
// the citizen's messages in, the agent's replies out to the channel that
// carries their medium, and what became of them in the timeline.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "channels/channels.h"
#include "channels/contact_center_host.h"
#include "channels/messages/messages_channel.h"
#include "conversations/contact_center.h"
#include "store/memory_store.h"
#include "tests/conversations/kept_events.h"

namespace guichet::channels {
namespace {

using namespace std::chrono_literals;

// A written channel of its own (an SMS gateway, say): keeps what it is given.
class KeepingChannel final : public Channel {
 public:
  std::string_view name() const override { return "sms"; }
  bool carries(routing::Channel channel) const override {
    return channel == routing::Channel::kSms;
  }
  void on_events(const std::vector<routing::Event>&) override {}
  void on_config(const std::string&) override {}
  Status control(std::uint64_t, const std::string&, std::uint64_t, bool) override {
    return Status::ok();
  }
  Status deliver(const Reply& reply) override {
    delivered.push_back(reply.text);
    return Status::ok();
  }
  std::string metrics() const override { return {}; }
  std::string stats_json() const override { return "{}"; }
  std::vector<std::string> delivered;
};

class Messages : public ::testing::Test {
 protected:
  const Time now_ = std::chrono::time_point_cast<Duration>(
      std::chrono::sys_days(std::chrono::year(2026) / 3 / 2) + 10h);

  void SetUp() override {
    ASSERT_TRUE(center_.load());
    auto added = std::make_unique<MessagesChannel>(host_);
    messages_ = added.get();
    channels_.add(std::move(added));
  }

  std::uint64_t conversation(routing::Channel medium, const char* queue_name) {
    auto queue = center_.create("queue",
                                std::string(R"({"name":")") + queue_name + R"(","channel":")" +
                                    routing::to_string(medium) + "\"}",
                                0);
    EXPECT_TRUE(queue) << queue.error().message;
    const auto id = queue->substr(queue->find(":") + 1);
    conversations::NewInteraction asked;
    asked.channel = medium;
    asked.queue = std::stoull(id);
    auto created = center_.create_interaction(asked);
    EXPECT_TRUE(created) << created.error().message;
    return created ? created->stored.id : 0;
  }

  std::vector<std::string> timeline_types(std::uint64_t interaction) {
    std::vector<std::string> types;
    auto record = center_.interaction(interaction);  // kept: the loop reads it
    EXPECT_TRUE(record);
    if (!record) return types;
    for (const store::InteractionEvent& e : record->timeline)
      types.push_back(e.type);
    return types;
  }

  store::MemoryStore store_;
  conversations::KeptEvents live_;
  conversations::ContactCenter center_{store_, live_, [this] { return now_; }};
  ContactCenterHost host_{center_};
  Channels channels_;
  MessagesChannel* messages_ = nullptr;
};

TEST_F(Messages, TheCitizensMessageIsKeptAndPushedLive) {
  const std::uint64_t chat = conversation(routing::Channel::kChat, "chat-site-web");
  auto at = messages_->receive(chat, "Bonjour, je voudrais un acte de naissance.");
  ASSERT_TRUE(at) << at.error().message;
  EXPECT_EQ(*at, now_);
  const auto types = timeline_types(chat);
  EXPECT_NE(std::find(types.begin(), types.end(), "message"), types.end());
  ASSERT_EQ(live_.of_type("message").size(), 1u);
  EXPECT_NE(live_.of_type("message")[0].find("\"from\":\"citizen\""), std::string::npos);
  EXPECT_NE(messages_->stats_json().find("\"received\":1"), std::string::npos);
  EXPECT_FALSE(messages_->receive(chat, "")) << "1 to 4000 characters";
  EXPECT_FALSE(messages_->receive(999, "à personne"));
}

TEST_F(Messages, AReplyGoesToTheChannelAddedLastThatCarriesItsMedium) {
  const std::uint64_t chat = conversation(routing::Channel::kChat, "chat");
  const std::uint64_t sms = conversation(routing::Channel::kSms, "sms");
  auto kept = std::make_unique<KeepingChannel>();
  KeepingChannel* gateway = kept.get();
  channels_.add(std::move(kept));

  ASSERT_TRUE(channels_.deliver(routing::Channel::kSms, {sms, 7, "Votre rendez-vous est pris."}));
  EXPECT_EQ(gateway->delivered, std::vector<std::string>{"Votre rendez-vous est pris."});
  const auto sms_types = timeline_types(sms);
  EXPECT_EQ(std::find(sms_types.begin(), sms_types.end(), "delivery"), sms_types.end())
      << "the gateway's to say";

  ASSERT_TRUE(channels_.deliver(routing::Channel::kChat, {chat, 7, "Pour quelle commune ?"}));
  EXPECT_TRUE(gateway->delivered.size() == 1) << "chat stays with the messages API";
  // Notes are written behind the engine's events, without waiting.
  auto record = center_.interaction(chat);
  for (int i = 0; i < 200 && record && record->timeline.back().type != "delivery"; ++i) {
    std::this_thread::sleep_for(5ms);
    record = center_.interaction(chat);
  }
  ASSERT_TRUE(record);
  const store::InteractionEvent& last = record->timeline.back();
  EXPECT_EQ(last.type, "delivery");
  EXPECT_NE(last.data_json.find("\"status\":\"sent\""), std::string::npos) << last.data_json;

  auto none = channels_.deliver(routing::Channel::kVoice, {chat, 7, "?"});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace guichet::channels
