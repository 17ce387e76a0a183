// IP networks as administrators write them ("192.0.2.0/24", "2001:db8::/32",
// "127.0.0.1"): who may call in, where agents' phones may be. Pure;
// thread-safe.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace guichet {

struct IpNetwork {
  std::array<unsigned char, 16> base{};  // IPv4 mapped into IPv6
  int bits = 0;                          // of the 128
};

// "ADDRESS" or "ADDRESS/BITS"; nullopt when it is not one.
std::optional<IpNetwork> parse_network(const std::string& text);
// "a,b, c" → the networks; nullopt (with the one at fault in `bad`) when one
// is not a network.
std::optional<std::vector<IpNetwork>> parse_networks(const std::string& text,
                                                     std::string* bad = nullptr);
// Whether the address (IPv4 or IPv6 text) is inside one of them.
bool address_in(const std::string& address, const std::vector<IpNetwork>& networks);

}  // namespace guichet
