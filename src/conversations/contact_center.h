// The domain's face: configuration (skills, queues, agent profiles) kept in
// the store and applied live to the routing engine, citizens,
// agents' states, interactions (created durably, then routed), offers, and
// real-time figures. It owns the routing engine (an EngineHost: commands run
// on the caller's thread, a timer thread fires the engine's deadlines) and
// the writer that keeps every engine event in the interactions' timelines.
// Its time is the clock it is given, never the machine's.
//
// It takes and gives typed values (values.h); the API writes them as
// docs/openapi.json shows them. Configuration documents are the exception,
// by design: a document is JSON, kept as such by the store (store.h), and
// checked and completed here per kind — an IVR flow is a graph its channel
// checks. Errors are values naming the field.
// Thread-safe: the API's workers and the channels call it concurrently.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "conversations/agent_phone.h"
#include "conversations/document_check.h"
#include "conversations/live_events.h"
#include "conversations/values.h"
#include "core/calendar.h"
#include "core/result.h"
#include "core/time.h"
#include "routing/engine.h"
#include "store/store.h"

namespace guichet::conversations {

class ContactCenter {
 public:
  using Clock = std::function<Time()>;
  // How long each routing command took (the engine's latency figures).
  using RoutingTimer = std::function<void(std::chrono::nanoseconds took)>;

  // What happens is published to `live` (the WebSocket clients).
  ContactCenter(store::Store& store, LiveEvents& live, Clock clock, RoutingTimer timed = {});
  ~ContactCenter();  // stops the engine, then writes the last events

  // Its clock's time.
  Time now() const;

  // Loads the configuration into the engine, then takes back the interactions
  // that were waiting (or being handled) when the service stopped, with their
  // original enqueue times. Agents start offline.
  Status load();

  // Configuration. `kind` is one of the stored kinds ("skill", "queue",
  // "agent", "calendar", "ivr_flow", "prompt", …); bodies as in
  // docs/openapi.json. Agents are keyed by their user id (`put` creates or replaces).
  Result<std::string> create(const std::string& kind, const std::string& body, std::uint64_t user);
  Result<std::string> put(const std::string& kind, std::uint64_t id, const std::string& body,
                          std::uint64_t user);
  // `viewer`: the agent reading (0: a supervisor or an admin). An agent sees
  // a colleague's profile without the phone number it rings (personal data).
  Result<std::string> get(const std::string& kind, std::uint64_t id, std::uint64_t viewer = 0);
  Result<std::string> list(const std::string& kind, std::uint64_t viewer = 0);
  Status remove(const std::string& kind, std::uint64_t id, std::uint64_t user);

  // Available, paused (with a reason: one of the service's pause reasons
  // once it has defined some; "pause" when none is given) or offline.
  Result<AgentStatus> set_agent_state(std::uint64_t agent, routing::AgentState state,
                                      std::string reason = {});
  // Where the agent's calls ring: "06…", "+33…", "sip:…" or "" (normalised,
  // checked against the policy: see agent_phone.h). Gives the profile's
  // document as the API shows it.
  void set_phone_policy(PhonePolicy policy);
  Result<std::string> set_agent_phone(std::uint64_t agent, const std::string& phone,
                                      std::uint64_t user);
  // A message in the interaction's conversation, stored in its timeline and
  // pushed live. The citizen's come from integrations (`manager`: managers'
  // tokens); the agent's from the one handling it. Durable when it returns.
  Result<Message> post_message(std::uint64_t interaction, std::uint64_t caller, bool manager,
                               Author from, std::string text);
  // When a message is durable (or why it is not): on the store's thread,
  // which it must not block; or at once, on the caller's, when refused.
  using Written = std::function<void(Result<Time>)>;
  // As post_message, without waiting: `written` once durable (and pushed).
  void post_message_async(std::uint64_t interaction, std::uint64_t caller, bool manager,
                          Author from, std::string text, Written written);
  // Stored documents as kept (channels read their own, and what they name).
  Result<std::vector<store::Document>> documents(const std::string& kind);
  Result<store::Document> document(const std::string& kind, std::uint64_t id);
  // The configuration in force, typed (reports, the what-if): each queue
  // and agent profile as stored (a queue's hours are its own "hours": the
  // calendar it may follow is not read here); an agent "connected" when not
  // offline.
  Result<std::vector<QueueSetting>> queue_settings();
  Result<std::vector<AgentSetting>> agent_settings();
  // The interactions the agent holds now (active or in wrap-up), oldest first.
  Result<std::vector<InteractionView>> agent_interactions(std::uint64_t agent);

  // Durable when this returns, then routed (its view is the routed one).
  Result<InteractionView> create_interaction(NewInteraction asked);
  // The same, answering through `done` — at once on bad input, else later on
  // the store's thread (`done` must be quick and must not wait for the store).
  using CreateDone = std::function<void(Result<InteractionView>)>;
  void create_interaction_async(NewInteraction asked, CreateDone done);
  // Waits (up to a minute) until every create taken is answered: at a stop,
  // after the server stopped taking requests, before anything goes away.
  void drain();
  Result<InteractionRecord> interaction(std::uint64_t id);  // with its timeline
  Result<InteractionPage> list_interactions(const store::InteractionFilter& filter);
  // Open requests whose announced answer is due within `within` of now
  // (overdue ones first), at most `limit`: what the supervisors watch.
  Result<std::vector<InteractionView>> answers_due(Duration within, std::size_t limit);
  // To a queue, or to an agent (who has `timeout_s` to answer, 0 to 3600),
  // by the agent handling it or a supervisor (`manager`) for any
  // interaction not completed. Durable when it returns.
  Status transfer(std::uint64_t interaction, std::uint64_t caller, bool manager,
                  const Transfer& to);
  // A waiting call becomes a callback, keeping its place (its queue must name
  // a callback queue).
  Status request_callback(std::uint64_t interaction);
  // The citizen left (channel adapters, supervisors).
  Status abandon(std::uint64_t interaction);
  // A held interaction (NewInteraction::hold: the chat's bot serves it
  // first) enters its queue now, its wait counted from now: the citizen
  // asked for a person, or the bot handed over. kFailedPrecondition when
  // it is routed already or has ended.
  Status route(std::uint64_t interaction);
  // A message of a held interaction's conversation (the citizen's to the
  // bot, the bot's), in its timeline for the agent who takes it later.
  // Durable when it returns; pushed to nobody (nobody has it yet). Gives
  // when it was written.
  Result<Time> record_message(std::uint64_t interaction, Author from, std::string text);
  // As record_message, without waiting: `written` once durable.
  void record_message_async(std::uint64_t interaction, Author from, std::string text,
                            Written written);
  // A held interaction ends without a person, answered by the bot or left:
  // "closed" (no queue made it wait, no agent handled it: neither counts in
  // the queues' figures), with the reason. Durable when it returns.
  Status end_held(std::uint64_t interaction, bool answered);
  // A passing fact about an interaction for the agent holding it, live and
  // not kept ("citizen_typing", "citizen_read" {"up_to"}): nothing when
  // nobody holds it.
  void tell_agent(std::uint64_t interaction, const std::string& type, const std::string& data_json);
  // By the agent handling it: a wrap-up code (one of the service's once it
  // has defined some) and a note (kept in the timeline). Durable when it returns.
  Status complete(std::uint64_t interaction, std::uint64_t agent, const std::string& wrapup_code,
                  const std::string& note);
  // The agent who completed it is ready before its queue's wrap-up time
  // runs out (kFailedPrecondition, field "id", when not theirs or not in
  // wrap-up). Durable when it returns.
  Status end_wrapup(std::uint64_t interaction, std::uint64_t agent);
  // The agent's own note (1 to 4000 characters) while they handle it
  // (active or in wrap-up), apart from the wrap-up note: kept in the
  // timeline and the citizen's 360° view, sent to nobody. Gives when it
  // was written; durable when it returns.
  Result<Time> add_note(std::uint64_t interaction, std::uint64_t agent, const std::string& text);
  // The citizen it is (an unidentified caller, a chat without a name), by
  // the agent handling it (active or in wrap-up) or a supervisor for any in
  // progress: kNotFound (field "citizen_id") for no such citizen; one merged
  // into another becomes the one it went into. Kept in the timeline and
  // pushed live ("citizen_identified"); durable when it returns. Gives the
  // citizen it now is.
  Result<std::uint64_t> identify(std::uint64_t interaction, std::uint64_t caller, bool manager,
                                 std::uint64_t citizen);

  // What an agent may see (README, "Roles"): an interaction offered to them,
  // held by them or once handled by them; a citizen with an interaction
  // offered to or held by them now.
  bool agent_involved(std::uint64_t interaction, std::uint64_t agent);
  bool agent_serves_citizen(std::uint64_t citizen, std::uint64_t agent);

  // Citizens (usagers): a name (1 to 200 characters) and contacts of kinds
  // phone, email, social, web; phone numbers are kept in E.164 and emails
  // in lower case, however typed. A contact belongs to one citizen
  // (kAlreadyExists, field "contacts").
  Result<store::Citizen> create_citizen(std::string name, std::vector<store::Contact> contacts);
  // By exact contact (a number however typed) or the start of the name; at most 50.
  Result<std::vector<store::Citizen>> find_citizens(const std::string& query);
  // The 360° view: contacts and every interaction on every channel, with its
  // outcome (wrap-up code) and notes.
  Result<CitizenView> citizen(std::uint64_t id);
  Result<CitizenView> add_contact(std::uint64_t citizen, store::Contact contact);
  // The duplicate's contacts and interactions move to `keep`.
  Result<CitizenView> merge_citizens(std::uint64_t keep, std::uint64_t duplicate);

  // The offers waiting for `agent`'s answer.
  Result<std::vector<Offer>> offers(std::uint64_t agent);
  // Only the agent it was offered to; the answer is durable when this returns.
  Status answer_offer(std::uint64_t offer, std::uint64_t agent, bool accept);

  // Per queue: waiting, longest wait, ready agents, and today's offered,
  // answered, abandoned, service level against its target, ASA.
  Result<std::vector<QueueFigures>> queue_stats();
  // Per agent: state and time in it, interactions in hand, today's counts.
  Result<std::vector<AgentFigures>> agent_stats();
  // Each real-time text queue's hours against its phone line's this week,
  // and today's coverage by the agents trained for it.
  Result<std::vector<AccessibleCoverage>> accessible_coverage();
  // The same as Prometheus gauges.
  std::string metrics_gauges();

  // A channel's fact in an interaction's timeline (e.g. "recording",
  // {"file","seconds"}); written in order with the engine's events.
  void note(std::uint64_t interaction, const std::string& type, const std::string& data_json);
  // The same, durable when it returns.
  Status note_durably(std::uint64_t interaction, const std::string& type,
                      const std::string& data_json);
  // The voice channel's call states ("ringing", "connected", "on_hold",
  // "ended") of an interaction at `agent`: in its timeline, and live.
  void note_call(std::uint64_t interaction, std::uint64_t agent, const std::string& state);

  // The documents of a kind a channel owns ("ivr_flow"): checked by `check`
  // before they are saved. A kind without a check cannot be saved. Called
  // once per kind, at start.
  void check_documents(const std::string& kind, DocumentCheck check);
  // {"problems":[{"step","field","message"}]} of a document of that kind, for
  // the editor's live list (empty: it would be saved); with "id", as a
  // change of that stored one.
  std::string check_document(const std::string& kind, const std::string& body);
  // A business calendar, parsed (the voice channel's hours steps).
  Result<std::shared_ptr<const BusinessCalendar>> calendar(std::uint64_t id);
  // Queue `queue`'s hours: the calendar it follows, or its own; null when
  // it keeps none (always open) or there is no such queue.
  std::shared_ptr<const BusinessCalendar> queue_hours(std::uint64_t queue);

  // Channel adapters follow the engine and the configuration: `on_events`
  // gets every engine event on the engine's thread, with the engine held (be
  // quick, never command the engine from it); `on_config` the kind of each
  // configuration change saved.
  using EventObserver = std::function<void(const std::vector<routing::Event>&)>;
  void observe(EventObserver on_events, std::function<void(const std::string& kind)> on_config);

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace guichet::conversations
