// The voice channel: it joins the SIP endpoint (sip_endpoint.h) to the
// contact center through the channel contract (channels/channel.h). A call
// the IVR sends to a queue becomes a voice interaction (the caller's number,
// the digits collected and the IVR path in its attributes; the citizen
// recognised by number); an offer of it rings the agent's phone, and
// answering the phone accepts the offer; no answer within the offer's time
// lets the offer expire, so the call goes back to its place and the agent
// counts a missed offer. The caller hanging up while waiting abandons the
// interaction at once. A voicemail is kept as a WAV file and becomes an
// interaction in its queue.
//
// IVR flows are the "ivr_flow" documents, which this channel checks
// (flow_problems); their prompts are synthesised (cached under
// DATA/prompts) whenever flows change.
//
// Thread-safety: its own thread does the work; the endpoint and the engine
// only post to it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "channels/channel.h"
#include "conversations/document_check.h"
#include "core/network.h"
#include "core/result.h"

namespace guichet::voice {

class VoiceChannel final : public channels::Channel {
 public:
  struct Options {
    std::string sip_host = "127.0.0.1";
    std::uint16_t sip_port = 5060;
    std::uint16_t rtp_min = 20000;  // the calls' audio ports
    std::uint16_t rtp_max = 29999;
    std::string trunk;  // "host:port" for agents' numbers (not sip: URIs)
    std::string trunk_user;
    std::string trunk_password;
    std::string data_dir = "data";   // prompts/ and recordings/ go there
    int media_timeout_s = 30;        // a call whose RTP stops this long ends (0: never)
    int session_expires_s = 1800;    // each leg refreshed every half of this (0: never)
    int tcp_idle_s = 120;            // a SIP/TCP connection without a request, closed
    std::vector<IpNetwork> callers;  // where INVITEs may come from; empty: anyone, rate-limited
  };

  // Loads the flows (synthesising their prompts), then takes calls.
  static Result<std::unique_ptr<VoiceChannel>> start(Options options, channels::Host& host);
  // Hangs up every call (the waiting ones are abandoned), then stops.
  ~VoiceChannel() override;

  std::string_view name() const override { return "voice"; }
  // Calls, and the callbacks they become.
  bool carries(routing::Channel channel) const override { return routing::is_call(channel); }
  void on_events(const std::vector<routing::Event>& events) override;
  void on_config(const std::string& kind) override;
  // A call carries no written replies.
  Status deliver(const channels::Reply& reply) override;

  // From the workspace: "hold", "resume" or "hangup" the call of
  // `interaction`, by the agent it is connected to (or a supervisor).
  Status control(std::uint64_t interaction, const std::string& action, std::uint64_t caller,
                 bool manager) override;

  // The problems of an IVR flow (an "ivr_flow" document): its own, the
  // queues, calendars and recordings it names that are not there, a service
  // number another flow answers. The contact center's check for the kind.
  static std::vector<conversations::DocumentProblem> flow_problems(
      const std::string& body_json, std::uint64_t id, conversations::DocumentLookup& lookup);

  // Where an uploaded recording (an IVR step's audio_id) is kept.
  static std::string uploaded_recording(const std::string& data_dir, std::uint64_t id);

  // The same figures for Prometheus (guichet_voice_…).
  std::string metrics() const override;

  // {"calls_active", "calls_answered", "rtp_…", "pacing_p99_us", …}
  std::string stats_json() const override;

  class Impl;

 private:
  explicit VoiceChannel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace guichet::voice
