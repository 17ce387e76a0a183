// What the SIP endpoint refuses before anything acts on a request, kept
// apart so that it is tested and fuzzed alone. libre parses; these read what
// it parsed (check_request) or what it could not (raw_answer), and say what
// to answer. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

struct sip_msg;  // libre's parsed message

namespace guichet::voice {

struct SipProblem {
  std::uint16_t code = 0;  // 0: none
  const char* reason = "";
  bool framing = false;     // the byte stream cannot be trusted past it (TCP)
  std::string unsupported;  // for 420: "Unsupported: …\r\n"
};

// What RFC 3261 (and RFC 4475's torture tests) call malformed in a request
// libre parsed: a Content-Length that is not a number or is larger than the
// datagram, a missing or repeated Call-ID, From, To or CSeq, a CSeq out of
// range or for another method, another SIP version, a Request-URI in <> or
// with headers or of another scheme (416), unbalanced quotes, a Require we
// do not support (420).
SipProblem check_request(const sip_msg* msg);

// Whether the request's Accept, if any, lets us answer with SDP.
bool accepts_sdp(const sip_msg* msg);

// The answer to a datagram libre could not parse: 400 (505 for another SIP
// version; saying why for a Via without a branch) with its Via, From, To,
// Call-ID and CSeq lines copied as they came. Empty: it is not a request.
std::string raw_answer(std::string_view text);

}  // namespace guichet::voice
