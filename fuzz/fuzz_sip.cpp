// A SIP datagram: libre's parser, then our guard on what it parsed, or our
// answer to what it could not.
#include "libre_input.h"

#include <cstdint>
#include <string_view>

#include "voice/sip_guard.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  mbuf* mb = libre_input(data, size);
  if (!mb) return 0;
  sip_msg* msg = nullptr;
  if (sip_msg_decode(&msg, mb) == 0) {
    if (msg->req) {
      (void)guichet::voice::check_request(msg);
      (void)guichet::voice::accepts_sdp(msg);
    }
    mem_deref(msg);
  } else {
    (void)guichet::voice::raw_answer(std::string_view(reinterpret_cast<const char*>(data), size));
  }
  mem_deref(mb);
  return 0;
}
