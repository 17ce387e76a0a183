#include "core/network.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace guichet {

namespace {

std::optional<std::array<unsigned char, 16>> parse_address(const std::string& text, bool* v4) {
  std::array<unsigned char, 16> bytes{};
  in_addr four{};
  if (inet_pton(AF_INET, text.c_str(), &four) == 1) {
    bytes[10] = bytes[11] = 0xff;
    std::memcpy(bytes.data() + 12, &four, 4);
    if (v4) *v4 = true;
    return bytes;
  }
  in6_addr six{};
  if (inet_pton(AF_INET6, text.c_str(), &six) == 1) {
    std::memcpy(bytes.data(), &six, 16);
    if (v4) *v4 = false;
    return bytes;
  }
  return std::nullopt;
}

}  // namespace

std::optional<IpNetwork> parse_network(const std::string& text) {
  const auto slash = text.find('/');
  bool v4 = false;
  auto base = parse_address(text.substr(0, slash), &v4);
  if (!base) return std::nullopt;
  const int width = v4 ? 32 : 128;
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
  return IpNetwork{*base, bits + (v4 ? 96 : 0)};
}

std::optional<std::vector<IpNetwork>> parse_networks(const std::string& text, std::string* bad) {
  std::vector<IpNetwork> out;
  for (std::size_t at = 0; at < text.size();) {
    const auto comma = std::min(text.find(',', at), text.size());
    std::string item = text.substr(at, comma - at);
    std::erase_if(item, [](char c) { return c == ' ' || c == '\t'; });
    at = comma + 1;
    if (item.empty()) continue;
    auto network = parse_network(item);
    if (!network) {
      if (bad) *bad = item;
      return std::nullopt;
    }
    out.push_back(*network);
  }
  return out;
}

bool address_in(const std::string& address, const std::vector<IpNetwork>& networks) {
  auto bytes = parse_address(address, nullptr);
  if (!bytes) return false;
  return std::any_of(networks.begin(), networks.end(), [&](const IpNetwork& network) {
    for (int bit = 0; bit < network.bits; ++bit) {
      const unsigned char mask = static_cast<unsigned char>(0x80 >> (bit % 8));
      if (((*bytes)[bit / 8] & mask) != (network.base[bit / 8] & mask)) return false;
    }
    return true;
  });
}

}  // namespace guichet
