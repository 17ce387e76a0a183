#include "conversations/agent_phone.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "core/text.h"

namespace guichet::conversations {

namespace {

Error refused(const std::string& why) {
  return Error{ErrorCode::kInvalidArgument, why, "phone"};
}

Result<std::string> sip_address(const std::string& text, const PhonePolicy& policy) {
  const std::string kShape =
      "a SIP address sip:USER@IP[:PORT] (an IP address, no parameters or headers)";
  if (text.rfind("sip:", 0) != 0 || text.size() > 120) return refused(kShape);
  const std::string rest = text.substr(4);
  const auto at = rest.find('@');
  if (at == std::string::npos || at == 0 || at > 64) return refused(kShape);
  const std::string user = rest.substr(0, at);
  const bool user_ok = std::all_of(user.begin(), user.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-' || c == '+' || c == '*' || c == '#';
  });
  if (!user_ok) return refused(kShape);
  std::string host = rest.substr(at + 1);
  std::string port;
  if (!host.empty() && host[0] == '[') {  // [IPv6]:port
    const auto close = host.find(']');
    if (close == std::string::npos) return refused(kShape);
    if (close + 1 < host.size()) {
      if (host[close + 1] != ':') return refused(kShape);
      port = host.substr(close + 2);
    }
    host = host.substr(1, close - 1);
    if (host.find(':') == std::string::npos) return refused(kShape);
  } else if (const auto colon = host.find(':'); colon != std::string::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  in6_addr scratch{};
  const bool v6 = inet_pton(AF_INET6, host.c_str(), &scratch) == 1;
  const bool v4 = inet_pton(AF_INET, host.c_str(), &scratch) == 1;
  if (!(v4 || v6) || (host.find(':') != std::string::npos) != v6) return refused(kShape);
  if (!port.empty()) {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) {
      return refused(kShape);
    }
    const int number = std::stoi(port);
    if (number > 65535 || (number < 1024 && number != 0)) {
      return refused("a SIP port of 1024 to 65535 (5060 by default)");
    }
    if (number == 0) return refused(kShape);
  }
  if (!policy.sip_networks.empty()) {
    if (!address_in(host, policy.sip_networks)) {
      return refused("this address is outside the networks phones may be in");
    }
  }
  return text;
}

}  // namespace

Result<std::string> agent_phone(const std::string& text, const PhonePolicy& policy) {
  if (text.empty()) return std::string();
  if (text.rfind("sip", 0) == 0) return sip_address(text, policy);
  auto number = e164(text);
  if (!number || (*number)[0] != '+') {
    return refused("a phone number (06 12 34 56 78, +33 6 12 34 56 78) or a SIP address (sip:…)");
  }
  if (!policy.trunk) {
    return Error{ErrorCode::kFailedPrecondition,
                 "no SIP trunk is configured (--sip-trunk): a number cannot ring; give a SIP "
                 "address (sip:…)",
                 "phone"};
  }
  return *number;
}

}  // namespace guichet::conversations
