// IVR flows (SVI): what a caller hears and chooses before reaching a queue.
// A flow is a graph of steps, kept as a JSON document (one per service
// number); `IvrRun` walks one call through it. Pure: no I/O, no clock, no
// threads — the SIP endpoint plays what it is told, arms the timers it is
// given, and reports digits, prompt ends and timeouts back.
//
// Steps ("type"):
//   prompt   {text, next}                      play, then go on
//   (every "text" may be replaced by "audio_id": an uploaded recording)
//   menu     {text, options: {"1": step…}, retries=2, timeout_s=5,
//             invalid_text?, fallback?}         digits (barge-in); after the
//                                               retries: fallback, else hang up
//   collect  {text, attribute, min_digits=1, max_digits=20, timeout_s=8,
//             retries=2, next, fallback?}       digits ended by '#', kept in
//                                               the interaction's attributes
//   hours    {calendar_id, open, closed}        business hours and holidays
//   queue    {queue_id, priority=0, callback_digit?}   wait for an agent
//   voicemail {text, queue_id, max_s=120}       recorded after a beep
//   hangup   {text?}                            a last message, then goodbye
//
// A flow may name a relay provider for deaf, hard-of-hearing and aphasic
// callers (décret 2017-875): "relay": {name, url, callers: [numbers],
// start?}. Its name and page are shown beside the service's number; the
// calls it places come from `callers`, are marked (attribute "relay": its
// name, counted apart in reports) and start at `start` — a step past the
// menu, the relay's operator being no keypad user — or at the flow's start.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace guichet::voice {

struct IvrStep {
  enum class Type { kPrompt, kMenu, kCollect, kHours, kQueue, kVoicemail, kHangup };
  std::string id;
  Type type = Type::kPrompt;
  std::string text;                     // what is said (prompt, menu, collect, voicemail, hangup)
  std::uint64_t audio_id = 0;           // or an uploaded recording said instead
  std::string next;                     // prompt, collect
  std::string invalid;                  // menu: said after a wrong key or silence
  std::map<char, std::string> options;  // menu: digit → step
  std::string fallback;                 // menu, collect: after the retries
  int retries = 2;
  std::chrono::milliseconds timeout{5000};
  std::string attribute;  // collect
  int min_digits = 1;
  int max_digits = 20;
  std::uint64_t calendar_id = 0;  // hours
  std::string open;
  std::string closed;
  std::uint64_t queue_id = 0;  // queue, voicemail
  int priority = 0;
  char callback_digit = 0;  // queue: pressed while waiting → called back
  std::chrono::seconds max_record{120};
};

// One problem found in a flow: the step it is about (empty: the flow) and
// the field, for the editor to point at.
struct IvrProblem {
  std::string step;
  std::string field;
  std::string message;
};

struct IvrRelay {
  std::string name;
  std::string url;
  std::vector<std::string> callers;  // as E.164 where they read as phone numbers
  std::string start;                 // empty: the flow's
};

struct IvrFlow {
  std::string number;  // the service number (DID) it answers
  std::string start;
  std::vector<IvrStep> steps;
  std::optional<IvrRelay> relay;
  // Whether `caller` (a SIP From user part, however written) is the relay's.
  bool from_relay(const std::string& caller) const;
  const IvrStep* step(const std::string& id) const;
  // Every text the flow says (to synthesise once), every recording it plays.
  std::vector<std::string> texts() const;
  std::vector<std::uint64_t> audios() const;
};

// Reads a flow's JSON ({"number","start","steps":[…]}); every shape error
// is a problem. `problems` gets the structural ones as well: a step that
// cannot be reached, a loop without an exit, a missing prompt, a reference
// to no step. Returns the flow when there is none.
Result<IvrFlow> parse_ivr_flow(const std::string& json, std::vector<IvrProblem>& problems);

// What the endpoint does next. Each action replaces the previous one (stop
// the prompt playing, disarm the timer).
struct IvrAction {
  enum class Kind {
    kPlay,       // play `text`; report played(); digits may interrupt it
    kWait,       // wait `wait` for digits; report timed_out()
    kQueue,      // leave the IVR for `queue_id` (with the attributes)
    kVoicemail,  // play `text`, a beep, record up to `max_record` for `queue_id`
    kHangup,     // play `text` (if any), then hang up
  };
  Kind kind = Kind::kHangup;
  std::string text;
  std::uint64_t audio_id = 0;  // when set, played instead of `text`
  std::chrono::milliseconds wait{0};
  std::uint64_t queue_id = 0;
  int priority = 0;
  char callback_digit = 0;
  std::chrono::seconds max_record{0};
};

// One call's walk through a flow. `is_open(calendar_id)` answers the hours
// steps (the caller's clock, not ours).
class IvrRun {
 public:
  using IsOpen = std::function<bool(std::uint64_t calendar_id)>;
  IvrRun(std::shared_ptr<const IvrFlow> flow, IsOpen is_open);

  // Each returns the new action, or nothing when the current one goes on
  // (a digit during a plain prompt, a report that does not apply).
  // `caller`: the calling number, for the relay provider's calls.
  IvrAction start(const std::string& caller = {});
  std::optional<IvrAction> played();           // the kPlay asked for ended
  std::optional<IvrAction> digit(char digit);  // 0-9 * #
  std::optional<IvrAction> timed_out();        // the kWait asked for ended
  const IvrAction& current() const { return action_; }
  // Digits collected, by attribute, and the menu choices ("ivr_path").
  const std::vector<std::pair<std::string, std::string>>& attributes() const { return attributes_; }

 private:
  IvrAction enter(const std::string& step_id, int hops = 0);
  IvrAction retry();
  IvrAction finish_collect();
  IvrAction& set(IvrAction action);
  void keep(const std::string& key, const std::string& value);

  std::shared_ptr<const IvrFlow> flow_;
  IsOpen is_open_;
  const IvrStep* step_ = nullptr;
  int tries_ = 0;
  std::string digits_;
  IvrAction action_;
  std::vector<std::pair<std::string, std::string>> attributes_;
  std::string path_;
  int entered_ = 0;  // steps entered: a bound on a call's walk
};

}  // namespace guichet::voice
