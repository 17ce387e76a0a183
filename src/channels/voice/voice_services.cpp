// What the voice channel plays and keeps: the IVR flows and their prompts,
// queues' voicemail greetings, calendars' hours, position announcements,
// recordings swept after their retention.
#include "channels/voice/detail/voice_channel_impl.h"

namespace guichet::voice {

using namespace detail;

VoiceChannel::Impl::QueueVoice VoiceChannel::Impl::queue_voice(std::uint64_t queue) {
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

// A stored document's body; empty when there is none.
json::object VoiceChannel::Impl::stored_body(const std::string& kind, std::uint64_t id) {
  auto document = host_.document(kind, id);
  return document ? object_of(document->body_json) : json::object();
}

// The flows, their prompts (synthesised once per text), the calendars their
// hours steps follow.
Status VoiceChannel::Impl::reload() {
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
void VoiceChannel::Impl::synthesise_voicemail_greetings() {
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

Result<voice::AudioPtr> VoiceChannel::Impl::prompt(const std::string& text,
                                                   const std::string& cache) {
  auto audio = voice::synthesize(text, cache);
  if (!audio) log::error("prompt not synthesised", failure(audio.error()));
  return audio;
}

// On the SIP thread.
bool VoiceChannel::Impl::is_open(std::uint64_t calendar) {
  std::lock_guard lock(calendars_mutex_);
  auto found = calendars_.find(calendar);
  if (found == calendars_.end()) return true;  // removed since: open
  return found->second->is_open(host_.now());
}

// Every waiting caller whose turn came hears their position and the
// expected wait: callers ahead × the queue's average time connected
// (3 minutes until known) ÷ the agents serving it (connected now, or ready).
void VoiceChannel::Impl::announce_due() {
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
    const int minutes =
        std::max(1, static_cast<int>(std::ceil(position * average / std::max(1, serving) / 60.0)));
    std::string text = position == 1 ? std::string("Vous êtes le prochain en attente.")
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
void VoiceChannel::Impl::sweep_recordings() {
  const fs::path root = fs::path(options_.data_dir) / "recordings";
  std::error_code ec;
  const auto now = fs::file_time_type::clock::now();
  for (fs::directory_iterator folder(root, ec), end; !ec && folder != end; folder.increment(ec)) {
    const std::string name = folder->path().filename().string();
    std::uint64_t queue = 0;
    const auto [last, parsed] = std::from_chars(name.data(), name.data() + name.size(), queue);
    std::error_code kind;
    if (parsed != std::errc() || last != name.data() + name.size() || !folder->is_directory(kind)) {
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

std::string VoiceChannel::Impl::agent_phone(std::uint64_t agent) {
  return json_body::string_or(stored_body("agent", agent), "phone", "");
}

}  // namespace guichet::voice
