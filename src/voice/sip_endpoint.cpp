// The only translation unit that includes libre. Its headers need these
// definitions (libre's own build passes them; its .pc file does not).
#define HAVE_INTTYPES_H 1
#define HAVE_STDBOOL_H 1
#define HAVE_INET6 1

#include "voice/sip_endpoint.h"

#include "core/json_format.h"
#include "core/log.h"
#include "voice/rtp.h"
#include "voice/sdp_offer.h"
#include "voice/sip_connections.h"
#include "voice/sip_dialog.h"
#include "voice/sip_guard.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>

extern "C" {
#include <re.h>
// For dbg_handler_set (libre's warnings into our log); its macros unused.
#define DEBUG_MODULE "guichet"
#define DEBUG_LEVEL 0
#include <re_dbg.h>
}
#include <spandsp.h>

namespace guichet::voice {

namespace {

std::string_view view(const pl& text) {
  return text.p ? std::string_view(text.p, text.l) : std::string_view();
}

// Text as a libre buffer, read from its start; null when out of memory.
// The caller owns it (mem_deref).
mbuf* mbuf_of(std::string_view text) {
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

Error internal_error(std::string message) {
  return Error{ErrorCode::kInternal, std::move(message), {}};
}

constexpr int kPcmu = 0;
constexpr int kPcma = 8;
constexpr int kEventPt = 101;          // the telephone-event payload type we offer
constexpr std::size_t kFrame = 160;    // 20 ms at 8 kHz
constexpr std::size_t kHeadroom = 12;  // RTP header, for rtp_send
constexpr unsigned kPhases = 10;       // each call's 20 ms falls in one of 10 ticks
constexpr std::chrono::milliseconds kTick(2);
// NAT latching: how long after an SDP address RTP may come from elsewhere,
// and how many packets in sequence from one address move the call there.
constexpr std::chrono::seconds kLatchWindow(10);
constexpr int kLatchPackets = 4;
constexpr std::uint64_t kRingMs = 30'000;              // an agent's phone rings at most this long
constexpr std::uint64_t kDigitGapMs = 40;              // keys closer than this are one key repeated
constexpr std::uint64_t kMaxRecordFrames = 6'000'000;  // 33 h: a WAV's sizes are 32-bit
constexpr std::chrono::milliseconds kConnectionsLook(500);  // SIP over TCP's limits, applied

// "address:port" ("[v6]:port"), as connections_on names a peer.
std::string peer_of(const sa& address) {
  char host[64] = {};
  (void)sa_ntop(&address, host, sizeof host);
  const std::string text = sa_af(&address) == AF_INET6 ? "[" + std::string(host) + "]" : host;
  return text + ":" + std::to_string(sa_port(&address));
}

// G.711 by law, whatever payload type number the peer gave it.
std::uint8_t encode(bool alaw, std::int16_t sample) {
  return alaw ? linear_to_alaw(sample) : linear_to_ulaw(sample);
}
std::int16_t decode(bool alaw, std::uint8_t byte) {
  return alaw ? alaw_to_linear(byte) : ulaw_to_linear(byte);
}

const char kAllow[] = "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS\r\n";

}  // namespace

std::uint64_t VoiceStats::lateness_quantile(double share) const {
  std::uint64_t total = 0;
  for (const auto& bucket : tick_lateness)
    total += bucket.load();
  if (total == 0) return 0;
  const auto wanted = static_cast<std::uint64_t>(share * static_cast<double>(total));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < tick_lateness.size(); ++i) {
    seen += tick_lateness[i].load();
    if (seen >= wanted) return (i + 1) * 100;
  }
  return tick_lateness.size() * 100;
}

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
    std::string tcp_peer;  // the connection the caller's requests come on, if TCP
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

  Status start() {
    std::promise<Status> started;
    auto ready = started.get_future();
    thread_ = std::thread([this, &started] { run(started); });
    Status status = ready.get();
    if (!status) {
      thread_.join();
      return status;
    }
    char host[64] = {};  // address_ is set: the SIP thread said so (the future)
    (void)sa_ntop(&address_, host, sizeof host);
    local_host_ = host;
    std::lock_guard joining(watcher_join_mutex_);  // the SIP thread may stop it already
    watcher_ = std::thread([this] { watch_connections(); });
    return status;
  }

  ~Impl() {
    stop_watcher();
    if (!thread_.joinable()) return;
    mqueue_push(queue_, kStop, nullptr);  // thread-safe: a pipe
    thread_.join();
  }

  void set_services(std::map<std::string, std::shared_ptr<const Service>> services) {
    std::lock_guard lock(services_mutex_);
    services_ = std::move(services);
  }

  void push(int id, Command command) {
    // Owned by the queue until the SIP thread takes it (on_command).
    auto* queued = new Command(std::move(command));
    if (mqueue_push(queue_, id, queued) != 0) delete queued;  // the pipe is full or gone
  }

  VoiceStats stats_;

 private:
  // ---- the SIP thread ----------------------------------------------------------

  void run(std::promise<Status>& started) {
    if (libre_init() != 0) {
      started.set_value(internal_error("libre could not start"));
      return;
    }
    (void)fd_setsize(16384);  // two RTP sockets per call, and SIP
    Status status = listen();
    const bool listening = status.is_ok();
    started.set_value(std::move(status));  // `started` is gone after this
    if (listening) {
      tmr_init(&tick_);
      next_tick_ = std::chrono::steady_clock::now() + kTick;
      tmr_start(&tick_, kTick.count(), &Impl::on_tick, this);
      (void)re_main(nullptr);
    }
    stop_watcher();  // re_main may also return on its own (an error)
    while (!calls_.empty())
      end_call(*calls_.begin()->second, false);
    tmr_cancel(&tick_);
    close();
    libre_close();
  }

  Status listen() {
    if (sa_set_str(&address_, options_.host.c_str(), options_.port) != 0) {
      return invalid_argument("not an IP address: " + options_.host, "sip-listen");
    }
    // The address goes into every Contact and SDP: peers must reach it.
    if (sa_is_any(&address_)) {
      return invalid_argument(
          "give the address trunks and phones reach (e.g. 192.0.2.10:5060), "
          "not " +
              options_.host,
          "sip-listen");
    }
    if (mqueue_alloc(&queue_, &Impl::on_command, this) != 0) {
      return internal_error("no SIP command queue");
    }
    if (sip_alloc(&sip_, nullptr, 32, 32, 32, "Guichet", nullptr, nullptr) != 0) {
      return internal_error("no SIP stack");
    }
    if (sip_transp_add(sip_, SIP_TRANSP_UDP, &address_) != 0 ||
        sip_transp_add(sip_, SIP_TRANSP_TCP, &address_) != 0) {
      return io_error("cannot listen for SIP on " + options_.host + ":" +
                      std::to_string(options_.port));
    }
    // The guard first (malformed requests answered 400 before anything acts
    // on them); then sessions: they take INVITEs and the requests inside
    // calls; the plain listener answers the rest.
    dbg_handler_set(&Impl::on_libre_log, this);
    if (sip_listen(&guard_, sip_, true, &Impl::on_any_request, this) != 0 ||
        sipsess_listen(&sessions_, sip_, 1024, &Impl::on_invite, this) != 0 ||
        sip_listen(&listener_, sip_, true, &Impl::on_request, this) != 0) {
      return internal_error("no SIP listener");
    }
    find_udp_socket();
    return Status::ok();
  }

  // One OPTIONS to ourselves over UDP: the guard learns libre's socket from
  // it (guard_datagrams) before any peer's datagram comes.
  void find_udp_socket() {
    char host[64] = {};
    (void)sa_ntop(&address_, host, sizeof host);
    const std::string at = sa_af(&address_) == AF_INET6 ? "[" + std::string(host) + "]" : host;
    guard_call_id_ = "guard-" + std::to_string(rand_u64());
    const std::string request =
        "OPTIONS sip:guard@" + at + ":" + std::to_string(sa_port(&address_)) +
        " SIP/2.0\r\nVia: SIP/2.0/UDP " + at + ":9;branch=z9hG4bK" + guard_call_id_ +
        "\r\nMax-Forwards: 0\r\nFrom: <sip:guard@" + at + ">;tag=1\r\nTo: <sip:guard@" + at +
        ">\r\nCall-ID: " + guard_call_id_ + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    mbuf* mb = mbuf_of(request);
    if (!mb) return;
    (void)udp_send_anon(&address_, mb);
    mem_deref(mb);
  }

  void close() {
    dbg_handler_set(nullptr, nullptr);
    raw_guard_ = static_cast<udp_helper*>(mem_deref(raw_guard_));
    guard_ = static_cast<sip_lsnr*>(mem_deref(guard_));
    sessions_ = static_cast<sipsess_sock*>(mem_deref(sessions_));
    listener_ = static_cast<sip_lsnr*>(mem_deref(listener_));
    if (sip_) sip_close(sip_, true);
    sip_ = static_cast<sip*>(mem_deref(sip_));
    queue_ = static_cast<mqueue*>(mem_deref(queue_));
    frame_ = static_cast<mbuf*>(mem_deref(frame_));
  }

  static void on_command(int id, void* data, void* arg) {
    auto* self = static_cast<Impl*>(arg);
    std::unique_ptr<Command> command(static_cast<Command*>(data));
    if (id == kStop) return re_cancel();
    if (!command) return;
    if (id == kConnections) return self->apply_connection_limits(command->connections);
    // Calls are named by id and looked up here: the caller may have hung up
    // since the command was sent.
    auto found = self->calls_.find(command->call);
    if (found == self->calls_.end()) return;
    Call& call = *found->second;
    switch (id) {
      case kConnectAgent:
        self->connect_agent(call, command->target, command->attempt);
        break;
      case kDropAgent:
        self->drop_agent(call);
        break;
      case kHangUp:
        if (command->audio && !command->audio->empty()) {
          self->hang_up_after(call, command->audio);
        } else {
          self->end_call(call, false);
        }
        break;
      case kAnnounce:
        if (call.stage == Stage::kQueued || call.stage == Stage::kRinging) {
          self->play(call, command->audio, false, After::kMusic);
        }
        break;
      case kHold:
        if (call.stage == Stage::kBridged) {
          call.stage = Stage::kHeld;
          self->play(call, music_on_hold(), true, After::kNothing);
        }
        break;
      case kRecord:
        if (!call.record_file) self->start_recording(call, command->target, command->audio);
        break;
      case kTakeMessage:
        self->take_message(call, command->audio, command->longest, command->attempt);
        break;
      case kResume:
        if (call.stage == Stage::kHeld) {
          call.stage = Stage::kBridged;
          call.held_by_phone = false;
          call.playing.reset();
          call.caller.relaying = false;  // music went meanwhile: new offset
        }
        break;
      default:
        break;
    }
  }

  // Requests outside a call that no session took. Returns true: every
  // request gets its answer here.
  static bool on_request(const sip_msg* msg, void* arg) {
    auto* self = static_cast<Impl*>(arg);
    const std::string_view method = view(msg->met);
    if (method == "OPTIONS") {
      self->reply(msg, 200, "OK", "Accept: application/sdp\r\n");
      return true;
    }
    if (method == "ACK") return true;  // for a final answer: nothing to do
    if (method == "BYE" || method == "CANCEL") {
      self->reply(msg, 481, "Call/Transaction Does Not Exist");
      return true;
    }
    // RFC 3261 21.5.2: a method we do not know is 501; one we know, 405.
    static constexpr std::string_view kKnown[] = {"REGISTER", "PRACK", "SUBSCRIBE", "NOTIFY",
                                                  "PUBLISH",  "INFO",  "REFER",     "MESSAGE",
                                                  "UPDATE",   "INVITE"};
    if (std::find(std::begin(kKnown), std::end(kKnown), method) == std::end(kKnown)) {
      self->reply(msg, 501, "Not Implemented");
    } else {
      self->reply(msg, 405, "Method Not Allowed");
    }
    return true;
  }

  // Whether a new call from `source` is taken (see Options::callers); a
  // refusal is counted, and answered 403 only to a source outside the list.
  bool may_call(const sa& source) {
    char text[64] = {};
    (void)sa_ntop(&source, text, sizeof text);
    const std::string address(text);
    if (!options_.callers.empty()) {
      if (address_in(address, options_.callers)) return true;
      stats_.invites_refused++;
      return false;
    }
    const auto now = std::chrono::steady_clock::now();
    const double burst = options_.calls_per_source_s * 3;
    if (call_rates_.size() > 10'000) call_rates_.clear();  // bounded under a spoofed flood
    CallRate& rate = call_rates_.try_emplace(address, CallRate{burst, now}).first->second;
    rate.tokens =
        std::min(burst, rate.tokens + options_.calls_per_source_s *
                                          std::chrono::duration<double>(now - rate.at).count());
    rate.at = now;
    if (rate.tokens < 1) {
      stats_.invites_refused++;
      return false;
    }
    rate.tokens -= 1;
    return true;
  }

  // Answers in a transaction; statelessly when there can be none (a top Via
  // without a branch: RFC 2543 peers).
  void reply(const sip_msg* msg, std::uint16_t code, const char* reason, const char* headers = "") {
    if (sip_treplyf(nullptr, nullptr, sip_, msg, false, code, reason,
                    "%s%sContent-Length: 0\r\n\r\n", kAllow, headers) != 0) {
      reply_by_hand(msg, code, reason, headers);
    }
  }

  // A response written here, sent back where the request came from (over
  // its connection for TCP): for requests libre keeps no transaction for,
  // and whose Via it would not answer (RFC 2543: no branch).
  void reply_by_hand(const sip_msg* msg, std::uint16_t code, const char* reason,
                     const char* headers) {
    std::string out = "SIP/2.0 " + std::to_string(code) + " " + reason + "\r\n";
    for (const sip_hdrid id :
         {SIP_HDR_VIA, SIP_HDR_FROM, SIP_HDR_TO, SIP_HDR_CALL_ID, SIP_HDR_CSEQ}) {
      sip_msg_hdr_apply(
          msg, true, id,
          [](const sip_hdr* hdr, const sip_msg*, void* arg) {
            auto* text = static_cast<std::string*>(arg);
            *text += std::string(view(hdr->name)) + ": " + std::string(view(hdr->val)) + "\r\n";
            return false;
          },
          &out);
    }
    out += std::string(kAllow) + headers + "Content-Length: 0\r\n\r\n";
    mbuf* mb = mbuf_of(out);
    if (!mb) return;
    (void)sip_send(sip_, msg->sock, msg->tp, &msg->src, mb);
    mem_deref(mb);
  }

  // Every request, before anything acts on it: what libre's parser lets
  // through but RFC 3261 (and RFC 4475's torture tests) calls malformed is
  // answered 400 (or 505, 416, 420) and goes no further; an ACK is never
  // answered. Over TCP, a request whose framing cannot be trusted (a
  // Content-Length that is not a number: its body would run as a second
  // request) stops the connection being read from (nothing more from it is
  // acted upon). Returns true when it took the request.
  static bool on_any_request(const sip_msg* msg, void* arg) {
    auto* self = static_cast<Impl*>(arg);
    if (msg->tp == SIP_TRANSP_UDP && !self->raw_guard_) self->guard_datagrams(msg);
    if (msg->tp == SIP_TRANSP_TCP) {
      self->tcp_last_request_[peer_of(msg->src)] = std::chrono::steady_clock::now();
    }
    if (view(msg->callid) == self->guard_call_id_) {  // our own, to find the socket
      return true;
    }
    const bool ack = view(msg->met) == "ACK";
    if (msg->tp != SIP_TRANSP_UDP && self->poisoned(msg)) return true;
    const SipProblem problem = check_request(msg);
    if (problem.code == 0) {
      // RFC 2543 peers (no branch): libre keeps no transaction for them;
      // an OPTIONS is still answered.
      if (!ack && view(msg->via.branch).empty() && view(msg->met) == "OPTIONS") {
        self->reply(msg, 200, "OK", "Accept: application/sdp\r\n");
        return true;
      }
      return false;
    }
    self->stats_.sip_malformed++;
    if (problem.framing && msg->tp != SIP_TRANSP_UDP) self->poison(msg);
    if (!ack && !view(msg->via.sentby).empty()) {
      if (problem.code == 420) {
        self->reply(msg, 420, problem.reason, problem.unsupported.c_str());
      } else {
        (void)sip_replyf(self->sip_, msg, problem.code, problem.reason,
                         "Content-Length: 0\r\n\r\n");
      }
    }
    return true;
  }

  // ---- in front of libre's parser (UDP) ------------------------------------------
  // A datagram libre cannot parse is dropped by it without a word. A helper
  // on its UDP socket sees each datagram first: what does not parse, and
  // looks like a request, is answered 400 (505 for another SIP version) to
  // where it came from, its Via, From, To, Call-ID and CSeq lines copied.
  // libre's socket is known only from a request it parsed: at start, one we
  // send ourselves (listen()).

  void guard_datagrams(const sip_msg* msg) {
    if (udp_register_helper(&raw_guard_, static_cast<udp_sock*>(msg->sock), 0, nullptr,
                            &Impl::on_raw_datagram, this) != 0) {
      raw_guard_ = nullptr;
      return;
    }
    udp_sock_ = static_cast<udp_sock*>(msg->sock);
  }

  static bool on_raw_datagram(sa* source, mbuf* mb, void* arg) {
    auto* self = static_cast<Impl*>(arg);
    const std::size_t start = mb->pos;
    sip_msg* parsed = nullptr;
    const int err = sip_msg_decode(&parsed, mb);
    mb->pos = start;
    mem_deref(parsed);
    if (err == 0) return false;  // libre's to read (a datagram is whole: ENODATA is malformed too)
    const std::string_view text(reinterpret_cast<const char*>(mbuf_buf(mb)), mbuf_get_left(mb));
    if (text.find_first_not_of("\r\n") == std::string_view::npos) return false;  // keep-alive
    self->stats_.sip_malformed++;
    const std::string answer = raw_answer(text);
    if (answer.empty()) return true;  // not a request: nothing to say
    if (mbuf* out = mbuf_of(answer)) {
      (void)udp_send(self->udp_sock_, source, out);
      mem_deref(out);
    }
    return true;
  }

  // TCP connections whose framing failed: nothing more read from them is
  // acted upon (the peer and its source address; forgotten after a minute).
  bool poisoned(const sip_msg* msg) {
    const auto now = std::chrono::steady_clock::now();
    std::erase_if(poisoned_, [&](const Poisoned& p) { return p.until < now; });
    return std::any_of(poisoned_.begin(), poisoned_.end(), [&](const Poisoned& p) {
      return p.sock == msg->sock && sa_cmp(&p.source, &msg->src, SA_ALL);
    });
  }
  void poison(const sip_msg* msg) {
    if (poisoned_.size() >= 1024) poisoned_.erase(poisoned_.begin());
    poisoned_.push_back(
        {msg->sock, msg->src, std::chrono::steady_clock::now() + std::chrono::minutes(1)});
  }

  // libre's own warnings (a malformed datagram…), into our log, at most a
  // few a second: a flood of junk must not become a flood of log lines.
  static void on_libre_log(int level, const char* text, std::size_t length, void* arg) {
    auto* self = static_cast<Impl*>(arg);
    if (level > DBG_WARNING) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - self->log_window_ > std::chrono::seconds(1)) {
      if (self->log_dropped_ > 0) {
        log::warning("sip: log lines dropped", "\"count\":" + std::to_string(self->log_dropped_));
      }
      self->log_window_ = now;
      self->log_lines_ = 0;
      self->log_dropped_ = 0;
    }
    if (++self->log_lines_ > 5) {
      ++self->log_dropped_;
      return;
    }
    std::string line(text, std::min<std::size_t>(length, 300));
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
      line.pop_back();
    log::warning("sip", "\"detail\":" + json_quote(line));
  }

  // ---- calls in ----------------------------------------------------------------

  static void on_invite(const sip_msg* msg, void* arg) {
    auto* self = static_cast<Impl*>(arg);
    std::string number(view(msg->uri.user));
    if (number.empty()) number = std::string(view(msg->to.uri.user));
    std::shared_ptr<const Service> service;
    {
      std::lock_guard lock(self->services_mutex_);
      if (auto found = self->services_.find(number); found != self->services_.end()) {
        service = found->second;
      }
    }
    if (!service) return self->reply(msg, 404, "Not Found");
    // Only what may call, at a rate a caller makes: a 200 goes back to the
    // source, and a forged one would make us reflect at a third party.
    if (!self->may_call(msg->src)) {
      if (!self->options_.callers.empty()) self->reply(msg, 403, "Forbidden");
      return;
    }
    // RFC 2543 peers (a top Via without a branch): libre keeps no
    // transaction for them, so no call; said, not left unanswered.
    if (view(msg->via.branch).empty()) {
      return self->reply(msg, 400, "Via Without Branch (RFC 2543) Not Supported");
    }
    if (self->calls_.size() >= self->options_.max_calls) {
      return self->reply(msg, 503, "Service Unavailable");
    }
    // We read SDP only, and answer with SDP only.
    if (msg->mb && mbuf_get_left(msg->mb) > 0 && !msg_ctype_cmp(&msg->ctyp, "application", "sdp")) {
      return self->reply(msg, 415, "Unsupported Media Type", "Accept: application/sdp\r\n");
    }
    if (!accepts_sdp(msg)) {
      return self->reply(msg, 406, "Not Acceptable", "Accept: application/sdp\r\n");
    }
    // Session timers (RFC 4028), unless turned off: an interval under
    // Min-SE is refused with ours; one we can keep is answered.
    const bool timers = self->options_.session_interval.count() > 0;
    const SessionTimerRequest asked = session_timer_request(msg);
    if (timers && asked.malformed) return self->reply(msg, 400, "Bad Session-Expires");
    if (timers && asked.expires != 0 && asked.expires < kMinSessionExpires) {
      return self->reply(msg, 422, "Session Interval Too Small",
                         ("Min-SE: " + std::to_string(kMinSessionExpires) + "\r\n").c_str());
    }
    const SessionTimer timer = negotiate_session_timer(asked, self->options_.session_interval);
    const std::string answer_headers =
        std::string(kAllow) + (timers ? "Supported: timer\r\n" : "") + timer.headers;
    auto call = std::make_unique<Call>();
    call->id = ++self->last_call_;
    call->number = number;
    if (msg->tp == SIP_TRANSP_TCP) call->tcp_peer = peer_of(msg->src);
    call->from = std::string(view(msg->from.uri.user));
    call->from_name = std::string(view(msg->from.dname));
    call->service = service;
    Call& c = *call;
    if (!self->open_leg(c, c.caller, false)) {
      self->free_leg(c.caller);
      return self->reply(msg, 500, "Server Internal Error");
    }
    // No offer in the INVITE (a late offer, RFC 3261 13.2.1): ours goes in
    // the 200, the ACK answers it (on_answer).
    const bool late_offer = !msg->mb || mbuf_get_left(msg->mb) == 0;
    if (!late_offer &&
        (decode_sdp(c.caller, msg->mb, true) != 0 || !self->choose_codec(c.caller))) {
      self->free_leg(c.caller);
      return self->reply(msg, 488, "Not Acceptable Here");
    }
    mbuf* answer = nullptr;
    if (sdp_encode(&answer, c.caller.sdp, late_offer) != 0 ||
        sipsess_accept(&c.caller.session, self->sessions_, msg, 200, "OK", "guichet",
                       "application/sdp", answer, nullptr, nullptr, false, &Impl::on_offer,
                       &Impl::on_answer, &Impl::on_established, nullptr, nullptr, &Impl::on_closed,
                       &c.caller, "%s", answer_headers.c_str()) != 0) {
      mem_deref(answer);
      self->free_leg(c.caller);
      return self->reply(msg, 500, "Server Internal Error");
    }
    mem_deref(answer);
    c.caller.refresh_every = timer.refresh_every;
    c.caller.routed = sip_msg_hdr(msg, SIP_HDR_RECORD_ROUTE) != nullptr;
    if (!c.caller.routed) c.caller.signal_target = source_target(msg);
    self->aim(c.caller);
    c.dtmf = dtmf_rx_init(nullptr, &Impl::on_inband_digits, &c);
    tmr_init(&c.ivr_timer);
    tmr_init(&c.ring_timer);
    c.ivr = std::make_unique<IvrRun>(service->flow, self->options_.is_open);
    self->calls_.emplace(c.id, std::move(call));
    self->stats_.calls_answered++;
    self->stats_.calls_active = self->calls_.size();
    // The IVR starts at the caller's ACK (on_established): until then the
    // caller may be a forgery, which must neither hear us nor wait in a
    // queue for an agent.
  }

  bool open_leg(Call& call, Leg& leg, bool agent) {
    leg.impl = this;
    leg.call = &call;
    leg.agent = agent;
    sa local = address_;
    if (rtp_listen(&leg.rtp, IPPROTO_UDP, &local, options_.rtp_min, options_.rtp_max, false,
                   &Impl::on_rtp, nullptr, &leg) != 0) {
      return false;
    }
    if (sdp_session_alloc(&leg.sdp, &local) != 0 ||
        sdp_media_add(&leg.media, leg.sdp, "audio", sa_port(rtp_local(leg.rtp)), "RTP/AVP") != 0 ||
        sdp_format_add(nullptr, leg.media, false, "0", "PCMU", 8000, 1, nullptr, nullptr, nullptr,
                       false, nullptr) != 0 ||
        sdp_format_add(nullptr, leg.media, false, "8", "PCMA", 8000, 1, nullptr, nullptr, nullptr,
                       false, nullptr) != 0 ||
        sdp_format_add(nullptr, leg.media, false, "101", "telephone-event", 8000, 1, nullptr,
                       nullptr, nullptr, false, "0-15") != 0) {
      return false;
    }
    return true;
  }

  // After the peer's SDP was decoded: its first G.711 law, its events, its
  // address.
  bool choose_codec(Leg& leg) {
    const sa* peer = sdp_media_raddr(leg.media);
    if (!peer || !sa_isset(peer, SA_ALL)) return false;  // before changing anything
    // The first G.711 format in the peer's order, by name (a dynamic number
    // is sent back as the peer gave it) — normalise_sdp names static ones.
    const sdp_format* g711 = nullptr;
    const sdp_format* events = nullptr;
    for (const le* e = list_head(sdp_media_format_lst(leg.media, false)); e; e = e->next) {
      const auto* format = static_cast<const sdp_format*>(e->data);
      if (!format->name || format->srate != 8000) continue;
      if (!g711 &&
          (str_casecmp(format->name, "PCMU") == 0 || str_casecmp(format->name, "PCMA") == 0)) {
        g711 = format;
      }
      if (!events && str_casecmp(format->name, "telephone-event") == 0) events = format;
    }
    if (!g711 || g711->pt < 0 || g711->pt > 127) return false;
    leg.pt = g711->pt;
    leg.alaw = str_casecmp(g711->name, "PCMA") == 0;
    leg.event_pt = events && events->pt >= 0 && events->pt <= 127 ? events->pt : -1;
    if (!leg.has_peer || !sa_cmp(&leg.peer, peer, SA_ALL)) start_latching(leg);
    leg.peer = *peer;
    leg.has_peer = true;
    return true;
  }

  // A new address from the SDP: RTP may come from elsewhere (NAT) for a while.
  static void start_latching(Leg& leg) {
    leg.heard_at_sdp_address = false;
    leg.latch_count = 0;
    leg.latch_until = std::chrono::steady_clock::now() + kLatchWindow;
    leg.last_rtp = std::chrono::steady_clock::now();
  }

  // A peer's SDP (offer or answer) through normalise_sdp, into the leg's session.
  static int decode_sdp(Leg& leg, const mbuf* body, bool offer) {
    if (!body) return EBADMSG;
    const std::string text = normalise_sdp(
        std::string_view(reinterpret_cast<const char*>(mbuf_buf(body)), mbuf_get_left(body)));
    if (text.empty()) return EBADMSG;
    mbuf* copy = mbuf_of(text);
    if (!copy) return ENOMEM;
    const int err = sdp_decode(leg.sdp, copy, offer);
    mem_deref(copy);
    return err;
  }

  void free_leg(Leg& leg) {
    tmr_cancel(&leg.refresh_timer);
    aim(leg);
    leg.session = static_cast<sipsess*>(mem_deref(leg.session));  // BYE or CANCEL
    leg.signal_target.clear();
    leg.routed = false;
    leg.refresh_every = std::chrono::milliseconds(0);
    leg.refreshing = false;
    leg.rtp = static_cast<struct rtp_sock*>(mem_deref(leg.rtp));
    leg.media = nullptr;
    leg.sdp = static_cast<sdp_session*>(mem_deref(leg.sdp));
    leg.has_peer = false;
    leg.established = false;
    leg.relaying = false;
  }

  // Hangs up both legs and forgets the call; `by_agent` for the event.
  void end_call(Call& call, bool by_agent) {
    if (call.stage == Stage::kRecording) finish_recording(call);
    finish_recording_file(call);
    tmr_cancel(&call.ivr_timer);
    tmr_cancel(&call.ring_timer);
    free_leg(call.agent);
    free_leg(call.caller);
    if (call.dtmf) dtmf_rx_free(call.dtmf);
    call.dtmf = nullptr;
    CallEvent event = event_for(call, CallEvent::Type::kEnded);
    event.by_agent = by_agent;
    auto owned = std::move(calls_[call.id]);
    calls_.erase(call.id);
    stats_.calls_active = calls_.size();
    options_.on_event(std::move(event));
  }

  CallEvent event_for(const Call& call, CallEvent::Type type) {
    CallEvent event;
    event.type = type;
    event.call = call.id;
    event.caller = call.from;
    event.caller_name = call.from_name;
    event.number = call.number;
    event.queue_id = call.queue_id;
    return event;
  }

  // ---- SIP session handlers (arg: the leg) ------------------------------------

  // A re-INVITE: with an offer (a new address, a phone putting us on hold:
  // c=0.0.0.0 keeps the address we had), or without (a session refresh: we
  // offer, the ACK answers).
  static int on_offer(mbuf** answer, const sip_msg* msg, void* arg) {
    auto* leg = static_cast<Leg*>(arg);
    // libre takes its Contact as the target after this; aim() before our
    // next request puts it back where the peer really is.
    if (msg->req && !leg->routed) leg->signal_target = source_target(msg);
    if (!msg->mb || mbuf_get_left(msg->mb) == 0) return sdp_encode(answer, leg->sdp, true);
    if (decode_sdp(*leg, msg->mb, true) != 0) return EPROTO;
    const sa* peer = sdp_media_raddr(leg->media);
    const bool hold = !peer || !sa_isset(peer, SA_ADDR) || sa_is_any(peer);
    // libre gives the peer's direction as ours: its "a=sendonly" (it holds
    // us) reads as RECVONLY.
    const sdp_dir direction = sdp_media_rdir(leg->media);
    leg->held_by_peer = hold || direction == SDP_RECVONLY || direction == SDP_INACTIVE;
    leg->last_rtp = std::chrono::steady_clock::now();
    if (!hold && !leg->impl->choose_codec(*leg)) return EPROTO;
    if (leg->agent) leg->impl->agent_phone_holds(*leg->call, leg->held_by_peer);
    return sdp_encode(answer, leg->sdp, false);
  }

  // The agent's phone put the caller on hold (its hold key) or took them
  // back: the caller hears music meanwhile, not dead air.
  void agent_phone_holds(Call& call, bool held) {
    if (held && call.stage == Stage::kBridged) {
      call.stage = Stage::kHeld;
      call.held_by_phone = true;
      play(call, music_on_hold(), true, After::kNothing);
    } else if (!held && call.stage == Stage::kHeld && call.held_by_phone) {
      call.stage = Stage::kBridged;
      call.held_by_phone = false;
      call.playing.reset();
      call.caller.relaying = false;
    }
  }

  static int on_answer(const sip_msg* msg, void* arg) {
    auto* leg = static_cast<Leg*>(arg);
    if (!msg->req) {
      // A 2xx (to our INVITE or refresh): libre took its Contact as the
      // target; the ACK it sends next goes where we say. Whether a proxy
      // routes the dialog is told once, by the 2xx that makes it (later
      // ones, through the proxy, need not repeat Record-Route).
      leg->refreshing = false;
      if (!leg->established) leg->routed = sip_msg_hdr(msg, SIP_HDR_RECORD_ROUTE) != nullptr;
      if (!leg->routed) leg->signal_target = source_target(msg);
      leg->impl->aim(*leg);
    }
    if (decode_sdp(*leg, msg->mb, false) != 0 || !leg->impl->choose_codec(*leg)) return EPROTO;
    return 0;
  }

  // In-dialog requests to the leg's peer go to where it really is.
  void aim(Leg& leg) {
    if (!leg.session || leg.routed || leg.signal_target.empty()) return;
    (void)aim_dialog(sipsess_dialog(leg.session), leg.signal_target);
  }

  // ---- SIP over TCP's limits (see sip_connections.h) -------------------------------

  // Off the SIP thread: asking the kernel takes milliseconds (it walks its
  // whole table of connections), and so does finding their descriptors,
  // which the audio's 2 ms ticks cannot spare.
  void watch_connections() {
    std::unique_lock lock(watch_mutex_);
    while (!watch_wake_.wait_for(lock, kConnectionsLook, [this] { return watch_stop_; })) {
      lock.unlock();
      Command command;
      command.connections = connections_on(local_host_, options_.port);
      if (!command.connections.empty()) find_descriptors(command.connections);
      push(kConnections, std::move(command));
      lock.lock();
    }
  }

  // Before the SIP thread frees the command queue the watcher pushes into
  // (its end, or ours), and from either: once.
  void stop_watcher() {
    {
      std::lock_guard lock(watch_mutex_);
      watch_stop_ = true;
    }
    watch_wake_.notify_all();
    std::lock_guard joining(watcher_join_mutex_);
    if (watcher_.joinable()) watcher_.join();
  }

  // On the SIP thread, which alone closes (libre's) connections: so a
  // descriptor found here is the connection's until shut down.
  void apply_connection_limits(std::vector<SipConnection>& connections) {
    const auto now = std::chrono::steady_clock::now();
    std::unordered_map<std::string, std::chrono::steady_clock::time_point> seen;
    std::unordered_set<std::string> in_call;
    for (const auto& [id, call] : calls_) {
      if (!call->tcp_peer.empty()) in_call.insert(call->tcp_peer);
    }
    for (SipConnection& c : connections) {
      // A connection not heard from yet counts from when it was first seen.
      auto last = tcp_last_request_.try_emplace(c.peer, now).first->second;
      seen[c.peer] = last;
      c.last_request = last;
      c.in_call = in_call.count(c.peer) > 0;
    }
    tcp_last_request_ = std::move(seen);  // the gone are forgotten
    SipConnectionLimits limits;
    limits.idle = options_.tcp_idle;
    limits.per_address = options_.tcp_per_address;
    limits.total = options_.tcp_total ? options_.tcp_total : default_connection_total();
    std::size_t closed = 0;
    for (const SipConnection& c : connections_to_close(connections, limits, now)) {
      if (close_connection(c)) ++closed;  // else: not accepted by libre yet, or gone
    }
    stats_.tcp_closed += closed;
    stats_.tcp_connections = connections.size() - closed;
  }

  // ---- session timers (RFC 4028) ------------------------------------------------

  // Each established leg is refreshed (a re-INVITE with the same SDP) every
  // leg.refresh_every (see negotiate_session_timer; an agent's leg, half our
  // interval); libre ends a session whose refresh gets 408 or 481 or no
  // answer (32 s), and on_closed ends the call: a peer that lost the call
  // while media still flows (a gateway restarted) does not hold it for ever.
  void schedule_refresh(Leg& leg) {
    if (leg.refresh_every.count() <= 0) return;
    tmr_start(&leg.refresh_timer, static_cast<std::uint64_t>(leg.refresh_every.count()),
              &Impl::on_refresh_due, &leg);
  }

  static void on_refresh_due(void* arg) {
    auto* leg = static_cast<Leg*>(arg);
    Impl* self = leg->impl;
    if (!leg->session || !leg->established) return;
    self->schedule_refresh(*leg);
    mbuf* offer = nullptr;
    self->aim(*leg);
    if (sdp_encode(&offer, leg->sdp, true) == 0 && sipsess_modify(leg->session, offer) == 0) {
      leg->refreshing = true;
      self->stats_.session_refreshes++;
    }
    mem_deref(offer);
  }

  static void on_established(const sip_msg*, void* arg) {
    auto* leg = static_cast<Leg*>(arg);
    leg->established = true;
    leg->last_rtp = std::chrono::steady_clock::now();  // silence counts from now
    leg->impl->schedule_refresh(*leg);
    Call& call = *leg->call;
    if (!leg->agent) {
      if (!call.ivr_started) {
        call.ivr_started = true;
        leg->impl->perform(call, call.ivr->start());
      }
      return;
    }
    if (call.stage != Stage::kRinging) return;
    tmr_cancel(&call.ring_timer);
    call.stage = Stage::kBridged;
    call.playing.reset();
    call.caller.relaying = false;
    call.agent.relaying = false;
    CallEvent event = leg->impl->event_for(call, CallEvent::Type::kAgentAnswered);
    event.attempt = call.attempt;
    leg->impl->options_.on_event(std::move(event));
  }

  static void on_closed(int err, const sip_msg* msg, void* arg) {
    auto* leg = static_cast<Leg*>(arg);
    Impl* self = leg->impl;
    Call& call = *leg->call;
    if (leg->refreshing &&
        (err == ETIMEDOUT || (msg && !msg->req && (msg->scode == 408 || msg->scode == 481)))) {
      self->stats_.sessions_expired++;  // its refresh found no call there
    }
    leg->session = static_cast<sipsess*>(mem_deref(leg->session));
    if (!leg->agent) return self->end_call(call, false);
    if (call.stage == Stage::kRinging) {
      // No answer, busy, refused, unreachable: back to waiting.
      self->ring_failed(call, msg ? msg->scode : (err == ETIMEDOUT ? 408 : 0));
      return;
    }
    self->end_call(call, true);  // the agent hung up
  }

  static void on_progress(const sip_msg*, void*) {}

  static int on_auth(char** user, char** password, const char*, void* arg) {
    auto* self = static_cast<Impl*>(arg);
    if (self->options_.trunk_user.empty()) return EAUTH;
    if (str_dup(user, self->options_.trunk_user.c_str()) != 0 ||
        str_dup(password, self->options_.trunk_password.c_str()) != 0) {
      return ENOMEM;
    }
    return 0;
  }

  // ---- the agent's leg ----------------------------------------------------------

  // The agent's phone did not answer (or the ring timed out): back to music.
  void ring_failed(Call& call, int status) {
    tmr_cancel(&call.ring_timer);
    free_leg(call.agent);
    call.stage = Stage::kQueued;
    CallEvent event = event_for(call, CallEvent::Type::kAgentFailed);
    event.status = status;
    event.attempt = call.attempt;
    options_.on_event(std::move(event));
  }

  static void on_ring_timeout(void* arg) {
    auto* call = static_cast<Call*>(arg);
    if (call->stage == Stage::kRinging) call->caller.impl->ring_failed(*call, 408);
  }

  void connect_agent(Call& call, const std::string& target, std::uint64_t attempt) {
    auto refuse = [&](int status) {  // nothing of ours to undo
      CallEvent event = event_for(call, CallEvent::Type::kAgentFailed);
      event.status = status;
      event.attempt = attempt;
      options_.on_event(std::move(event));
    };
    if (call.stage != Stage::kQueued) return refuse(486);  // not waiting: left as it is
    call.attempt = attempt;
    auto fail = [&](int status) {  // the leg opened here is freed
      free_leg(call.agent);
      refuse(status);
    };
    std::string uri = target;
    if (uri.rfind("sip:", 0) != 0 && uri.rfind("sips:", 0) != 0) {
      if (options_.trunk.empty()) return refuse(0);  // a number, and no trunk
      uri = "sip:" + target + "@" + options_.trunk;
    }
    if (!open_leg(call, call.agent, true)) return fail(503);
    call.agent.refresh_every =
        std::chrono::duration_cast<std::chrono::milliseconds>(options_.session_interval) / 2;
    mbuf* offer = nullptr;
    char host[64] = {};
    (void)sa_ntop(&address_, host, sizeof host);
    const std::string at = sa_af(&address_) == AF_INET6 ? "[" + std::string(host) + "]" : host;
    const std::string from =
        "sip:" + (call.from.empty() ? std::string("anonymous") : call.from) + "@" + at;
    // The caller's number is shown on the agent's phone, the agent's never
    // on the caller's: the legs are two calls.
    // (What a header cannot hold is left out of the name shown.)
    std::string display;
    for (char c : call.from_name.empty() ? call.from : call.from_name) {
      if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= ' ') display += c;
    }
    if (sdp_encode(&offer, call.agent.sdp, true) != 0 ||
        sipsess_connect(&call.agent.session, sessions_, uri.c_str(), display.c_str(), from.c_str(),
                        "guichet", nullptr, 0, "application/sdp", offer, &Impl::on_auth, this,
                        false, &Impl::on_offer, &Impl::on_answer, &Impl::on_progress,
                        &Impl::on_established, nullptr, nullptr, &Impl::on_closed, &call.agent,
                        "%s", kAllow) != 0) {
      mem_deref(offer);
      return fail(500);
    }
    mem_deref(offer);
    call.stage = Stage::kRinging;
    tmr_start(&call.ring_timer, kRingMs, &Impl::on_ring_timeout, &call);
  }

  void drop_agent(Call& call) {
    if (call.stage != Stage::kRinging && call.stage != Stage::kBridged &&
        call.stage != Stage::kHeld) {
      return;
    }
    tmr_cancel(&call.ring_timer);
    free_leg(call.agent);
    call.stage = Stage::kQueued;
    play(call, music_on_hold(), true, After::kNothing);
  }

  // A waiting caller (its agent's phone, if ringing, dropped) leaves a
  // message instead: as the IVR's voicemail step, for `queue`.
  void take_message(Call& call, AudioPtr prompt, std::chrono::seconds longest,
                    std::uint64_t queue) {
    if (call.stage != Stage::kQueued && call.stage != Stage::kRinging) return;
    tmr_cancel(&call.ring_timer);
    free_leg(call.agent);
    call.stage = Stage::kMessage;
    call.queue_id = queue;
    call.record_limit = static_cast<std::size_t>(longest.count()) * kSampleRate;
    play(call, prompt ? std::move(prompt) : std::make_shared<Samples>(), false,
         After::kBeepThenRecord);
  }

  // ---- the IVR -------------------------------------------------------------------

  void perform(Call& call, const IvrAction& action) {
    tmr_cancel(&call.ivr_timer);
    switch (action.kind) {
      case IvrAction::Kind::kPlay:
        play(call, prompt(call, action), false, After::kIvrPlayed);
        break;
      case IvrAction::Kind::kWait:
        call.playing.reset();
        tmr_start(&call.ivr_timer, static_cast<std::uint64_t>(action.wait.count()),
                  &Impl::on_ivr_timeout, &call);
        break;
      case IvrAction::Kind::kQueue: {
        call.stage = Stage::kQueued;
        call.queue_id = action.queue_id;
        call.callback_digit = action.callback_digit;
        play(call, music_on_hold(), true, After::kNothing);
        CallEvent event = event_for(call, CallEvent::Type::kQueued);
        event.priority = action.priority;
        event.attributes = call.ivr->attributes();
        options_.on_event(std::move(event));
        break;
      }
      case IvrAction::Kind::kVoicemail:
        call.queue_id = action.queue_id;
        call.record_limit = static_cast<std::size_t>(action.max_record.count()) * kSampleRate;
        play(call, prompt(call, action), false, After::kBeepThenRecord);
        break;
      case IvrAction::Kind::kHangup:
        hang_up_after(call, prompt(call, action));
        break;
    }
  }

  AudioPtr prompt(const Call& call, const IvrAction& action) {
    if (action.audio_id == 0 && action.text.empty()) return std::make_shared<Samples>();
    auto found = call.service->prompts.find(
        action.audio_id ? Service::recording_key(action.audio_id) : action.text);
    // A prompt that could not be synthesised plays as nothing: the flow goes on.
    return found == call.service->prompts.end() ? std::make_shared<Samples>() : found->second;
  }

  static void on_ivr_timeout(void* arg) {
    auto* call = static_cast<Call*>(arg);
    Impl* self = call->caller.impl;
    if (call->stage != Stage::kIvr) return;
    if (auto next = call->ivr->timed_out()) self->perform(*call, *next);
  }

  void on_digit(Call& call, char digit) {
    // A flood of keys (a broken or hostile phone) is not a flood of work.
    const std::uint64_t now = tmr_jiffies();
    if (call.last_digit_ms != 0 && now - call.last_digit_ms < kDigitGapMs) return;
    call.last_digit_ms = now;
    stats_.digits++;
    switch (call.stage) {
      case Stage::kIvr:
        if (auto next = call.ivr->digit(digit)) perform(call, *next);
        break;
      case Stage::kRecording:
        if (digit == '#') {
          finish_recording(call);
          hang_up_after(call, nullptr);
        }
        break;
      case Stage::kQueued:
      case Stage::kRinging:
        if (digit == call.callback_digit && !call.digit_reported) {
          call.digit_reported = true;
          CallEvent event = event_for(call, CallEvent::Type::kDigit);
          event.digit = digit;
          options_.on_event(std::move(event));
        }
        break;
      default:
        break;
    }
  }

  static void on_inband_digits(void* arg, const char* digits, int length) {
    auto* call = static_cast<Call*>(arg);
    for (int i = 0; i < length; ++i) {
      // The call may end on a digit ('#' in a recording): stop there.
      Impl* self = call->caller.impl;
      const CallId id = call->id;
      self->on_digit(*call, digits[i]);
      if (!self->calls_.count(id)) return;
    }
  }

  void finish_recording(Call& call) {
    if (!call.recording) return;
    CallEvent event = event_for(call, CallEvent::Type::kVoicemail);
    event.attributes = call.ivr->attributes();
    event.recording = std::move(call.recording);
    call.recording.reset();
    options_.on_event(std::move(event));
  }

  // Says `message` to the caller (the agent's leg, if any, ends now), then
  // hangs up — on a tick, never now: digits arrive from inside spandsp's
  // detector and libre's handlers, which must not see the call freed.
  void hang_up_after(Call& call, AudioPtr message) {
    tmr_cancel(&call.ring_timer);
    free_leg(call.agent);
    call.stage = Stage::kEnding;
    play(call, message ? std::move(message) : std::make_shared<Samples>(), false, After::kHangUp);
  }

  // ---- recording conversations --------------------------------------------------

  // The conversation's WAV header for `frames` 20 ms stereo frames.
  static std::string conversation_header(std::uint64_t frames) {
    return wav_header(2, static_cast<std::uint32_t>(frames * kFrame * 4));
  }

  void start_recording(Call& call, const std::string& path, const AudioPtr& notice) {
    call.record_file = std::fopen(path.c_str(), "wb");
    if (!call.record_file) return;  // the call goes on, unrecorded
    call.record_path = path;
    const std::string header = conversation_header(0);
    std::fwrite(header.data(), 1, header.size(), call.record_file);
    if (notice && (call.stage == Stage::kQueued || call.stage == Stage::kRinging)) {
      play(call, notice, false, After::kMusic);
    }
  }

  void write_recording_frame(Call& call) {
    if (call.record_frames >= kMaxRecordFrames) return;
    std::int16_t frame[kFrame * 2];
    for (std::size_t i = 0; i < kFrame; ++i) {
      frame[2 * i] = i < call.heard_from_caller.size() ? call.heard_from_caller[i] : 0;
      frame[2 * i + 1] = i < call.heard_from_agent.size() ? call.heard_from_agent[i] : 0;
    }
    auto consume = [](Samples& s) {
      s.erase(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(std::min(kFrame, s.size())));
    };
    consume(call.heard_from_caller);
    consume(call.heard_from_agent);
    if (std::fwrite(frame, sizeof frame, 1, call.record_file) == 1) ++call.record_frames;
  }

  void finish_recording_file(Call& call) {
    if (!call.record_file) return;
    const std::string header = conversation_header(call.record_frames);
    std::fseek(call.record_file, 0, SEEK_SET);
    std::fwrite(header.data(), 1, header.size(), call.record_file);
    const bool written = std::fclose(call.record_file) == 0;
    call.record_file = nullptr;
    if (!written || call.record_frames == 0) {
      std::remove(call.record_path.c_str());  // never bridged: nothing to keep
      return;
    }
    CallEvent event = event_for(call, CallEvent::Type::kRecorded);
    event.file = call.record_path;
    event.seconds = static_cast<double>(call.record_frames) * kFrame / kSampleRate;
    options_.on_event(std::move(event));
  }

  // ---- media -----------------------------------------------------------------------

  void play(Call& call, AudioPtr audio, bool loop, After after) {
    call.playing = std::move(audio);
    call.position = 0;
    call.loop = loop;
    call.after = after;
  }

  // What follows a sound that ended (on the tick).
  void played(Call& call) {
    const After after = call.after;
    call.playing.reset();
    call.after = After::kNothing;
    switch (after) {
      case After::kIvrPlayed:
        if (call.stage == Stage::kIvr) {
          if (auto next = call.ivr->played()) perform(call, *next);
        }
        break;
      case After::kHangUp:
        end_call(call, false);
        break;
      case After::kBeepThenRecord:
        play(call, beep(), false, After::kRecord);
        break;
      case After::kRecord:
        call.stage = Stage::kRecording;
        call.recording = std::make_shared<Samples>();
        call.recording->reserve(std::min<std::size_t>(call.record_limit, 30 * kSampleRate));
        break;
      case After::kMusic:
        play(call, music_on_hold(), true, After::kNothing);
        break;
      case After::kNothing:
        break;
    }
  }

  // Every 2 ms, against the clock (t0 + 2·n), not by re-arming: each caller
  // not bridged gets its next frame (a prompt, music, silence) every tenth
  // tick, by the call's phase — a tenth of the calls per tick, so that a
  // thousand calls' packets do not all leave in one burst, the last ones late.
  static void on_tick(void* arg) {
    auto* self = static_cast<Impl*>(arg);
    const auto now = std::chrono::steady_clock::now();
    const auto due = self->next_tick_;
    const unsigned phase = self->phase_;
    self->phase_ = (self->phase_ + 1) % kPhases;
    self->next_tick_ += kTick;
    if (now - self->next_tick_ > std::chrono::milliseconds(200)) self->next_tick_ = now;  // stalled
    // Rounded up: libre's timers count whole milliseconds, and early is as
    // wrong as late.
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(
        self->next_tick_ - std::chrono::steady_clock::now());
    tmr_start(&self->tick_, static_cast<std::uint64_t>(std::max<long long>(0, wait.count())),
              &Impl::on_tick, self);
    // Sounds that end may end calls: collect first, then walk.
    self->ticking_.clear();
    for (auto& [id, call] : self->calls_) {
      if (id % kPhases == phase) self->ticking_.push_back(id);
    }
    for (CallId id : self->ticking_) {
      auto found = self->calls_.find(id);
      if (found == self->calls_.end()) continue;
      self->send_frame(*found->second);
    }
    // The pacing error counted is the tick's last packet's: how late it left.
    const auto late = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - due)
                          .count();
    self->stats_.tick_lateness[std::clamp<long long>(late / 100, 0, 500)]++;
  }

  void send_frame(Call& call) {
    Leg& leg = call.caller;
    // Nothing before the caller's ACK: an INVITE with a forged source and an
    // SDP naming a third party must not make us stream audio at it (an
    // amplifier). The ACK needs our 200's tag, which a forger never sees.
    if (!leg.has_peer || !leg.rtp || !leg.established) return;
    // A caller (or an agent's phone) gone without BYE — a dead network, a
    // crashed phone — sends no more RTP: the call ends, not "waiting" for ever.
    const bool bridged = call.stage == Stage::kBridged && call.agent.established;
    const bool caller_silent = silent(leg);
    const bool phone_silent = bridged && silent(call.agent);
    if (caller_silent || phone_silent) {
      stats_.media_timeouts++;
      return end_call(call, phone_silent && !caller_silent);
    }
    if (call.stage == Stage::kBridged) {  // the agent's audio goes instead
      if (call.record_file) write_recording_frame(call);
      return;
    }
    std::uint8_t* out = frame_payload();
    bool ended = false;
    for (std::size_t i = 0; i < kFrame; ++i) {
      std::int16_t sample = 0;
      if (call.playing) {
        const Samples& audio = *call.playing;
        if (call.position >= audio.size() && call.loop && !audio.empty()) call.position = 0;
        if (call.position < audio.size()) {
          sample = audio[call.position++];
        } else {
          ended = true;
        }
      }
      out[i] = encode(leg.alaw, sample);
    }
    send_frame_to(leg, leg.ts == 0);
    // On hold from the workspace, the agent's phone gets silence: RTP that
    // stops would make many phones (and NATs) drop the call.
    if (call.stage == Stage::kHeld && !call.held_by_phone) send_silence(call.agent);
    if (ended) played(call);
  }

  void send_silence(Leg& leg) {
    if (!leg.established || !leg.has_peer || !leg.rtp) return;
    std::memset(frame_payload(), encode(leg.alaw, 0), kFrame);
    send_frame_to(leg, false);
  }

  // The payload of the next 20 ms frame, to fill before send_frame_to.
  std::uint8_t* frame_payload() {
    if (!frame_) frame_ = mbuf_alloc(kHeadroom + kFrame);
    frame_->pos = kHeadroom;
    frame_->end = kHeadroom + kFrame;
    return frame_->buf + kHeadroom;
  }

  // The frame filled through frame_payload() to `leg`, in its timing.
  void send_frame_to(Leg& leg, bool marker) {
    if (rtp_send(leg.rtp, &leg.peer, false, marker, static_cast<std::uint8_t>(leg.pt), leg.ts,
                 frame_) == 0) {
      stats_.rtp_sent++;
    }
    leg.ts += kFrame;
  }

  // No RTP from an established leg for the media timeout (0: never), unless
  // its phone holds us.
  bool silent(const Leg& leg) const {
    return options_.media_timeout.count() > 0 && leg.established && !leg.held_by_peer &&
           std::chrono::steady_clock::now() - leg.last_rtp > options_.media_timeout;
  }

  // RTP from an address other than the SDP's: a home router's (NAT) is
  // taken once, early and in sequence, never once the SDP's address spoke
  // — a stranger cannot take a call's audio (RFC 4961, Asterisk's strictrtp).
  bool latched(Leg& leg, const sa* source, const rtp_header* header) {
    if (leg.heard_at_sdp_address || std::chrono::steady_clock::now() > leg.latch_until) {
      return false;
    }
    if (leg.latch_count > 0 && sa_cmp(source, &leg.latch_candidate, SA_ALL) &&
        header->seq == static_cast<std::uint16_t>(leg.latch_seq + 1)) {
      ++leg.latch_count;
    } else {
      leg.latch_candidate = *source;
      leg.latch_count = 1;
    }
    leg.latch_seq = header->seq;
    if (leg.latch_count < kLatchPackets) return false;
    leg.peer = *source;
    leg.heard_at_sdp_address = true;  // latched: no second move
    stats_.rtp_latched++;
    return true;
  }

  static void on_rtp(const sa* source, const rtp_header* header, mbuf* mb, void* arg) {
    auto* leg = static_cast<Leg*>(arg);
    Impl* self = leg->impl;
    if (!leg->has_peer ||
        (!sa_cmp(source, &leg->peer, SA_ALL) && !self->latched(*leg, source, header))) {
      self->stats_.rtp_from_strangers++;
      return;
    }
    leg->heard_at_sdp_address = true;
    leg->last_rtp = std::chrono::steady_clock::now();
    self->stats_.rtp_received++;
    if (header->pad) {
      auto size = unpadded_size(mbuf_buf(mb), mbuf_get_left(mb));
      if (!size) return;
      mb->end = mb->pos + *size;
    }
    Call& call = *leg->call;
    const std::size_t size = mbuf_get_left(mb);
    const std::uint8_t* payload = mbuf_buf(mb);
    const bool bridged = call.stage == Stage::kBridged && call.agent.established;
    Leg& other = leg->agent ? call.caller : call.agent;

    if (leg->event_pt >= 0 && header->pt == leg->event_pt) {
      const std::optional<KeyEvent> event = read_key_event(payload, size);
      if (!event) return;
      if (!leg->agent && (!leg->had_event || header->ts != leg->last_event_ts)) {
        leg->had_event = true;
        leg->last_event_ts = header->ts;
        leg->last_event_ours = !bridged;
        const CallId id = call.id;
        if (!bridged) {
          if (event->key) self->on_digit(call, event->key);
          if (!self->calls_.count(id)) return;
        } else {
          self->stats_.digits++;
        }
      }
      // A key the IVR took is not the agent's, even if its last packets come
      // once the call is bridged.
      const bool ours = !leg->agent && leg->last_event_ours && header->ts == leg->last_event_ts;
      if (bridged && other.event_pt >= 0 && !ours) self->relay_event(*leg, other, header, mb);
      return;
    }
    // The law of this packet: the leg's G.711 under its number, or a static one.
    if (header->pt != leg->pt && header->pt != kPcmu && header->pt != kPcma) {
      return;  // comfort noise, others
    }
    const bool alaw = header->pt == leg->pt ? leg->alaw : header->pt == kPcma;
    if (bridged) return self->relay_audio(*leg, other, alaw, header, mb);
    if (leg->agent) return;
    // The caller, not bridged: digits in band, and the message being recorded.
    // In-band keys matter in the IVR, and to a waiting caller who may ask for
    // a callback; elsewhere the detector (the costliest work per packet) is
    // not run.
    const bool recording = call.stage == Stage::kRecording && call.recording;
    const bool listening = call.stage == Stage::kIvr || call.stage == Stage::kRecording ||
                           ((call.stage == Stage::kQueued || call.stage == Stage::kRinging) &&
                            call.callback_digit != 0);
    if (!recording && !(listening && call.dtmf && !leg->had_event)) return;
    std::int16_t linear[kFrame * 4];
    const std::size_t count = std::min(size, std::size(linear));
    for (std::size_t i = 0; i < count; ++i)
      linear[i] = decode(alaw, payload[i]);
    if (recording) {
      call.recording->insert(call.recording->end(), linear, linear + count);
      if (call.recording->size() >= call.record_limit) {
        self->finish_recording(call);
        self->hang_up_after(call, nullptr);
      }
    }
    // A phone sending RFC 4733 events may leave the tones in its audio too:
    // one detector per phone, or every key counts twice.
    if (listening && call.dtmf && !leg->had_event) {
      dtmf_rx(call.dtmf, linear, static_cast<int>(count));
    }
  }

  void relay_audio(Leg& from, Leg& to, bool alaw, const rtp_header* header, mbuf* mb) {
    if (!to.has_peer || !to.rtp) return;
    const std::size_t size = mbuf_get_left(mb);
    if (Call& call = *from.call; call.record_file) {
      // At most a second ahead of the writer: a burst does not grow it.
      Samples& heard = from.agent ? call.heard_from_agent : call.heard_from_caller;
      const std::uint8_t* payload = mbuf_buf(mb);
      for (std::size_t i = 0; i < size && heard.size() < kSampleRate; ++i) {
        heard.push_back(decode(alaw, payload[i]));
      }
    }
    if (alaw != to.alaw) {  // µ-law ↔ A-law, in place (same size)
      std::uint8_t* payload = mbuf_buf(mb);
      for (std::size_t i = 0; i < size; ++i) {
        payload[i] = encode(to.alaw, decode(alaw, payload[i]));
      }
    }
    (void)from;
    const std::uint32_t ts = relayed_ts(to, header);
    if (rtp_send(to.rtp, &to.peer, false, header->m, static_cast<std::uint8_t>(to.pt), ts, mb) ==
        0) {
      stats_.rtp_relayed++;
    }
    to.ts = ts + static_cast<std::uint32_t>(size);  // where our own audio would go on
  }

  // The sender's timestamp in our stream toward `to`: gaps, losses and
  // silences keep their length.
  static std::uint32_t relayed_ts(Leg& to, const rtp_header* header) {
    if (!to.relaying || to.relay_ssrc != header->ssrc) {
      to.relaying = true;
      to.relay_ssrc = header->ssrc;
      to.relay_offset = to.ts - header->ts;
    }
    return header->ts + to.relay_offset;
  }

  // RFC 4733 events keep one timestamp per event: map theirs to ours.
  void relay_event(Leg& from, Leg& to, const rtp_header* header, mbuf* mb) {
    (void)from;
    if (!to.has_peer || !to.rtp) return;
    if (rtp_send(to.rtp, &to.peer, false, header->m, static_cast<std::uint8_t>(to.event_pt),
                 relayed_ts(to, header), mb) == 0) {
      stats_.rtp_relayed++;
    }
  }

  Options options_;
  std::thread thread_;
  std::thread watcher_;  // SIP over TCP's connections (watch_connections)
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

Result<std::unique_ptr<SipEndpoint>> SipEndpoint::start(Options options) {
  auto impl = std::make_unique<Impl>(std::move(options));
  if (Status s = impl->start(); !s) return s.error();
  return std::unique_ptr<SipEndpoint>(new SipEndpoint(std::move(impl)));
}

SipEndpoint::SipEndpoint(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SipEndpoint::~SipEndpoint() = default;

void SipEndpoint::set_services(std::map<std::string, std::shared_ptr<const Service>> services) {
  impl_->set_services(std::move(services));
}
void SipEndpoint::connect_agent(CallId call, std::string target, std::uint64_t attempt) {
  impl_->push(kConnectAgent, {.call = call, .target = std::move(target), .attempt = attempt});
}
void SipEndpoint::drop_agent(CallId call) {
  impl_->push(kDropAgent, {.call = call});
}
void SipEndpoint::hang_up(CallId call, AudioPtr message) {
  impl_->push(kHangUp, {.call = call, .audio = std::move(message)});
}
void SipEndpoint::announce(CallId call, AudioPtr message) {
  impl_->push(kAnnounce, {.call = call, .audio = std::move(message)});
}
void SipEndpoint::record(CallId call, std::string file, AudioPtr notice) {
  impl_->push(kRecord, {.call = call, .target = std::move(file), .audio = std::move(notice)});
}
void SipEndpoint::hold(CallId call, bool on) {
  impl_->push(on ? kHold : kResume, {.call = call});
}
void SipEndpoint::take_message(CallId call, AudioPtr prompt, std::chrono::seconds longest,
                               std::uint64_t queue) {
  impl_->push(kTakeMessage,
              {.call = call, .attempt = queue, .audio = std::move(prompt), .longest = longest});
}
const VoiceStats& SipEndpoint::stats() const {
  return impl_->stats_;
}

}  // namespace guichet::voice
