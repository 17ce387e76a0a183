#include "routing/engine.h"

#include <algorithm>
#include <cassert>
#include <limits>
#include <queue>

#include "routing/detail/id_map.h"
#include "routing/detail/indexed_heap.h"
#include "routing/detail/sorted_list.h"

namespace guichet::routing {

namespace {

using detail::kNoPosition;
constexpr std::uint32_t kNone = UINT32_MAX;
constexpr std::int64_t kNoAnnouncedDue = std::numeric_limits<std::int64_t>::min();
constexpr int kMaxPriority = 1'000'000;
constexpr int kMaxOverflowHops = 8;  // a chain of overflows longer than this ends closed

int channel_index(Channel channel) {
  return static_cast<int>(channel);
}

// The rank of a waiting interaction: smaller ranks first (see engine.h).
struct RankEntry {
  std::int64_t due_ms = 0;
  std::int64_t enqueued_ms = 0;
  InteractionId id = 0;
  std::int32_t neg_priority = 0;
  std::uint32_t slot = kNone;
};
bool rank_less(const RankEntry& a, const RankEntry& b) {
  if (a.neg_priority != b.neg_priority) return a.neg_priority < b.neg_priority;
  if (a.due_ms != b.due_ms) return a.due_ms < b.due_ms;
  if (a.enqueued_ms != b.enqueued_ms) return a.enqueued_ms < b.enqueued_ms;
  return a.id < b.id;
}

// A ready agent in one queue stage, keyed for the queue's strategy.
struct AgentEntry {
  std::int64_t key1 = 0;
  std::int64_t key2 = 0;
  std::uint32_t agent = kNone;
  std::uint32_t membership = kNone;
};
bool agent_less(const AgentEntry& a, const AgentEntry& b) {
  if (a.key1 != b.key1) return a.key1 < b.key1;
  if (a.key2 != b.key2) return a.key2 < b.key2;
  return a.agent < b.agent;
}

enum class TimerKind : std::uint8_t { kInteraction, kAgentRetry };

struct Timer {
  std::int64_t due_ms = 0;
  std::uint64_t sequence = 0;  // ties fire in scheduling order: determinism
  std::uint32_t slot = kNone;  // an interaction, or an agent for a retry
  TimerKind kind = TimerKind::kInteraction;
  bool operator>(const Timer& other) const {
    return due_ms != other.due_ms ? due_ms > other.due_ms : sequence > other.sequence;
  }
};

}  // namespace

const char* to_string(Channel channel) {
  switch (channel) {
    case Channel::kVoice:
      return "voice";
    case Channel::kCallback:
      return "callback";
    case Channel::kChat:
      return "chat";
    case Channel::kEmail:
      return "email";
    case Channel::kSms:
      return "sms";
    case Channel::kSocial:
      return "social";
    case Channel::kTask:
      return "task";
  }
  return "voice";
}

std::optional<Channel> channel_from_string(std::string_view name) {
  for (Channel channel : kAllChannels) {
    if (name == to_string(channel)) return channel;
  }
  return std::nullopt;
}

const char* to_string(AgentState state) {
  switch (state) {
    case AgentState::kOffline:
      return "offline";
    case AgentState::kAvailable:
      return "available";
    case AgentState::kPaused:
      return "paused";
  }
  return "offline";
}

std::optional<AgentState> agent_state_from_string(std::string_view name) {
  for (AgentState state : {AgentState::kOffline, AgentState::kAvailable, AgentState::kPaused}) {
    if (name == to_string(state)) return state;
  }
  return std::nullopt;
}

const char* to_string(Strategy strategy) {
  switch (strategy) {
    case Strategy::kLongestIdle:
      return "longest_idle";
    case Strategy::kLeastOccupied:
      return "least_occupied";
    case Strategy::kMostSkilled:
      return "most_skilled";
    case Strategy::kRoundRobin:
      return "round_robin";
  }
  return "longest_idle";
}

std::optional<Strategy> strategy_from_string(std::string_view name) {
  for (Strategy strategy : {Strategy::kLongestIdle, Strategy::kLeastOccupied,
                            Strategy::kMostSkilled, Strategy::kRoundRobin}) {
    if (name == to_string(strategy)) return strategy;
  }
  return std::nullopt;
}

const char* to_string(EventType type) {
  switch (type) {
    case EventType::kQueued:
      return "queued";
    case EventType::kOffered:
      return "offered";
    case EventType::kAccepted:
      return "accepted";
    case EventType::kRejected:
      return "rejected";
    case EventType::kOfferTimeout:
      return "offer_timeout";
    case EventType::kOfferRevoked:
      return "offer_revoked";
    case EventType::kEscalated:
      return "escalated";
    case EventType::kOverflowed:
      return "overflowed";
    case EventType::kAbandoned:
      return "abandoned";
    case EventType::kTransferred:
      return "transferred";
    case EventType::kCompleted:
      return "completed";
    case EventType::kWrapupEnded:
      return "wrapup_ended";
    case EventType::kAgentState:
      return "agent_state";
    case EventType::kCallbackRequested:
      return "callback_requested";
    case EventType::kPreferredExpired:
      return "preferred_expired";
  }
  return "queued";
}

const char* to_string(InteractionPhase phase) {
  switch (phase) {
    case InteractionPhase::kWaiting:
      return "waiting";
    case InteractionPhase::kOffered:
      return "offered";
    case InteractionPhase::kActive:
      return "active";
    case InteractionPhase::kWrapup:
      return "wrapup";
  }
  return "waiting";
}

class Engine::Impl {
 public:
  explicit Impl(EngineConfig config) : config_(std::move(config)) {}

  // ---- commands -----------------------------------------------------------

  Status upsert_queue(Time now, QueueConfig config) {
    if (Status s = begin(now); !s) return s;
    if (Status s = validate_queue(config); !s) return s;
    std::uint32_t q = queue_slot(config.id);
    std::vector<std::uint32_t> waiting;
    if (q == kNone) {
      q = static_cast<std::uint32_t>(queues_.size());
      queues_.emplace_back();
      queue_slots_.insert(config.id, q);
    } else {
      if (queues_[q].config.channel != config.channel) {
        return invalid_argument("a queue's channel cannot change", "channel");
      }
      waiting = take_waiting(q);
      for (std::uint32_t a = 0; a < agents_.size(); ++a)
        drop_membership(a, q);
    }
    Queue& queue = queues_[q];
    queue.config = std::move(config);
    queue.removed = false;
    build_stages(q);
    for (std::uint32_t a = 0; a < agents_.size(); ++a) {
      add_membership(a, q);
      refresh_agent(a);
    }
    for (std::uint32_t slot : waiting)
      put_waiting(slot, /*stage_from_wait=*/true);
    for (std::uint32_t slot : waiting) {
      if (interactions_[slot].phase == InteractionPhase::kWaiting &&
          interactions_[slot].personal_agent == kNone) {
        match_interaction(slot);
      }
    }
    serve_queue_agents(q);
    return Status::ok();
  }

  Status remove_queue(Time now, QueueId id) {
    if (Status s = begin(now); !s) return s;
    const std::uint32_t q = queue_slot(id);
    if (q == kNone) return not_found("no such queue", "queue");
    if (queues_[q].waiting > 0) {
      return failed_precondition("interactions are waiting in this queue", "queue");
    }
    for (const Queue& other : queues_) {
      if (other.removed || &other == &queues_[q]) continue;
      const QueueConfig& c = other.config;
      if (c.overflow_target == id || c.closed_target == id || c.callback_queue == id) {
        return failed_precondition("another queue sends interactions to this one", "queue");
      }
    }
    for (std::uint32_t a = 0; a < agents_.size(); ++a)
      drop_membership(a, q);
    queues_[q].removed = true;
    queues_[q].tiers.clear();
    queue_slots_.erase(id);
    return Status::ok();
  }

  Status upsert_agent(Time now, AgentConfig config) {
    if (Status s = begin(now); !s) return s;
    if (config.id == 0) return invalid_argument("agent id must not be 0", "id");
    if (Status s = validate_skills(config.skills); !s) return s;
    for (int slots : config.capacity) {
      if (slots < 0 || slots > 255) return invalid_argument("capacity out of 0..255", "capacity");
    }
    std::uint32_t a = agent_slot(config.id);
    if (a == kNone) {
      a = static_cast<std::uint32_t>(agents_.size());
      agents_.emplace_back();
      agent_slots_.insert(config.id, a);
      agents_[a].state_since = now;
      agents_[a].idle_since_ms = to_ms(now);
    }
    Agent& agent = agents_[a];
    agent.config = std::move(config);
    sort_skills(agent.config.skills);
    rebuild_memberships(a);
    serve_agent(a);
    return Status::ok();
  }

  Status set_agent_skills(Time now, AgentId id, std::vector<SkillLevel> skills) {
    if (Status s = begin(now); !s) return s;
    const std::uint32_t a = agent_slot(id);
    if (a == kNone) return not_found("no such agent", "agent");
    if (Status s = validate_skills(skills); !s) return s;
    sort_skills(skills);
    agents_[a].config.skills = std::move(skills);
    rebuild_memberships(a);
    serve_agent(a);
    return Status::ok();
  }

  Status set_agent_capacity(Time now, AgentId id, Channel channel, int slots) {
    if (Status s = begin(now); !s) return s;
    const std::uint32_t a = agent_slot(id);
    if (a == kNone) return not_found("no such agent", "agent");
    if (slots < 0 || slots > 255) return invalid_argument("capacity out of 0..255", "capacity");
    agents_[a].config.capacity[channel_index(channel)] = slots;
    refresh_agent(a);
    serve_agent(a);
    return Status::ok();
  }

  Status set_agent_state(Time now, AgentId id, AgentState state, std::string reason) {
    if (Status s = begin(now); !s) return s;
    const std::uint32_t a = agent_slot(id);
    if (a == kNone) return not_found("no such agent", "agent");
    if (state != AgentState::kPaused) reason.clear();
    change_state(a, state, std::move(reason));
    return Status::ok();
  }

  Status arrive(Time now, InteractionSpec spec) {
    if (Status s = begin(now); !s) return s;
    if (spec.id == 0) return invalid_argument("interaction id must not be 0", "id");
    if (interaction_slot(spec.id) != kNone) {
      return already_exists("an interaction with this id exists", "id");
    }
    const std::uint32_t q = queue_slot(spec.queue);
    if (q == kNone) return not_found("no such queue", "queue");
    if (queues_[q].config.channel != spec.channel) {
      return invalid_argument("the queue serves another channel", "channel");
    }
    if (spec.priority < -kMaxPriority || spec.priority > kMaxPriority) {
      return invalid_argument("priority out of range", "priority");
    }
    std::uint32_t preferred = kNone;
    if (spec.preferred_agent) {
      preferred = agent_slot(*spec.preferred_agent);
      if (preferred == kNone) return not_found("no such agent", "preferred_agent");
      if (spec.preferred_timeout <= Duration(0)) {
        return invalid_argument("a preferred agent needs a timeout", "preferred_timeout");
      }
    }
    if (spec.enqueued_at && *spec.enqueued_at > now) {
      return invalid_argument("enqueued in the future", "enqueued_at");
    }

    const std::uint32_t slot = allocate_interaction();
    Interaction& it = interactions_[slot];
    it.id = spec.id;
    it.citizen = spec.citizen;
    it.channel = spec.channel;
    it.priority = spec.priority;
    it.attributes = std::move(spec.attributes);
    it.enqueued_ms = to_ms(spec.enqueued_at.value_or(now));
    it.announced_due_ms = spec.due_at ? to_ms(*spec.due_at) : kNoAnnouncedDue;
    interaction_slots_.insert(spec.id, slot);

    if (!is_open(q) && !queues_[q].config.accept_when_closed) {
      it.queue = q;
      emit_interaction(EventType::kQueued, slot);
      send_elsewhere(slot, queues_[q].config.closed_target, "closed", 0);
      return Status::ok();
    }
    if (preferred != kNone) {
      it.queue = q;
      it.queued_ms = to_ms(now);
      emit_interaction(EventType::kQueued, slot);
      wait_personally(slot, preferred, now + spec.preferred_timeout);
      return Status::ok();
    }
    enter_queue(slot, q, 0);
    return Status::ok();
  }

  Status accept(Time now, OfferId offer) {
    if (Status s = begin(now); !s) return s;
    const std::uint32_t slot = offer_slot(offer);
    if (slot == kNone) return not_found("no such offer, or it expired", "offer");
    Interaction& it = interactions_[slot];
    agents_[it.agent].missed_in_a_row = 0;
    activate(slot);
    return Status::ok();
  }

  Status reject(Time now, OfferId offer) {
    if (Status s = begin(now); !s) return s;
    const std::uint32_t slot = offer_slot(offer);
    if (slot == kNone) return not_found("no such offer, or it expired", "offer");
    miss_offer(slot, EventType::kRejected);
    return Status::ok();
  }

  Status abandon(Time now, InteractionId id) {
    if (Status s = begin(now); !s) return s;
    const std::uint32_t slot = interaction_slot(id);
    if (slot == kNone) return not_found("no such interaction", "interaction");
    Interaction& it = interactions_[slot];
    if (it.phase != InteractionPhase::kWaiting && it.phase != InteractionPhase::kOffered) {
      return failed_precondition("only a waiting or offered interaction can be abandoned");
    }
    std::uint32_t freed_agent = kNone;
    if (it.phase == InteractionPhase::kOffered) {
      freed_agent = it.agent;
      revoke_offer(slot, "abandoned");
    } else {
      leave_waiting(slot);
    }
    emit_interaction(EventType::kAbandoned, slot);
    release_interaction(slot);
    if (freed_agent != kNone) serve_agent(freed_agent);
    return Status::ok();
  }

  Status complete(Time now, InteractionId id, std::string wrapup_code) {
    if (Status s = begin(now); !s) return s;
    const std::uint32_t slot = interaction_slot(id);
    if (slot == kNone) return not_found("no such interaction", "interaction");
    Interaction& it = interactions_[slot];
    if (it.phase != InteractionPhase::kActive) {
      return failed_precondition("only an active interaction can be completed");
    }
    Event& event = emit_interaction(EventType::kCompleted, slot);
    event.reason = std::move(wrapup_code);
    const Duration wrapup = queues_[it.queue].config.wrapup;
    if (wrapup <= Duration(0)) {
      finish_slot(slot, /*emit_wrapup_end=*/false);
      return Status::ok();
    }
    it.phase = InteractionPhase::kWrapup;
    cancel_timer(slot);
    it.wrapup_end_ms = to_ms(now + wrapup);
    schedule(slot, it.wrapup_end_ms);
    return Status::ok();
  }

  Status end_wrapup(Time now, InteractionId id) {
    if (Status s = begin(now); !s) return s;
    const std::uint32_t slot = interaction_slot(id);
    if (slot == kNone) return not_found("no such interaction", "interaction");
    if (interactions_[slot].phase != InteractionPhase::kWrapup) {
      return failed_precondition("the interaction is not in wrap-up");
    }
    finish_slot(slot, /*emit_wrapup_end=*/true);
    return Status::ok();
  }

  Status identify(Time now, InteractionId id, CitizenId citizen) {
    if (Status s = begin(now); !s) return s;
    const std::uint32_t slot = interaction_slot(id);
    if (slot == kNone) return not_found("no such interaction", "interaction");
    interactions_[slot].citizen = citizen;
    return Status::ok();
  }

  Status transfer_to_queue(Time now, InteractionId id, QueueId queue_id) {
    if (Status s = begin(now); !s) return s;
    const std::uint32_t slot = interaction_slot(id);
    if (slot == kNone) return not_found("no such interaction", "interaction");
    const std::uint32_t q = queue_slot(queue_id);
    if (q == kNone) return not_found("no such queue", "queue");
    Interaction& it = interactions_[slot];
    if (queues_[q].config.channel != it.channel) {
      return invalid_argument("the queue serves another channel", "queue");
    }
    if (it.phase == InteractionPhase::kWrapup) {
      return failed_precondition("a completed interaction cannot be transferred");
    }
    const std::uint32_t from_agent = detach_for_transfer(slot);
    Event& event = emit_interaction(EventType::kTransferred, slot);
    event.agent = from_agent == kNone ? 0 : agents_[from_agent].config.id;
    event.to_queue = queue_id;
    if (!is_open(q) && !queues_[q].config.accept_when_closed) {
      send_elsewhere(slot, queues_[q].config.closed_target, "closed", 0);
    } else {
      enter_queue(slot, q, 0);
    }
    if (from_agent != kNone) serve_agent(from_agent);
    return Status::ok();
  }

  Status transfer_to_agent(Time now, InteractionId id, AgentId agent_id, Duration timeout) {
    if (Status s = begin(now); !s) return s;
    const std::uint32_t slot = interaction_slot(id);
    if (slot == kNone) return not_found("no such interaction", "interaction");
    const std::uint32_t target = agent_slot(agent_id);
    if (target == kNone) return not_found("no such agent", "agent");
    if (timeout <= Duration(0)) return invalid_argument("timeout must be positive", "timeout");
    Interaction& it = interactions_[slot];
    if (it.phase == InteractionPhase::kWrapup) {
      return failed_precondition("a completed interaction cannot be transferred");
    }
    if (it.agent == target && it.phase != InteractionPhase::kWaiting) {
      return failed_precondition("the agent already has this interaction", "agent");
    }
    const std::uint32_t from_agent = detach_for_transfer(slot);
    Event& event = emit_interaction(EventType::kTransferred, slot);
    event.agent = from_agent == kNone ? 0 : agents_[from_agent].config.id;
    event.to_agent = agent_id;
    wait_personally(slot, target, now + timeout);
    if (from_agent != kNone) serve_agent(from_agent);
    return Status::ok();
  }

  Status request_callback(Time now, InteractionId id) {
    if (Status s = begin(now); !s) return s;
    const std::uint32_t slot = interaction_slot(id);
    if (slot == kNone) return not_found("no such interaction", "interaction");
    Interaction& it = interactions_[slot];
    if (it.phase != InteractionPhase::kWaiting || it.channel != Channel::kVoice) {
      return failed_precondition("only a waiting call can ask for a callback");
    }
    const std::optional<QueueId> target = queues_[it.queue].config.callback_queue;
    const std::uint32_t q = target ? queue_slot(*target) : kNone;
    if (q == kNone) return failed_precondition("this queue offers no callback", "queue");
    leave_waiting(slot);
    it.channel = Channel::kCallback;
    Event& event = emit_interaction(EventType::kCallbackRequested, slot);
    event.to_queue = *target;
    enter_queue(slot, q, 0);
    return Status::ok();
  }

  Status advance(Time now) { return begin(now); }

  std::optional<Time> next_deadline() const {
    const Timer* next = next_timer();
    if (!next) return std::nullopt;
    return time_from_ms(next->due_ms);
  }

  std::vector<Event> drain_events() {
    std::vector<Event> out;
    out.swap(events_);
    return out;
  }
  void drain_events_into(std::vector<Event>& out) {
    if (out.empty()) {
      out.swap(events_);
    } else {
      std::move(events_.begin(), events_.end(), std::back_inserter(out));
      events_.clear();
    }
  }

  // ---- queries ------------------------------------------------------------

  std::optional<InteractionStatus> interaction(InteractionId id) const {
    const std::uint32_t slot = interaction_slot(id);
    if (slot == kNone) return std::nullopt;
    const Interaction& it = interactions_[slot];
    InteractionStatus status;
    status.id = it.id;
    status.phase = it.phase;
    status.channel = it.channel;
    status.queue = queues_[it.queue].config.id;
    const std::uint32_t agent =
        it.phase == InteractionPhase::kWaiting ? it.personal_agent : it.agent;
    status.agent = agent == kNone ? 0 : agents_[agent].config.id;
    status.offer = it.offer;
    status.stage = it.stage;
    status.priority = it.effective_priority;
    status.enqueued_at = time_from_ms(it.enqueued_ms);
    status.due_at = time_from_ms(it.due_ms);
    return status;
  }

  std::optional<AgentStatus> agent(AgentId id) const {
    const std::uint32_t a = agent_slot(id);
    if (a == kNone) return std::nullopt;
    const Agent& agent = agents_[a];
    AgentStatus status;
    status.id = id;
    status.state = agent.state;
    status.reason = agent.reason;
    status.state_since = agent.state_since;
    for (int c = 0; c < kChannelCount; ++c)
      status.load[c] = agent.load[c];
    status.missed_in_a_row = agent.missed_in_a_row;
    return status;
  }

  std::optional<QueueStatus> queue(QueueId id) const {
    const std::uint32_t q = queue_slot(id);
    if (q == kNone) return std::nullopt;
    QueueStatus status;
    status.id = id;
    status.waiting = queues_[q].waiting;
    status.ready_agents = queues_[q].tiers[0].ready.size();
    return status;
  }

  std::size_t waiting_count() const { return waiting_total_; }
  Time now() const { return time_from_ms(now_ms_); }

 private:
  // ---- state --------------------------------------------------------------

  struct OnInteractionMove {
    Impl* impl = nullptr;
    void operator()(const RankEntry& entry, std::uint32_t position) const {
      impl->interactions_[entry.slot].heap_position = position;
    }
  };
  struct OnAgentMove {
    Impl* impl = nullptr;
    void operator()(const AgentEntry& entry, std::uint32_t position) const {
      impl->agents_[entry.agent].memberships[entry.membership].heap_position = position;
    }
  };
  struct OnTimerMove {
    Impl* impl = nullptr;
    void operator()(const Timer& timer, std::uint32_t position) const {
      impl->interactions_[timer.slot].timer_position = position;
    }
  };
  struct TimerLess {
    bool operator()(const Timer& a, const Timer& b) const { return b > a; }
  };
  struct RankLess {
    bool operator()(const RankEntry& a, const RankEntry& b) const { return rank_less(a, b); }
  };
  struct AgentLess {
    bool operator()(const AgentEntry& a, const AgentEntry& b) const { return agent_less(a, b); }
  };
  using WaitingHeap = detail::IndexedHeap<RankEntry, RankLess, OnInteractionMove>;
  using ReadyHeap = detail::IndexedHeap<AgentEntry, AgentLess, OnAgentMove>;
  using ReadyList = detail::SortedList<AgentEntry, AgentLess, OnAgentMove>;
  using TimerHeap = detail::IndexedHeap<Timer, TimerLess, OnTimerMove>;

  // The ready agents of one queue stage. Longest idle keys them by the time
  // they became idle, which is "now" when they join: a sorted list takes them
  // in O(1). The other strategies' keys come in any order: a heap.
  class ReadyAgents {
   public:
    ReadyAgents(Impl* impl, bool by_time)
        : by_time_(by_time), heap_(OnAgentMove{impl}), list_(OnAgentMove{impl}) {}
    std::size_t size() const { return by_time_ ? list_.size() : heap_.size(); }
    const AgentEntry& at(std::uint32_t position) const {
      return by_time_ ? list_.at(position) : heap_.at(position);
    }
    void push(const AgentEntry& entry) { by_time_ ? list_.push(entry) : heap_.push(entry); }
    void erase(std::uint32_t position) { by_time_ ? list_.erase(position) : heap_.erase(position); }
    void replace(std::uint32_t position, const AgentEntry& entry) {
      by_time_ ? list_.replace(position, entry) : heap_.replace(position, entry);
    }
    template <typename Accept>
    const AgentEntry* first_accepted(Accept&& accept) const {
      return by_time_ ? list_.first_accepted(accept) : heap_.first_accepted(accept);
    }
    template <typename Visit>
    void for_each(Visit&& visit) const {
      by_time_ ? list_.for_each(visit) : heap_.for_each(visit);
    }

   private:
    bool by_time_;
    ReadyHeap heap_;
    ReadyList list_;
  };

  // What an agent must have to take an interaction at one stage of a queue.
  struct Stage {
    std::int64_t after_ms = 0;
    std::vector<Requirement> requirements;
    std::vector<GroupId> groups;  // empty: any group
    int raise = 0;                // cumulative priority raise
  };
  struct Tier {
    Tier(Impl* impl, bool by_time) : waiting(OnInteractionMove{impl}), ready(impl, by_time) {}
    WaitingHeap waiting;  // interactions at this stage
    ReadyAgents ready;    // ready agents whose first eligible stage is this one
  };
  struct Queue {
    QueueConfig config;
    std::vector<Stage> stages;
    std::vector<Tier> tiers;
    std::size_t waiting = 0;
    bool removed = false;
  };

  // An agent's place in one queue it serves. The queue's channel, strategy and
  // ready set are copied here: refresh_agent runs on every offer and every
  // freed slot, for each queue, and should not have to read the queue.
  struct Membership {
    std::uint32_t queue = kNone;
    std::uint32_t heap_position = kNoPosition;
    ReadyAgents* ready = nullptr;  // the first eligible stage's; stable until the queue changes
    Channel channel = Channel::kVoice;
    Strategy strategy = Strategy::kLongestIdle;
    std::uint64_t last_offer_sequence = 0;  // round robin
    std::int32_t skill_score = 0;           // most skilled
    std::uint8_t first_stage = 0;
  };
  struct Agent {
    AgentConfig config;
    AgentState state = AgentState::kOffline;
    std::string reason;
    Time state_since{};
    std::int64_t idle_since_ms = 0;
    std::array<std::uint8_t, kChannelCount> load{};
    int calls = 0;      // voice + callback slots taken
    int non_calls = 0;  // other slots taken
    int missed_in_a_row = 0;
    std::vector<Membership> memberships;
    std::vector<std::uint32_t> personal;  // interactions waiting for this agent only
    std::vector<std::uint32_t> offers;    // interactions offered to this agent
  };

  struct Interaction {
    InteractionId id = 0;
    CitizenId citizen = 0;
    std::vector<Attribute> attributes;
    std::int64_t enqueued_ms = 0;  // original; kept through re-queues
    std::int64_t queued_ms = 0;    // entered the current queue
    std::int64_t due_ms = 0;
    std::int64_t announced_due_ms = kNoAnnouncedDue;  // the citizen was told
    std::int64_t personal_until_ms = 0;
    std::int64_t wrapup_end_ms = 0;
    std::int64_t excluded_until_ms = 0;
    OfferId offer = 0;
    std::uint32_t queue = kNone;
    std::uint32_t agent = kNone;           // offered to / handled by
    std::uint32_t personal_agent = kNone;  // waiting for this agent personally
    std::uint32_t excluded_agent = kNone;  // just declined it
    std::uint32_t heap_position = kNoPosition;
    std::uint32_t timer_position = kNoPosition;  // its one pending timer, if any
    std::int32_t priority = 0;
    std::int32_t effective_priority = 0;
    std::uint8_t stage = 0;
    Channel channel = Channel::kVoice;
    InteractionPhase phase = InteractionPhase::kWaiting;
  };

  EngineConfig config_;
  std::int64_t now_ms_ = std::numeric_limits<std::int64_t>::min();
  std::vector<Queue> queues_;
  std::vector<Agent> agents_;
  std::vector<Interaction> interactions_;
  std::vector<std::uint32_t> free_interactions_;
  detail::IdMap queue_slots_;
  detail::IdMap agent_slots_;
  detail::IdMap interaction_slots_;
  detail::IdMap offer_slots_;
  TimerHeap timers_{OnTimerMove{this}};  // one per interaction at most: cancellable
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> retries_;  // agents
  std::uint64_t timer_sequence_ = 0;
  std::uint64_t offer_sequence_ = 0;
  std::size_t waiting_total_ = 0;
  std::vector<Event> events_;

  // ---- lookups ------------------------------------------------------------

  std::uint32_t queue_slot(QueueId id) const { return queue_slots_.find(id); }
  std::uint32_t agent_slot(AgentId id) const { return agent_slots_.find(id); }
  std::uint32_t interaction_slot(InteractionId id) const { return interaction_slots_.find(id); }
  std::uint32_t offer_slot(OfferId id) const { return offer_slots_.find(id); }
  static int level_of(const Agent& agent, SkillId skill) {
    const auto& skills = agent.config.skills;  // sorted by skill
    auto found = std::lower_bound(skills.begin(), skills.end(), skill,
                                  [](const SkillLevel& s, SkillId id) { return s.skill < id; });
    return found != skills.end() && found->skill == skill ? found->level : 0;
  }
  static void sort_skills(std::vector<SkillLevel>& skills) {
    std::sort(skills.begin(), skills.end(),
              [](const SkillLevel& a, const SkillLevel& b) { return a.skill < b.skill; });
  }
  bool is_open(std::uint32_t q) const {
    const auto& hours = queues_[q].config.hours;
    return !hours || hours->is_open(time_from_ms(now_ms_));
  }

  // ---- validation -----------------------------------------------------------

  static Status validate_skills(const std::vector<SkillLevel>& skills) {
    for (std::size_t i = 0; i < skills.size(); ++i) {
      if (skills[i].skill == 0) return invalid_argument("skill id must not be 0", "skills");
      if (skills[i].level < kMinLevel || skills[i].level > kMaxLevel) {
        return invalid_argument("skill level out of 1..5", "skills");
      }
      for (std::size_t j = 0; j < i; ++j) {
        if (skills[j].skill == skills[i].skill) {
          return invalid_argument("a skill is listed twice", "skills");
        }
      }
    }
    return Status::ok();
  }

  Status validate_queue(const QueueConfig& config) const {
    if (config.id == 0) return invalid_argument("queue id must not be 0", "id");
    for (const Requirement& r : config.requirements) {
      if (r.skill == 0) return invalid_argument("skill id must not be 0", "requirements");
      if (r.min_level < kMinLevel || r.min_level > kMaxLevel) {
        return invalid_argument("minimum level out of 1..5", "requirements");
      }
    }
    if (config.priority < -kMaxPriority || config.priority > kMaxPriority) {
      return invalid_argument("priority out of range", "priority");
    }
    if (config.sl_threshold < Duration(0)) {
      return invalid_argument("service-level threshold must not be negative", "sl_threshold");
    }
    if (!(config.sl_target >= 0.0 && config.sl_target <= 1.0)) {
      return invalid_argument("service-level target out of 0..1", "sl_target");
    }
    Duration previous(-1);
    for (const EscalationStep& step : config.escalation) {
      if (step.after <= previous) {
        return invalid_argument("escalation steps must be in increasing order of wait",
                                "escalation");
      }
      if (step.relax_levels < 0 || step.relax_levels > kMaxLevel) {
        return invalid_argument("relax_levels out of 0..5", "escalation");
      }
      if (step.raise_priority < -kMaxPriority || step.raise_priority > kMaxPriority) {
        return invalid_argument("raise_priority out of range", "escalation");
      }
      previous = step.after;
    }
    if (config.escalation.size() > 250) {
      return invalid_argument("too many escalation steps", "escalation");
    }
    if (config.max_wait && *config.max_wait <= Duration(0)) {
      return invalid_argument("max_wait must be positive", "max_wait");
    }
    if (config.wrapup < Duration(0)) return invalid_argument("wrap-up is negative", "wrapup");
    auto check_target = [&](const std::optional<QueueId>& target, const char* field,
                            std::optional<Channel> channel) -> Status {
      if (!target) return Status::ok();
      if (*target == config.id) return invalid_argument("a queue cannot target itself", field);
      const std::uint32_t q = queue_slot(*target);
      if (q == kNone) return not_found("no such queue", field);
      if (channel && queues_[q].config.channel != *channel) {
        return invalid_argument("the target queue serves another channel", field);
      }
      return Status::ok();
    };
    if (Status s = check_target(config.overflow_target, "overflow_target", config.channel); !s) {
      return s;
    }
    if (Status s = check_target(config.closed_target, "closed_target", config.channel); !s) {
      return s;
    }
    if (config.callback_queue && config.channel != Channel::kVoice) {
      return invalid_argument("only a voice queue offers callbacks", "callback_queue");
    }
    return check_target(config.callback_queue, "callback_queue", Channel::kCallback);
  }

  // ---- time and timers ----------------------------------------------------

  // Moves time to `now`, firing every timer due until then at its own time.
  Status begin(Time now) {
    const std::int64_t now_ms = to_ms(now);
    if (now_ms < now_ms_) return invalid_argument("time went backwards", "now");
    while (const Timer* next = next_timer()) {
      if (next->due_ms > now_ms) break;
      const Timer timer = *next;
      if (timer.kind == TimerKind::kAgentRetry) {
        retries_.pop();
      } else {
        timers_.erase(0);
      }
      now_ms_ = std::max(now_ms_, timer.due_ms);
      fire(timer);
    }
    now_ms_ = now_ms;
    return Status::ok();
  }

  const Timer* next_timer() const {
    const Timer* interaction = timers_.empty() ? nullptr : &timers_.top();
    const Timer* retry = retries_.empty() ? nullptr : &retries_.top();
    if (!interaction) return retry;
    if (!retry) return interaction;
    return *interaction > *retry ? retry : interaction;
  }

  // Sets the interaction's one timer (replacing a pending one).
  void schedule(std::uint32_t slot, std::int64_t due) {
    const Timer timer{due, ++timer_sequence_, slot, TimerKind::kInteraction};
    const std::uint32_t position = interactions_[slot].timer_position;
    if (position == kNoPosition) {
      timers_.push(timer);
    } else {
      timers_.replace(position, timer);
    }
  }

  void schedule_retry(std::uint32_t agent, std::int64_t due) {
    retries_.push(Timer{due, ++timer_sequence_, agent, TimerKind::kAgentRetry});
  }

  void cancel_timer(std::uint32_t slot) {
    const std::uint32_t position = interactions_[slot].timer_position;
    if (position != kNoPosition) timers_.erase(position);
  }

  void fire(const Timer& timer) {
    if (timer.kind == TimerKind::kAgentRetry) {
      serve_agent(timer.slot);
      return;
    }
    Interaction& it = interactions_[timer.slot];
    switch (it.phase) {
      case InteractionPhase::kOffered:
        miss_offer(timer.slot, EventType::kOfferTimeout);
        break;
      case InteractionPhase::kWrapup:
        finish_slot(timer.slot, /*emit_wrapup_end=*/true);
        break;
      case InteractionPhase::kWaiting:
        on_waiting_timer(timer.slot);
        break;
      case InteractionPhase::kActive:
        break;
    }
  }

  // A waiting interaction's timer: its personal follow-up ended, it waited
  // too long, or it reached the next escalation step.
  void on_waiting_timer(std::uint32_t slot) {
    Interaction& it = interactions_[slot];
    if (it.personal_agent != kNone) {
      if (now_ms_ < it.personal_until_ms) {
        schedule_waiting_timer(slot);
        return;
      }
      leave_waiting(slot);
      emit_interaction(EventType::kPreferredExpired, slot);
      enter_queue(slot, it.queue, 0);
      return;
    }
    const Queue& queue = queues_[it.queue];
    if (queue.config.max_wait && now_ms_ >= it.queued_ms + queue.config.max_wait->count()) {
      leave_waiting(slot);
      send_elsewhere(slot, queue.config.overflow_target, "max_wait", 0);
      return;
    }
    const std::uint8_t stage = stage_for_wait(it.queue, now_ms_ - it.queued_ms);
    if (stage != it.stage) {
      leave_waiting(slot);
      put_waiting(slot, /*stage_from_wait=*/true);
      Event& event = emit_interaction(EventType::kEscalated, slot);
      event.stage = it.stage;
      match_interaction(slot);
    } else {
      schedule_waiting_timer(slot);
    }
  }

  void schedule_waiting_timer(std::uint32_t slot) {
    Interaction& it = interactions_[slot];
    std::int64_t due = std::numeric_limits<std::int64_t>::max();
    if (it.personal_agent != kNone) {
      due = it.personal_until_ms;
    } else {
      const Queue& queue = queues_[it.queue];
      if (it.stage + 1u < queue.stages.size()) {
        due = it.queued_ms + queue.stages[it.stage + 1].after_ms;
      }
      if (queue.config.max_wait) due = std::min(due, it.queued_ms + queue.config.max_wait->count());
    }
    if (due != std::numeric_limits<std::int64_t>::max()) {
      schedule(slot, std::max(due, now_ms_));
    }
  }

  // ---- events -------------------------------------------------------------

  Event& emit(EventType type) {
    Event& event = events_.emplace_back();
    event.type = type;
    event.at = time_from_ms(now_ms_);
    return event;
  }

  Event& emit_interaction(EventType type, std::uint32_t slot) {
    const Interaction& it = interactions_[slot];
    Event& event = emit(type);
    event.interaction = it.id;
    event.citizen = it.citizen;
    event.channel = it.channel;
    event.queue = it.queue == kNone ? 0 : queues_[it.queue].config.id;
    if (it.agent != kNone) event.agent = agents_[it.agent].config.id;
    event.offer = it.offer;
    event.stage = it.stage;
    event.priority = it.effective_priority;
    event.waited = Duration(now_ms_ - it.enqueued_ms);
    return event;
  }

  // ---- queues and stages ----------------------------------------------------

  void build_stages(std::uint32_t q) {
    Queue& queue = queues_[q];
    const QueueConfig& config = queue.config;
    queue.stages.clear();
    Stage stage;
    stage.requirements = config.requirements;
    stage.groups = config.groups;
    queue.stages.push_back(stage);
    for (const EscalationStep& step : config.escalation) {
      stage.after_ms = step.after.count();
      for (Requirement& r : stage.requirements) {
        r.min_level = std::max(kMinLevel, r.min_level - step.relax_levels);
      }
      std::erase_if(stage.requirements, [&](const Requirement& r) {
        return std::find(step.drop_skills.begin(), step.drop_skills.end(), r.skill) !=
               step.drop_skills.end();
      });
      if (!stage.groups.empty()) {
        stage.groups.insert(stage.groups.end(), step.add_groups.begin(), step.add_groups.end());
      }
      stage.raise += step.raise_priority;
      queue.stages.push_back(stage);
    }
    queue.tiers.clear();
    queue.tiers.reserve(queue.stages.size());
    for (std::size_t s = 0; s < queue.stages.size(); ++s)
      queue.tiers.emplace_back(this, config.strategy == Strategy::kLongestIdle);
  }

  std::uint8_t stage_for_wait(std::uint32_t q, std::int64_t waited_ms) const {
    const auto& stages = queues_[q].stages;
    std::uint8_t stage = 0;
    while (stage + 1u < stages.size() && stages[stage + 1].after_ms <= waited_ms)
      ++stage;
    return stage;
  }

  bool eligible(const Agent& agent, const Stage& stage) const {
    for (const Requirement& r : stage.requirements) {
      if (level_of(agent, r.skill) < r.min_level) return false;
    }
    if (stage.groups.empty()) return true;
    for (GroupId group : agent.config.groups) {
      if (std::find(stage.groups.begin(), stage.groups.end(), group) != stage.groups.end()) {
        return true;
      }
    }
    return false;
  }

  // ---- agents: memberships and readiness ------------------------------------

  bool ready_for(const Agent& agent, Channel channel) const {
    const int c = channel_index(channel);
    if (agent.state != AgentState::kAvailable) return false;
    if (agent.load[c] >= agent.config.capacity[c]) return false;
    if (agent.config.voice_exclusive) {
      if (is_call(channel) ? (agent.calls + agent.non_calls) > 0 : agent.calls > 0) return false;
    }
    return true;
  }

  AgentEntry key_for(std::uint32_t a, std::uint32_t m) const {
    const Agent& agent = agents_[a];
    const Membership& membership = agent.memberships[m];
    AgentEntry entry;
    entry.agent = a;
    entry.membership = m;
    entry.key2 = agent.idle_since_ms;
    switch (membership.strategy) {
      case Strategy::kLongestIdle:
        entry.key1 = agent.idle_since_ms;
        entry.key2 = 0;
        break;
      case Strategy::kLeastOccupied: {
        const int c = channel_index(membership.channel);
        entry.key1 = agent.config.capacity[c] == 0
                         ? 1'000'000
                         : agent.load[c] * 1'000'000 / agent.config.capacity[c];
        break;
      }
      case Strategy::kMostSkilled:
        entry.key1 = -membership.skill_score;
        break;
      case Strategy::kRoundRobin:
        entry.key1 = static_cast<std::int64_t>(membership.last_offer_sequence);
        break;
    }
    return entry;
  }

  // Puts the agent in, or takes it out of, the ready heap of each queue it
  // serves, as its readiness for that queue's channel says; re-keys it where
  // it stays.
  void refresh_agent(std::uint32_t a) {
    Agent& agent = agents_[a];
    for (std::uint32_t m = 0; m < agent.memberships.size(); ++m) {
      Membership& membership = agent.memberships[m];
      ReadyAgents& heap = *membership.ready;
      const bool ready = ready_for(agent, membership.channel);
      if (!ready) {
        if (membership.heap_position != kNoPosition) heap.erase(membership.heap_position);
        continue;
      }
      const AgentEntry entry = key_for(a, m);
      if (membership.heap_position == kNoPosition) {
        heap.push(entry);
      } else {
        const AgentEntry& current = heap.at(membership.heap_position);
        if (current.key1 != entry.key1 || current.key2 != entry.key2) {
          heap.replace(membership.heap_position, entry);
        }
      }
    }
  }

  void add_membership(std::uint32_t a, std::uint32_t q) {
    Agent& agent = agents_[a];
    const Queue& queue = queues_[q];
    for (std::size_t s = 0; s < queue.stages.size(); ++s) {
      if (!eligible(agent, queue.stages[s])) continue;
      Membership membership;
      membership.queue = q;
      membership.first_stage = static_cast<std::uint8_t>(s);
      membership.ready = &queues_[q].tiers[s].ready;
      membership.channel = queue.config.channel;
      membership.strategy = queue.config.strategy;
      for (const Requirement& r : queue.config.requirements) {
        membership.skill_score += level_of(agent, r.skill);
      }
      agent.memberships.push_back(membership);
      return;
    }
  }

  void drop_membership(std::uint32_t a, std::uint32_t q) {
    Agent& agent = agents_[a];
    for (std::uint32_t m = 0; m < agent.memberships.size(); ++m) {
      if (agent.memberships[m].queue != q) continue;
      take_out_of_ready_heaps(a);
      agent.memberships.erase(agent.memberships.begin() + m);
      refresh_agent(a);
      return;
    }
  }

  void take_out_of_ready_heaps(std::uint32_t a) {
    Agent& agent = agents_[a];
    for (Membership& membership : agent.memberships) {
      if (membership.heap_position == kNoPosition) continue;
      queues_[membership.queue].tiers[membership.first_stage].ready.erase(membership.heap_position);
    }
  }

  void rebuild_memberships(std::uint32_t a) {
    take_out_of_ready_heaps(a);
    Agent& agent = agents_[a];
    std::vector<Membership> previous = std::move(agent.memberships);
    agent.memberships.clear();
    for (std::uint32_t q = 0; q < queues_.size(); ++q) {
      if (queues_[q].removed) continue;
      add_membership(a, q);
    }
    // Round robin remembers when the agent last got work from each queue.
    for (Membership& membership : agent.memberships) {
      for (const Membership& old : previous) {
        if (old.queue == membership.queue) membership.last_offer_sequence = old.last_offer_sequence;
      }
    }
    refresh_agent(a);
  }

  void change_state(std::uint32_t a, AgentState state, std::string reason) {
    Agent& agent = agents_[a];
    if (agent.state == state && agent.reason == reason) return;
    const bool was_available = agent.state == AgentState::kAvailable;
    agent.state = state;
    agent.reason = std::move(reason);
    agent.state_since = time_from_ms(now_ms_);
    if (state == AgentState::kAvailable) {
      agent.missed_in_a_row = 0;
      if (!was_available) agent.idle_since_ms = now_ms_;
    }
    Event& event = emit(EventType::kAgentState);
    event.agent = agent.config.id;
    event.agent_state = state;
    event.reason = agent.reason;
    if (state == AgentState::kOffline) {
      // Offers to an agent who left go back to their place.
      while (!agent.offers.empty()) {
        const std::uint32_t slot = agent.offers.back();
        revoke_offer(slot, "agent_offline");
        put_back_after_offer(slot, a);
      }
    }
    refresh_agent(a);
    serve_agent(a);
  }

  // ---- interactions: slots ------------------------------------------------

  std::uint32_t allocate_interaction() {
    std::uint32_t slot;
    if (!free_interactions_.empty()) {
      slot = free_interactions_.back();
      free_interactions_.pop_back();
    } else {
      slot = static_cast<std::uint32_t>(interactions_.size());
      interactions_.emplace_back();
    }
    Interaction& it = interactions_[slot];
    it = Interaction();
    return slot;
  }

  void release_interaction(std::uint32_t slot) {
    Interaction& it = interactions_[slot];
    interaction_slots_.erase(it.id);
    it.attributes.clear();
    it.attributes.shrink_to_fit();
    cancel_timer(slot);
    free_interactions_.push_back(slot);
  }

  // ---- interactions: waiting ------------------------------------------------

  static std::int64_t due_in(const Interaction& it, const Queue& queue) {
    if (it.announced_due_ms != kNoAnnouncedDue) return it.announced_due_ms;
    return it.enqueued_ms + queue.config.sl_threshold.count();
  }

  RankEntry rank_of(std::uint32_t slot) const {
    const Interaction& it = interactions_[slot];
    return RankEntry{it.due_ms, it.enqueued_ms, it.id, -it.effective_priority, slot};
  }

  // Sets stage, priority and due time for the interaction's queue and puts it
  // in the stage's waiting heap (stage from the time waited in the queue, or
  // kept) and schedules its next timer.
  void put_waiting(std::uint32_t slot, bool stage_from_wait) {
    Interaction& it = interactions_[slot];
    Queue& queue = queues_[it.queue];
    if (stage_from_wait) it.stage = stage_for_wait(it.queue, now_ms_ - it.queued_ms);
    it.stage = std::min<std::uint8_t>(it.stage, static_cast<std::uint8_t>(queue.stages.size() - 1));
    it.effective_priority = queue.config.priority + it.priority + queue.stages[it.stage].raise;
    it.due_ms = due_in(it, queue);
    it.phase = InteractionPhase::kWaiting;
    it.agent = kNone;
    it.offer = 0;
    cancel_timer(slot);
    queue.tiers[it.stage].waiting.push(rank_of(slot));
    ++queue.waiting;
    ++waiting_total_;
    schedule_waiting_timer(slot);
  }

  void leave_waiting(std::uint32_t slot) {
    Interaction& it = interactions_[slot];
    assert(it.phase == InteractionPhase::kWaiting);
    cancel_timer(slot);
    if (it.personal_agent != kNone) {
      auto& personal = agents_[it.personal_agent].personal;
      personal.erase(std::find(personal.begin(), personal.end(), slot));
      it.personal_agent = kNone;
      return;
    }
    Queue& queue = queues_[it.queue];
    queue.tiers[it.stage].waiting.erase(it.heap_position);
    --queue.waiting;
    --waiting_total_;
  }

  std::vector<std::uint32_t> take_waiting(std::uint32_t q) {
    std::vector<std::uint32_t> slots;
    for (Tier& tier : queues_[q].tiers) {
      for (const RankEntry& entry : tier.waiting.entries())
        slots.push_back(entry.slot);
    }
    for (std::uint32_t slot : slots)
      leave_waiting(slot);
    std::sort(slots.begin(), slots.end(), [this](std::uint32_t a, std::uint32_t b) {
      return rank_less(rank_of(a), rank_of(b));
    });
    return slots;
  }

  // The interaction enters queue q (new or the same one): overflow if the
  // queue is full, else offered at once if an agent is ready, else it waits.
  void enter_queue(std::uint32_t slot, std::uint32_t q, int hops) {
    Interaction& it = interactions_[slot];
    it.queue = q;
    it.queued_ms = now_ms_;
    it.stage = 0;
    const Queue& queue = queues_[q];
    emit_interaction(EventType::kQueued, slot);
    if (queue.config.max_length && queue.waiting >= *queue.config.max_length) {
      send_elsewhere(slot, queue.config.overflow_target, "max_length", hops);
      return;
    }
    put_waiting(slot, /*stage_from_wait=*/false);
    match_interaction(slot);
  }

  // Overflow: to the target queue, or the closed outcome (the interaction ends).
  void send_elsewhere(std::uint32_t slot, std::optional<QueueId> target, const char* reason,
                      int hops) {
    const std::uint32_t q = target ? queue_slot(*target) : kNone;
    Event& event = emit_interaction(EventType::kOverflowed, slot);
    event.reason = reason;
    if (q == kNone || hops >= kMaxOverflowHops) {
      release_interaction(slot);
      return;
    }
    event.to_queue = *target;
    if (!is_open(q) && !queues_[q].config.accept_when_closed) {
      send_elsewhere(slot, queues_[q].config.closed_target, "closed", hops + 1);
      return;
    }
    enter_queue(slot, q, hops + 1);
  }

  void wait_personally(std::uint32_t slot, std::uint32_t a, Time until) {
    Interaction& it = interactions_[slot];
    it.phase = InteractionPhase::kWaiting;
    it.agent = kNone;
    it.offer = 0;
    it.personal_agent = a;
    it.personal_until_ms = to_ms(until);
    it.effective_priority = queues_[it.queue].config.priority + it.priority;
    it.due_ms = due_in(it, queues_[it.queue]);
    cancel_timer(slot);
    agents_[a].personal.push_back(slot);
    schedule_waiting_timer(slot);
    if (ready_for(agents_[a], it.channel)) serve_agent(a);
  }

  bool excluded(const Interaction& it, std::uint32_t a) const {
    return it.excluded_agent == a && now_ms_ < it.excluded_until_ms;
  }

  // Offers a waiting (queue) interaction to the best ready agent, if any.
  void match_interaction(std::uint32_t slot) {
    const Interaction& it = interactions_[slot];
    const Queue& queue = queues_[it.queue];
    const AgentEntry* best = nullptr;
    for (std::size_t s = 0; s <= it.stage; ++s) {
      const ReadyAgents& heap = queue.tiers[s].ready;
      const AgentEntry* candidate =
          heap.first_accepted([&](const AgentEntry& e) { return !excluded(it, e.agent); });
      if (candidate && (!best || agent_less(*candidate, *best))) best = candidate;
    }
    if (!best) return;
    const std::uint32_t a = best->agent;
    leave_waiting(slot);
    offer(slot, a);
  }

  // The best interaction agent `a` can take now, or kNone.
  std::uint32_t best_work_for(std::uint32_t a) const {
    const Agent& agent = agents_[a];
    const RankEntry* best = nullptr;
    RankEntry personal_best;
    bool personal_found = false;
    for (std::uint32_t slot : agent.personal) {
      const Interaction& it = interactions_[slot];
      if (!ready_for(agent, it.channel)) continue;
      const RankEntry entry = rank_of(slot);
      if (!personal_found || rank_less(entry, personal_best)) personal_best = entry;
      personal_found = true;
    }
    if (personal_found) best = &personal_best;
    auto accept = [&](const RankEntry& e) { return !excluded(interactions_[e.slot], a); };
    for (const Membership& membership : agent.memberships) {
      const Queue& queue = queues_[membership.queue];
      if (!ready_for(agent, queue.config.channel)) continue;
      for (std::size_t s = membership.first_stage; s < queue.tiers.size(); ++s) {
        const RankEntry* candidate = queue.tiers[s].waiting.first_accepted(accept);
        if (candidate && (!best || rank_less(*candidate, *best))) best = candidate;
      }
    }
    return best ? best->slot : kNone;
  }

  // The agent takes work while it is ready for something that waits.
  void serve_agent(std::uint32_t a) {
    while (agents_[a].state == AgentState::kAvailable) {
      const std::uint32_t slot = best_work_for(a);
      if (slot == kNone) return;
      leave_waiting(slot);
      offer(slot, a);
    }
  }

  // After a queue changed, its ready agents look for work (their other queues
  // too, so the global order holds).
  void serve_queue_agents(std::uint32_t q) {
    std::vector<std::uint32_t> ready;
    for (const Tier& tier : queues_[q].tiers) {
      tier.ready.for_each([&](const AgentEntry& entry) { ready.push_back(entry.agent); });
    }
    std::sort(ready.begin(), ready.end());
    for (std::uint32_t a : ready)
      serve_agent(a);
  }

  // ---- offers -----------------------------------------------------------------

  void take_slot(std::uint32_t a, Channel channel) {
    Agent& agent = agents_[a];
    ++agent.load[channel_index(channel)];
    (is_call(channel) ? agent.calls : agent.non_calls)++;
  }

  void free_slot(std::uint32_t a, Channel channel) {
    Agent& agent = agents_[a];
    --agent.load[channel_index(channel)];
    (is_call(channel) ? agent.calls : agent.non_calls)--;
    agent.idle_since_ms = now_ms_;
    refresh_agent(a);
  }

  // `slot` has left waiting (its heap or a personal list); it goes to agent `a`.
  void offer(std::uint32_t slot, std::uint32_t a) {
    Interaction& it = interactions_[slot];
    Agent& agent = agents_[a];
    it.phase = InteractionPhase::kOffered;
    it.agent = a;
    it.offer = ++offer_sequence_;
    it.excluded_agent = kNone;
    cancel_timer(slot);
    offer_slots_.insert(it.offer, slot);
    agent.offers.push_back(slot);
    take_slot(a, it.channel);
    agent.idle_since_ms = now_ms_;
    for (Membership& membership : agent.memberships) {
      if (membership.queue == it.queue) membership.last_offer_sequence = it.offer;
    }
    refresh_agent(a);
    const int c = channel_index(it.channel);
    const std::int64_t deadline = now_ms_ + config_.offer_timeout[c].count();
    Event& event = emit_interaction(EventType::kOffered, slot);
    event.deadline = time_from_ms(deadline);
    if (config_.auto_accept[c]) {
      activate(slot);
    } else {
      schedule(slot, deadline);
    }
  }

  void forget_offer(std::uint32_t slot) {
    Interaction& it = interactions_[slot];
    offer_slots_.erase(it.offer);
    auto& offers = agents_[it.agent].offers;
    offers.erase(std::find(offers.begin(), offers.end(), slot));
  }

  void activate(std::uint32_t slot) {
    Interaction& it = interactions_[slot];
    forget_offer(slot);
    it.phase = InteractionPhase::kActive;
    cancel_timer(slot);
    emit_interaction(EventType::kAccepted, slot);
  }

  // Withdraws an outstanding offer and frees the agent's slot; the caller
  // decides where the interaction goes.
  void revoke_offer(std::uint32_t slot, const char* reason) {
    Interaction& it = interactions_[slot];
    forget_offer(slot);
    Event& event = emit_interaction(EventType::kOfferRevoked, slot);
    event.reason = reason;
    free_slot(it.agent, it.channel);
    cancel_timer(slot);
  }

  // Agent `a` declined or handed over the interaction: it is not offered it
  // again before retry_after_reject, then it looks for work once more (so an
  // agent left alone with that interaction gets it eventually).
  void spare_agent(std::uint32_t slot, std::uint32_t a) {
    Interaction& it = interactions_[slot];
    it.excluded_agent = a;
    it.excluded_until_ms = now_ms_ + config_.retry_after_reject.count();
    if (config_.retry_after_reject > Duration(0)) {
      schedule_retry(a, it.excluded_until_ms);
    }
  }

  // The interaction returns to its place; agent `a` is spared it for a while.
  void put_back_after_offer(std::uint32_t slot, std::uint32_t a) {
    spare_agent(slot, a);
    put_waiting(slot, /*stage_from_wait=*/true);
    match_interaction(slot);
  }

  void miss_offer(std::uint32_t slot, EventType why) {
    Interaction& it = interactions_[slot];
    const std::uint32_t a = it.agent;
    Agent& agent = agents_[a];
    forget_offer(slot);
    emit_interaction(why, slot);
    free_slot(a, it.channel);
    ++agent.missed_in_a_row;
    put_back_after_offer(slot, a);
    if (config_.max_missed_offers > 0 && agent.missed_in_a_row >= config_.max_missed_offers &&
        agent.state == AgentState::kAvailable) {
      change_state(a, AgentState::kPaused, "missed");
    } else {
      serve_agent(a);
    }
  }

  // Takes the interaction away from wherever it is (waiting, offered, active)
  // for a transfer; returns the agent who had it, or kNone.
  std::uint32_t detach_for_transfer(std::uint32_t slot) {
    Interaction& it = interactions_[slot];
    switch (it.phase) {
      case InteractionPhase::kWaiting:
        leave_waiting(slot);
        return kNone;
      case InteractionPhase::kOffered: {
        const std::uint32_t a = it.agent;
        revoke_offer(slot, "transferred");
        it.agent = kNone;
        spare_agent(slot, a);
        return a;
      }
      case InteractionPhase::kActive: {
        const std::uint32_t a = it.agent;
        free_slot(a, it.channel);
        cancel_timer(slot);
        it.agent = kNone;
        spare_agent(slot, a);  // not offered straight back to who handed it over
        return a;
      }
      case InteractionPhase::kWrapup:
        break;
    }
    return kNone;
  }

  // The contact and its wrap-up are over: the agent's slot is free.
  void finish_slot(std::uint32_t slot, bool emit_wrapup_end) {
    Interaction& it = interactions_[slot];
    const std::uint32_t a = it.agent;
    if (emit_wrapup_end) emit_interaction(EventType::kWrapupEnded, slot);
    free_slot(a, it.channel);
    release_interaction(slot);
    serve_agent(a);
  }
};

Engine::Engine(EngineConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}
Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

Status Engine::upsert_queue(Time now, QueueConfig queue) {
  return impl_->upsert_queue(now, std::move(queue));
}
Status Engine::remove_queue(Time now, QueueId queue) {
  return impl_->remove_queue(now, queue);
}
Status Engine::upsert_agent(Time now, AgentConfig agent) {
  return impl_->upsert_agent(now, std::move(agent));
}
Status Engine::set_agent_skills(Time now, AgentId agent, std::vector<SkillLevel> skills) {
  return impl_->set_agent_skills(now, agent, std::move(skills));
}
Status Engine::set_agent_capacity(Time now, AgentId agent, Channel channel, int slots) {
  return impl_->set_agent_capacity(now, agent, channel, slots);
}
Status Engine::set_agent_state(Time now, AgentId agent, AgentState state, std::string reason) {
  return impl_->set_agent_state(now, agent, state, std::move(reason));
}
Status Engine::arrive(Time now, InteractionSpec interaction) {
  return impl_->arrive(now, std::move(interaction));
}
Status Engine::accept(Time now, OfferId offer) {
  return impl_->accept(now, offer);
}
Status Engine::reject(Time now, OfferId offer) {
  return impl_->reject(now, offer);
}
Status Engine::abandon(Time now, InteractionId interaction) {
  return impl_->abandon(now, interaction);
}
Status Engine::complete(Time now, InteractionId interaction, std::string wrapup_code) {
  return impl_->complete(now, interaction, std::move(wrapup_code));
}
Status Engine::end_wrapup(Time now, InteractionId interaction) {
  return impl_->end_wrapup(now, interaction);
}
Status Engine::identify(Time now, InteractionId interaction, CitizenId citizen) {
  return impl_->identify(now, interaction, citizen);
}
Status Engine::transfer_to_queue(Time now, InteractionId interaction, QueueId queue) {
  return impl_->transfer_to_queue(now, interaction, queue);
}
Status Engine::transfer_to_agent(Time now, InteractionId interaction, AgentId agent,
                                 Duration timeout) {
  return impl_->transfer_to_agent(now, interaction, agent, timeout);
}
Status Engine::request_callback(Time now, InteractionId interaction) {
  return impl_->request_callback(now, interaction);
}
Status Engine::advance(Time now) {
  return impl_->advance(now);
}
std::optional<Time> Engine::next_deadline() const {
  return impl_->next_deadline();
}
std::vector<Event> Engine::drain_events() {
  return impl_->drain_events();
}
void Engine::drain_events_into(std::vector<Event>& out) {
  impl_->drain_events_into(out);
}
std::optional<InteractionStatus> Engine::interaction(InteractionId id) const {
  return impl_->interaction(id);
}
std::optional<AgentStatus> Engine::agent(AgentId id) const {
  return impl_->agent(id);
}
std::optional<QueueStatus> Engine::queue(QueueId id) const {
  return impl_->queue(id);
}
std::size_t Engine::waiting_count() const {
  return impl_->waiting_count();
}
Time Engine::now() const {
  return impl_->now();
}

}  // namespace guichet::routing
