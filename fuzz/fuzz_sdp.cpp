// A peer's SDP through our wrapper: normalised once, normalising again
// changes nothing; then libre reads it.
#include "libre_input.h"

#include <cstdint>
#include <cstdlib>
#include <string>

#include "channels/voice/sdp_offer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string once =
      guichet::voice::normalise_sdp(std::string_view(reinterpret_cast<const char*>(data), size));
  if (guichet::voice::normalise_sdp(once) != once) std::abort();
  sa local;
  sa_set_str(&local, "127.0.0.1", 20000);
  sdp_session* session = nullptr;
  sdp_media* media = nullptr;
  if (!once.empty() && sdp_session_alloc(&session, &local) == 0 &&
      sdp_media_add(&media, session, "audio", 20000, "RTP/AVP") == 0 &&
      sdp_format_add(nullptr, media, false, "0", "PCMU", 8000, 1, nullptr, nullptr, nullptr, false,
                     nullptr) == 0) {
    mbuf* mb = libre_input(reinterpret_cast<const std::uint8_t*>(once.data()), once.size());
    if (mb) (void)sdp_decode(session, mb, true);
    mem_deref(mb);
  }
  mem_deref(session);
  return 0;
}
