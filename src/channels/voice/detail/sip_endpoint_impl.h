// The SIP endpoint's insides (see voice/sip_endpoint.h), shared by its
// three parts: sip_endpoint.cpp (the SIP thread, requests outside calls,
// SIP over TCP's limits, the commands), sip_calls.cpp (calls in, their legs
// and sessions, the agent's leg) and sip_media.cpp (the IVR, recordings,
// the audio). For those only: it brings libre and spandsp, whose headers
// need these definitions (libre's own build passes them; its .pc file does
// not).
#pragma once

#define HAVE_INTTYPES_H 1
#define HAVE_STDBOOL_H 1
#define HAVE_INET6 1

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "channels/voice/detail/libre_text.h"
#include "channels/voice/rtp.h"
#include "channels/voice/sdp_offer.h"
#include "channels/voice/sip_connections.h"
#include "channels/voice/sip_dialog.h"
#include "channels/voice/sip_endpoint.h"
#include "channels/voice/sip_guard.h"
#include "core/json_format.h"
#include "core/log.h"

extern "C" {
#include <re.h>
// For dbg_handler_set (libre's warnings into our log); its macros unused.
#define DEBUG_MODULE "guichet"
#define DEBUG_LEVEL 0
#include <re_dbg.h>
}
#include <spandsp.h>

namespace guichet::voice {

using detail::view;

// Text as a libre buffer, read from its start; null when out of memory.
// The caller owns it (mem_deref).
inline mbuf* mbuf_of(std::string_view text) {
  mbuf* mb = mbuf_alloc(text.size());
  if (!mb) return nullptr;
  (void)mbuf_write_mem(mb, reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  mb->pos = 0;
  return mb;
}

// Commands to the SIP thread (mqueue ids).
enum CommandId : int {
  kStop = 1,
  kConnectAgent,
  kDropAgent,
  kHangUp,
  kAnnounce,
  kHold,
  kResume,
  kRecord,
  kTakeMessage,
  kConnections,  // SIP over TCP's connections, as the kernel lists them
};

struct Command {
  CallId call = 0;
  std::string target{};
  std::uint64_t attempt = 0;  // kTakeMessage: the queue
  AudioPtr audio{};
  std::chrono::seconds longest{};
  std::vector<SipConnection> connections{};
};

inline constexpr int kPcmu = 0;
inline constexpr int kPcma = 8;
inline constexpr int kEventPt = 101;          // the telephone-event payload type we offer
inline constexpr std::size_t kFrame = 160;    // 20 ms at 8 kHz
inline constexpr std::size_t kHeadroom = 12;  // RTP header, for rtp_send
inline constexpr unsigned kPhases = 10;       // each call's 20 ms falls in one of 10 ticks
inline constexpr std::chrono::milliseconds kTick(2);
// NAT latching: how long after an SDP address RTP may come from elsewhere,
// and how many packets in sequence from one address move the call there.
inline constexpr std::chrono::seconds kLatchWindow(10);
inline constexpr int kLatchPackets = 4;
inline constexpr std::uint64_t kRingMs = 30'000;  // an agent's phone rings at most this long
inline constexpr std::uint64_t kDigitGapMs = 40;  // keys closer than this are one key repeated
inline constexpr std::uint64_t kMaxRecordFrames = 6'000'000;       // 33 h: a WAV's sizes are 32-bit
inline constexpr std::chrono::milliseconds kConnectionsLook(500);  // SIP over TCP's limits, applied

// A libre address as connections_on names a peer (peer_name).
inline std::string peer_of(const sa& address) {
  char host[64] = {};
  (void)sa_ntop(&address, host, sizeof host);
  return peer_name(host, sa_af(&address), sa_port(&address));
}

// G.711 by law, whatever payload type number the peer gave it.
inline std::uint8_t encode(bool alaw, std::int16_t sample) {
  return alaw ? linear_to_alaw(sample) : linear_to_ulaw(sample);
}
inline std::int16_t decode(bool alaw, std::uint8_t byte) {
  return alaw ? alaw_to_linear(byte) : ulaw_to_linear(byte);
}

inline constexpr char kAllow[] = "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS\r\n";

class SipEndpoint::Impl {
 public:
  struct Call;

  // One side of a call: the caller's (A) or the agent's (B).
  struct Leg {
    Impl* impl = nullptr;
    Call* call = nullptr;
    bool agent = false;
    sipsess* session = nullptr;
    struct rtp_sock* rtp = nullptr;
    sdp_session* sdp = nullptr;
    sdp_media* media = nullptr;
    sa peer{};  // where its RTP comes from and goes to
    bool has_peer = false;
    int pt = kPcmu;        // the G.711 payload type number the peer gave (0, 8, or dynamic)
    bool alaw = false;     // and its law
    int event_pt = -1;     // the peer's telephone-event type; -1: none
    std::uint32_t ts = 0;  // our timestamps toward it
    std::uint32_t last_event_ts = 0;  // RFC 4733: one digit per event
    bool had_event = false;
    // Relayed audio keeps the sender's timing: our timestamps are theirs
    // plus an offset, set when the relay (re)starts or their stream changes.
    bool relaying = false;
    std::uint32_t relay_ssrc = 0;
    std::uint32_t relay_offset = 0;
    bool last_event_ours = false;  // taken by the IVR (or a waiting caller's key)
    bool established = false;
    // Media: when its RTP last came (a caller gone without BYE falls
    // silent), whether the peer holds us (it may then send nothing), and
    // NAT latching — until a packet comes from where its SDP said, RTP from
    // one other address, in sequence, becomes where we send (its router's).
    std::chrono::steady_clock::time_point last_rtp{};
    bool held_by_peer = false;
    bool heard_at_sdp_address = false;
    std::chrono::steady_clock::time_point latch_until{};
    sa latch_candidate{};
    std::uint16_t latch_seq = 0;
    int latch_count = 0;
    // Signalling: where in-dialog requests go when its Contact is not
    // where its messages come from (behind NAT; see source_target), and
    // the session refresh (RFC 4028) — one in flight, the next one's timer.
    std::string signal_target;
    bool routed = false;  // a proxy routes its dialog (Record-Route): never aimed
    tmr refresh_timer{};
    std::chrono::milliseconds refresh_every{0};
    bool refreshing = false;
  };

  // kMessage: a waiting caller hears the voicemail's prompt and beep (keys
  // do nothing), then kRecording.
  enum class Stage { kIvr, kMessage, kRecording, kQueued, kRinging, kBridged, kHeld, kEnding };

  enum class After { kNothing, kIvrPlayed, kHangUp, kBeepThenRecord, kRecord, kMusic };

  struct Call {
    CallId id = 0;
    Leg caller;
    Leg agent;
    Stage stage = Stage::kIvr;
    bool held_by_phone = false;  // kHeld by the agent's phone (its hold key), not the workspace
    bool ivr_started = false;    // at the caller's ACK
    std::string tcp_peer;        // the connection the caller's requests come on, if TCP
    std::string from;
    std::string from_name;
    std::string number;
    std::shared_ptr<const Service> service;
    std::unique_ptr<IvrRun> ivr;
    tmr ivr_timer{};
    tmr ring_timer{};
    std::uint64_t attempt = 0;  // the agent's ring in progress
    std::uint64_t last_digit_ms = 0;
    bool digit_reported = false;  // a waiting caller's key goes out once
    // What the caller hears while not bridged.
    AudioPtr playing;
    std::size_t position = 0;
    bool loop = false;
    After after = After::kNothing;
    dtmf_rx_state_t* dtmf = nullptr;
    char callback_digit = 0;
    std::uint64_t queue_id = 0;
    std::shared_ptr<Samples> recording;
    std::size_t record_limit = 0;
    // The conversation's recording: each direction's audio since the last
    // tick, written as one stereo frame per tick.
    std::FILE* record_file = nullptr;
    std::string record_path;
    std::uint64_t record_frames = 0;
    Samples heard_from_caller;
    Samples heard_from_agent;
  };

  explicit Impl(Options options) : options_(std::move(options)) {}

  Status start();
  ~Impl();
  void set_services(std::map<std::string, std::shared_ptr<const Service>> services);
  void push(int id, Command command);

  VoiceStats stats_;

 private:
  // ---- the SIP thread ----------------------------------------------------------

  void run(std::promise<Status>& started);
  Status listen();
  void find_udp_socket();
  void close();
  static void on_command(int id, void* data, void* arg);
  static bool on_request(const sip_msg* msg, void* arg);
  bool may_call(const sa& source);
  void reply(const sip_msg* msg, std::uint16_t code, const char* reason, const char* headers = "");

  void reply_by_hand(const sip_msg* msg, std::uint16_t code, const char* reason,
                     const char* headers);
  static bool on_any_request(const sip_msg* msg, void* arg);

  // ---- in front of libre's parser (UDP) ------------------------------------------
  // A datagram libre cannot parse is dropped by it without a word. A helper
  // on its UDP socket sees each datagram first: what does not parse, and
  // looks like a request, is answered 400 (505 for another SIP version) to
  // where it came from, its Via, From, To, Call-ID and CSeq lines copied.
  // libre's socket is known only from a request it parsed: at start, one we
  // send ourselves (listen()).

  void guard_datagrams(const sip_msg* msg);
  static bool on_raw_datagram(sa* source, mbuf* mb, void* arg);
  bool poisoned(const sip_msg* msg);
  void poison(const sip_msg* msg);
  static void on_libre_log(int level, const char* text, std::size_t length, void* arg);

  // ---- calls in ----------------------------------------------------------------

  static void on_invite(const sip_msg* msg, void* arg);
  bool open_leg(Call& call, Leg& leg, bool agent);
  bool choose_codec(Leg& leg);
  static void start_latching(Leg& leg);
  static int decode_sdp(Leg& leg, const mbuf* body, bool offer);
  void free_leg(Leg& leg);
  void end_call(Call& call, bool by_agent);
  CallEvent event_for(const Call& call, CallEvent::Type type);

  // ---- SIP session handlers (arg: the leg) ------------------------------------

  static int on_offer(mbuf** answer, const sip_msg* msg, void* arg);
  void agent_phone_holds(Call& call, bool held);
  static int on_answer(const sip_msg* msg, void* arg);
  void aim(Leg& leg);

  // ---- SIP over TCP's limits (see sip_connections.h) -------------------------------

  void watch_connections();
  void stop_watcher();
  void apply_connection_limits(std::vector<SipConnection>& connections);

  // ---- session timers (RFC 4028) ------------------------------------------------

  void schedule_refresh(Leg& leg);
  static void on_refresh_due(void* arg);
  static void on_established(const sip_msg*, void* arg);
  static void on_closed(int err, const sip_msg* msg, void* arg);
  static void on_progress(const sip_msg*, void*);
  static int on_auth(char** user, char** password, const char*, void* arg);

  // ---- the agent's leg ----------------------------------------------------------

  void ring_failed(Call& call, int status);
  static void on_ring_timeout(void* arg);
  void connect_agent(Call& call, const std::string& target, std::uint64_t attempt);
  void drop_agent(Call& call);
  void take_message(Call& call, AudioPtr prompt, std::chrono::seconds longest, std::uint64_t queue);

  // ---- the IVR -------------------------------------------------------------------

  void perform(Call& call, const IvrAction& action);
  AudioPtr prompt(const Call& call, const IvrAction& action);
  static void on_ivr_timeout(void* arg);
  void on_digit(Call& call, char digit);
  static void on_inband_digits(void* arg, const char* digits, int length);
  void finish_recording(Call& call);
  void hang_up_after(Call& call, AudioPtr message);

  // ---- recording conversations --------------------------------------------------

  static std::string conversation_header(std::uint64_t frames);
  void start_recording(Call& call, const std::string& path, const AudioPtr& notice);
  void write_recording_frame(Call& call);
  void finish_recording_file(Call& call);

  // ---- media -----------------------------------------------------------------------

  void play(Call& call, AudioPtr audio, bool loop, After after);
  void played(Call& call);
  static void on_tick(void* arg);
  void send_frame(Call& call);
  void send_silence(Leg& leg);
  std::uint8_t* frame_payload();
  void send_frame_to(Leg& leg, bool marker);
  bool silent(const Leg& leg) const;
  bool latched(Leg& leg, const sa* source, const rtp_header* header);
  static void on_rtp(const sa* source, const rtp_header* header, mbuf* mb, void* arg);
  void relay_audio(Leg& from, Leg& to, bool alaw, const rtp_header* header, mbuf* mb);
  static std::uint32_t relayed_ts(Leg& to, const rtp_header* header);
  void relay_event(Leg& from, Leg& to, const rtp_header* header, mbuf* mb);

  Options options_;
  std::thread thread_;
  std::thread watcher_;     // SIP over TCP's connections (watch_connections)
  std::string local_host_;  // the SIP address as inet_ntop writes it (the watcher's)
  std::mutex watch_mutex_;
  std::condition_variable watch_wake_;
  bool watch_stop_ = false;  // guarded by watch_mutex_
  std::mutex watcher_join_mutex_;
  std::mutex services_mutex_;
  std::map<std::string, std::shared_ptr<const Service>> services_;  // guarded

  // The SIP thread's (created and freed there).
  sa address_{};
  mqueue* queue_ = nullptr;
  sip* sip_ = nullptr;
  sip_lsnr* listener_ = nullptr;
  sipsess_sock* sessions_ = nullptr;
  sip_lsnr* guard_ = nullptr;
  struct CallRate {
    double tokens;
    std::chrono::steady_clock::time_point at;
  };
  std::unordered_map<std::string, CallRate> call_rates_;  // the SIP thread's
  udp_helper* raw_guard_ = nullptr;
  udp_sock* udp_sock_ = nullptr;  // libre's, once found (guard_datagrams)
  std::string guard_call_id_;
  struct Poisoned {
    void* sock;
    sa source;
    std::chrono::steady_clock::time_point until;
  };
  std::vector<Poisoned> poisoned_;  // the SIP thread's
  std::chrono::steady_clock::time_point log_window_{};
  int log_lines_ = 0;
  std::uint64_t log_dropped_ = 0;
  std::unordered_map<CallId, std::unique_ptr<Call>> calls_;
  CallId last_call_ = 0;
  tmr tick_{};
  // SIP over TCP: each peer's last request (by "address:port").
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> tcp_last_request_;
  std::chrono::steady_clock::time_point next_tick_;
  unsigned phase_ = 0;
  std::vector<CallId> ticking_;
  mbuf* frame_ = nullptr;
};

}  // namespace guichet::voice
