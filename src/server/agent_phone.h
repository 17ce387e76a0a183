// Where an agent's calls ring (the telework setting), checked before it is
// kept: the server will open a SIP dialog to it, so a setting must not turn
// Guichet into a way to reach internal hosts or to inject SIP headers.
// Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace guichet::server {

struct PhonePolicy {
  // Numbers ring through the trunk: without one, a number never rings.
  bool trunk = false;
  // Networks a sip: address may point into ("192.0.2.0/24", "2001:db8::/32",
  // "127.0.0.1"); empty: any address.
  std::vector<std::string> sip_networks;
};

// The setting normalised: "" (none), a number in E.164 ("06 12 34 56 78" →
// "+33612345678"), or "sip:USER@IP[:PORT]" — an IP literal (no DNS: the
// endpoint does not resolve), no parameters (";transport=tcp"), no headers
// ("?…"), a port of 1024 or more (or 5060). Errors name the field "phone"
// and say what is accepted.
Result<std::string> agent_phone(const std::string& text, const PhonePolicy& policy);

// Whether `policy.sip_networks` are well formed (at start).
Status check_networks(const std::vector<std::string>& networks);

}  // namespace guichet::server
