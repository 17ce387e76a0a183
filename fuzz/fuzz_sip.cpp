// A SIP datagram: libre's parser, then our guard on what it parsed, or our
// answer to what it could not; then what the endpoint reads of a dialog's
// messages (session timers, the target behind NAT, put into a dialog).
#include "libre_input.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "channels/voice/sip_dialog.h"
#include "channels/voice/sip_guard.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  mbuf* mb = libre_input(data, size);
  if (!mb) return 0;
  sip_msg* msg = nullptr;
  if (sip_msg_decode(&msg, mb) == 0) {
    if (msg->req) {
      (void)guichet::voice::check_request(msg);
      (void)guichet::voice::accepts_sdp(msg);
      (void)guichet::voice::negotiate_session_timer(guichet::voice::session_timer_request(msg),
                                                    std::chrono::seconds(1800));
    }
    // As if it came from a router's address: where in-dialog requests go.
    (void)sa_set_str(&msg->src, "203.0.113.7", 40312);
    msg->tp = (size & 1) ? SIP_TRANSP_TCP : SIP_TRANSP_UDP;
    const std::string target = guichet::voice::source_target(msg);
    sip_dialog* dialog = nullptr;
    if (!target.empty() && msg->req && sip_dialog_accept(&dialog, msg) == 0) {
      (void)guichet::voice::aim_dialog(dialog, target);
    }
    mem_deref(dialog);
    mem_deref(msg);
  } else {
    (void)guichet::voice::raw_answer(std::string_view(reinterpret_cast<const char*>(data), size));
  }
  mem_deref(mb);
  return 0;
}
