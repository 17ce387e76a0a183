// A peer's SDP as trunks and phones send it, made into what libre's parser
// takes whole. libre refuses an offer with one malformed a=rtpmap line, and
// finds no codec in "m=audio … RTP/AVP 0" without a=rtpmap (legal: static
// payload types need none, and trunks send it so). Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace guichet::voice {

// The same description, lines ending in CRLF, with malformed a=rtpmap lines
// left out and a=rtpmap lines added for static G.711 formats (0 PCMU,
// 8 PCMA) an audio m= line lists without one. Empty when it is not SDP
// (no "v=0" first, or more than 16 KiB).
std::string normalise_sdp(std::string_view sdp);

}  // namespace guichet::voice
