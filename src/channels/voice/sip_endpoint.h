// The SIP endpoint that trunks and PBXs send the service's calls to (RFC 3261
// over UDP and TCP): a back-to-back user agent. libre does the SIP, SDP and
// RTP work on a thread of its own (its event loop, re_main, must own one);
// spandsp does G.711 and in-band DTMF. Nothing of either shows here.
//
// A call to a service number is answered (G.711 µ-law or A-law, DTMF as
// RFC 4733 events or in-band) and walked through the number's IVR flow; when
// the flow sends it to a queue, the caller hears music on hold and the
// endpoint reports `kQueued`. The server then rings the agent's phone
// (connect_agent) and, once it answers, the endpoint relays the audio both
// ways (transcoding µ-law ↔ A-law when the legs differ). Calls to numbers
// without a flow get 404; other requests outside a call 405; junk is dropped;
// RTP from an address other than the leg's peer is dropped.
//
// Thread-safety: the commands may be called from any thread (they are queued
// to the SIP thread). Events are delivered on the SIP thread: the handler
// must be quick (hand the work to another thread); it may call the commands,
// which only queue.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "channels/voice/audio.h"
#include "channels/voice/ivr.h"
#include "core/network.h"
#include "core/result.h"

namespace guichet::voice {

using CallId = std::uint64_t;

// A service number's flow and its prompts, synthesised (by text).
struct Service {
  std::shared_ptr<const IvrFlow> flow;
  std::map<std::string, AudioPtr> prompts;  // by text, and recordings by recording_key
  static std::string recording_key(std::uint64_t audio_id) {
    return "\x01recording " + std::to_string(audio_id);  // never a text
  }
};

struct CallEvent {
  enum class Type {
    kQueued,         // the IVR sent the call to `queue_id` (attributes, priority)
    kVoicemail,      // a message was left for `queue_id`: `recording`; the call ended
    kDigit,          // the caller pressed the queue's `digit` while waiting
    kAgentAnswered,  // the agent's phone answered: the legs are bridged
    kAgentFailed,    // the agent's phone did not answer (`status`: SIP code, 0 none)
    kRecorded,       // the call's recording is complete: `file`, `seconds` long
    kEnded,          // the call is over (`by_agent`: the agent hung up)
  };
  Type type = Type::kEnded;
  CallId call = 0;
  std::string caller;  // the caller's number (From user part)
  std::string caller_name;
  std::string number;  // the service number called
  std::uint64_t queue_id = 0;
  int priority = 0;
  std::vector<std::pair<std::string, std::string>> attributes;
  char digit = 0;
  int status = 0;
  bool by_agent = false;
  // kAgentAnswered, kAgentFailed: the connect_agent they answer (a stale
  // one, crossed by a drop_agent and a new ring, is the caller's to ignore).
  std::uint64_t attempt = 0;
  AudioPtr recording;
  std::string file;
  double seconds = 0;
};

// Counters, readable from any thread.
struct VoiceStats {
  std::atomic<std::uint64_t> calls_answered{0};
  std::atomic<std::uint64_t> calls_active{0};
  std::atomic<std::uint64_t> rtp_sent{0};
  std::atomic<std::uint64_t> rtp_received{0};
  std::atomic<std::uint64_t> rtp_relayed{0};
  std::atomic<std::uint64_t> rtp_from_strangers{0};
  std::atomic<std::uint64_t> rtp_latched{0};        // legs moved to their NAT's address
  std::atomic<std::uint64_t> sip_malformed{0};      // requests refused before anything acted
  std::atomic<std::uint64_t> invites_refused{0};    // not a caller, or over a source's rate
  std::atomic<std::uint64_t> media_timeouts{0};     // calls ended for silent RTP
  std::atomic<std::uint64_t> session_refreshes{0};  // re-INVITEs sent to keep sessions
  std::atomic<std::uint64_t> sessions_expired{0};   // legs whose refresh found no call
  std::atomic<std::uint64_t> tcp_connections{0};    // SIP over TCP, at the last look
  std::atomic<std::uint64_t> tcp_closed{0};         // closed: idle, or over a limit
  std::atomic<std::uint64_t> digits{0};
  // Pacing: how late each 20 ms tick's last packet left (µs), as a histogram
  // by 100 µs up to 50 ms (the last bucket holds the rest).
  std::array<std::atomic<std::uint64_t>, 501> tick_lateness{};
  // The lateness (µs) under which `share` of the ticks ran.
  std::uint64_t lateness_quantile(double share) const;
};

class SipEndpoint {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 5060;  // UDP and TCP
    std::uint16_t rtp_min = 20000;
    std::uint16_t rtp_max = 29999;
    std::size_t max_calls = 4000;  // beyond: 503
    // A leg whose RTP stops this long (its phone not holding us) is hung
    // up: a caller gone without BYE. Comfort noise counts; 0: never.
    std::chrono::milliseconds media_timeout{30'000};
    // Session timers (RFC 4028): each established leg is refreshed (a
    // re-INVITE) every half of this; a refresh answered 408 or 481, or not
    // at all, ends the call — a peer that lost it while its media still
    // flows. A caller asking Session-Expires is answered with it (under 90 s:
    // 422). 0: no refreshes.
    std::chrono::seconds session_interval{1800};
    // SIP over TCP: a connection without a request this long (CRLF
    // keepalives are not requests), and no call on it, is closed; at most
    // `tcp_per_address` from one address and `tcp_total` in all (0: a
    // quarter of the descriptor limit, at most 1024) — beyond, those idle
    // longest are closed.
    std::chrono::seconds tcp_idle{120};
    std::size_t tcp_per_address = 32;
    std::size_t tcp_total = 0;
    // Where INVITEs may come from (trunks, the PBX): from elsewhere, 403.
    // Empty: anyone, but each source at most `calls_per_source_s` new calls
    // a second (bursts of 3×); beyond, INVITEs go unanswered — a forged
    // source gets nothing reflected at it.
    std::vector<IpNetwork> callers;
    double calls_per_source_s = 10;
    // Where numbers (not sip: URIs) are sent for the agents' legs
    // ("host:port"), and its digest credentials.
    std::string trunk;
    std::string trunk_user;
    std::string trunk_password;
    // Answers the IVR's hours steps (on the SIP thread: quick, thread-safe).
    IvrRun::IsOpen is_open = [](std::uint64_t) { return true; };
    std::function<void(CallEvent)> on_event = [](CallEvent) {};
  };

  // Binds UDP and TCP and starts the SIP thread; fails (kIo) when the port
  // is taken, kInvalidArgument when the host is not an address.
  static Result<std::unique_ptr<SipEndpoint>> start(Options options);
  ~SipEndpoint();  // hangs up every call, then stops the SIP thread

  // The service numbers and their flows (replacing the previous set; calls
  // in progress keep the flow they started with).
  void set_services(std::map<std::string, std::shared_ptr<const Service>> services);

  // Rings the agent at `target` ("sip:…" or a number sent to the trunk)
  // while the caller keeps waiting; kAgentAnswered or kAgentFailed follows,
  // carrying `attempt`. A phone ringing for 30 s without an answer fails
  // (408). A call not waiting (already ringing elsewhere, bridged, gone)
  // fails at once (486) and is left as it is.
  void connect_agent(CallId call, std::string target, std::uint64_t attempt);
  // Ends the agent's leg (ringing or bridged): the caller waits again.
  void drop_agent(CallId call);
  // Plays `message` (if any) to the caller, then hangs up both legs.
  void hang_up(CallId call, AudioPtr message = {});
  // Plays `message` to a waiting caller, then the music again.
  void announce(CallId call, AudioPtr message);
  // Hold: the caller hears music, the agent silence; resume bridges again.
  void hold(CallId call, bool on);
  // A waiting caller (not bridged) hears `prompt`, a beep, and leaves a
  // message of at most `longest` (# ends it): kVoicemail follows, for
  // `queue`, then the call ends. A call not waiting is left as it is.
  void take_message(CallId call, AudioPtr prompt, std::chrono::seconds longest,
                    std::uint64_t queue);
  // Records the conversation once bridged into `file` (a stereo WAV: the
  // caller left, the agent right; not while on hold), after playing
  // `notice` to the waiting caller. kRecorded follows the call's end.
  void record(CallId call, std::string file, AudioPtr notice);

  const VoiceStats& stats() const;

  SipEndpoint(const SipEndpoint&) = delete;
  SipEndpoint& operator=(const SipEndpoint&) = delete;

  class Impl;

 private:
  explicit SipEndpoint(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace guichet::voice
