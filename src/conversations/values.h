// The values the domain takes and gives: interactions as asked for and as
// they stand, messages, citizens' 360° view, agents' states, offers, live
// figures and the configuration in force. Written as JSON only at the API's
// edge (server/routes/); channels use them as they are.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/time.h"
#include "routing/engine.h"
#include "store/store.h"

namespace guichet::conversations {

// An interaction asked for: by a supervisor or an integration (the API), or
// by a channel when a contact arrives.
struct NewInteraction {
  routing::Channel channel = routing::Channel::kTask;
  std::uint64_t queue = 0;
  std::uint64_t citizen = 0;  // 0: not known
  int priority = 0;           // -1000..1000
  // A few strings (what the IVR collected, a form's reference), in order:
  // at most 50, names of 1 to 64 characters, values of at most 2000, 16 KiB
  // in all — no client fills the disk, no list of 500 weighs megabytes.
  std::vector<std::pair<std::string, std::string>> attributes;
  // A client's Idempotency-Key ("<user>:<key>") and a digest of what it
  // asked: a create already made with that key is answered again (its view
  // now) instead of made twice; the same key with another digest is refused
  // (kFailedPrecondition).
  std::string idempotency_key;
  std::string request_digest;
  // Stored, not routed: a written conversation its channel serves first
  // (the chat's bot) until ContactCenter::route. A restart routes it.
  bool hold = false;
  // The deadline announced to the citizen for an answer: the interaction's
  // due time in routing. Channels set it; the API never takes it from a
  // client (it would pass everyone else).
  std::optional<Time> answer_due;
};

// An interaction as it stands: as stored, and — while the engine routes it —
// its phase and the agent it is offered to or held by.
struct InteractionView {
  store::Interaction stored;
  std::optional<routing::InteractionPhase> phase;  // none: not routed now
  std::uint64_t agent = 0;
  // While routed: when it is due, its queue's answer threshold after it
  // arrived (an email's 48 h, a chat's 60 s) — the deadline the service announced.
  std::optional<Time> due_at;
};

// The same with its timeline, oldest first.
struct InteractionRecord {
  InteractionView view;
  std::vector<store::InteractionEvent> timeline;
};

// A page of a listing, newest first; `next_before_id` (0: the last page)
// asks for the next.
struct InteractionPage {
  std::vector<InteractionView> interactions;
  std::uint64_t next_before_id = 0;
};

// kBot: the chat's bot, answering from the knowledge base before a person.
enum class Author : std::uint8_t { kAgent, kCitizen, kBot };
const char* to_string(Author author);

// A message in an interaction's conversation, as written in its timeline.
struct Message {
  std::uint64_t interaction = 0;
  routing::Channel channel = routing::Channel::kChat;  // the interaction's medium
  Time at{};
  Author from = Author::kAgent;
  std::string text;  // 1 to 4000 characters
};

// A citizen as the 360° view shows them: their interactions on every
// channel, newest first (at most 200), each with its outcome and notes.
struct CitizenView {
  store::Citizen citizen;
  struct Note {
    Time at{};
    std::uint64_t agent = 0;
    std::string text;
  };
  struct Contacted {
    store::Interaction interaction;
    std::string wrapup_code;  // empty: none (yet)
    std::vector<Note> notes;
  };
  std::vector<Contacted> interactions;
};

// Where a transfer goes: a queue, or an agent (one of the two, not 0).
struct Transfer {
  std::uint64_t queue = 0;
  std::uint64_t agent = 0;
  double timeout_s = 30;  // the agent's time to answer
  // For the colleague (a warm transfer; empty: blind), up to 1000
  // characters: shown with the offer and kept in the timeline.
  std::string note;
};

// An agent's state now, and since when.
struct AgentStatus {
  std::uint64_t agent = 0;
  routing::AgentState state = routing::AgentState::kOffline;
  std::string reason;
  Time since{};
};

// An offer waiting for its agent's answer, the citizen named.
struct Offer {
  std::uint64_t id = 0;
  std::uint64_t interaction = 0;
  std::uint64_t queue = 0;
  routing::Channel channel = routing::Channel::kTask;
  std::uint64_t citizen = 0;  // 0: not known
  std::string citizen_name;
  Time deadline{};
  // Offered by a colleague's transfer: who, and their note (warm transfer).
  std::uint64_t transferred_by = 0;
  std::string transfer_note;
};

struct QueueSetting {
  std::uint64_t id = 0;
  std::string name;
  routing::QueueConfig config;
};

struct AgentSetting {
  std::uint64_t id = 0;
  std::string name;  // the user name
  routing::AgentConfig config;
  bool connected = false;
};

// A queue on the wallboard: now, and today so far.
struct QueueFigures {
  std::uint64_t queue = 0;
  std::string name;
  std::size_t waiting = 0;
  double longest_wait_s = 0;
  std::size_t ready_agents = 0;
  std::uint64_t offered_today = 0;
  std::uint64_t answered_today = 0;
  std::uint64_t abandoned_today = 0;
  double service_level_today = 1;  // answered within the threshold, of those answered or abandoned
  double service_level_target = 0;
  double asa_s = 0;  // average speed of answer
};

// An agent on the wallboard: state and time in it, what they hold, today's counts.
struct AgentFigures {
  std::uint64_t agent = 0;
  std::string name;   // the user's display name, or their login when they have none
  std::string login;  // the user's username
  std::string team;   // their profile's, empty when none
  routing::AgentState state = routing::AgentState::kOffline;
  std::string reason;
  Time state_since{};
  double time_in_state_s = 0;
  int interactions_in_hand = 0;
  std::uint64_t offered_today = 0;
  std::uint64_t handled_today = 0;
  std::uint64_t missed_today = 0;
};

// Accessible reception (décret 2017-875): a real-time text chat queue's
// hours against its phone line's, and who covered them today.
struct AccessibleCoverage {
  struct Day {
    std::chrono::year_month_day date;
    std::vector<Stretch> phone;       // the phone line open
    std::vector<Stretch> accessible;  // the real-time text channel open
  };
  std::uint64_t queue = 0;
  std::string name;
  std::uint64_t phone_queue = 0;  // whose hours it keeps; 0: its own
  std::string phone_name;
  std::vector<Day> week;  // today and the six days after, local days
  // Today, from `since` (midnight, or when the service started: nobody's
  // presence is known before) until now: the channel open, the part of it
  // with an agent trained for it signed in, and the gaps.
  Time since{};
  Duration open_today{0};
  Duration covered_today{0};
  std::vector<Stretch> gaps_today;
  std::size_t trained = 0;            // agents who hold its skills
  std::size_t trained_signed_in = 0;  // of them, signed in now
};

}  // namespace guichet::conversations
