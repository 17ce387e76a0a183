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
#include "conversations/contact_center.h"
#include "core/json_body.h"
#include "core/json_format.h"
#include "core/log.h"
#include "core/text.h"

namespace guichet::voice {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kRecordingNotice =
    "Cet appel peut être enregistré pour améliorer la qualité du service.";
constexpr const char* kCallbackGoodbye =
    "Votre demande de rappel est enregistrée. Un conseiller vous rappellera. Au revoir.";
// A queue's messages, when it gives no text of its own.
constexpr const char* kBusyVoicemail =
    "Nos conseillers sont tous occupés. Laissez votre message et votre numéro après le bip : "
    "nous vous rappellerons. Terminez par la touche dièse.";
constexpr const char* kClosedVoicemail =
    "Le service est fermé. Laissez votre message et votre numéro après le bip : nous vous "
    "rappellerons. Terminez par la touche dièse.";

// Why an agent's phone did not take a call, from the SIP status.
const char* ring_failure(int status) {
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

std::string failure(const Error& error) {
  return "\"error\":" + json_quote(error.message);
}

// A JSON object's text (a stored document's body, an API view) as an
// object; empty when it is not one.
json::object object_of(const std::string& text) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  return !ec && value.is_object() ? std::move(value.as_object()) : json::object();
}

}  // namespace

class VoiceChannel::Impl {
 public:
  Impl(Options options, channels::Host& host) : options_(std::move(options)), host_(host) {}

  Status start() {
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
    return Status::ok();
  }

  // On the engine's thread: calls, and the callbacks they become, to the worker.
  void on_events(const std::vector<routing::Event>& events) {
    for (const routing::Event& e : events) {
      if (e.interaction == 0 || !routing::is_call(e.channel)) continue;
      post([this, e] { on_engine_event(e); });
    }
  }

  void on_config(const std::string& kind) {
    if (kind == "ivr_flow" || kind == "calendar" || kind == "prompt") {
      post([this] {
        if (Status s = reload(); !s) log::error("voice flows not reloaded", failure(s.error()));
        if (endpoint_) endpoint_->set_services(services_);
      });
    } else if (kind == "queue") {
      post([this] { synthesise_voicemail_greetings(); });
    }
  }

  ~Impl() {
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
  Status control(std::uint64_t interaction, const std::string& action, std::uint64_t caller,
                 bool manager) {
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

  std::string metrics() const {
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

  std::string stats_json() const {
    if (!endpoint_) return "{}";
    const voice::VoiceStats& s = endpoint_->stats();
    return "{\"calls_active\":" + std::to_string(s.calls_active.load()) +
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
  QueueVoice queue_voice(std::uint64_t queue) {
    const json::object body = stored_body("queue", queue);
    QueueVoice settings;
    settings.announce_every_s = static_cast<int>(json_body::int_or(body, "announce_every_s", 30));
    settings.retention_days =
        static_cast<int>(json_body::int_or(body, "recording_retention_days", 30));
    settings.record_calls = json_body::bool_or(body, "record_calls", false);
    settings.voicemail_queue =
        static_cast<std::uint64_t>(json_body::int_or(body, "voicemail_queue_id", 0));
    settings.voicemail_text = json_body::string_or(body, "voicemail_text", "");
    settings.voicemail_max_s = static_cast<int>(json_body::int_or(body, "voicemail_max_s", 120));
    return settings;
  }

  // Where synthesised prompts are kept, by text.
  std::string prompt_cache() const { return (fs::path(options_.data_dir) / "prompts").string(); }

  // A stored document's body; empty when there is none.
  json::object stored_body(const std::string& kind, std::uint64_t id) {
    auto document = host_.document(kind, id);
    return document ? object_of(document->body_json) : json::object();
  }

  // ---- the worker thread ---------------------------------------------------------

  void post(std::function<void()> task) {
    {
      std::lock_guard lock(mutex_);
      tasks_.push_back(std::move(task));
    }
    wake_.notify_one();
  }

  void work() {
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
  static void guarded(const std::function<void()>& task) {
    if (!task) return;
    try {
      task();
    } catch (const std::exception& e) {
      log::error("voice task failed", "\"what\":" + json_quote(e.what()));
    }
  }

  // Calls do not outlive the process: those still waiting from before a
  // restart (not voicemails, not those an agent is wrapping up) are over.
  void abandon_lost_calls() {
    auto open = host_.open_interactions(routing::Channel::kVoice);
    if (!open) return;
    std::size_t lost = 0;
    for (const channels::OpenInteraction& it : *open) {
      if (!it.attributes.contains("voicemail") &&
          (it.phase == "waiting" || it.phase == "offered")) {
        (void)host_.abandon(it.id);
        ++lost;
      }
    }
    if (lost > 0) {
      log::info("calls lost at the last stop abandoned", "\"count\":" + std::to_string(lost));
    }
  }

  // The flows, their prompts (synthesised once per text), the calendars their
  // hours steps follow.
  Status reload() {
    auto documents = host_.documents("ivr_flow");
    if (!documents) return documents.status();
    const std::string cache = prompt_cache();
    std::map<std::string, std::shared_ptr<const voice::Service>> services;
    std::map<std::uint64_t, std::shared_ptr<const BusinessCalendar>> calendars;
    for (const store::Document& document : *documents) {
      std::vector<voice::IvrProblem> problems;
      auto flow = voice::parse_ivr_flow(document.body_json, problems);
      if (!flow) {  // saved flows were checked: a later change broke it
        log::error("IVR flow not loaded", "\"flow\":" + json_quote(document.name) +
                                              ",\"error\":" + json_quote(flow.error().message));
        continue;
      }
      auto service = std::make_shared<voice::Service>();
      for (const std::string& text : flow->texts()) {
        auto audio = prompt(text, cache);
        if (audio) service->prompts[text] = *audio;
      }
      for (std::uint64_t id : flow->audios()) {
        const std::string file = uploaded_recording(options_.data_dir, id);
        if (auto audio = voice::read_audio_file(file)) {
          service->prompts[voice::Service::recording_key(id)] = *audio;
        } else {
          log::error("recording not loaded", "\"file\":" + json_quote(file));
        }
      }
      for (const voice::IvrStep& step : flow->steps) {
        if (!step.calendar_id) continue;
        if (auto calendar = host_.calendar(step.calendar_id)) {
          calendars[step.calendar_id] = *calendar;
        }
      }
      const std::string number = flow->number;
      service->flow = std::make_shared<const voice::IvrFlow>(std::move(*flow));
      services[number] = std::move(service);
    }
    if (auto goodbye = prompt(kCallbackGoodbye, cache)) callback_goodbye_ = *goodbye;
    if (auto notice = prompt(kRecordingNotice, cache)) recording_notice_ = *notice;
    if (auto busy = prompt(kBusyVoicemail, cache)) busy_voicemail_ = *busy;
    if (auto closed = prompt(kClosedVoicemail, cache)) closed_voicemail_ = *closed;
    synthesise_voicemail_greetings();
    services_ = std::move(services);
    std::lock_guard lock(calendars_mutex_);
    calendars_ = std::move(calendars);
    return Status::ok();
  }

  // The queues' own voicemail greetings, ready before a caller needs one
  // (synthesis takes the worker a moment; at a caller's overflow it would
  // hold every call's events).
  void synthesise_voicemail_greetings() {
    auto queues = host_.documents("queue");
    if (!queues) return;
    const std::string cache = prompt_cache();
    std::map<std::string, voice::AudioPtr> greetings;
    for (const store::Document& queue : *queues) {
      boost::system::error_code ec;
      const json::value body = json::parse(queue.body_json, ec);
      if (!body.is_object()) continue;
      const std::string text = json_body::string_or(body.as_object(), "voicemail_text", "");
      if (text.empty() || greetings.count(text)) continue;
      if (auto audio = prompt(text, cache)) greetings[text] = *audio;
    }
    voicemail_greetings_ = std::move(greetings);
  }

  Result<voice::AudioPtr> prompt(const std::string& text, const std::string& cache) {
    auto audio = voice::synthesize(text, cache);
    if (!audio) log::error("prompt not synthesised", failure(audio.error()));
    return audio;
  }

  // On the SIP thread.
  bool is_open(std::uint64_t calendar) {
    std::lock_guard lock(calendars_mutex_);
    auto found = calendars_.find(calendar);
    if (found == calendars_.end()) return true;  // removed since: open
    return found->second->is_open(host_.now());
  }

  void on_call_event(voice::CallEvent event) {
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
                     "\"interaction_id\":" + std::to_string(call.interaction) +
                         ",\"agent_id\":" + std::to_string(call.agent) +
                         ",\"status\":" + std::to_string(event.status) +
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
        if (call.connected || call.ringing)
          host_.note_contact(call.interaction, call.agent, "ended");
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

  Status control_on_worker(std::uint64_t interaction, const std::string& action,
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

  void ask_callback(voice::CallId id, CallState& call) {
    if (Status s = host_.request_callback(call.interaction)) {
      call.callback = true;  // it waits on, as a callback: not abandoned
      if (endpoint_) endpoint_->hang_up(id, callback_goodbye_);
    } else {
      log::warning("callback refused", failure(s.error()));
    }
  }

  void create_interaction(const voice::CallEvent& event, std::uint64_t queue,
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
            std::chrono::duration_cast<std::chrono::seconds>(host_.now().time_since_epoch())
                .count();
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
  void created(voice::CallId call_id, const Result<std::uint64_t>& view) {
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

  void keep_voicemail(const voice::CallEvent& event) {
    const fs::path folder =
        fs::path(options_.data_dir) / "recordings" / std::to_string(event.queue_id);
    std::error_code ec;
    fs::create_directories(folder, ec);
    const auto now = host_.now().time_since_epoch();
    const std::string name =
        "voicemail-" +
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now).count()) + "-" +
        std::to_string(event.call) + ".wav";
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

  void on_engine_event(const routing::Event& e) {
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

  // Every waiting caller whose turn came hears their position and the
  // expected wait: callers ahead × the queue's average time connected
  // (3 minutes until known) ÷ the agents serving it (connected now, or ready).
  void announce_due() {
    if (!endpoint_) return;
    const auto now = std::chrono::steady_clock::now();
    std::vector<voice::CallId> due;
    for (const auto& [id, call] : calls_) {
      if (call.announce_every.count() > 0 && call.interaction && !call.connected && !call.ringing &&
          !call.callback && now >= call.next_announce) {
        due.push_back(id);
      }
    }
    if (due.empty()) return;
    std::map<std::uint64_t, int> ready = host_.ready_agents();
    const std::string cache = prompt_cache();
    for (voice::CallId id : due) {
      CallState& call = calls_[id];
      int position = 1;
      int serving = ready[call.queue];
      for (const auto& [other_id, other] : calls_) {
        if (other.queue != call.queue) continue;
        if (other.connected) ++serving;
        if (other_id != id && !other.connected && !other.ringing && !other.callback &&
            other.interaction && other.queued_at < call.queued_at) {
          ++position;
        }
      }
      const auto& [sum, count] = talk_time_[call.queue];
      const double average = count > 0 ? sum / count : 180.0;
      const int minutes = std::max(
          1, static_cast<int>(std::ceil(position * average / std::max(1, serving) / 60.0)));
      std::string text = position == 1
                             ? std::string("Vous êtes le prochain en attente.")
                             : "Vous êtes le " + std::to_string(position) + "e en attente.";
      text += " Temps d'attente estimé : environ " + std::to_string(minutes) +
              (minutes == 1 ? " minute." : " minutes.");
      if (auto audio = prompt(text, cache)) {
        endpoint_->announce(id, *audio);
        ++announcements_;
      }
      call.next_announce = now + call.announce_every;
    }
  }

  // Recordings (calls and voicemails) older than their queue's retention.
  // Files come and go meanwhile (a recording ends, a voicemail is renamed
  // into place): every step takes an error code, none throws.
  void sweep_recordings() {
    const fs::path root = fs::path(options_.data_dir) / "recordings";
    std::error_code ec;
    const auto now = fs::file_time_type::clock::now();
    for (fs::directory_iterator folder(root, ec), end; !ec && folder != end; folder.increment(ec)) {
      const std::string name = folder->path().filename().string();
      std::uint64_t queue = 0;
      const auto [last, parsed] = std::from_chars(name.data(), name.data() + name.size(), queue);
      std::error_code kind;
      if (parsed != std::errc() || last != name.data() + name.size() ||
          !folder->is_directory(kind)) {
        continue;
      }
      const auto keep = std::chrono::hours(24) * queue_voice(queue).retention_days;
      std::error_code walk;
      for (fs::directory_iterator file(folder->path(), walk), stop; !walk && file != stop;
           file.increment(walk)) {
        std::error_code stat;
        const auto written = file->last_write_time(stat);
        if (!stat && file->is_regular_file(stat) && now - written > keep) {
          fs::remove(file->path(), stat);
        }
      }
    }
  }

  std::string agent_phone(std::uint64_t agent) {
    return json_body::string_or(stored_body("agent", agent), "phone", "");
  }

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
  voice::AudioPtr callback_goodbye_;
  voice::AudioPtr recording_notice_;
  voice::AudioPtr busy_voicemail_;
  voice::AudioPtr closed_voicemail_;
  std::map<std::string, voice::AudioPtr> voicemail_greetings_;  // the queues' own, by text
  std::atomic<std::uint64_t> announcements_{0};
  std::atomic<std::uint64_t> messages_offered_{
      0};  // callers sent to a voicemail at the closed outcome
  // Per queue: the average time connected (the expected wait's unit).
  std::unordered_map<std::uint64_t, std::pair<double, int>> talk_time_;  // sum s, count
  std::unordered_map<voice::CallId, CallState> calls_;
  std::unordered_map<std::uint64_t, voice::CallId> by_interaction_;
  // Engine events of interactions not known yet (the engine may offer a
  // call before its create is answered), while creates are in flight.
  std::unordered_map<std::uint64_t, std::vector<routing::Event>> early_;
  int creating_ = 0;
};

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
