// ContactCenter's state and the declarations of its work, defined by area:
// configuration.cpp (documents applied to the engine), interactions.cpp,
// citizens.cpp, agents.cpp (states, offers, the engine's events),
// figures.cpp (wallboard, Prometheus).
// Private to the conversations component.
#pragma once

#include <boost/json.hpp>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "conversations/contact_center.h"
#include "conversations/detail/documents.h"
#include "conversations/detail/timeline.h"
#include "conversations/engine_host.h"
#include "conversations/today.h"

namespace guichet::conversations {

namespace json = boost::json;
using routing::Channel;

namespace detail {

// An offer waiting for its agent's answer, as the API shows it.
struct PendingOffer {
  std::uint64_t interaction = 0;
  std::uint64_t agent = 0;
  std::uint64_t queue = 0;
  Channel channel = Channel::kVoice;
  std::uint64_t citizen = 0;
  Time deadline{};
};

// An interaction sent to a colleague, until they take it or it comes back
// to its queue: the sender is told when it bounces.
struct PendingTransfer {
  std::uint64_t from = 0;  // who sent it: the agent handling it, or a supervisor
  std::uint64_t to = 0;
  std::string note;
};

}  // namespace detail

class ContactCenter::Impl {
 public:
  Impl(store::Store& store, LiveEvents& live, Clock clock, RoutingTimer timed);

  Status load();

  // ---- configuration ----------------------------------------------------------

  Result<std::string> create(const std::string& kind, const std::string& body, std::uint64_t user);

  Result<std::string> put(const std::string& kind, std::uint64_t id, const std::string& body,
                          std::uint64_t user);

  Result<std::string> get(const std::string& kind, std::uint64_t id, std::uint64_t viewer);

  Result<std::string> list(const std::string& kind, std::uint64_t viewer);

  Status remove(const std::string& kind, std::uint64_t id, std::uint64_t user);

  // ---- agents ----------------------------------------------------------------------

  Result<AgentStatus> set_agent_state(std::uint64_t agent, routing::AgentState state,
                                      std::string reason);

  // ---- interactions ----------------------------------------------------------------

  // Validates here, then stores and routes on the store's thread: no thread
  // waits for the disk, so creates are limited by group commit, not by a
  // thread per pending create.
  void create_interaction_async(NewInteraction asked, CreateDone done);

  // An interaction's attributes are a few strings (what the IVR collected, a
  // form's reference): bounded, so that no client fills the disk or makes a
  // list of 500 interactions weigh hundreds of megabytes.
  static constexpr std::size_t kMaxAttributes = 50;
  static constexpr std::size_t kMaxAttributeKey = 64;
  static constexpr std::size_t kMaxAttributeValue = 2000;  // characters
  static constexpr std::size_t kMaxAttributesBytes = 16 * 1024;
  // Checked, then as the store keeps them (a JSON object).
  static Result<std::string> attributes_json(
      const std::vector<std::pair<std::string, std::string>>& attributes);

  // Waits (up to a minute) for the creates being stored to be answered.
  void drain();

  Result<InteractionView> create_interaction(NewInteraction asked);

  Result<InteractionRecord> interaction(std::uint64_t id);

  Result<InteractionPage> list_interactions(const store::InteractionFilter& filter);
  Result<std::vector<InteractionView>> answers_due(Duration within, std::size_t limit);
  // Waits until every event noted so far is in the store.
  Status wait_written() { return writer_.wait(writer_.ticket()); }

  Status transfer(std::uint64_t interaction, std::uint64_t caller, bool manager,
                  const Transfer& to);

  Status request_callback(std::uint64_t interaction);

  Status abandon(std::uint64_t interaction);

  Status complete(std::uint64_t interaction, std::uint64_t agent, const std::string& code,
                  const std::string& note);
  Status end_wrapup(std::uint64_t interaction, std::uint64_t agent);

  Result<Time> add_note(std::uint64_t interaction, std::uint64_t agent, const std::string& text);
  Status route(std::uint64_t interaction);
  Result<Time> record_message(std::uint64_t interaction, Author from, std::string text);
  void record_message_async(std::uint64_t interaction, Author from, std::string text,
                            ContactCenter::Written written);
  // A held interaction's message as it will be stored, checked.
  Result<store::InteractionEvent> held_message(std::uint64_t interaction, Author from,
                                               const std::string& text);
  Status end_held(std::uint64_t interaction, bool answered);
  void tell_agent(std::uint64_t interaction, const std::string& type, const std::string& data_json);
  // The stored interaction, when held: waiting, and not in the engine.
  Result<store::Interaction> held(std::uint64_t interaction);
  static Status handled_by(const std::optional<routing::InteractionStatus>& status,
                           std::uint64_t agent);

  Result<std::uint64_t> identify(std::uint64_t interaction, std::uint64_t caller, bool manager,
                                 std::uint64_t citizen);

  // A message in an interaction's conversation: from the citizen (brought by
  // an integration: a web chat, a messaging bridge — supervisor or admin
  // tokens) or from the agent handling it. Stored in the timeline, then
  // pushed to the agent and supervisors (and so to the integration, which
  // delivers the agent's replies).
  Result<Message> post_message(std::uint64_t interaction, std::uint64_t caller, bool manager,
                               Author from, std::string text);
  void post_message_async(std::uint64_t interaction, std::uint64_t caller, bool manager,
                          Author from, std::string text, ContactCenter::Written written);
  // A message as it will be stored and pushed, checked: the event, the
  // live JSON, and whom it goes to.
  struct PostedMessage {
    store::InteractionEvent event;
    std::string live;
    std::uint64_t agent = 0;
    std::uint64_t queue = 0;
    routing::Channel channel = routing::Channel::kChat;
  };
  Result<PostedMessage> posted_message(std::uint64_t interaction, std::uint64_t caller,
                                       bool manager, Author from, const std::string& text);

  // Returns when it happened, as written.
  Time note(std::uint64_t interaction, const std::string& type, const std::string& data_json);

  // A call's state for the call card: in the timeline, and pushed live.
  void note_call(std::uint64_t interaction, std::uint64_t agent, const std::string& state);

  // ---- what an agent may see ---------------------------------------------------------

  void set_phone_policy(PhonePolicy policy);

  bool agent_involved(std::uint64_t interaction, std::uint64_t agent);

  bool agent_serves_citizen(std::uint64_t citizen, std::uint64_t agent);

  // ---- citizens ---------------------------------------------------------------------

  // Phone numbers keep their digits and a leading +; emails are lower case.
  static Result<store::Contact> normalised(store::Contact contact, const std::string& where);
  Result<store::Citizen> create_citizen(std::string name, std::vector<store::Contact> contacts);
  Result<std::vector<store::Citizen>> find_citizens(const std::string& query);
  Result<CitizenView> citizen(std::uint64_t id);
  Result<CitizenView> add_contact(std::uint64_t citizen, store::Contact contact);
  Result<CitizenView> merge_citizens(std::uint64_t keep, std::uint64_t duplicate);

  // ---- offers -------------------------------------------------------------------------

  Result<std::vector<Offer>> offers(std::uint64_t agent);

  Status answer_offer(std::uint64_t offer, std::uint64_t agent, bool accept);

  // ---- figures --------------------------------------------------------------------------

  std::string metrics_gauges();

  // Wallboard figures: read often, so served from memory. Ready agents come
  // from the engine at most every kReadyRefresh (a round trip to its thread).
  static constexpr Duration kReadyRefresh = Duration(100);
  Result<std::vector<QueueFigures>> queue_stats();

  Result<std::vector<AgentFigures>> agent_stats();
  Result<std::vector<AccessibleCoverage>> accessible_coverage();

  // The domain's time is the clock it was given (the engine's too), never
  // the machine's: tests, the simulator and a replay set it.
  Time now() const { return clock_(); }

 public:
  Result<std::vector<store::Document>> documents(const std::string& kind) {
    return store_.documents(kind);
  }
  Result<store::Document> document(const std::string& kind, std::uint64_t id) {
    return store_.document(kind, id);
  }
  Result<std::vector<QueueSetting>> queue_settings();
  Result<std::vector<AgentSetting>> agent_settings();

  // The agent's own setting of where calls ring (telework).
  Result<std::string> set_agent_phone(std::uint64_t agent, const std::string& phone,
                                      std::uint64_t user);

  // What the agent holds now (offered, active, in wrap-up), oldest first.
  Result<std::vector<InteractionView>> agent_interactions(std::uint64_t agent);

 private:
  Result<AgentStatus> agent_status(std::uint64_t agent);

  // Once a service has defined wrap-up codes (or pause reasons), a value must
  // be one of them; before that, any value goes.
  Status one_of(const char* kind, const std::string& value, const char* field);

  // From memory: every create asks, and the engine has the queue whenever
  // this map does (both change together in apply() and remove()).
  // A stored interaction to the engine, then its view to `done` — once its
  // outcome is stored when it ended at once. On the store's thread.
  void routed(const store::Interaction& stored, CreateDone done);

  Status check_queue(std::uint64_t queue, Channel channel);

  // Routes a stored interaction. `ended`, if given, tells whether it ended at
  // once (closed outcome: the queue was closed or full).
  Status arrive(const store::Interaction& it, bool* ended = nullptr);

  // The API's view of stored interactions, with the live phase and agent of
  // those the engine holds: one visit to the engine thread for the whole list.
  std::vector<InteractionView> interaction_views(std::vector<store::Interaction> items);

  InteractionView interaction_view(store::Interaction it);

  Result<std::string> put_document(const std::string& kind, std::uint64_t id,
                                   const std::string& body, std::uint64_t user);

  // put_document with config_mutex_ held.
  Result<std::string> put_document_locked(const std::string& kind, std::uint64_t id,
                                          const std::string& body, std::uint64_t user);

  void notify_config(const std::string& kind);

  // The problems of a document of a kind a channel owns, by its check.
  std::vector<DocumentProblem> owned_problems(const std::string& kind, const std::string& body,
                                              std::uint64_t id);

 public:
  void check_documents(const std::string& kind, DocumentCheck check);
  std::string check_document(const std::string& kind, const std::string& body);

  // Calendar `id`, parsed; errors of its own name `field`.
  Result<std::shared_ptr<const BusinessCalendar>> calendar(std::uint64_t id,
                                                           const std::string& field = "id");
  // A queue's hours (its document's body): the calendar it follows, or its
  // own; null: always open.
  std::shared_ptr<const BusinessCalendar> hours_of(const boost::json::object& queue_body);
  std::shared_ptr<const BusinessCalendar> queue_hours(std::uint64_t queue);

  void observe(EventObserver on_events, std::function<void(const std::string&)> on_config);

 private:
  // A queue's hours from the calendar it names, if it names one.
  Status resolve_calendar(const json::object& body, routing::QueueConfig& config);

  // The queues that name calendar `id`.
  // The queues whose `field` names `id`: the calendar they follow, the
  // queue that keeps their messages.
  Result<std::vector<store::Document>> queues_naming(const char* field, std::uint64_t id);

  // Gives a stored document to the engine. With skip_references, a queue
  // that names other queues waits for the second pass of load().
  Status apply(const store::Document& document, bool skip_references);

  // A skill in use — required by a queue, dropped by one of its escalation
  // steps, or held by an agent — stays.
  Status skill_unused(std::uint64_t skill);

  // On the engine thread: keep the offers the API shows, and queue the
  // events for the store.
  void on_events(const std::vector<routing::Event>& events);
  void tell_if_bounced(const routing::Event& e);
  void with_transfer(const routing::Event& e, std::string& json);

  store::Store& store_;
  LiveEvents& live_;
  detail::TimelineWriter writer_;
  std::mutex offers_mutex_;
  std::map<std::uint64_t, detail::PendingOffer> offers_;  // guarded by offers_mutex_
  // Interactions each agent accepted, until their wrap-up ends or they are
  // transferred (and, as a safety net, when listed). Guarded by offers_mutex_.
  std::map<std::uint64_t, std::set<std::uint64_t>> held_;
  // By interaction; guarded by offers_mutex_.
  std::map<std::uint64_t, detail::PendingTransfer> transfers_;
  std::mutex config_mutex_;  // one configuration change at a time
  std::mutex checks_mutex_;
  std::map<std::string, DocumentCheck> checks_;  // by kind; guarded by checks_mutex_
  std::mutex phone_policy_mutex_;
  PhonePolicy phone_policy_;  // guarded by phone_policy_mutex_
  std::mutex observer_mutex_;
  EventObserver event_observer_;                             // guarded by observer_mutex_
  std::function<void(const std::string&)> config_observer_;  // guarded by observer_mutex_
  std::mutex in_flight_mutex_;
  std::condition_variable in_flight_done_;
  int in_flight_ = 0;  // creates stored or routed, not yet answered; guarded by in_flight_mutex_
  std::mutex stats_mutex_;
  TodayFigures today_;                                // guarded by stats_mutex_
  std::map<std::uint64_t, std::string> queue_names_;  // guarded by stats_mutex_
  std::map<std::uint64_t, Channel> queue_channels_;   // guarded by stats_mutex_
  std::map<std::uint64_t, std::size_t> ready_;        // guarded by stats_mutex_
  Time ready_read_at_{};                              // guarded by stats_mutex_
  std::map<std::uint64_t, double> sl_targets_;        // guarded by stats_mutex_
  std::map<std::uint64_t, Duration> sl_thresholds_;   // guarded by stats_mutex_
  bool recovering_ = false;                           // set by load(), before serving
  Clock clock_;
  EngineHost engine_;  // last: its thread calls on_events, which uses the members above
};

}  // namespace guichet::conversations
