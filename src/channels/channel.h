// The contract between the contact center and a channel — the phone today;
// web chat, email, SMS and social messaging next. docs/channels.md says how
// to add one.
//
// A channel gets a Host: the contact center as every channel sees it. A
// contact arriving (a call, a voicemail left, a first message) becomes an
// interaction through arrive(); the channel answers offers for its agents
// (a phone that rings and is picked up accepts), ends interactions (a
// caller who hangs up abandons), and notes what happened in the timeline.
// It reads the configuration it needs (its documents, queues, calendars)
// through the Host, never the store.
//
// A channel gives: the engine's events (an offer to deliver — a ring, a
// notice — or an interaction's end), configuration changes, an agent's
// action on a live contact (hold, hang up), an agent's reply to deliver to
// the citizen (written channels), its figures (Prometheus lines and a JSON
// object) — and it starts when made and stops when destroyed.
//
// Threads: on_events() is called on the engine's thread with the engine
// held, and must only hand the events to the channel's own thread; the rest
// from API workers. Host calls may block on the store (never from
// on_events()).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/calendar.h"
#include "core/result.h"
#include "core/time.h"
#include "knowledge/index.h"
#include "routing/engine.h"
#include "store/store.h"

namespace guichet::channels {

// A citizen's address on a channel: {"phone", "+33612345678"},
// {"email", "jean@exemple.fr"}; kinds as citizens' contacts.
struct Address {
  std::string kind;
  std::string value;
};

// A contact arriving on a channel.
struct Arrival {
  routing::Channel channel = routing::Channel::kVoice;
  bool queue_channel = false;  // take the queue's own channel (a voicemail left in a task queue)
  std::uint64_t queue_id = 0;
  int priority = 0;
  Address from;  // empty value: unknown; else its citizen is recognised by it
  // What the channel collected (the number called, the IVR's digits): a
  // few short strings, bounded as the API bounds them.
  std::map<std::string, std::string> attributes;
  // Stored, not routed until Host::route (the chat's bot answers first).
  bool hold = false;
  // The answer's deadline the channel gives the request (an email's: its
  // queue's working days, the date its acknowledgement announces when the
  // mailbox sends one): routed by it rather than by the queue's service level.
  std::optional<Time> answer_due;
};

// A queue as a citizen about to write sees it.
struct QueueNow {
  std::size_t waiting = 0;       // routed, not yet with an agent
  std::size_t ready_agents = 0;  // could take the next one now
  // A new arrival's likely wait: 0 with agents ready and nobody waiting;
  // else today's average speed of answer, or the longest wait now when
  // nobody was answered yet today.
  double expected_wait_s = 0;
};

// An interaction not ended, as a channel taking back its own after a
// restart sees it.
struct OpenInteraction {
  std::uint64_t id = 0;
  std::string phase;  // "waiting", "offered", "active", "wrapup"; empty: not routed
  std::map<std::string, std::string> attributes;
  std::optional<Time> answer_due;  // Arrival::answer_due, as it was given
};

// An agent's reply to deliver to the citizen (written channels), and what
// became of it.
// A file an agent's reply carries: one kept in the interaction (an
// "attachment" event names it), read from `path` when the reply is made.
struct ReplyFile {
  std::string name;
  std::string type;
  std::string path;
};
struct Reply {
  std::uint64_t interaction = 0;
  std::uint64_t agent = 0;
  std::string text;
  std::vector<ReplyFile> files{};  // channels that carry none refuse them
};
enum class Delivery { kSent, kDelivered, kFailed };

class Host {
 public:
  virtual ~Host() = default;

  // The contact center's time (its clock, never the machine's).
  virtual Time now() = 0;

  // A contact becomes an interaction: stored durably, its citizen found by
  // the address, then routed. `done` is called once, on the store's thread
  // (quick, without waiting for the store): the interaction's id, or why not.
  virtual void arrive(Arrival arrival, std::function<void(Result<std::uint64_t>)> done) = 0;

  // The channel's agent answered an offer (picked up, or did not).
  virtual Status answer_offer(std::uint64_t offer, std::uint64_t agent, bool accept) = 0;
  // Back to a queue, by the channel (the phone of the agent who accepted did not answer).
  virtual Status requeue(std::uint64_t interaction, std::uint64_t queue) = 0;
  // The citizen left.
  virtual Status abandon(std::uint64_t interaction) = 0;
  // A waiting call becomes a callback, keeping its place.
  virtual Status request_callback(std::uint64_t interaction) = 0;
  // A held interaction (Arrival::hold) enters its queue, its wait from now.
  virtual Status route(std::uint64_t interaction) = 0;
  // A message of a held interaction (the citizen's to the bot, the bot's):
  // durable when it returns, for the agent who takes it later.
  virtual Result<Time> record_message(std::uint64_t interaction, bool from_bot,
                                      std::string text) = 0;
  // As record_message and receive, without waiting: `written` gets when it
  // was written once durable, on the store's thread (it must not block);
  // a refusal at once, on the caller's.
  using Written = std::function<void(Result<Time>)>;
  virtual void record_message_async(std::uint64_t interaction, bool from_bot, std::string text,
                                    Written written) = 0;
  virtual void receive_async(std::uint64_t interaction, std::string text, Written written) = 0;
  // A held interaction ends without a person (answered by the bot, or left).
  virtual Status end_held(std::uint64_t interaction, bool answered) = 0;
  // The published knowledge articles that best answer a question.
  virtual Result<std::vector<knowledge::Hit>> search_knowledge(std::string_view question,
                                                               std::size_t limit) = 0;
  // A passing fact for the agent holding the interaction, live, not kept
  // ("citizen_typing", "citizen_read" {"up_to"}).
  virtual void tell_agent(std::uint64_t interaction, const std::string& type,
                          const std::string& data_json) = 0;
  // A queue's figures now (kNotFound for none).
  virtual Result<QueueNow> queue_now(std::uint64_t queue) = 0;

  // The citizen's message in a conversation under way (written channels):
  // durable when it returns, then pushed to its agent. When it was written;
  // kFailedPrecondition once the interaction has ended.
  virtual Result<Time> receive(std::uint64_t interaction, std::string text) = 0;
  // A fact in the interaction's timeline ("recording" {"file"}), in order
  // with the engine's events.
  virtual void note(std::uint64_t interaction, const std::string& type,
                    const std::string& data_json) = 0;
  // The same, durable when it returns (a file kept: its event names it).
  virtual Status note_durably(std::uint64_t interaction, const std::string& type,
                              const std::string& data_json) = 0;
  // The state of the contact at its agent ("ringing", "connected",
  // "on_hold", "ended", "not_answered"): in the timeline, and live.
  virtual void note_contact(std::uint64_t interaction, std::uint64_t agent,
                            const std::string& state) = 0;
  // What became of an agent's reply (written channels).
  virtual void note_delivery(const Reply& reply, Delivery delivery, const std::string& detail) = 0;

  // The interactions of `channel` not ended.
  virtual Result<std::vector<OpenInteraction>> open_interactions(routing::Channel channel) = 0;
  // Agents ready to take each queue's next interaction.
  virtual std::map<std::uint64_t, int> ready_agents() = 0;

  // The configuration: documents of a kind ("ivr_flow", "queue", "agent"…),
  // one by id, a business calendar parsed.
  virtual Result<std::vector<store::Document>> documents(const std::string& kind) = 0;
  virtual Result<store::Document> document(const std::string& kind, std::uint64_t id) = 0;
  virtual Result<std::shared_ptr<const BusinessCalendar>> calendar(std::uint64_t id) = 0;
  // A queue's hours (the calendar it follows, or its own); null: always open.
  virtual std::shared_ptr<const BusinessCalendar> queue_hours(std::uint64_t queue) = 0;

  // What a channel keeps of its own, durably, under its name (an email's
  // Message-ID and its interaction, a mailbox's last message read): see
  // store::Store::put_channel_entries. keep() returns once it is on disk.
  virtual Status keep(const std::string& channel,
                      const std::vector<store::ChannelEntry>& entries) = 0;
  virtual Result<std::string> kept(const std::string& channel, const std::string& key) = 0;
  virtual Result<std::vector<store::ChannelEntry>> kept_from(const std::string& channel,
                                                             const std::string& prefix) = 0;
};

class Channel {
 public:
  virtual ~Channel() = default;  // stops: hangs up, ends what it holds

  // "voice": its name in figures and logs.
  virtual std::string_view name() const = 0;
  // Whether interactions of `channel` are this channel's to deliver.
  virtual bool carries(routing::Channel channel) const = 0;

  // Every engine event (see the threads above). An offer of one of its
  // interactions is delivered (a ring, a notice); an end ends the contact.
  virtual void on_events(const std::vector<routing::Event>& events) = 0;
  // A configuration change was saved: `kind` of document.
  virtual void on_config(const std::string& kind) = 0;

  // An agent's action on a live contact of this channel ("hold", "resume",
  // "hangup" for a call), by the agent handling it or a supervisor.
  virtual Status control(std::uint64_t interaction, const std::string& action, std::uint64_t agent,
                         bool manager) = 0;
  // An agent's reply to the citizen: what becomes of it goes to
  // Host::note_delivery. A channel that carries no written replies says so.
  // kNotFound with field "interaction": not one of its conversations — the
  // channel added before it that carries the medium is given it.
  virtual Status deliver(const Reply& reply) = 0;

  // Its figures: Prometheus lines (guichet_<name>_…), and a JSON object.
  virtual std::string metrics() const = 0;
  virtual std::string stats_json() const = 0;
};

}  // namespace guichet::channels
