// Where an agent's calls ring (the telework setting), checked before it is
// kept: the server will open a SIP dialog to it, so a setting must not turn
// Guichet into a way to reach internal hosts or to inject SIP headers.
// Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "core/network.h"
#include "core/result.h"

namespace guichet::conversations {

struct PhonePolicy {
  // Numbers ring through the trunk: without one, a number never rings.
  bool trunk = false;
  // Networks a sip: address may point into; empty: any address.
  std::vector<IpNetwork> sip_networks;
};

// The setting normalised: "" (none), a number in E.164 ("06 12 34 56 78" →
// "+33612345678"), or "sip:USER@IP[:PORT]" — an IP literal (no DNS: the
// endpoint does not resolve), no parameters (";transport=tcp"), no headers
// ("?…"), a port of 1024 or more (or 5060). Errors name the field "phone"
// and say what is accepted.
Result<std::string> agent_phone(const std::string& text, const PhonePolicy& policy);

}  // namespace guichet::conversations
