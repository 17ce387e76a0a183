// What the SIP endpoint reads of a dialog's messages beyond libre's own
// handling: where in-dialog requests must go for a peer behind NAT, and what
// a caller asks of session timers (RFC 4028). Kept apart so that it is
// tested alone. Pure (aim_dialog excepted); thread-safe.
#pragma once

#include <cstdint>
#include <string>

struct sip_msg;     // libre's parsed message
struct sip_dialog;  // and dialog

namespace guichet::voice {

// Where in-dialog requests (ACK, BYE, re-INVITE) to the sender of `msg` must
// go. libre sends them to its Contact; a phone behind a home router names
// its private address there, which nothing reaches. So when no proxy routes
// the dialog (no Record-Route) and the Contact is not where the message came
// from, the target is the source itself, over the same transport
// ("sip:user@203.0.113.7:40312;transport=tcp"), as Asterisk's
// rewrite_contact does. Empty: the Contact is right.
std::string source_target(const sip_msg* msg);

// Makes `target` the dialog's remote target: 0, or an errno value.
int aim_dialog(sip_dialog* dialog, const std::string& target);

// RFC 4028's smallest session interval (Min-SE).
inline constexpr std::uint32_t kMinSessionExpires = 90;

// What an INVITE asks of session timers.
struct SessionTimerRequest {
  std::uint32_t expires = 0;  // its Session-Expires; 0: none
  bool supported = false;     // Supported: timer (it can refresh, and be told to)
  bool malformed = false;     // a Session-Expires that is not a number
};
SessionTimerRequest session_timer_request(const sip_msg* msg);

// The session interval announced to a caller that asked `request` when we
// refresh every `interval` / 2: the caller's, or ours if shorter (RFC 4028
// 9 lets the UAS lower it), never under Min-SE.
std::uint32_t session_interval(const SessionTimerRequest& request, std::uint32_t interval);

// The headers of our 200 to an INVITE that asked `request`, announcing
// `expires` (we are the refresher; Require: timer only to a caller that
// supports it). Empty when the caller asked nothing of session timers.
std::string session_timer_answer(const SessionTimerRequest& request, std::uint32_t expires);

}  // namespace guichet::voice
