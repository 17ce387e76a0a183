// The voice channel: starting and stopping, its worker thread, agents' controls
// of their calls, its figures; and the IVR flows' check.
#include "channels/voice/detail/voice_channel_impl.h"

namespace guichet::voice {

using namespace detail;

Status VoiceChannel::Impl::start() {
  abandon_lost_calls();
  worker_ = std::thread([this] { work(); });
  if (Status s = reload(); !s) return s;
  voice::SipEndpoint::Options sip;
  sip.host = options_.sip_host;
  sip.port = options_.sip_port;
  sip.rtp_min = options_.rtp_min;
  sip.rtp_max = options_.rtp_max;
  sip.media_timeout = std::chrono::seconds(options_.media_timeout_s);
  sip.session_interval = std::chrono::seconds(options_.session_expires_s);
  sip.tcp_idle = std::chrono::seconds(options_.tcp_idle_s);
  sip.callers = options_.callers;
  sip.trunk = options_.trunk;
  sip.trunk_user = options_.trunk_user;
  sip.trunk_password = options_.trunk_password;
  sip.is_open = [this](std::uint64_t calendar) { return is_open(calendar); };
  sip.on_event = [this](voice::CallEvent event) {
    post([this, event = std::move(event)]() mutable { on_call_event(std::move(event)); });
  };
  auto endpoint = voice::SipEndpoint::start(std::move(sip));
  if (!endpoint) return endpoint.status();
  endpoint_ = std::move(*endpoint);
  endpoint_->set_services(services_);
  numbers_ = services_.size();
  return Status::ok();
}

// On the engine's thread: calls, and the callbacks they become, to the worker.
void VoiceChannel::Impl::on_events(const std::vector<routing::Event>& events) {
  for (const routing::Event& e : events) {
    if (e.interaction == 0 || !routing::is_call(e.channel)) continue;
    post([this, e] { on_engine_event(e); });
  }
}

void VoiceChannel::Impl::on_config(const std::string& kind) {
  if (kind == "ivr_flow" || kind == "calendar" || kind == "prompt") {
    post([this] {
      if (Status s = reload(); !s) log::error("voice flows not reloaded", failure(s.error()));
      if (endpoint_) endpoint_->set_services(services_);
      numbers_ = services_.size();
    });
  } else if (kind == "queue") {
    post([this] { synthesise_voicemail_greetings(); });
  }
}

VoiceChannel::Impl::~Impl() {
  // The endpoint goes on the worker (which alone uses it): it hangs up, and
  // the ended calls' events, posted meanwhile, are handled after it (the
  // waiting ones abandoned) before the thread stops.
  post([this] { endpoint_.reset(); });
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (worker_.joinable()) worker_.join();
}

// On a request's thread: the answer waits for the worker (a queue hop).
Status VoiceChannel::Impl::control(std::uint64_t interaction, const std::string& action,
                                   std::uint64_t caller, bool manager) {
  if (action != "hold" && action != "resume" && action != "hangup") {
    return invalid_argument("hold, resume or hangup", "action");
  }
  auto done = std::make_shared<std::promise<Status>>();
  auto answer = done->get_future();
  post([this, interaction, action, caller, manager, done] {
    done->set_value(control_on_worker(interaction, action, caller, manager));
  });
  return answer.get();
}

std::string VoiceChannel::Impl::metrics() const {
  if (!endpoint_) return "";
  const voice::VoiceStats& s = endpoint_->stats();
  std::string out;
  auto add = [&](const char* name, const char* type, const char* help, std::uint64_t value) {
    out += std::string("# HELP guichet_voice_") + name + " " + help + "\n# TYPE guichet_voice_" +
           name + " " + type + "\nguichet_voice_" + name + " " + std::to_string(value) + "\n";
  };
  add("calls_active", "gauge", "Calls in progress.", s.calls_active.load());
  add("calls_answered_total", "counter", "Calls answered.", s.calls_answered.load());
  add("rtp_sent_total", "counter", "RTP packets sent (prompts, music).", s.rtp_sent.load());
  add("rtp_received_total", "counter", "RTP packets received from peers.", s.rtp_received.load());
  add("rtp_relayed_total", "counter", "RTP packets relayed between legs.", s.rtp_relayed.load());
  add("rtp_from_strangers_total", "counter", "RTP packets dropped: not from the leg's peer.",
      s.rtp_from_strangers.load());
  add("rtp_latched_total", "counter", "Legs whose audio moved to their NAT's address.",
      s.rtp_latched.load());
  add("media_timeouts_total", "counter", "Calls ended: no RTP from a leg (gone without BYE).",
      s.media_timeouts.load());
  add("session_refreshes_total", "counter", "Session refreshes sent (RFC 4028 re-INVITEs).",
      s.session_refreshes.load());
  add("sessions_expired_total", "counter", "Calls ended: a session refresh found no call.",
      s.sessions_expired.load());
  add("sip_tcp_connections", "gauge", "SIP over TCP connections open.", s.tcp_connections.load());
  add("sip_tcp_closed_total", "counter", "SIP over TCP connections closed: idle, or over a cap.",
      s.tcp_closed.load());
  add("invites_refused_total", "counter",
      "INVITEs refused: from outside --sip-callers, or over a source's rate.",
      s.invites_refused.load());
  add("sip_malformed_total", "counter", "SIP requests refused as malformed.",
      s.sip_malformed.load());
  add("digits_total", "counter", "Keys pressed by callers.", s.digits.load());
  add("pacing_p99_microseconds", "gauge", "How late the 99th percentile of audio ticks left.",
      s.lateness_quantile(0.99));
  return out;
}

std::string VoiceChannel::Impl::stats_json() const {
  if (!endpoint_) return "{}";
  const voice::VoiceStats& s = endpoint_->stats();
  return "{\"numbers\":" + std::to_string(numbers_.load()) +
         ",\"calls_active\":" + std::to_string(s.calls_active.load()) +
         ",\"calls_answered\":" + std::to_string(s.calls_answered.load()) +
         ",\"rtp_sent\":" + std::to_string(s.rtp_sent.load()) +
         ",\"rtp_received\":" + std::to_string(s.rtp_received.load()) +
         ",\"rtp_relayed\":" + std::to_string(s.rtp_relayed.load()) +
         ",\"rtp_from_strangers\":" + std::to_string(s.rtp_from_strangers.load()) +
         ",\"rtp_latched\":" + std::to_string(s.rtp_latched.load()) +
         ",\"media_timeouts\":" + std::to_string(s.media_timeouts.load()) +
         ",\"session_refreshes\":" + std::to_string(s.session_refreshes.load()) +
         ",\"sessions_expired\":" + std::to_string(s.sessions_expired.load()) +
         ",\"tcp_connections\":" + std::to_string(s.tcp_connections.load()) +
         ",\"tcp_closed\":" + std::to_string(s.tcp_closed.load()) +
         ",\"invites_refused\":" + std::to_string(s.invites_refused.load()) +
         ",\"sip_malformed\":" + std::to_string(s.sip_malformed.load()) +
         ",\"digits\":" + std::to_string(s.digits.load()) +
         ",\"announcements\":" + std::to_string(announcements_.load()) +
         ",\"messages_offered\":" + std::to_string(messages_offered_.load()) +
         ",\"pacing_p50_us\":" + std::to_string(s.lateness_quantile(0.5)) +
         ",\"pacing_p99_us\":" + std::to_string(s.lateness_quantile(0.99)) + "}";
}

void VoiceChannel::Impl::post(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
}

void VoiceChannel::Impl::work() {
  using Clock = std::chrono::steady_clock;
  std::unique_lock lock(mutex_);
  auto next_second = Clock::now() + std::chrono::seconds(1);
  auto next_sweep = Clock::now();
  std::optional<Clock::time_point> stop_by;
  for (;;) {
    wake_.wait_until(lock, next_second,
                     [this] { return !tasks_.empty() || (stopping_ && creating_ == 0); });
    if (stopping_ && !stop_by) stop_by = Clock::now() + std::chrono::seconds(10);
    // At a stop, the creates in flight answer first (their answers post
    // here), unless the store takes more than 10 s.
    if (stopping_ && tasks_.empty() && (creating_ == 0 || Clock::now() > *stop_by)) return;
    std::function<void()> task;
    if (!tasks_.empty()) {
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    lock.unlock();
    guarded(task);
    // Once a second, however busy: the announcements due; once an hour:
    // old recordings.
    if (Clock::now() >= next_second) {
      next_second = Clock::now() + std::chrono::seconds(1);
      guarded([this] { announce_due(); });
      if (Clock::now() >= next_sweep) {
        next_sweep = Clock::now() + std::chrono::hours(1);
        guarded([this] { sweep_recordings(); });
      }
    }
    lock.lock();
  }
}

// A task that throws (a filesystem error, a bad document) is logged, not
// the end of the voice channel.
void VoiceChannel::Impl::guarded(const std::function<void()>& task) {
  if (!task) return;
  try {
    task();
  } catch (const std::exception& e) {
    log::error("voice task failed", "\"what\":" + json_quote(e.what()));
  }
}

Status VoiceChannel::Impl::control_on_worker(std::uint64_t interaction, const std::string& action,
                                             std::uint64_t caller, bool manager) {
  auto mapped = by_interaction_.find(interaction);
  if (mapped == by_interaction_.end() || !endpoint_) {
    return failed_precondition("no call in progress for this interaction", "id");
  }
  CallState& call = calls_[mapped->second];
  if (!manager && call.agent != caller) {
    return failed_precondition("you are not handling this call", "id");
  }
  if (action == "hangup") {
    endpoint_->hang_up(mapped->second);
    return Status::ok();
  }
  if (!call.connected) return failed_precondition("the call is not connected", "id");
  const bool hold = action == "hold";
  if (call.on_hold == hold) return Status::ok();
  call.on_hold = hold;
  endpoint_->hold(mapped->second, hold);
  host_.note_contact(interaction, call.agent, hold ? "on_hold" : "connected");
  return Status::ok();
}

Result<std::unique_ptr<VoiceChannel>> VoiceChannel::start(Options options, channels::Host& host) {
  auto impl = std::make_unique<Impl>(std::move(options), host);
  if (Status s = impl->start(); !s) return s.error();
  return std::unique_ptr<VoiceChannel>(new VoiceChannel(std::move(impl)));
}

VoiceChannel::VoiceChannel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VoiceChannel::~VoiceChannel() = default;
void VoiceChannel::on_events(const std::vector<routing::Event>& events) {
  impl_->on_events(events);
}
void VoiceChannel::on_config(const std::string& kind) {
  impl_->on_config(kind);
}
Status VoiceChannel::deliver(const channels::Reply&) {
  return failed_precondition("a call carries no written replies", "channel");
}
std::vector<conversations::DocumentProblem> VoiceChannel::flow_problems(
    const std::string& body_json, std::uint64_t id, conversations::DocumentLookup& lookup) {
  std::vector<voice::IvrProblem> problems;
  auto flow = voice::parse_ivr_flow(body_json, problems);
  std::vector<conversations::DocumentProblem> out;
  for (voice::IvrProblem& p : problems)
    out.push_back({std::move(p.step), std::move(p.field), std::move(p.message)});
  if (!flow) return out;
  for (std::size_t i = 0; i < flow->steps.size(); ++i) {
    const voice::IvrStep& step = flow->steps[i];
    const std::string where = "steps[" + std::to_string(i) + "].";
    struct Named {
      std::uint64_t id;
      const char* kind;
      const char* field;
      const char* what;
    };
    for (const Named& named : {Named{step.queue_id, "queue", "queue_id", "queue"},
                               Named{step.calendar_id, "calendar", "calendar_id", "calendar"},
                               Named{step.audio_id, "prompt", "audio_id", "recording"}}) {
      if (named.id && !lookup.exists(named.kind, named.id)) {
        out.push_back(
            {step.id, where + named.field,
             "step '" + step.id + "': no " + named.what + " " + std::to_string(named.id)});
      }
    }
  }
  for (const conversations::DocumentLookup::Named& other : lookup.all("ivr_flow")) {
    if (other.id == id) continue;
    boost::system::error_code ec;
    json::value body_other = json::parse(other.body_json, ec);
    if (!ec && body_other.is_object() &&
        json_body::string_or(body_other.as_object(), "number", "") == flow->number) {
      out.push_back(
          {"", "number", "the number " + flow->number + " is already the flow " + other.name});
    }
  }
  return out;
}

std::string VoiceChannel::uploaded_recording(const std::string& data_dir, std::uint64_t id) {
  return (fs::path(data_dir) / "prompts" / "uploaded" / (std::to_string(id) + ".wav")).string();
}
std::string VoiceChannel::stats_json() const {
  return impl_->stats_json();
}
std::string VoiceChannel::metrics() const {
  return impl_->metrics();
}
Status VoiceChannel::control(std::uint64_t interaction, const std::string& action,
                             std::uint64_t caller, bool manager) {
  return impl_->control(interaction, action, caller, manager);
}

}  // namespace guichet::voice
