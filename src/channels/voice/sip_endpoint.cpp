// The SIP endpoint's thread (libre's event loop), the requests no call
// takes, SIP over TCP's limits, and the commands queued to the thread.

#include "channels/voice/detail/sip_endpoint_impl.h"

namespace guichet::voice {

Status SipEndpoint::Impl::start() {
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

SipEndpoint::Impl::~Impl() {
  stop_watcher();
  if (!thread_.joinable()) return;
  mqueue_push(queue_, kStop, nullptr);  // thread-safe: a pipe
  thread_.join();
}

void SipEndpoint::Impl::set_services(
    std::map<std::string, std::shared_ptr<const Service>> services) {
  std::lock_guard lock(services_mutex_);
  services_ = std::move(services);
}

void SipEndpoint::Impl::push(int id, Command command) {
  // Owned by the queue until the SIP thread takes it (on_command).
  auto* queued = new Command(std::move(command));
  if (mqueue_push(queue_, id, queued) != 0) delete queued;  // the pipe is full or gone
}

void SipEndpoint::Impl::run(std::promise<Status>& started) {
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

Status SipEndpoint::Impl::listen() {
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
  // Room for as many handshakes as connections allowed: libre's 5 left a
  // burst of reconnecting phones waiting seconds.
  char host[64] = {};
  (void)sa_ntop(&address_, host, sizeof host);  // as the kernel's addresses are written
  const std::size_t total = options_.tcp_total ? options_.tcp_total : default_connection_total();
  if (!widen_listen_backlog(host, options_.port, static_cast<int>(total))) {
    log::warning("sip", "\"detail\":\"the TCP listener's backlog stays libre's 5\"");
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
void SipEndpoint::Impl::find_udp_socket() {
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

void SipEndpoint::Impl::close() {
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

void SipEndpoint::Impl::on_command(int id, void* data, void* arg) {
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
bool SipEndpoint::Impl::on_request(const sip_msg* msg, void* arg) {
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
bool SipEndpoint::Impl::may_call(const sa& source) {
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
void SipEndpoint::Impl::reply(const sip_msg* msg, std::uint16_t code, const char* reason,
                              const char* headers) {
  if (sip_treplyf(nullptr, nullptr, sip_, msg, false, code, reason, "%s%sContent-Length: 0\r\n\r\n",
                  kAllow, headers) != 0) {
    reply_by_hand(msg, code, reason, headers);
  }
}

// A response written here, sent back where the request came from (over
// its connection for TCP): for requests libre keeps no transaction for,
// and whose Via it would not answer (RFC 2543: no branch).
void SipEndpoint::Impl::reply_by_hand(const sip_msg* msg, std::uint16_t code, const char* reason,
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
bool SipEndpoint::Impl::on_any_request(const sip_msg* msg, void* arg) {
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
      (void)sip_replyf(self->sip_, msg, problem.code, problem.reason, "Content-Length: 0\r\n\r\n");
    }
  }
  return true;
}

void SipEndpoint::Impl::guard_datagrams(const sip_msg* msg) {
  if (udp_register_helper(&raw_guard_, static_cast<udp_sock*>(msg->sock), 0, nullptr,
                          &Impl::on_raw_datagram, this) != 0) {
    raw_guard_ = nullptr;
    return;
  }
  udp_sock_ = static_cast<udp_sock*>(msg->sock);
}

bool SipEndpoint::Impl::on_raw_datagram(sa* source, mbuf* mb, void* arg) {
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
bool SipEndpoint::Impl::poisoned(const sip_msg* msg) {
  const auto now = std::chrono::steady_clock::now();
  std::erase_if(poisoned_, [&](const Poisoned& p) { return p.until < now; });
  return std::any_of(poisoned_.begin(), poisoned_.end(), [&](const Poisoned& p) {
    return p.sock == msg->sock && sa_cmp(&p.source, &msg->src, SA_ALL);
  });
}

void SipEndpoint::Impl::poison(const sip_msg* msg) {
  if (poisoned_.size() >= 1024) poisoned_.erase(poisoned_.begin());
  poisoned_.push_back(
      {msg->sock, msg->src, std::chrono::steady_clock::now() + std::chrono::minutes(1)});
}

// libre's own warnings (a malformed datagram…), into our log, at most a
// few a second: a flood of junk must not become a flood of log lines.
void SipEndpoint::Impl::on_libre_log(int level, const char* text, std::size_t length, void* arg) {
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

// Off the SIP thread: asking the kernel takes milliseconds (it walks its
// whole table of connections), and so does finding their descriptors,
// which the audio's 2 ms ticks cannot spare.
void SipEndpoint::Impl::watch_connections() {
  ConnectionWatch watch;  // opened now, while descriptors are free
  std::unique_lock lock(watch_mutex_);
  while (!watch_wake_.wait_for(lock, kConnectionsLook, [this] { return watch_stop_; })) {
    lock.unlock();
    Command command;
    command.connections = watch.connections_on(local_host_, options_.port);
    if (!command.connections.empty()) watch.find_descriptors(command.connections);
    push(kConnections, std::move(command));
    lock.lock();
  }
}

// Before the SIP thread frees the command queue the watcher pushes into
// (its end, or ours), and from either: once.
void SipEndpoint::Impl::stop_watcher() {
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
void SipEndpoint::Impl::apply_connection_limits(std::vector<SipConnection>& connections) {
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
