// ContactCenter's construction, and its public calls handed to Impl (whose
// work is defined by area: see detail/contact_center_impl.h).
#include "conversations/contact_center.h"

#include "conversations/detail/contact_center_impl.h"

namespace guichet::conversations {

ContactCenter::Impl::Impl(store::Store& store, LiveEvents& live, Clock clock, RoutingTimer timed)
    : store_(store),
      live_(live),
      writer_(store),
      clock_(clock),
      engine_(
          routing::EngineConfig{}, std::move(clock),
          [this](const std::vector<routing::Event>& events) { on_events(events); },
          [timed = std::move(timed)](std::chrono::nanoseconds took) {
            if (timed) timed(took);
          }) {}

ContactCenter::ContactCenter(store::Store& store, LiveEvents& live, Clock clock, RoutingTimer timed)
    : impl_(std::make_unique<Impl>(store, live, std::move(clock), std::move(timed))) {}
std::string ContactCenter::metrics_gauges() {
  return impl_->metrics_gauges();
}
Result<std::vector<AgentFigures>> ContactCenter::agent_stats() {
  return impl_->agent_stats();
}
Result<std::vector<AccessibleCoverage>> ContactCenter::accessible_coverage() {
  return impl_->accessible_coverage();
}
ContactCenter::~ContactCenter() = default;
Status ContactCenter::load() {
  return impl_->load();
}
Result<std::string> ContactCenter::create(const std::string& kind, const std::string& body,
                                          std::uint64_t user) {
  return impl_->create(kind, body, user);
}
Result<std::string> ContactCenter::put(const std::string& kind, std::uint64_t id,
                                       const std::string& body, std::uint64_t user) {
  return impl_->put(kind, id, body, user);
}
Result<std::string> ContactCenter::get(const std::string& kind, std::uint64_t id,
                                       std::uint64_t viewer) {
  return impl_->get(kind, id, viewer);
}
Result<std::string> ContactCenter::list(const std::string& kind, std::uint64_t viewer) {
  return impl_->list(kind, viewer);
}
void ContactCenter::set_phone_policy(PhonePolicy policy) {
  impl_->set_phone_policy(std::move(policy));
}
bool ContactCenter::agent_involved(std::uint64_t interaction, std::uint64_t agent) {
  return impl_->agent_involved(interaction, agent);
}
bool ContactCenter::agent_serves_citizen(std::uint64_t citizen, std::uint64_t agent) {
  return impl_->agent_serves_citizen(citizen, agent);
}
Status ContactCenter::remove(const std::string& kind, std::uint64_t id, std::uint64_t user) {
  return impl_->remove(kind, id, user);
}
Result<AgentStatus> ContactCenter::set_agent_state(std::uint64_t agent, routing::AgentState state,
                                                   std::string reason) {
  return impl_->set_agent_state(agent, state, std::move(reason));
}
Result<std::string> ContactCenter::set_agent_phone(std::uint64_t agent, const std::string& phone,
                                                   std::uint64_t user) {
  return impl_->set_agent_phone(agent, phone, user);
}
void ContactCenter::post_message_async(std::uint64_t interaction, std::uint64_t caller,
                                       bool manager, Author from, std::string text,
                                       Written written) {
  impl_->post_message_async(interaction, caller, manager, from, std::move(text),
                            std::move(written));
}
void ContactCenter::record_message_async(std::uint64_t interaction, Author from, std::string text,
                                         Written written) {
  impl_->record_message_async(interaction, from, std::move(text), std::move(written));
}
Result<Message> ContactCenter::post_message(std::uint64_t interaction, std::uint64_t caller,
                                            bool manager, Author from, std::string text) {
  return impl_->post_message(interaction, caller, manager, from, std::move(text));
}
Result<std::vector<QueueSetting>> ContactCenter::queue_settings() {
  return impl_->queue_settings();
}
Result<std::vector<AgentSetting>> ContactCenter::agent_settings() {
  return impl_->agent_settings();
}
Result<std::vector<InteractionView>> ContactCenter::agent_interactions(std::uint64_t agent) {
  return impl_->agent_interactions(agent);
}
Result<InteractionView> ContactCenter::create_interaction(NewInteraction asked) {
  return impl_->create_interaction(std::move(asked));
}
void ContactCenter::create_interaction_async(NewInteraction asked, CreateDone done) {
  impl_->create_interaction_async(std::move(asked), std::move(done));
}
void ContactCenter::drain() {
  impl_->drain();
}
Result<InteractionRecord> ContactCenter::interaction(std::uint64_t id) {
  return impl_->interaction(id);
}
Status ContactCenter::complete(std::uint64_t interaction, std::uint64_t agent,
                               const std::string& wrapup_code, const std::string& note) {
  return impl_->complete(interaction, agent, wrapup_code, note);
}
Status ContactCenter::end_wrapup(std::uint64_t interaction, std::uint64_t agent) {
  return impl_->end_wrapup(interaction, agent);
}
Result<Time> ContactCenter::add_note(std::uint64_t interaction, std::uint64_t agent,
                                     const std::string& text) {
  return impl_->add_note(interaction, agent, text);
}
Result<std::uint64_t> ContactCenter::identify(std::uint64_t interaction, std::uint64_t caller,
                                              bool manager, std::uint64_t citizen) {
  return impl_->identify(interaction, caller, manager, citizen);
}
Result<std::vector<Offer>> ContactCenter::offers(std::uint64_t agent) {
  return impl_->offers(agent);
}
Result<InteractionPage> ContactCenter::list_interactions(const store::InteractionFilter& filter) {
  return impl_->list_interactions(filter);
}

Result<std::vector<InteractionView>> ContactCenter::answers_due(Duration within,
                                                                std::size_t limit) {
  return impl_->answers_due(within, limit);
}
Status ContactCenter::transfer(std::uint64_t interaction, std::uint64_t caller, bool manager,
                               const Transfer& to) {
  return impl_->transfer(interaction, caller, manager, to);
}
Status ContactCenter::request_callback(std::uint64_t interaction) {
  return impl_->request_callback(interaction);
}
Status ContactCenter::abandon(std::uint64_t interaction) {
  return impl_->abandon(interaction);
}
Status ContactCenter::route(std::uint64_t interaction) {
  return impl_->route(interaction);
}
Result<Time> ContactCenter::record_message(std::uint64_t interaction, Author from,
                                           std::string text) {
  return impl_->record_message(interaction, from, std::move(text));
}
Status ContactCenter::end_held(std::uint64_t interaction, bool answered) {
  return impl_->end_held(interaction, answered);
}
void ContactCenter::tell_agent(std::uint64_t interaction, const std::string& type,
                               const std::string& data_json) {
  impl_->tell_agent(interaction, type, data_json);
}
Status ContactCenter::answer_offer(std::uint64_t offer, std::uint64_t agent, bool accept) {
  return impl_->answer_offer(offer, agent, accept);
}
Result<std::vector<QueueFigures>> ContactCenter::queue_stats() {
  return impl_->queue_stats();
}

void ContactCenter::check_documents(const std::string& kind, DocumentCheck check) {
  impl_->check_documents(kind, std::move(check));
}
std::string ContactCenter::check_document(const std::string& kind, const std::string& body) {
  return impl_->check_document(kind, body);
}
Result<std::shared_ptr<const BusinessCalendar>> ContactCenter::calendar(std::uint64_t id) {
  return impl_->calendar(id);
}
std::shared_ptr<const BusinessCalendar> ContactCenter::queue_hours(std::uint64_t queue) {
  return impl_->queue_hours(queue);
}
void ContactCenter::note_call(std::uint64_t interaction, std::uint64_t agent,
                              const std::string& state) {
  impl_->note_call(interaction, agent, state);
}
void ContactCenter::note(std::uint64_t interaction, const std::string& type,
                         const std::string& data_json) {
  (void)impl_->note(interaction, type, data_json);
}
Status ContactCenter::note_durably(std::uint64_t interaction, const std::string& type,
                                   const std::string& data_json) {
  (void)impl_->note(interaction, type, data_json);
  return impl_->wait_written();
}
void ContactCenter::observe(EventObserver on_events,
                            std::function<void(const std::string& kind)> on_config) {
  impl_->observe(std::move(on_events), std::move(on_config));
}

Time ContactCenter::now() const {
  return impl_->now();
}
Result<std::vector<store::Document>> ContactCenter::documents(const std::string& kind) {
  return impl_->documents(kind);
}
Result<store::Document> ContactCenter::document(const std::string& kind, std::uint64_t id) {
  return impl_->document(kind, id);
}

const char* to_string(Author author) {
  return author == Author::kAgent ? "agent" : author == Author::kBot ? "bot" : "citizen";
}

Result<store::Citizen> ContactCenter::create_citizen(std::string name,
                                                     std::vector<store::Contact> contacts) {
  return impl_->create_citizen(std::move(name), std::move(contacts));
}
Result<std::vector<store::Citizen>> ContactCenter::find_citizens(const std::string& query) {
  return impl_->find_citizens(query);
}
Result<CitizenView> ContactCenter::citizen(std::uint64_t id) {
  return impl_->citizen(id);
}
Result<CitizenView> ContactCenter::add_contact(std::uint64_t citizen, store::Contact contact) {
  return impl_->add_contact(citizen, std::move(contact));
}
Result<CitizenView> ContactCenter::merge_citizens(std::uint64_t keep, std::uint64_t duplicate) {
  return impl_->merge_citizens(keep, duplicate);
}

}  // namespace guichet::conversations
