#include "channels/voice/sdp_offer.h"

#include <algorithm>
#include <vector>

namespace guichet::voice {

namespace {

bool digits(std::string_view text, std::size_t max) {
  return !text.empty() && text.size() <= max &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "a=rtpmap:<pt> <name>/<rate>[/<channels>]"; the payload type, or -1.
int rtpmap_pt(std::string_view line) {
  constexpr std::string_view kPrefix = "a=rtpmap:";
  if (line.substr(0, kPrefix.size()) != kPrefix) return -1;
  line.remove_prefix(kPrefix.size());
  const auto space = line.find(' ');
  if (space == std::string_view::npos || !digits(line.substr(0, space), 3)) return -1;
  const int pt = std::stoi(std::string(line.substr(0, space)));
  std::string_view rest = line.substr(space + 1);
  const auto slash = rest.find('/');
  if (slash == 0 || slash == std::string_view::npos) return -1;
  const bool name_ok =
      std::all_of(rest.begin(), rest.begin() + static_cast<long>(slash), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '.' || c == '_' || c == '+';
      });
  std::string_view rate = rest.substr(slash + 1);
  std::string_view channels;
  if (const auto second = rate.find('/'); second != std::string_view::npos) {
    channels = rate.substr(second + 1);
    rate = rate.substr(0, second);
    if (!digits(channels, 2)) return -1;
  }
  return name_ok && digits(rate, 6) && pt <= 127 ? pt : -1;
}

// An m= line's formats ("m=audio 49170 RTP/AVP 0 8 101" → 0, 8, 101).
std::vector<std::string_view> formats_of(std::string_view line) {
  std::vector<std::string_view> out;
  int field = 0;
  while (!line.empty()) {
    const auto space = line.find(' ');
    const std::string_view word = line.substr(0, space);
    if (field++ >= 3 && !word.empty()) out.push_back(word);
    if (space == std::string_view::npos) break;
    line.remove_prefix(space + 1);
  }
  return out;
}

}  // namespace

std::string normalise_sdp(std::string_view sdp) {
  if (sdp.size() > 16 * 1024 || sdp.substr(0, 3) != "v=0") return {};
  std::string out;
  out.reserve(sdp.size() + 64);
  // The audio section being read: its static G.711 formats still without a=rtpmap.
  bool audio = false;
  bool pcmu_unmapped = false, pcma_unmapped = false;
  auto close_section = [&] {
    if (audio && pcmu_unmapped) out += "a=rtpmap:0 PCMU/8000\r\n";
    if (audio && pcma_unmapped) out += "a=rtpmap:8 PCMA/8000\r\n";
    audio = pcmu_unmapped = pcma_unmapped = false;
  };
  while (!sdp.empty()) {
    auto end = sdp.find('\n');
    std::string_view line = sdp.substr(0, end);
    sdp.remove_prefix(end == std::string_view::npos ? sdp.size() : end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line.substr(0, 2) == "m=") {
      close_section();
      audio = line.substr(0, 8) == "m=audio ";
      for (std::string_view format : formats_of(line)) {
        pcmu_unmapped |= format == "0";
        pcma_unmapped |= format == "8";
      }
    } else if (line.substr(0, 9) == "a=rtpmap:") {
      const int pt = rtpmap_pt(line);
      if (pt < 0) continue;  // malformed: this line only is left out
      if (pt == 0) pcmu_unmapped = false;
      if (pt == 8) pcma_unmapped = false;
    }
    out += line;
    out += "\r\n";
  }
  close_section();
  return out;
}

}  // namespace guichet::voice
