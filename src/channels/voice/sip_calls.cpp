// Calls in, their legs and SIP sessions (NAT targets, session timers), and
// the agent's leg: the SIP endpoint's signalling side.

#include "channels/voice/detail/sip_endpoint_impl.h"

namespace guichet::voice {

void SipEndpoint::Impl::on_invite(const sip_msg* msg, void* arg) {
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
  if (!late_offer && (decode_sdp(c.caller, msg->mb, true) != 0 || !self->choose_codec(c.caller))) {
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

bool SipEndpoint::Impl::open_leg(Call& call, Leg& leg, bool agent) {
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
      sdp_format_add(nullptr, leg.media, false, "101", "telephone-event", 8000, 1, nullptr, nullptr,
                     nullptr, false, "0-15") != 0) {
    return false;
  }
  return true;
}

// After the peer's SDP was decoded: its first G.711 law, its events, its
// address.
bool SipEndpoint::Impl::choose_codec(Leg& leg) {
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
void SipEndpoint::Impl::start_latching(Leg& leg) {
  leg.heard_at_sdp_address = false;
  leg.latch_count = 0;
  leg.latch_until = std::chrono::steady_clock::now() + kLatchWindow;
  leg.last_rtp = std::chrono::steady_clock::now();
}

// A peer's SDP (offer or answer) through normalise_sdp, into the leg's session.
int SipEndpoint::Impl::decode_sdp(Leg& leg, const mbuf* body, bool offer) {
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

void SipEndpoint::Impl::free_leg(Leg& leg) {
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
void SipEndpoint::Impl::end_call(Call& call, bool by_agent) {
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

CallEvent SipEndpoint::Impl::event_for(const Call& call, CallEvent::Type type) {
  CallEvent event;
  event.type = type;
  event.call = call.id;
  event.caller = call.from;
  event.caller_name = call.from_name;
  event.number = call.number;
  event.queue_id = call.queue_id;
  return event;
}

// A re-INVITE: with an offer (a new address, a phone putting us on hold:
// c=0.0.0.0 keeps the address we had), or without (a session refresh: we
// offer, the ACK answers).
int SipEndpoint::Impl::on_offer(mbuf** answer, const sip_msg* msg, void* arg) {
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
void SipEndpoint::Impl::agent_phone_holds(Call& call, bool held) {
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

int SipEndpoint::Impl::on_answer(const sip_msg* msg, void* arg) {
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
void SipEndpoint::Impl::aim(Leg& leg) {
  if (!leg.session || leg.routed || leg.signal_target.empty()) return;
  (void)aim_dialog(sipsess_dialog(leg.session), leg.signal_target);
}

// Each established leg is refreshed (a re-INVITE with the same SDP) every
// leg.refresh_every (see negotiate_session_timer; an agent's leg, half our
// interval); libre ends a session whose refresh gets 408 or 481 or no
// answer (32 s), and on_closed ends the call: a peer that lost the call
// while media still flows (a gateway restarted) does not hold it for ever.
void SipEndpoint::Impl::schedule_refresh(Leg& leg) {
  if (leg.refresh_every.count() <= 0) return;
  tmr_start(&leg.refresh_timer, static_cast<std::uint64_t>(leg.refresh_every.count()),
            &Impl::on_refresh_due, &leg);
}

void SipEndpoint::Impl::on_refresh_due(void* arg) {
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

void SipEndpoint::Impl::on_established(const sip_msg*, void* arg) {
  auto* leg = static_cast<Leg*>(arg);
  leg->established = true;
  leg->last_rtp = std::chrono::steady_clock::now();  // silence counts from now
  leg->impl->schedule_refresh(*leg);
  Call& call = *leg->call;
  if (!leg->agent) {
    if (!call.ivr_started) {
      call.ivr_started = true;
      leg->impl->perform(call, call.ivr->start(call.from));
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

void SipEndpoint::Impl::on_closed(int err, const sip_msg* msg, void* arg) {
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

void SipEndpoint::Impl::on_progress(const sip_msg*, void*) {}

int SipEndpoint::Impl::on_auth(char** user, char** password, const char*, void* arg) {
  auto* self = static_cast<Impl*>(arg);
  if (self->options_.trunk_user.empty()) return EAUTH;
  if (str_dup(user, self->options_.trunk_user.c_str()) != 0 ||
      str_dup(password, self->options_.trunk_password.c_str()) != 0) {
    return ENOMEM;
  }
  return 0;
}

// The agent's phone did not answer (or the ring timed out): back to music.
void SipEndpoint::Impl::ring_failed(Call& call, int status) {
  tmr_cancel(&call.ring_timer);
  free_leg(call.agent);
  call.stage = Stage::kQueued;
  CallEvent event = event_for(call, CallEvent::Type::kAgentFailed);
  event.status = status;
  event.attempt = call.attempt;
  options_.on_event(std::move(event));
}

void SipEndpoint::Impl::on_ring_timeout(void* arg) {
  auto* call = static_cast<Call*>(arg);
  if (call->stage == Stage::kRinging) call->caller.impl->ring_failed(*call, 408);
}

void SipEndpoint::Impl::connect_agent(Call& call, const std::string& target,
                                      std::uint64_t attempt) {
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
                      "guichet", nullptr, 0, "application/sdp", offer, &Impl::on_auth, this, false,
                      &Impl::on_offer, &Impl::on_answer, &Impl::on_progress, &Impl::on_established,
                      nullptr, nullptr, &Impl::on_closed, &call.agent, "%s", kAllow) != 0) {
    mem_deref(offer);
    return fail(500);
  }
  mem_deref(offer);
  call.stage = Stage::kRinging;
  tmr_start(&call.ring_timer, kRingMs, &Impl::on_ring_timeout, &call);
}

void SipEndpoint::Impl::drop_agent(Call& call) {
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
void SipEndpoint::Impl::take_message(Call& call, AudioPtr prompt, std::chrono::seconds longest,
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

}  // namespace guichet::voice
