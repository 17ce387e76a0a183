// What the SIP endpoint reads of a dialog's messages beyond libre's own
// handling: where in-dialog requests must go for a peer behind NAT, and what
// a caller asks of session timers (RFC 4028). Kept apart so that it is
// tested alone. Pure (aim_dialog excepted); thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

struct sip_msg;     // libre's parsed message
struct sip_dialog;  // and dialog

namespace guichet::voice {

// Where in-dialog requests (ACK, BYE, re-INVITE) to the sender of `msg` must
// go. libre sends them to its Contact; a phone behind a home router names
// its private address there, which nothing reaches. So when no proxy routes
// the message (no Record-Route) and the Contact names another host than the
// one it came from, the target is the source itself, over the same
// transport ("sip:user@203.0.113.7:40312;transport=tcp"), as Asterisk's
// rewrite_contact does. Empty: the Contact is right (the same host: its
// port is where it listens). Whether a dialog is routed is the caller's to
// keep: it is told once, by the message that makes the dialog.
std::string source_target(const sip_msg* msg);

// Makes `target` the dialog's remote target: 0, or an errno value.
int aim_dialog(sip_dialog* dialog, const std::string& target);

// RFC 4028's smallest session interval (Min-SE).
inline constexpr std::uint32_t kMinSessionExpires = 90;

// What an INVITE asks of session timers.
struct SessionTimerRequest {
  std::uint32_t expires = 0;   // its Session-Expires; 0: none
  std::uint32_t min_se = 0;    // its Min-SE; 0: none
  bool refresher_uac = false;  // it asked to refresh itself (";refresher=uac")
  bool supported = false;      // Supported: timer (it can refresh, and be told to)
  bool malformed = false;      // a Session-Expires or Min-SE that is not a number
};
SessionTimerRequest session_timer_request(const sip_msg* msg);

// What we answer a caller's INVITE, and how often we refresh its leg.
struct SessionTimer {
  std::uint32_t expires = 0;  // announced (0: nothing said)
  bool refresher_uac = false;
  std::string headers;                         // for our 200: Session-Expires (and Require: timer)
  std::chrono::milliseconds refresh_every{0};  // 0: never
};

// RFC 4028 section 9 for a caller that asked `request`, when ours is
// `interval` (0: no session timers): the interval announced is the
// caller's, or ours if shorter, never under Min-SE (90 s, or the caller's);
// the refresher is the caller only if it asked to and supports it (Table 2).
// Whoever the refresher, we refresh every half of the shorter of ours and
// the one announced — a re-INVITE that finds no call ends it.
SessionTimer negotiate_session_timer(const SessionTimerRequest& request,
                                     std::chrono::seconds interval);

}  // namespace guichet::voice
