// The Host every channel gets, over the contact center (conversations).
// Thread-safe, as ContactCenter is.
#pragma once

#include "channels/channel.h"
#include "conversations/contact_center.h"
#include "conversations/knowledge_base.h"

namespace guichet::channels {

class ContactCenterHost final : public Host {
 public:
  // `knowledge`: the chat's bot answers from it (none: the bot has nothing
  // to say). `store`: where channels keep their own entries (the center's;
  // none: keep() fails).
  explicit ContactCenterHost(conversations::ContactCenter& center,
                             conversations::KnowledgeBase* knowledge = nullptr,
                             store::Store* store = nullptr)
      : center_(center), knowledge_(knowledge), store_(store) {}

  Time now() override;
  void arrive(Arrival arrival, std::function<void(Result<std::uint64_t>)> done) override;
  Status answer_offer(std::uint64_t offer, std::uint64_t agent, bool accept) override;
  Status requeue(std::uint64_t interaction, std::uint64_t queue) override;
  Status abandon(std::uint64_t interaction) override;
  Status request_callback(std::uint64_t interaction) override;
  Status route(std::uint64_t interaction) override;
  Result<Time> record_message(std::uint64_t interaction, bool from_bot, std::string text) override;
  void record_message_async(std::uint64_t interaction, bool from_bot, std::string text,
                            Written written) override;
  void receive_async(std::uint64_t interaction, std::string text, Written written) override;
  Status end_held(std::uint64_t interaction, bool answered) override;
  Result<std::vector<knowledge::Hit>> search_knowledge(std::string_view question,
                                                       std::size_t limit) override;
  Result<QueueNow> queue_now(std::uint64_t queue) override;
  void tell_agent(std::uint64_t interaction, const std::string& type,
                  const std::string& data_json) override;
  Result<Time> receive(std::uint64_t interaction, std::string text) override;
  Status note_durably(std::uint64_t interaction, const std::string& type,
                      const std::string& data_json) override;
  void note(std::uint64_t interaction, const std::string& type,
            const std::string& data_json) override;
  void note_contact(std::uint64_t interaction, std::uint64_t agent,
                    const std::string& state) override;
  void note_delivery(const Reply& reply, Delivery delivery, const std::string& detail) override;
  Result<std::vector<OpenInteraction>> open_interactions(routing::Channel channel) override;
  std::map<std::uint64_t, int> ready_agents() override;
  Result<std::vector<store::Document>> documents(const std::string& kind) override;
  Result<store::Document> document(const std::string& kind, std::uint64_t id) override;
  Result<std::shared_ptr<const BusinessCalendar>> calendar(std::uint64_t id) override;
  std::shared_ptr<const BusinessCalendar> queue_hours(std::uint64_t queue) override;
  Status keep(const std::string& channel, const std::vector<store::ChannelEntry>& entries) override;
  Result<std::string> kept(const std::string& channel, const std::string& key) override;
  Result<std::vector<store::ChannelEntry>> kept_from(const std::string& channel,
                                                     const std::string& prefix) override;

 private:
  // The citizen whose contact is exactly `from` (phone numbers in E.164); 0: none.
  std::uint64_t citizen_of(const Address& from);

  conversations::ContactCenter& center_;
  conversations::KnowledgeBase* const knowledge_;
  store::Store* const store_;
};

}  // namespace guichet::channels
