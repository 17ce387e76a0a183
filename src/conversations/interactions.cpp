// Interactions: created durably then routed, their views, and what the agent
// handling one does (transfer, complete, messages); the channels' notes.
#include "conversations/detail/contact_center_impl.h"

#include "core/json_format.h"
#include "core/text.h"
#include "core/waiting.h"

namespace guichet::conversations {

using namespace detail;

namespace {

// An agent's note as the timeline keeps it (the citizen's 360° view reads it).
std::string note_json(std::uint64_t agent, const std::string& text) {
  return "{\"agent_id\":" + std::to_string(agent) + ",\"note\":" + json_quote(text) + "}";
}

}  // namespace

// Validates here, then stores and routes on the store's thread: no thread
// waits for the disk, so creates are limited by group commit, not by a
// thread per pending create.
void ContactCenter::Impl::create_interaction_async(NewInteraction asked, CreateDone done) {
  if (asked.queue == 0) return done(invalid_argument("must be a positive id", "queue_id"));
  if (asked.priority < -1000 || asked.priority > 1000)
    return done(invalid_argument("must be -1000..1000", "priority"));
  auto attributes = attributes_json(asked.attributes);
  if (!attributes) return done(attributes.error());
  // Refuse before writing what the engine would refuse. (The store checks
  // the citizen and follows a merge.)
  if (Status s = check_queue(asked.queue, asked.channel); !s) return done(s.error());
  const bool hold = asked.hold;
  store::Interaction it;
  it.channel = routing::to_string(asked.channel);
  it.queue_id = asked.queue;
  it.citizen_id = asked.citizen;
  it.priority = asked.priority;
  it.attributes_json = std::move(*attributes);
  it.idempotency_key = std::move(asked.idempotency_key);
  it.request_digest = std::move(asked.request_digest);
  it.enqueued_at = now();
  it.answer_due = asked.answer_due;
  store::InteractionEvent created;
  created.type = "created";
  created.at = it.enqueued_at;
  created.data_json = "{\"queue_id\":" + std::to_string(it.queue_id) + "}";
  // Counted until answered: a stop waits for them (drain) before the
  // engine and the server go away.
  {
    std::lock_guard lock(in_flight_mutex_);
    ++in_flight_;
  }
  CreateDone answer = [this, done = std::move(done)](Result<InteractionView> view) {
    done(std::move(view));
    std::lock_guard lock(in_flight_mutex_);
    if (--in_flight_ == 0) in_flight_done_.notify_all();
  };
  store_.create_interaction_async(
      std::move(it), std::move(created),
      [this, hold, answer = std::move(answer)](Result<store::Interaction> stored) mutable {
        if (!stored) return answer(stored.error());
        if (stored->replayed) return answer(interaction_view(*stored));  // routed the first time
        if (hold) return answer(interaction_view(*stored));              // route() routes it
        routed(*stored, std::move(answer));
      });
}

Result<std::string> ContactCenter::Impl::attributes_json(
    const std::vector<std::pair<std::string, std::string>>& attributes) {
  if (attributes.size() > kMaxAttributes) {
    return invalid_argument("at most " + std::to_string(kMaxAttributes) + " attributes",
                            "attributes");
  }
  std::size_t bytes = 0;
  std::string out = "{";
  for (const auto& [key, value] : attributes) {
    if (key.empty() || key.size() > kMaxAttributeKey) {
      return invalid_argument("names of 1 to 64 characters", "attributes");
    }
    if (utf8_length(value) > kMaxAttributeValue) {
      return invalid_argument("at most 2000 characters", "attributes." + key);
    }
    bytes += key.size() + value.size();
    if (out.size() > 1) out += ",";
    out += json_quote(key) + ":" + json_quote(value);
  }
  if (bytes > kMaxAttributesBytes) return invalid_argument("at most 16 KiB in all", "attributes");
  return out + "}";
}

// Waits (up to a minute) for the creates being stored to be answered.
void ContactCenter::Impl::drain() {
  std::unique_lock lock(in_flight_mutex_);
  in_flight_done_.wait_for(lock, std::chrono::minutes(1), [this] { return in_flight_ == 0; });
}

Result<InteractionView> ContactCenter::Impl::create_interaction(NewInteraction asked) {
  return wait_for<Result<InteractionView>>(
      [&](auto answer) { create_interaction_async(std::move(asked), std::move(answer)); });
}

Result<InteractionRecord> ContactCenter::Impl::interaction(std::uint64_t id) {
  auto it = store_.interaction(id);
  if (!it) return it.error();
  auto timeline = store_.timeline(id);
  if (!timeline) return timeline.error();
  return InteractionRecord{interaction_view(std::move(*it)), std::move(*timeline)};
}

Result<InteractionPage> ContactCenter::Impl::list_interactions(
    const store::InteractionFilter& filter) {
  auto found = store_.list_interactions(filter);
  if (!found) return found.error();
  InteractionPage page;
  if (found->size() == filter.limit && !found->empty()) page.next_before_id = found->back().id;
  page.interactions = interaction_views(std::move(*found));
  return page;
}

Result<std::vector<InteractionView>> ContactCenter::Impl::answers_due(Duration within,
                                                                      std::size_t limit) {
  auto found = store_.answers_due(now() + within, limit);
  if (!found) return found.error();
  return interaction_views(std::move(*found));
}

Status ContactCenter::Impl::transfer(std::uint64_t interaction, std::uint64_t caller, bool manager,
                                     const Transfer& to) {
  const bool to_queue = to.queue != 0;
  if (to_queue == (to.agent != 0)) return invalid_argument("give queue_id or agent_id", "queue_id");
  const std::uint64_t target = to_queue ? to.queue : to.agent;
  const double timeout_s = to.timeout_s;
  if (!(timeout_s > 0 && timeout_s <= 3600))
    return invalid_argument("must be 0..3600", "timeout_s");
  if (utf8_length(to.note) > 1000) return invalid_argument("at most 1000 characters", "note");
  Status status = engine_.run([&](routing::Engine& e, Time now) -> Status {
    auto current = e.interaction(interaction);
    if (!current) return not_found("no such interaction in progress", "id");
    if (!manager && current->agent != caller) {
      return failed_precondition("you are not handling this interaction", "id");
    }
    // A colleague who cannot take it now is said so at once: it bounced
    // back after the offer's time, without a word.
    if (!to_queue) {
      auto colleague = e.agent(target);
      if (!colleague) return not_found("no such agent", "agent_id");
      if (colleague->state == routing::AgentState::kOffline) {
        return failed_precondition("the colleague is offline", "agent_id");
      }
      if (colleague->state == routing::AgentState::kPaused) {
        return failed_precondition("the colleague is paused", "agent_id");
      }
    }
    if (to_queue) return e.transfer_to_queue(now, interaction, target);
    Status moved = e.transfer_to_agent(now, interaction, target, seconds(timeout_s));
    // Kept once made (its events reach on_events after the command): the
    // colleague's offer says who sent it, and whoever sent it (the agent, or
    // a supervisor) is told if it bounces.
    if (moved) {
      std::lock_guard lock(offers_mutex_);
      transfers_[interaction] = {caller, target, to.note};
    }
    return moved;
  });
  if (!status) return in_api_terms(status.error());
  if (!to.note.empty()) {
    note(interaction, "transfer_note",
         "{\"agent_id\":" + std::to_string(caller) + ",\"to_agent_id\":" + std::to_string(target) +
             ",\"note\":" + json_quote(to.note) + "}");
  }
  return writer_.wait(writer_.ticket());
}

// In progress and held by `agent`: active, or in their wrap-up.
Status ContactCenter::Impl::handled_by(const std::optional<routing::InteractionStatus>& status,
                                       std::uint64_t agent) {
  if (!status) return not_found("no such interaction in progress", "id");
  const bool held = status->phase == routing::InteractionPhase::kActive ||
                    status->phase == routing::InteractionPhase::kWrapup;
  if (status->agent != agent || !held) {
    return failed_precondition("you are not handling this interaction", "id");
  }
  return Status::ok();
}

Result<Time> ContactCenter::Impl::add_note(std::uint64_t interaction, std::uint64_t agent,
                                           const std::string& text) {
  if (text.empty() || utf8_length(text) > 4000) {
    return invalid_argument("1 to 4000 characters", "note");
  }
  std::optional<routing::InteractionStatus> current;
  engine_.inspect([&](const routing::Engine& e) { current = e.interaction(interaction); });
  if (Status s = handled_by(current, agent); !s) return s.error();
  const Time at = note(interaction, "note", note_json(agent, text));
  if (Status s = writer_.wait(writer_.ticket()); !s) return s.error();
  return at;
}

Result<std::uint64_t> ContactCenter::Impl::identify(std::uint64_t interaction, std::uint64_t caller,
                                                    bool manager, std::uint64_t citizen) {
  if (citizen == 0) return invalid_argument("must be a positive id", "citizen_id");
  // Citizens are never deleted: once checked here, the store's write of
  // the link cannot fail on it (a failed timeline write stops the writer).
  auto found = store_.citizen(citizen);
  if (!found) return not_found("no such citizen", "citizen_id");
  const std::uint64_t kept = found->merged_into != 0 ? found->merged_into : citizen;
  std::optional<routing::InteractionStatus> status;
  Status linked = engine_.run([&](routing::Engine& e, Time now) -> Status {
    status = e.interaction(interaction);
    if (!status) return not_found("no such interaction in progress", "id");
    if (!manager) {
      if (Status s = handled_by(status, caller); !s) return s;
    }
    return e.identify(now, interaction, kept);
  });
  if (!linked) return in_api_terms(linked.error());
  store::InteractionEvent event;
  event.interaction_id = interaction;
  event.type = "citizen_identified";
  event.at = now();
  event.citizen_id = kept;
  event.data_json =
      "{\"by_user_id\":" + std::to_string(caller) + ",\"citizen_id\":" + std::to_string(kept) + "}";
  if (Status s = writer_.wait(writer_.enqueue({event})); !s) return s.error();
  live_.publish(status->agent, status->queue,
                "{\"type\":\"citizen_identified\",\"at\":" + json_quote(iso8601(event.at)) +
                    ",\"interaction_id\":" + std::to_string(interaction) + ",\"citizen_id\":" +
                    std::to_string(kept) + ",\"agent_id\":" + std::to_string(status->agent) +
                    ",\"queue_id\":" + std::to_string(status->queue) + "}");
  return kept;
}

Status ContactCenter::Impl::request_callback(std::uint64_t interaction) {
  Status status = engine_.run(
      [&](routing::Engine& e, Time now) { return e.request_callback(now, interaction); });
  if (!status)
    return status.error().code == ErrorCode::kNotFound && status.error().field == "interaction"
               ? Status(not_found("no such interaction in progress", "id"))
               : status;
  return writer_.wait(writer_.ticket());
}

Status ContactCenter::Impl::abandon(std::uint64_t interaction) {
  Status status =
      engine_.run([&](routing::Engine& e, Time now) { return e.abandon(now, interaction); });
  if (!status)
    return status.error().code == ErrorCode::kNotFound
               ? Status(not_found("no such interaction in progress", "id"))
               : status;
  return writer_.wait(writer_.ticket());
}

Status ContactCenter::Impl::complete(std::uint64_t interaction, std::uint64_t agent,
                                     const std::string& code, const std::string& note) {
  if (code.size() > 64) return invalid_argument("at most 64 characters", "wrapup_code");
  if (Status s = one_of(kWrapupCode, code, "wrapup_code"); !s) return s;
  if (utf8_length(note) > 4000) return invalid_argument("at most 4000 characters", "note");
  Status status = engine_.run([&](routing::Engine& e, Time now) -> Status {
    auto status_now = e.interaction(interaction);
    if (!status_now) return not_found("no such interaction in progress", "id");
    if (status_now->agent != agent || status_now->phase != routing::InteractionPhase::kActive) {
      return failed_precondition("you are not handling this interaction", "id");
    }
    return e.complete(now, interaction, code);
  });
  if (!status) return status;
  if (!note.empty()) this->note(interaction, "note", note_json(agent, note));
  return writer_.wait(writer_.ticket());
}

Status ContactCenter::Impl::end_wrapup(std::uint64_t interaction, std::uint64_t agent) {
  Status status = engine_.run([&](routing::Engine& e, Time now) -> Status {
    auto status_now = e.interaction(interaction);
    if (!status_now) return not_found("no such interaction in progress", "id");
    if (status_now->agent != agent || status_now->phase != routing::InteractionPhase::kWrapup) {
      return failed_precondition("the interaction is not in your wrap-up", "id");
    }
    return e.end_wrapup(now, interaction);
  });
  if (!status) return status;
  return writer_.wait(writer_.ticket());
}

// A message in an interaction's conversation: from the citizen (brought by
// an integration: a web chat, a messaging bridge — supervisor or admin
// tokens) or from the agent handling it. Stored in the timeline, then
// pushed to the agent and supervisors (and so to the integration, which
// delivers the agent's replies).
Result<ContactCenter::Impl::PostedMessage> ContactCenter::Impl::posted_message(
    std::uint64_t interaction, std::uint64_t caller, bool manager, Author from_who,
    const std::string& text) {
  if (text.empty() || utf8_length(text) > 4000) {
    return invalid_argument("1 to 4000 characters", "text");
  }
  const std::string from = to_string(from_who);
  if (from_who == Author::kCitizen && !manager) {
    return failed_precondition("the citizen's messages come from an integration", "from");
  }
  std::optional<routing::InteractionStatus> status;
  engine_.inspect([&](const routing::Engine& e) { status = e.interaction(interaction); });
  if (!status) {
    if (!store_.interaction(interaction)) return not_found("no such interaction", "id");
    return failed_precondition("the interaction has ended", "id");
  }
  if (from_who == Author::kAgent && !manager &&
      (status->agent != caller || status->phase != routing::InteractionPhase::kActive)) {
    return failed_precondition("you are not handling this interaction", "id");
  }
  store::InteractionEvent event;
  event.interaction_id = interaction;
  event.type = "message";
  event.at = now();
  const std::uint64_t author = from_who == Author::kAgent ? caller : 0;
  event.data_json = "{\"from\":\"" + from + "\",\"agent_id\":" + std::to_string(author) +
                    ",\"text\":" + json_quote(text) + "}";
  PostedMessage posted;
  posted.live = "{\"type\":\"message\",\"at\":" + json_quote(iso8601(event.at)) +
                ",\"interaction_id\":" + std::to_string(interaction) +
                ",\"channel\":" + json_quote(routing::to_string(status->channel)) + ",\"from\":\"" +
                from + "\",\"text\":" + json_quote(text) +
                (status->agent ? ",\"agent_id\":" + std::to_string(status->agent) : std::string()) +
                ",\"queue_id\":" + std::to_string(status->queue) + "}";
  posted.event = std::move(event);
  posted.agent = status->agent;
  posted.queue = status->queue;
  posted.channel = status->channel;
  return posted;
}

Result<Message> ContactCenter::Impl::post_message(std::uint64_t interaction, std::uint64_t caller,
                                                  bool manager, Author from_who, std::string text) {
  auto posted = posted_message(interaction, caller, manager, from_who, text);
  if (!posted) return posted.error();
  if (Status s = writer_.wait(writer_.enqueue({posted->event})); !s) return s.error();
  live_.publish(posted->agent, posted->queue, posted->live);
  return Message{interaction, posted->channel, posted->event.at, from_who, std::move(text)};
}

void ContactCenter::Impl::post_message_async(std::uint64_t interaction, std::uint64_t caller,
                                             bool manager, Author from_who, std::string text,
                                             ContactCenter::Written written) {
  auto posted = posted_message(interaction, caller, manager, from_who, text);
  if (!posted) return written(posted.error());
  const std::uint64_t ticket = writer_.enqueue({posted->event});
  writer_.when_written(ticket,
                       [this, posted = std::move(*posted), written = std::move(written)](Status s) {
                         if (!s) return written(s.error());
                         live_.publish(posted.agent, posted.queue, posted.live);
                         written(posted.event.at);
                       });
}

// Returns when it happened, as written.
Time ContactCenter::Impl::note(std::uint64_t interaction, const std::string& type,
                               const std::string& data_json) {
  store::InteractionEvent event;
  event.interaction_id = interaction;
  event.type = type;
  event.at = now();
  event.data_json = data_json;
  writer_.enqueue({event});
  return event.at;
}

// A call's state for the call card: in the timeline, and pushed live.
void ContactCenter::Impl::note_call(std::uint64_t interaction, std::uint64_t agent,
                                    const std::string& state) {
  std::optional<routing::InteractionStatus> status;
  engine_.inspect([&](const routing::Engine& e) { status = e.interaction(interaction); });
  const Time at =
      note(interaction, "call",
           "{\"state\":" + json_quote(state) + ",\"agent_id\":" + std::to_string(agent) + "}");
  const std::uint64_t queue = status ? status->queue : 0;
  live_.publish(agent, queue,
                "{\"type\":\"call\",\"at\":" + json_quote(iso8601(at)) + ",\"interaction_id\":" +
                    std::to_string(interaction) + ",\"agent_id\":" + std::to_string(agent) +
                    ",\"queue_id\":" + std::to_string(queue) + ",\"state\":" + json_quote(state) +
                    "}");
}

bool ContactCenter::Impl::agent_involved(std::uint64_t interaction, std::uint64_t agent) {
  bool now_theirs = false;
  engine_.inspect([&](const routing::Engine& e) {
    auto status = e.interaction(interaction);
    now_theirs = status && status->agent == agent;
  });
  if (now_theirs) return true;
  // Once theirs: offered to them, accepted, handled (its timeline says).
  auto timeline = store_.timeline(interaction);
  if (!timeline) return false;
  for (const store::InteractionEvent& e : *timeline) {
    boost::system::error_code ec;
    json::value data = json::parse(e.data_json, ec);
    if (!ec && data.is_object() &&
        json_body::int_or(data.as_object(), "agent_id", 0) == static_cast<std::int64_t>(agent)) {
      return true;
    }
  }
  return false;
}

// What the agent holds now (offered, active, in wrap-up), oldest first.
Result<std::vector<InteractionView>> ContactCenter::Impl::agent_interactions(std::uint64_t agent) {
  std::vector<std::uint64_t> ids;
  {
    std::lock_guard lock(offers_mutex_);
    if (auto found = held_.find(agent); found != held_.end()) {
      ids.assign(found->second.begin(), found->second.end());
    }
  }
  std::vector<std::uint64_t> gone;
  engine_.inspect([&](const routing::Engine& e) {
    std::erase_if(ids, [&](std::uint64_t id) {
      auto status = e.interaction(id);
      const bool held = status && status->agent == agent &&
                        (status->phase == routing::InteractionPhase::kActive ||
                         status->phase == routing::InteractionPhase::kWrapup);
      if (!held) gone.push_back(id);
      return !held;
    });
  });
  if (!gone.empty()) {
    std::lock_guard lock(offers_mutex_);
    auto& mine = held_[agent];
    for (std::uint64_t id : gone)
      mine.erase(id);
  }
  std::vector<store::Interaction> items;
  for (std::uint64_t id : ids) {
    auto it = store_.interaction(id);
    if (it) items.push_back(std::move(*it));
  }
  return interaction_views(std::move(items));
}

// From memory: every create asks, and the engine has the queue whenever
// this map does (both change together in apply() and remove()).
// A stored interaction to the engine, then its view to `done` — once its
// outcome is stored when it ended at once. On the store's thread.
void ContactCenter::Impl::routed(const store::Interaction& stored, CreateDone done) {
  bool ended = false;
  if (Status s = arrive(stored, &ended); !s) {
    store::InteractionEvent closed;
    closed.interaction_id = stored.id;
    closed.type = "closed";
    closed.at = now();
    closed.data_json = "{\"reason\":" + json_quote(s.to_string()) + "}";
    writer_.enqueue({closed});
    return done(s.error());
  }
  if (!ended) return done(interaction_view(stored));
  // Its outcome is part of the answer.
  writer_.when_written(writer_.ticket(),
                       [this, id = stored.id, done = std::move(done)](Status written) mutable {
                         if (!written) return done(written.error());
                         auto reread = store_.interaction(id);
                         if (!reread) return done(reread.error());
                         done(interaction_view(*reread));
                       });
}

Status ContactCenter::Impl::check_queue(std::uint64_t queue, Channel channel) {
  std::lock_guard stats(stats_mutex_);
  auto found = queue_channels_.find(queue);
  if (found == queue_channels_.end()) return not_found("no such queue", "queue_id");
  if (found->second != channel)
    return invalid_argument("the queue serves another channel", "channel");
  return Status::ok();
}

// Routes a stored interaction. `ended`, if given, tells whether it ended at
// once (closed outcome: the queue was closed or full).
Status ContactCenter::Impl::arrive(const store::Interaction& it, bool* ended) {
  auto channel = routing::channel_from_string(it.channel);
  if (!channel) return invalid_argument("unknown channel", "channel");
  return engine_.run([&](routing::Engine& e, Time now) {
    routing::InteractionSpec spec;
    spec.id = it.id;
    spec.channel = *channel;
    spec.queue = it.queue_id;
    spec.citizen = it.citizen_id;
    spec.priority = it.priority;
    spec.enqueued_at = std::min(it.enqueued_at, now);
    spec.due_at = it.answer_due;
    Status status = e.arrive(now, spec);
    if (ended) *ended = status && !e.interaction(it.id);
    return status;
  });
}

// Stored interactions with the live phase and agent of those the engine
// holds: one visit to the engine thread for the whole list.
std::vector<InteractionView> ContactCenter::Impl::interaction_views(
    std::vector<store::Interaction> items) {
  std::vector<InteractionView> views(items.size());
  engine_.inspect([&](const routing::Engine& e) {
    for (std::size_t i = 0; i < items.size(); ++i) {
      auto status = e.interaction(items[i].id);
      if (!status) continue;
      views[i].phase = status->phase;
      views[i].agent = status->agent;
      views[i].due_at = status->due_at;
    }
  });
  for (std::size_t i = 0; i < items.size(); ++i)
    views[i].stored = std::move(items[i]);
  return views;
}

InteractionView ContactCenter::Impl::interaction_view(store::Interaction it) {
  std::vector<store::Interaction> one;
  one.push_back(std::move(it));
  return std::move(interaction_views(std::move(one)).front());
}

}  // namespace guichet::conversations
