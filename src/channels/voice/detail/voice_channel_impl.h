// VoiceChannel's state and the declarations of its work, defined by area:
// voice_channel.cpp (start, stop, the worker thread, agents' controls,
// figures), voice_calls.cpp (calls becoming interactions, offers ringing
// phones), voice_services.cpp (flows and their prompts, announcements,
// recordings kept). Private to the voice channel.
#pragma once

#include "channels/voice/voice_channel.h"

#include <atomic>
#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "channels/voice/audio.h"
#include "channels/voice/ivr.h"
#include "channels/voice/sip_endpoint.h"
#include "core/json_body.h"
#include "core/json_format.h"
#include "core/log.h"
#include "core/text.h"

namespace guichet::voice {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace detail {

inline constexpr const char* kRecordingNotice =
    "Cet appel peut être enregistré pour améliorer la qualité du service.";
inline constexpr const char* kCallbackGoodbye =
    "Votre demande de rappel est enregistrée. Un conseiller vous rappellera. Au revoir.";
// A queue's messages, when it gives no text of its own.
inline constexpr const char* kBusyVoicemail =
    "Nos conseillers sont tous occupés. Laissez votre message et votre numéro après le bip : "
    "nous vous rappellerons. Terminez par la touche dièse.";
inline constexpr const char* kClosedVoicemail =
    "Le service est fermé. Laissez votre message et votre numéro après le bip : nous vous "
    "rappellerons. Terminez par la touche dièse.";

// Why an agent's phone did not take a call, from the SIP status.
inline const char* ring_failure(int status) {
  switch (status) {
    case 0:
      return "a number, and no SIP trunk to ring it through (--sip-trunk)";
    case 408:
      return "no answer";
    case 486:
    case 600:
      return "busy";
    case 603:
      return "declined";
    case 404:
    case 604:
      return "unknown at this address";
    case 480:
      return "unavailable";
    case 503:
      return "no media port left";
    default:
      return status >= 500 ? "the phone or the trunk failed" : "refused";
  }
}

inline std::string failure(const Error& error) {
  return "\"error\":" + json_quote(error.message);
}

// A JSON object's text (a stored document's body, an API view) as an
// object; empty when it is not one.
inline json::object object_of(const std::string& text) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  return !ec && value.is_object() ? std::move(value.as_object()) : json::object();
}

}  // namespace detail

class VoiceChannel::Impl {
 public:
  Impl(Options options, channels::Host& host) : options_(std::move(options)), host_(host) {}

  Status start();

  // On the engine's thread: calls, and the callbacks they become, to the worker.
  void on_events(const std::vector<routing::Event>& events);

  void on_config(const std::string& kind);

  ~Impl();

  // On a request's thread: the answer waits for the worker (a queue hop).
  Status control(std::uint64_t interaction, const std::string& action, std::uint64_t caller,
                 bool manager);

  std::string metrics() const;

  std::string stats_json() const;

 private:
  struct CallState {
    std::uint64_t interaction = 0;
    std::uint64_t queue = 0;
    std::uint64_t offer = 0;  // the offer ringing the agent's phone
    std::uint64_t agent = 0;
    bool accepted = false;   // the engine gave it to `agent`
    bool connected = false;  // the agent's phone answered
    bool ended = false;      // the caller is gone (before the create answered)
    bool callback = false;   // left as a callback request: not abandoned
    bool on_hold = false;
    bool ringing = false;        // the agent's phone
    std::uint64_t attempt = 0;   // the offer whose ring the endpoint's events answer
    bool pending_digit = false;  // the callback key, pressed before the create answered
    std::chrono::steady_clock::time_point queued_at;
    std::chrono::steady_clock::time_point connected_at;
    std::chrono::seconds announce_every{0};
    std::chrono::steady_clock::time_point next_announce;
  };

  // What the voice channel reads of a queue's settings.
  struct QueueVoice {
    int announce_every_s = 30;
    bool record_calls = false;
    int retention_days = 30;
    std::uint64_t voicemail_queue = 0;  // 0: the closed outcome hangs up
    std::string voicemail_text;         // empty: said by the reason
    int voicemail_max_s = 120;
  };
  QueueVoice queue_voice(std::uint64_t queue);

  // Where synthesised prompts are kept, by text.
  std::string prompt_cache() const { return (fs::path(options_.data_dir) / "prompts").string(); }

  // A stored document's body; empty when there is none.
  json::object stored_body(const std::string& kind, std::uint64_t id);

  // ---- the worker thread ---------------------------------------------------------

  void post(std::function<void()> task);

  void work();

  // A task that throws (a filesystem error, a bad document) is logged, not
  // the end of the voice channel.
  static void guarded(const std::function<void()>& task);

  // Calls do not outlive the process: those still waiting from before a
  // restart (not voicemails, not those an agent is wrapping up) are over.
  void abandon_lost_calls();

  // The flows, their prompts (synthesised once per text), the calendars their
  // hours steps follow.
  Status reload();

  // The queues' own voicemail greetings, ready before a caller needs one
  // (synthesis takes the worker a moment; at a caller's overflow it would
  // hold every call's events).
  void synthesise_voicemail_greetings();

  Result<voice::AudioPtr> prompt(const std::string& text, const std::string& cache);

  // On the SIP thread.
  bool is_open(std::uint64_t calendar);

  void on_call_event(voice::CallEvent event);

  Status control_on_worker(std::uint64_t interaction, const std::string& action,
                           std::uint64_t caller, bool manager);

  void ask_callback(voice::CallId id, CallState& call);

  void create_interaction(const voice::CallEvent& event, std::uint64_t queue,
                          const std::string& voicemail);

  // On the worker, once the interaction is stored (and routed).
  void created(voice::CallId call_id, const Result<std::uint64_t>& view);

  void keep_voicemail(const voice::CallEvent& event);

  void on_engine_event(const routing::Event& e);

  // Every waiting caller whose turn came hears their position and the
  // expected wait: callers ahead × the queue's average time connected
  // (3 minutes until known) ÷ the agents serving it (connected now, or ready).
  void announce_due();

  // Recordings (calls and voicemails) older than their queue's retention.
  // Files come and go meanwhile (a recording ends, a voicemail is renamed
  // into place): every step takes an error code, none throws.
  void sweep_recordings();

  std::string agent_phone(std::uint64_t agent);

  Options options_;
  channels::Host& host_;
  // Used by the worker only (and start); gone during the last tasks of a
  // stop, when commands would go to calls that are over anyway.
  std::unique_ptr<voice::SipEndpoint> endpoint_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;  // guarded by mutex_
  bool stopping_ = false;                    // guarded by mutex_
  std::thread worker_;

  std::mutex calendars_mutex_;
  std::map<std::uint64_t, std::shared_ptr<const BusinessCalendar>> calendars_;  // guarded

  // The worker's (and start's, before the endpoint exists).
  std::map<std::string, std::shared_ptr<const voice::Service>> services_;
  // The numbers the endpoint answers now (its flows are reloaded on the
  // worker, prompts synthesised first: tests wait for them here).
  std::atomic<std::size_t> numbers_{0};
  voice::AudioPtr callback_goodbye_;
  voice::AudioPtr recording_notice_;
  voice::AudioPtr busy_voicemail_;
  voice::AudioPtr closed_voicemail_;
  std::map<std::string, voice::AudioPtr> voicemail_greetings_;  // the queues' own, by text
  std::atomic<std::uint64_t> announcements_{0};
  // Callers sent to a voicemail at the closed outcome.
  std::atomic<std::uint64_t> messages_offered_{0};
  // Per queue: the average time connected (the expected wait's unit).
  std::unordered_map<std::uint64_t, std::pair<double, int>> talk_time_;  // sum s, count
  std::unordered_map<voice::CallId, CallState> calls_;
  std::unordered_map<std::uint64_t, voice::CallId> by_interaction_;
  // Engine events of interactions not known yet (the engine may offer a
  // call before its create is answered), while creates are in flight.
  std::unordered_map<std::uint64_t, std::vector<routing::Event>> early_;
  int creating_ = 0;
};

}  // namespace guichet::voice
