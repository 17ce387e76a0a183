// Calls and the interactions they become: a call queued by its IVR arrives,
// an offer rings the agent's phone, the phone's answer accepts it, a hang-up
// abandons; voicemails kept.
#include "channels/voice/detail/voice_channel_impl.h"

namespace guichet::voice {

using namespace detail;

// Calls do not outlive the process: those still waiting from before a
// restart (not voicemails, not those an agent is wrapping up) are over.
void VoiceChannel::Impl::abandon_lost_calls() {
  auto open = host_.open_interactions(routing::Channel::kVoice);
  if (!open) return;
  std::size_t lost = 0;
  for (const channels::OpenInteraction& it : *open) {
    if (!it.attributes.contains("voicemail") && (it.phase == "waiting" || it.phase == "offered")) {
      (void)host_.abandon(it.id);
      ++lost;
    }
  }
  if (lost > 0) {
    log::info("calls lost at the last stop abandoned", "\"count\":" + std::to_string(lost));
  }
}

void VoiceChannel::Impl::on_call_event(voice::CallEvent event) {
  using Type = voice::CallEvent::Type;
  switch (event.type) {
    case Type::kQueued:
      return create_interaction(event, event.queue_id, "");
    case Type::kVoicemail:
      return keep_voicemail(event);
    default:
      break;
  }
  auto found = calls_.find(event.call);
  if (found == calls_.end()) return;
  CallState& call = found->second;
  switch (event.type) {
    case Type::kRecorded:
      if (call.interaction) {
        const std::string relative = fs::relative(event.file, options_.data_dir).generic_string();
        host_.note(call.interaction, "recording",
                   "{\"file\":" + json_quote(relative) +
                       ",\"seconds\":" + std::to_string(static_cast<int>(event.seconds)) + "}");
      }
      break;
    case Type::kAgentAnswered:
      if (event.attempt != call.attempt) break;  // a ring since replaced (dropped on its own)
      if (!call.offer && !call.accepted) {
        // Its offer went (expired, revoked) as the phone answered.
        if (endpoint_) endpoint_->drop_agent(event.call);
        break;
      }
      call.connected = true;
      call.ringing = false;
      call.connected_at = std::chrono::steady_clock::now();
      if (call.interaction) host_.note_contact(call.interaction, call.agent, "connected");
      if (call.offer) {
        const std::uint64_t offer = std::exchange(call.offer, 0);
        if (Status s = host_.answer_offer(offer, call.agent, true); !s && !call.accepted) {
          // The offer went meanwhile (expired, revoked): not this agent's.
          call.connected = false;
          if (endpoint_) endpoint_->drop_agent(event.call);
        }
      }
      break;
    case Type::kAgentFailed:
      if (event.attempt != call.attempt) break;  // a ring since replaced
      // Why, for whoever reads the log: 0 is "cannot ring from here".
      log::warning("agent's phone not reached",
                   "\"interaction_id\":" + std::to_string(call.interaction) + ",\"agent_id\":" +
                       std::to_string(call.agent) + ",\"status\":" + std::to_string(event.status) +
                       ",\"reason\":" + json_quote(ring_failure(event.status)));
      call.connected = false;
      if (call.ringing && call.interaction) {
        host_.note_contact(call.interaction, call.agent, "not_answered");
      }
      call.ringing = false;
      if (call.offer) {
        // Not answered: the offer is declined (a missed offer), the call
        // goes back to its place.
        (void)host_.answer_offer(std::exchange(call.offer, 0), call.agent, false);
      } else if (call.accepted && call.interaction) {
        // Accepted in the workspace, but the phone did not answer.
        call.accepted = false;
        (void)host_.requeue(call.interaction, call.queue);
      }
      break;
    case Type::kDigit:
      if (call.interaction) {
        ask_callback(event.call, call);
      } else {
        call.pending_digit = true;  // created() asks, once the interaction exists
      }
      break;
    case Type::kEnded:
      if (!call.interaction) {
        call.ended = true;  // the create's answer abandons it
        return;
      }
      if (!call.accepted && !call.connected && !call.callback) {
        (void)host_.abandon(call.interaction);
      }
      if (call.connected || call.ringing) host_.note_contact(call.interaction, call.agent, "ended");
      if (call.connected) {
        auto& [sum, count] = talk_time_[call.queue];
        sum += std::chrono::duration<double>(std::chrono::steady_clock::now() - call.connected_at)
                   .count();
        ++count;
      }
      by_interaction_.erase(call.interaction);
      calls_.erase(found);
      break;
    default:
      break;
  }
}

void VoiceChannel::Impl::ask_callback(voice::CallId id, CallState& call) {
  if (Status s = host_.request_callback(call.interaction)) {
    call.callback = true;  // it waits on, as a callback: not abandoned
    if (endpoint_) endpoint_->hang_up(id, callback_goodbye_);
  } else {
    log::warning("callback refused", failure(s.error()));
  }
}

void VoiceChannel::Impl::create_interaction(const voice::CallEvent& event, std::uint64_t queue,
                                            const std::string& voicemail) {
  channels::Arrival arrival;
  arrival.channel = routing::Channel::kVoice;
  arrival.queue_id = queue;
  arrival.priority = event.priority;
  arrival.from = {"phone", event.caller};
  for (const auto& [key, value] : event.attributes)
    arrival.attributes[key] = value;
  arrival.attributes["caller"] = event.caller;
  if (!event.caller_name.empty()) arrival.attributes["caller_name"] = event.caller_name;
  arrival.attributes["number"] = event.number;
  if (!voicemail.empty()) {
    arrival.attributes["voicemail"] =
        "true";  // its file: the "recording" event, noted once created
    arrival.queue_channel = true;
  }
  const voice::CallId call = voicemail.empty() ? event.call : 0;
  if (call) {
    CallState& state = calls_[call];
    state.queue = queue;
    state.queued_at = std::chrono::steady_clock::now();
    const QueueVoice settings = queue_voice(queue);
    state.announce_every = std::chrono::seconds(settings.announce_every_s);
    state.next_announce = state.queued_at + state.announce_every;
    if (settings.record_calls && endpoint_) {
      const fs::path folder = fs::path(options_.data_dir) / "recordings" / std::to_string(queue);
      std::error_code ec;
      fs::create_directories(folder, ec);
      const auto epoch =
          std::chrono::duration_cast<std::chrono::seconds>(host_.now().time_since_epoch()).count();
      endpoint_->record(
          call,
          (folder / ("call-" + std::to_string(epoch) + "-" + std::to_string(call) + ".wav"))
              .string(),
          recording_notice_);
    }
  }
  ++creating_;
  host_.arrive(std::move(arrival), [this, call, voicemail](Result<std::uint64_t> created_id) {
    post([this, call, voicemail, created_id = std::move(created_id)] {
      if (!created_id && !voicemail.empty()) {
        // Its file stays (swept with the queue's recordings): said, so
        // that someone can find it.
        log::error("voicemail not queued",
                   failure(created_id.error()) + ",\"file\":" + json_quote(voicemail));
      }
      if (created_id && !voicemail.empty()) {
        host_.note(*created_id, "recording",
                   "{\"file\":" + json_quote(voicemail) + ",\"voicemail\":true}");
      }
      created(call, created_id);
    });
  });
}

// On the worker, once the interaction is stored (and routed).
void VoiceChannel::Impl::created(voice::CallId call_id, const Result<std::uint64_t>& view) {
  --creating_;
  const std::uint64_t interaction = view ? *view : 0;
  auto early = early_.extract(interaction);
  if (creating_ == 0) early_.clear();  // events of interactions that are not calls
  if (!call_id) return;                // a voicemail
  auto found = calls_.find(call_id);
  if (found == calls_.end()) return;
  if (!view) {
    log::error("voice interaction not created", failure(view.error()));
    if (endpoint_) endpoint_->hang_up(call_id);
    calls_.erase(found);
    return;
  }
  CallState& call = found->second;
  call.interaction = interaction;
  if (call.ended) {
    (void)host_.abandon(interaction);
    calls_.erase(found);
    return;
  }
  by_interaction_[interaction] = call_id;
  if (!early.empty()) {
    for (const routing::Event& e : early.mapped())
      on_engine_event(e);
  }
  if (auto again = calls_.find(call_id); again != calls_.end() && again->second.pending_digit) {
    again->second.pending_digit = false;
    ask_callback(call_id, again->second);
  }
}

void VoiceChannel::Impl::keep_voicemail(const voice::CallEvent& event) {
  const fs::path folder =
      fs::path(options_.data_dir) / "recordings" / std::to_string(event.queue_id);
  std::error_code ec;
  fs::create_directories(folder, ec);
  const auto now = host_.now().time_since_epoch();
  const std::string name =
      "voicemail-" + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now).count()) +
      "-" + std::to_string(event.call) + ".wav";
  // Hung up at once, or said nothing: no message to queue.
  if (!event.recording || !voice::has_speech(*event.recording)) {
    log::info(
        "voicemail without speech not kept",
        "\"queue_id\":" + std::to_string(event.queue_id) + ",\"seconds\":" +
            std::to_string(event.recording ? event.recording->size() / voice::kSampleRate : 0));
    return;
  }
  if (Status s = voice::write_wav((folder / name).string(), *event.recording); !s) {
    log::error("voicemail not kept", failure(s.error()));
    return;
  }
  voice::CallEvent described = event;
  // Left at the end of a wait (the closed outcome): the call it follows.
  if (auto call = calls_.find(event.call); call != calls_.end() && call->second.interaction) {
    described.attributes.emplace_back("call_interaction_id",
                                      std::to_string(call->second.interaction));
  }
  described.attributes.emplace_back(
      "voicemail_seconds",
      std::to_string(event.recording->size() / static_cast<std::size_t>(voice::kSampleRate)));
  create_interaction(described, event.queue_id,
                     "recordings/" + std::to_string(event.queue_id) + "/" + name);
}

void VoiceChannel::Impl::on_engine_event(const routing::Event& e) {
  using T = routing::EventType;
  auto mapped = by_interaction_.find(e.interaction);
  if (mapped == by_interaction_.end()) {
    // (Bounded: a slow store with creates always in flight must not
    // keep every other interaction's events.)
    if (creating_ > 0 && early_.size() < 10'000) early_[e.interaction].push_back(e);
    return;
  }
  const voice::CallId call_id = mapped->second;
  CallState& call = calls_[call_id];
  switch (e.type) {
    case T::kQueued:
      call.queue = e.queue;  // also after a transfer or an overflow
      break;
    case T::kOffered: {
      // A call turned callback is an agent's to call back, not to ring.
      if (call.callback || e.channel == routing::Channel::kCallback) break;
      call.offer = e.offer;
      call.attempt = e.offer;
      call.agent = e.agent;
      call.accepted = false;
      const std::string phone = agent_phone(e.agent);
      if (phone.empty()) {
        // Nowhere to ring: declined at once (a missed offer for the agent).
        (void)host_.answer_offer(std::exchange(call.offer, 0), e.agent, false);
        break;
      }
      if (endpoint_) endpoint_->connect_agent(call_id, phone, e.offer);
      call.ringing = true;
      host_.note_contact(e.interaction, e.agent, "ringing");
      break;
    }
    case T::kAccepted:
      call.accepted = true;
      call.agent = e.agent;
      if (call.offer == e.offer) call.offer = 0;  // in the workspace: the phone still rings
      break;
    case T::kRejected:
    case T::kOfferTimeout:
    case T::kOfferRevoked:
      if (call.offer == e.offer) {
        call.offer = 0;
        if (!call.connected && endpoint_) endpoint_->drop_agent(call_id);  // CANCEL
        if (!call.connected && call.ringing) {
          call.ringing = false;
          host_.note_contact(e.interaction, e.agent, "not_answered");
        }
      }
      break;
    case T::kTransferred:
      // To a queue or a colleague: the agent's leg ends, the caller waits
      // (the next offer rings the next phone).
      if (call.connected || call.ringing) host_.note_contact(e.interaction, call.agent, "ended");
      call.accepted = false;
      call.connected = false;
      call.ringing = false;
      call.on_hold = false;
      if (endpoint_) endpoint_->drop_agent(call_id);
      break;
    case T::kCompleted:
    case T::kAbandoned:
      if (endpoint_) endpoint_->hang_up(call_id);
      break;
    case T::kOverflowed:
      if (e.to_queue == 0 && endpoint_) {  // the closed outcome: a message, or goodbye
        const QueueVoice settings = queue_voice(e.queue);
        if (settings.voicemail_queue && !call.callback) {
          // The queue's own greeting (synthesised when the queue was
          // saved), or the default one for the reason.
          voice::AudioPtr said = e.reason == "closed" ? closed_voicemail_ : busy_voicemail_;
          if (auto own = voicemail_greetings_.find(settings.voicemail_text);
              own != voicemail_greetings_.end()) {
            said = own->second;
          }
          endpoint_->take_message(call_id, said, std::chrono::seconds(settings.voicemail_max_s),
                                  settings.voicemail_queue);
          ++messages_offered_;
        } else {
          endpoint_->hang_up(call_id);
        }
      }
      break;
    case T::kCallbackRequested:  // by a supervisor, or by the caller's key (already said)
      if (!call.callback && endpoint_) endpoint_->hang_up(call_id, callback_goodbye_);
      call.callback = true;
      break;
    default:
      break;
  }
}

}  // namespace guichet::voice
