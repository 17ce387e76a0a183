// An RTP packet from anyone: libre's header, then our padding and
// telephone-event reading.
#include "libre_input.h"

#include <cstdint>

#include "channels/voice/rtp.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  mbuf* mb = libre_input(data, size);
  if (!mb) return 0;
  rtp_header header{};
  if (rtp_hdr_decode(&header, mb) == 0) {
    std::size_t left = mbuf_get_left(mb);
    if (header.pad) {
      auto unpadded = guichet::voice::unpadded_size(mbuf_buf(mb), left);
      left = unpadded.value_or(0);
    }
    (void)guichet::voice::read_key_event(mbuf_buf(mb), left);
  }
  mem_deref(mb);
  return 0;
}
