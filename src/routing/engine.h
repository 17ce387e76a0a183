// The routing engine (ACD): decides which agent handles which interaction.
//
// Pure, deterministic and single-threaded: no I/O, no threads, no clock of its
// own. Every command carries the current time; commands go in, events come out
// (read them with drain_events). The same commands in the same order give the
// same events — the simulator, the tests and crash recovery rely on it. An
// Engine must be used by one thread at a time.
//
// Ids (agents, queues, interactions, skills, groups) are chosen by the caller
// and must be non-zero; 0 means "none" in events. Offer ids are the engine's.
//
// Routing rules
// -------------
// Eligibility. An agent may take an interaction of queue Q when it holds every
// skill Q requires at the minimum level, belongs to one of Q's agent groups (if
// Q names any), and is ready for Q's channel: state available, a free slot of
// its capacity for that channel, and no call (voice or callback) in progress
// when the channel is another one — calls are exclusive with every other
// channel, both ways, unless the agent's voice_exclusive is false.
//
// Stages ("bullseye"). A waiting interaction starts at stage 0 of its queue.
// Step k of the queue's escalation applies once the interaction has waited
// `after` in that queue: it lowers the minimum levels, drops requirements,
// adds agent groups and/or raises the priority. Steps only widen, so an agent
// eligible at stage k is eligible at every later stage.
//
// Rank of an interaction. Waiting interactions are ordered by
//   (effective priority desc, service-level due time asc, enqueue time asc, id asc)
// where effective priority = queue priority + interaction priority + raises of
// the stages reached, and due time = original enqueue time + the queue's
// service-level threshold, or the deadline announced to the citizen when the
// channel gave one (a written request's answer, in working days). So an
// interaction about to miss its service level or its announced deadline
// passes one of equal priority that is not, across queues and channels. The
// enqueue time is kept through re-queues (rejected offers, transfers, overflow,
// callbacks), so an interaction never loses its place.
//
// When an agent becomes ready (goes available, ends a wrap-up, frees a slot,
// gains a skill or a capacity), it is offered the interaction that ranks first
// among every queue it is eligible for, plus the interactions waiting for it
// personally; it keeps taking work while it has free capacity.
//
// When an interaction starts waiting (arrives, escalates, is re-queued), the
// queue's strategy picks among the eligible ready agents:
//   longest_idle   — the agent whose last offer or freed slot is oldest (default);
//   least_occupied — the lowest share of the channel's capacity in use, then longest idle;
//   most_skilled   — the highest sum of levels on the queue's required skills, then longest idle;
//   round_robin    — the agent offered work from this queue least recently.
//
// Personal follow-up. An interaction with a preferred agent (the agent who last
// handled this citizen, or the target of a transfer to an agent) is offered to
// that agent only until its preferred timeout; then it joins its queue at the
// place its enqueue time gives it.
//
// Offers. A match reserves the agent's slot and emits `offered`, which expires
// after the channel's offer timeout. Accept: the interaction is active. Reject
// or timeout: the interaction goes back to its place; the agent is not offered
// that interaction again before `retry_after_reject`; after
// `max_missed_offers` consecutive misses the agent is paused with reason
// "missed". Auto-accepted channels (email by default) skip the offer step.
//
// Wrap-up. Completing an interaction starts the queue's wrap-up time on the
// agent's slot: the slot stays taken until the wrap-up ends (its timer or
// end_wrapup). A call's wrap-up therefore keeps the agent from every channel.
//
// Overflow. An arrival at a queue holding max_length waiting interactions, or
// an interaction that waited max_wait in a queue, moves to the overflow target
// queue — or, with no target, ends with the closed outcome (the channel tells
// the citizen). Outside business hours, arrivals go to the closed target the
// same way unless the queue accepts them when closed (e.g. email).
//
// Cost. No decision scans all agents or all waiting interactions: each
// (queue, stage) keeps a heap of its waiting interactions and an ordered set
// of its ready agents, keyed for the queue's strategy (a sorted list for
// longest idle, where agents join in time order at O(1); a heap otherwise);
// every command costs O(log n) times the number of queues (and stages) one
// agent or one interaction touches. Configuration changes of a queue rebuild
// that queue's indexes.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/calendar.h"
#include "core/result.h"
#include "core/time.h"

namespace guichet::routing {

enum class Channel : std::uint8_t { kVoice, kCallback, kChat, kEmail, kSms, kSocial, kTask };
inline constexpr int kChannelCount = 7;
inline constexpr std::array<Channel, kChannelCount> kAllChannels = {
    Channel::kVoice, Channel::kCallback, Channel::kChat, Channel::kEmail,
    Channel::kSms,   Channel::kSocial,   Channel::kTask};
const char* to_string(Channel channel);
std::optional<Channel> channel_from_string(std::string_view name);
// Voice and callback are calls: exclusive with the other channels.
inline bool is_call(Channel channel) {
  return channel == Channel::kVoice || channel == Channel::kCallback;
}
// Chat, email, SMS and social are written conversations: the agent's
// replies are delivered to the citizen.
inline bool is_written(Channel channel) {
  return channel == Channel::kChat || channel == Channel::kEmail || channel == Channel::kSms ||
         channel == Channel::kSocial;
}

using AgentId = std::uint64_t;
using QueueId = std::uint64_t;
using InteractionId = std::uint64_t;
using OfferId = std::uint64_t;
using SkillId = std::uint32_t;
using GroupId = std::uint32_t;
using CitizenId = std::uint64_t;

inline constexpr int kMinLevel = 1;
inline constexpr int kMaxLevel = 5;

struct SkillLevel {
  SkillId skill = 0;
  int level = kMinLevel;  // 1..5
};
struct Requirement {
  SkillId skill = 0;
  int min_level = kMinLevel;  // 1..5
};

enum class AgentState : std::uint8_t { kOffline, kAvailable, kPaused };
const char* to_string(AgentState state);
std::optional<AgentState> agent_state_from_string(std::string_view name);

struct AgentConfig {
  AgentId id = 0;
  std::vector<SkillLevel> skills;
  std::array<int, kChannelCount> capacity{};  // slots per channel, 0..255
  std::vector<GroupId> groups;
  bool voice_exclusive = true;
  std::string phone;  // where calls ring (desk, softphone or telework mobile)
};

enum class Strategy : std::uint8_t { kLongestIdle, kLeastOccupied, kMostSkilled, kRoundRobin };
const char* to_string(Strategy strategy);
std::optional<Strategy> strategy_from_string(std::string_view name);

struct EscalationStep {
  Duration after{0};  // waited in the queue; steps sorted by `after`, strictly increasing
  int relax_levels = 0;
  std::vector<SkillId> drop_skills;
  std::vector<GroupId> add_groups;
  int raise_priority = 0;
};

struct QueueConfig {
  QueueId id = 0;
  Channel channel = Channel::kVoice;
  std::vector<Requirement> requirements;
  std::vector<GroupId> groups;  // empty: agents of any group
  int priority = 0;
  Duration sl_threshold = Duration(20'000);
  double sl_target = 0.8;  // share answered within the threshold, 0..1
  Strategy strategy = Strategy::kLongestIdle;
  std::vector<EscalationStep> escalation;
  // Overflow: either condition sends the interaction to overflow_target, or
  // ends it with the closed outcome when there is no target.
  std::optional<Duration> max_wait;
  std::optional<std::uint32_t> max_length;
  std::optional<QueueId> overflow_target;
  // Business hours; none: always open.
  std::optional<BusinessCalendar> hours;
  bool accept_when_closed = false;
  std::optional<QueueId> closed_target;
  Duration wrapup{0};
  std::optional<QueueId> callback_queue;  // where callback requests wait
};

struct EngineConfig {
  std::array<Duration, kChannelCount> offer_timeout = {
      Duration(20'000), Duration(20'000), Duration(30'000), Duration(60'000),
      Duration(60'000), Duration(60'000), Duration(60'000)};
  std::array<bool, kChannelCount> auto_accept = {false, false, false, true, false, false, false};
  int max_missed_offers = 3;
  Duration retry_after_reject = Duration(5'000);
};

struct Attribute {
  std::string key;
  std::string value;
};

struct InteractionSpec {
  InteractionId id = 0;
  Channel channel = Channel::kVoice;
  QueueId queue = 0;
  CitizenId citizen = 0;  // 0: unknown citizen
  int priority = 0;
  std::vector<Attribute> attributes;
  std::optional<AgentId> preferred_agent;
  Duration preferred_timeout{0};
  // Original enqueue time, for recovery and for interactions moved between
  // engines; none: now.
  std::optional<Time> enqueued_at;
  // The deadline announced to the citizen (an email's answer within N
  // working days): its due time in every queue it goes to. None: enqueue
  // time + the queue's service-level threshold.
  std::optional<Time> due_at;
};

enum class EventType : std::uint8_t {
  kQueued,             // waiting in `queue` (also after a re-queue)
  kOffered,            // offer `offer` to `agent`, expires at `deadline`
  kAccepted,           // the agent took it: active
  kRejected,           // the agent declined
  kOfferTimeout,       // nobody answered the offer
  kOfferRevoked,       // the offer was withdrawn (abandon, agent offline)
  kEscalated,          // reached `stage`; `priority` is the new effective priority
  kOverflowed,         // moved to `to_queue`, or closed outcome when to_queue == 0; `reason`
  kAbandoned,          // the citizen left after `waited`
  kTransferred,        // by `agent` to `to_queue` or `to_agent`
  kCompleted,          // handled by `agent`, wrap-up code in `reason`
  kWrapupEnded,        // `agent`'s slot for `interaction` is free again
  kAgentState,         // `agent` is now `agent_state`, `reason` for a pause
  kCallbackRequested,  // moved to `to_queue` as a callback, keeping its place
  kPreferredExpired,   // the preferred agent did not take it in time: now in its queue
};
const char* to_string(EventType type);

struct Event {
  EventType type = EventType::kQueued;
  Time at{};
  InteractionId interaction = 0;
  AgentId agent = 0;
  QueueId queue = 0;
  OfferId offer = 0;
  Channel channel = Channel::kVoice;
  QueueId to_queue = 0;
  AgentId to_agent = 0;
  CitizenId citizen = 0;
  int stage = 0;
  int priority = 0;
  Duration waited{0};  // since the original enqueue time
  Time deadline{};     // offers: when it expires; wrap-up: when it ends
  AgentState agent_state = AgentState::kOffline;
  std::string reason;
};

enum class InteractionPhase : std::uint8_t { kWaiting, kOffered, kActive, kWrapup };
const char* to_string(InteractionPhase phase);

struct InteractionStatus {
  InteractionId id = 0;
  InteractionPhase phase = InteractionPhase::kWaiting;
  Channel channel = Channel::kVoice;
  QueueId queue = 0;
  AgentId agent = 0;  // offered to, handled by, or waiting for personally
  OfferId offer = 0;
  int stage = 0;
  int priority = 0;  // effective
  Time enqueued_at{};
  Time due_at{};
};

struct AgentStatus {
  AgentId id = 0;
  AgentState state = AgentState::kOffline;
  std::string reason;
  Time state_since{};
  std::array<int, kChannelCount> load{};  // slots taken (offered, active or in wrap-up)
  int missed_in_a_row = 0;
};

struct QueueStatus {
  QueueId id = 0;
  std::size_t waiting = 0;       // in the queue (not counting personal follow-ups)
  std::size_t ready_agents = 0;  // eligible at stage 0 and ready now
};

class Engine {
 public:
  explicit Engine(EngineConfig config = {});
  ~Engine();
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;

  // Every command first fires the timers due at or before `now` (offer
  // timeouts, escalations, overflows, wrap-ups, preferred timeouts), then
  // applies itself. `now` never goes back: an earlier time is refused.
  // A refused command changes nothing beyond those timers.

  // Configuration, applied at once to what is waiting.
  Status upsert_queue(Time now, QueueConfig queue);
  Status remove_queue(Time now, QueueId queue);      // refused while anything waits in it
  Status upsert_agent(Time now, AgentConfig agent);  // a new agent starts offline
  Status set_agent_skills(Time now, AgentId agent, std::vector<SkillLevel> skills);
  Status set_agent_capacity(Time now, AgentId agent, Channel channel, int slots);
  Status set_agent_state(Time now, AgentId agent, AgentState state, std::string reason = {});

  // Interactions.
  Status arrive(Time now, InteractionSpec interaction);
  Status accept(Time now, OfferId offer);
  Status reject(Time now, OfferId offer);
  Status abandon(Time now, InteractionId interaction);  // waiting or offered only
  Status complete(Time now, InteractionId interaction, std::string wrapup_code = {});
  Status end_wrapup(Time now, InteractionId interaction);
  Status transfer_to_queue(Time now, InteractionId interaction, QueueId queue);
  Status transfer_to_agent(Time now, InteractionId interaction, AgentId agent, Duration timeout);
  Status request_callback(Time now, InteractionId interaction);  // a waiting call
  // The citizen is now known (an agent identified them): the interaction's
  // later events carry them. Emits nothing.
  Status identify(Time now, InteractionId interaction, CitizenId citizen);

  // Fires due timers. Call it at next_deadline() when nothing else happens.
  Status advance(Time now);
  std::optional<Time> next_deadline() const;

  // Events emitted since the last drain, in order; clears them.
  std::vector<Event> drain_events();
  // Appends the events to `out` and clears them; lets a hot loop reuse memory.
  void drain_events_into(std::vector<Event>& out);

  std::optional<InteractionStatus> interaction(InteractionId id) const;
  std::optional<AgentStatus> agent(AgentId id) const;
  std::optional<QueueStatus> queue(QueueId id) const;
  std::size_t waiting_count() const;
  Time now() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace guichet::routing
