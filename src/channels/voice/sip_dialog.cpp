#include "channels/voice/sip_dialog.h"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "channels/voice/detail/libre_text.h"

namespace guichet::voice {

namespace {

using detail::trimmed;
using detail::view;

bool is_token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("-.!%*_+`'~").find(c) != std::string_view::npos;
}

}  // namespace

std::string source_target(const sip_msg* msg) {
  if (!msg || sip_msg_hdr(msg, SIP_HDR_RECORD_ROUTE)) return {};  // a proxy routes it
  const sip_hdr* contact = sip_msg_hdr(msg, SIP_HDR_CONTACT);
  sip_addr address{};
  if (!contact || sip_addr_decode(&address, &contact->val) != 0) return {};
  if (pl_strcasecmp(&address.uri.scheme, "sip") != 0) return {};  // sips: left as it is
  // The same host: where it came from, or a trunk over TCP naming its
  // listening port (not the connection's, which may close).
  sa named{};
  if (sa_set(&named, &address.uri.host, 5060) == 0 && sa_cmp(&named, &msg->src, SA_ADDR)) {
    return {};
  }
  if (msg->tp != SIP_TRANSP_UDP && msg->tp != SIP_TRANSP_TCP) return {};
  // The user part as it came, if it is plain (it names the phone to itself).
  std::string user;
  for (char c : view(address.uri.user)) {
    if (!is_token_char(c)) return {};
    user += c;
  }
  char host[64] = {};
  if (sa_ntop(&msg->src, host, sizeof host) != 0) return {};
  std::string target = "sip:";
  if (!user.empty()) target += user + "@";
  target += sa_af(&msg->src) == AF_INET6 ? "[" + std::string(host) + "]" : std::string(host);
  target += ":" + std::to_string(sa_port(&msg->src));
  if (msg->tp == SIP_TRANSP_TCP) target += ";transport=tcp";
  return target;
}

int aim_dialog(sip_dialog* dialog, const std::string& target) {
  if (!dialog || target.empty()) return EINVAL;
  // libre takes a new remote target from a message's Contact: one made to
  // carry it.
  const std::string text =
      "SIP/2.0 200 OK\r\nContact: <" + target + ">\r\nContent-Length: 0\r\n\r\n";
  mbuf* buffer = mbuf_alloc(text.size());
  if (!buffer) return ENOMEM;
  int err = mbuf_write_mem(buffer, reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  buffer->pos = 0;
  sip_msg* carrier = nullptr;
  if (!err) err = sip_msg_decode(&carrier, buffer);
  if (!err) err = sip_dialog_update(dialog, carrier);
  mem_deref(carrier);
  mem_deref(buffer);
  return err;
}

namespace {

// delta-seconds before any parameter (";refresher=uac"); 0 when malformed.
std::uint64_t delta_seconds(std::string_view value) {
  value = trimmed(value.substr(0, value.find(';')));
  std::uint64_t seconds = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (value.empty() || error != std::errc() || end != value.data() + value.size()) return 0;
  return seconds;
}

}  // namespace

SessionTimerRequest session_timer_request(const sip_msg* msg) {
  SessionTimerRequest request;
  if (!msg) return request;
  request.supported = sip_msg_hdr_has_value(msg, SIP_HDR_SUPPORTED, "timer");
  if (const sip_hdr* header = sip_msg_hdr(msg, SIP_HDR_SESSION_EXPIRES)) {
    const std::string_view value = view(header->val);
    const std::uint64_t seconds = delta_seconds(value);
    if (seconds == 0) {
      request.malformed = true;
      return request;
    }
    request.expires = static_cast<std::uint32_t>(std::min<std::uint64_t>(seconds, 86'400));
    const auto parameter = value.find("refresher=");
    request.refresher_uac =
        parameter != std::string_view::npos && trimmed(value.substr(parameter + 10, 3)) == "uac";
  }
  if (const sip_hdr* header = sip_msg_hdr(msg, SIP_HDR_MIN_SE)) {
    const std::uint64_t seconds = delta_seconds(view(header->val));
    if (seconds == 0) {
      request.malformed = true;
      return request;
    }
    request.min_se = static_cast<std::uint32_t>(std::min<std::uint64_t>(seconds, 86'400));
  }
  return request;
}

SessionTimer negotiate_session_timer(const SessionTimerRequest& request,
                                     std::chrono::seconds interval) {
  SessionTimer timer;
  if (interval.count() <= 0) return timer;
  const auto ours = static_cast<std::uint32_t>(std::min<std::int64_t>(interval.count(), 86'400));
  std::uint32_t expires = request.expires ? std::min(request.expires, ours) : ours;
  expires = std::max({expires, kMinSessionExpires, request.min_se});
  timer.refresh_every =
      std::chrono::milliseconds(std::uint64_t{std::min(ours, expires)} * 1000 / 2);
  if (request.expires == 0 && !request.supported) return timer;  // nothing to say
  timer.expires = expires;
  timer.refresher_uac = request.refresher_uac && request.supported;
  timer.headers = "Session-Expires: " + std::to_string(expires) +
                  (timer.refresher_uac ? ";refresher=uac\r\n" : ";refresher=uas\r\n");
  if (request.supported) timer.headers += "Require: timer\r\n";
  return timer;
}

}  // namespace guichet::voice
