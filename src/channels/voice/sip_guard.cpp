#include "channels/voice/sip_guard.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>

#include "channels/voice/detail/libre_text.h"

namespace guichet::voice {

namespace {

using detail::trimmed;
using detail::view;

SipProblem problem(std::uint16_t code, const char* reason, bool framing = false) {
  SipProblem out;
  out.code = code;
  out.reason = reason;
  out.framing = framing;
  return out;
}

// A name-addr's quotes come in pairs ('"Mr. J. User <sip:…>' does not).
bool balanced_quotes(std::string_view value) {
  bool inside = false;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\\' && inside) {
      ++i;  // a quoted pair
    } else if (value[i] == '"') {
      inside = !inside;
    }
  }
  return !inside;
}

}  // namespace

bool accepts_sdp(const sip_msg* msg) {
  bool any = false, sdp = false;
  std::pair<bool*, bool*> found_in{&any, &sdp};
  sip_msg_hdr_apply(
      msg, true, SIP_HDR_ACCEPT,
      [](const sip_hdr* hdr, const sip_msg*, void* arg) {
        auto* found = static_cast<std::pair<bool*, bool*>*>(arg);
        *found->first = true;
        std::string value(view(hdr->val));
        for (char& c : value)
          c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (value.find("application/sdp") != std::string::npos ||
            value.find("application/*") != std::string::npos ||
            value.find("*/*") != std::string::npos) {
          *found->second = true;
        }
        return false;
      },
      &found_in);
  return !any || sdp;
}

SipProblem check_request(const sip_msg* msg) {
  const std::string_view method = view(msg->met);
  if (view(msg->ver) != "SIP/2.0") {
    return trimmed(view(msg->ver)) == "SIP/2.0" ? problem(400, "Bad Request-Line")
                                                : problem(505, "Version Not Supported");
  }
  // A Content-Length must be a number (not negative, not "abc"); libre
  // reads those as 0.
  if (const sip_hdr* length = sip_msg_hdr(msg, SIP_HDR_CONTENT_LENGTH)) {
    const std::string_view value = trimmed(view(length->val));
    if (value.empty() || value.size() > 7 ||
        value.find_first_not_of("0123456789") != std::string_view::npos) {
      return problem(400, "Bad Content-Length", true);
    }
    if (sip_msg_hdr_count(msg, SIP_HDR_CONTENT_LENGTH) > 1) {
      return problem(400, "Duplicated Content-Length", true);
    }
    const std::size_t declared = std::stoul(std::string(value));
    if (msg->tp == SIP_TRANSP_UDP && declared > (msg->mb ? mbuf_get_left(msg->mb) : 0)) {
      return problem(400, "Content-Length Larger Than The Message");
    }
  }
  if (view(msg->callid).empty()) return problem(400, "Missing Call-ID");
  if (view(msg->from.auri).empty()) return problem(400, "Missing From");
  if (view(msg->to.auri).empty()) return problem(400, "Missing To");
  if (view(msg->cseq.met).empty()) return problem(400, "Missing CSeq");
  for (const auto& [id, name] :
       {std::pair{SIP_HDR_CALL_ID, "Duplicated Call-ID"},
        std::pair{SIP_HDR_FROM, "Duplicated From"}, std::pair{SIP_HDR_TO, "Duplicated To"},
        std::pair{SIP_HDR_CSEQ, "Duplicated CSeq"}}) {
    if (sip_msg_hdr_count(msg, id) > 1) return problem(400, name);
  }
  if (const sip_hdr* cseq = sip_msg_hdr(msg, SIP_HDR_CSEQ)) {
    // RFC 3261 8.1.1.5: a number below 2^31 (libre's reading wraps).
    const std::string_view value = trimmed(view(cseq->val));
    const std::string_view number = value.substr(0, value.find_first_of(" \t\r\n"));
    if (number.empty() || number.size() > 10 ||
        number.find_first_not_of("0123456789") != std::string_view::npos ||
        std::stoull(std::string(number)) > 2147483647ull) {
      return problem(400, "Bad CSeq");
    }
  }
  if (view(msg->cseq.met) != method) return problem(400, "CSeq Method Does Not Match");
  if (view(msg->ruri).substr(0, 1) == "<") return problem(400, "Request-URI In Angle Brackets");
  const std::string_view scheme = view(msg->uri.scheme);
  if (scheme != "sip" && scheme != "sips") return problem(416, "Unsupported URI Scheme");
  // RFC 3261 19.1.5: no headers in a Request-URI.
  if (!view(msg->uri.headers).empty()) return problem(400, "Headers In Request-URI");
  for (const sip_hdrid id : {SIP_HDR_TO, SIP_HDR_FROM, SIP_HDR_CONTACT}) {
    const sip_hdr* header = sip_msg_hdr(msg, id);
    if (header && !balanced_quotes(view(header->val)))
      return problem(400, "Unterminated Quoted String");
  }
  if (method != "ACK" && method != "CANCEL") {
    // Of the extensions a request may require, we support session timers
    // (RFC 4028) only. (libre gives each comma-separated value apart.)
    std::string unsupported;
    sip_msg_hdr_apply(
        msg, true, SIP_HDR_REQUIRE,
        [](const sip_hdr* header, const sip_msg*, void* arg) {
          const std::string_view value = trimmed(view(header->val));
          if (value.size() == 5 && std::equal(value.begin(), value.end(), "timer",
                                              [](char a, char b) { return (a | 0x20) == b; })) {
            return false;
          }
          auto& list = *static_cast<std::string*>(arg);
          list += (list.empty() ? "" : ", ") + std::string(value);
          return false;
        },
        &unsupported);
    if (!unsupported.empty()) {
      SipProblem bad = problem(420, "Bad Extension");
      bad.unsupported = "Unsupported: " + unsupported + "\r\n";
      return bad;
    }
  }
  return problem(0, "");
}

// The answer to a request libre could not parse; empty: not a request.
std::string raw_answer(std::string_view text) {
  const auto line_end = text.find_first_of("\r\n");
  const std::string_view first = text.substr(0, line_end);
  if (first.substr(0, 4) == "SIP/" || first.find(' ') == std::string_view::npos) return {};
  const auto version_at = first.rfind(' ');
  const std::string_view version = first.substr(version_at + 1);
  const bool other_version = version.substr(0, 4) == "SIP/" && version != "SIP/2.0";
  // libre parses no Via without a branch (RFC 2543 peers): said so.
  const auto via =
      text.find("\nVia:") != std::string_view::npos ? text.find("\nVia:") : text.find("\nv:");
  const bool branchless =
      via != std::string_view::npos &&
      text.substr(via, text.find('\n', via + 1) - via).find("branch=") == std::string_view::npos;
  std::string out = other_version ? "SIP/2.0 505 Version Not Supported\r\n"
                    : branchless  ? "SIP/2.0 400 Via Without Branch (RFC 2543) Not Supported\r\n"
                                  : "SIP/2.0 400 Bad Request\r\n";
  // The lines that identify the transaction, as they came (no folding).
  std::string_view rest =
      line_end == std::string_view::npos ? std::string_view() : text.substr(line_end);
  while (!rest.empty()) {
    while (!rest.empty() && (rest.front() == '\r' || rest.front() == '\n'))
      rest.remove_prefix(1);
    const auto end = rest.find_first_of("\r\n");
    const std::string_view line = rest.substr(0, end);
    if (line.empty()) break;  // the body
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    const std::string_view name = trimmed(line.substr(0, line.find(':')));
    std::string lower(name);
    for (char& c : lower)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    static constexpr std::string_view kCopied[] = {"via", "v",       "from", "f",   "to",
                                                   "t",   "call-id", "i",    "cseq"};
    if (line.find(':') != std::string_view::npos && line.size() < 1024 &&
        std::find(std::begin(kCopied), std::end(kCopied), lower) != std::end(kCopied)) {
      out += line;
      out += "\r\n";
    }
  }
  return out + "Content-Length: 0\r\n\r\n";
}

}  // namespace guichet::voice
