#include "server/agent_phone.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "core/text.h"

namespace guichet::server {

namespace {

// An IPv4 or IPv6 address as 16 bytes (IPv4 mapped), and its family.
struct Address {
  std::array<unsigned char, 16> bytes{};
  bool v4 = false;
};

std::optional<Address> parse_address(const std::string& text) {
  Address address;
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    address.v4 = true;
    address.bytes[10] = address.bytes[11] = 0xff;
    std::memcpy(address.bytes.data() + 12, &v4, 4);
    return address;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    std::memcpy(address.bytes.data(), &v6, 16);
    return address;
  }
  return std::nullopt;
}

struct Network {
  Address base;
  int bits = 0;  // of the 128
};

std::optional<Network> parse_network(const std::string& text) {
  const auto slash = text.find('/');
  auto base = parse_address(text.substr(0, slash));
  if (!base) return std::nullopt;
  const int width = base->v4 ? 32 : 128;
  int bits = width;
  if (slash != std::string::npos) {
    const std::string digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 ||
        digits.find_first_not_of("0123456789") != std::string::npos) {
      return std::nullopt;
    }
    bits = std::stoi(digits);
    if (bits > width) return std::nullopt;
  }
  return Network{*base, bits + (base->v4 ? 96 : 0)};
}

bool inside(const Address& address, const Network& network) {
  for (int bit = 0; bit < network.bits; ++bit) {
    const unsigned char mask = static_cast<unsigned char>(0x80 >> (bit % 8));
    if ((address.bytes[bit / 8] & mask) != (network.base.bytes[bit / 8] & mask)) return false;
  }
  return true;
}

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
  auto address = parse_address(host);
  if (!address || (host.find(':') != std::string::npos) == address->v4) return refused(kShape);
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
    const bool allowed = std::any_of(policy.sip_networks.begin(), policy.sip_networks.end(),
                                     [&](const std::string& cidr) {
                                       auto network = parse_network(cidr);
                                       return network && inside(*address, *network);
                                     });
    if (!allowed) return refused("this address is outside the networks phones may be in");
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

Status check_networks(const std::vector<std::string>& networks) {
  for (const std::string& network : networks) {
    if (!parse_network(network)) {
      return Error{ErrorCode::kInvalidArgument, "not a network: " + network, "sip_phone_networks"};
    }
  }
  return Status::ok();
}

}  // namespace guichet::server
