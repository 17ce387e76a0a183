// What the SIP endpoint's callers hear and say: the IVR's actions, the
// conversations recorded, and the audio (paced ticks, NAT latching, the
// relay between legs).

#include "channels/voice/detail/sip_endpoint_impl.h"

namespace guichet::voice {

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

void SipEndpoint::Impl::perform(Call& call, const IvrAction& action) {
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

AudioPtr SipEndpoint::Impl::prompt(const Call& call, const IvrAction& action) {
  if (action.audio_id == 0 && action.text.empty()) return std::make_shared<Samples>();
  auto found = call.service->prompts.find(action.audio_id ? Service::recording_key(action.audio_id)
                                                          : action.text);
  // A prompt that could not be synthesised plays as nothing: the flow goes on.
  return found == call.service->prompts.end() ? std::make_shared<Samples>() : found->second;
}

void SipEndpoint::Impl::on_ivr_timeout(void* arg) {
  auto* call = static_cast<Call*>(arg);
  Impl* self = call->caller.impl;
  if (call->stage != Stage::kIvr) return;
  if (auto next = call->ivr->timed_out()) self->perform(*call, *next);
}

void SipEndpoint::Impl::on_digit(Call& call, char digit) {
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

void SipEndpoint::Impl::on_inband_digits(void* arg, const char* digits, int length) {
  auto* call = static_cast<Call*>(arg);
  for (int i = 0; i < length; ++i) {
    // The call may end on a digit ('#' in a recording): stop there.
    Impl* self = call->caller.impl;
    const CallId id = call->id;
    self->on_digit(*call, digits[i]);
    if (!self->calls_.count(id)) return;
  }
}

void SipEndpoint::Impl::finish_recording(Call& call) {
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
void SipEndpoint::Impl::hang_up_after(Call& call, AudioPtr message) {
  tmr_cancel(&call.ring_timer);
  free_leg(call.agent);
  call.stage = Stage::kEnding;
  play(call, message ? std::move(message) : std::make_shared<Samples>(), false, After::kHangUp);
}

// The conversation's WAV header for `frames` 20 ms stereo frames.
std::string SipEndpoint::Impl::conversation_header(std::uint64_t frames) {
  return wav_header(2, static_cast<std::uint32_t>(frames * kFrame * 4));
}

void SipEndpoint::Impl::start_recording(Call& call, const std::string& path,
                                        const AudioPtr& notice) {
  call.record_file = std::fopen(path.c_str(), "wb");
  if (!call.record_file) return;  // the call goes on, unrecorded
  call.record_path = path;
  const std::string header = conversation_header(0);
  std::fwrite(header.data(), 1, header.size(), call.record_file);
  if (notice && (call.stage == Stage::kQueued || call.stage == Stage::kRinging)) {
    play(call, notice, false, After::kMusic);
  }
}

void SipEndpoint::Impl::write_recording_frame(Call& call) {
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

void SipEndpoint::Impl::finish_recording_file(Call& call) {
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

void SipEndpoint::Impl::play(Call& call, AudioPtr audio, bool loop, After after) {
  call.playing = std::move(audio);
  call.position = 0;
  call.loop = loop;
  call.after = after;
}

// What follows a sound that ended (on the tick).
void SipEndpoint::Impl::played(Call& call) {
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
void SipEndpoint::Impl::on_tick(void* arg) {
  auto* self = static_cast<Impl*>(arg);
  const auto now = std::chrono::steady_clock::now();
  const auto due = self->next_tick_;
  const unsigned phase = self->phase_;
  self->phase_ = (self->phase_ + 1) % kPhases;
  self->next_tick_ += kTick;
  if (now - self->next_tick_ > std::chrono::milliseconds(200)) self->next_tick_ = now;  // stalled
  // Rounded up: libre's timers count whole milliseconds, and early is as
  // wrong as late.
  const auto wait = std::chrono::ceil<std::chrono::milliseconds>(self->next_tick_ -
                                                                 std::chrono::steady_clock::now());
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
  const auto late =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - due)
          .count();
  self->stats_.tick_lateness[std::clamp<long long>(late / 100, 0, 500)]++;
}

void SipEndpoint::Impl::send_frame(Call& call) {
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

void SipEndpoint::Impl::send_silence(Leg& leg) {
  if (!leg.established || !leg.has_peer || !leg.rtp) return;
  std::memset(frame_payload(), encode(leg.alaw, 0), kFrame);
  send_frame_to(leg, false);
}

// The payload of the next 20 ms frame, to fill before send_frame_to.
std::uint8_t* SipEndpoint::Impl::frame_payload() {
  if (!frame_) frame_ = mbuf_alloc(kHeadroom + kFrame);
  frame_->pos = kHeadroom;
  frame_->end = kHeadroom + kFrame;
  return frame_->buf + kHeadroom;
}

// The frame filled through frame_payload() to `leg`, in its timing.
void SipEndpoint::Impl::send_frame_to(Leg& leg, bool marker) {
  if (rtp_send(leg.rtp, &leg.peer, false, marker, static_cast<std::uint8_t>(leg.pt), leg.ts,
               frame_) == 0) {
    stats_.rtp_sent++;
  }
  leg.ts += kFrame;
}

// No RTP from an established leg for the media timeout (0: never), unless
// its phone holds us.
bool SipEndpoint::Impl::silent(const Leg& leg) const {
  return options_.media_timeout.count() > 0 && leg.established && !leg.held_by_peer &&
         std::chrono::steady_clock::now() - leg.last_rtp > options_.media_timeout;
}

// RTP from an address other than the SDP's: a home router's (NAT) is
// taken once, early and in sequence, never once the SDP's address spoke
// — a stranger cannot take a call's audio (RFC 4961, Asterisk's strictrtp).
bool SipEndpoint::Impl::latched(Leg& leg, const sa* source, const rtp_header* header) {
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

void SipEndpoint::Impl::on_rtp(const sa* source, const rtp_header* header, mbuf* mb, void* arg) {
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
  const bool listening =
      call.stage == Stage::kIvr || call.stage == Stage::kRecording ||
      ((call.stage == Stage::kQueued || call.stage == Stage::kRinging) && call.callback_digit != 0);
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

void SipEndpoint::Impl::relay_audio(Leg& from, Leg& to, bool alaw, const rtp_header* header,
                                    mbuf* mb) {
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
  if (rtp_send(to.rtp, &to.peer, false, header->m, static_cast<std::uint8_t>(to.pt), ts, mb) == 0) {
    stats_.rtp_relayed++;
  }
  to.ts = ts + static_cast<std::uint32_t>(size);  // where our own audio would go on
}

// The sender's timestamp in our stream toward `to`: gaps, losses and
// silences keep their length.
std::uint32_t SipEndpoint::Impl::relayed_ts(Leg& to, const rtp_header* header) {
  if (!to.relaying || to.relay_ssrc != header->ssrc) {
    to.relaying = true;
    to.relay_ssrc = header->ssrc;
    to.relay_offset = to.ts - header->ts;
  }
  return header->ts + to.relay_offset;
}

// RFC 4733 events keep one timestamp per event: map theirs to ours.
void SipEndpoint::Impl::relay_event(Leg& from, Leg& to, const rtp_header* header, mbuf* mb) {
  (void)from;
  if (!to.has_peer || !to.rtp) return;
  if (rtp_send(to.rtp, &to.peer, false, header->m, static_cast<std::uint8_t>(to.event_pt),
               relayed_ts(to, header), mb) == 0) {
    stats_.rtp_relayed++;
  }
}

}  // namespace guichet::voice
