// SIP over TCP holds a descriptor per connection, and libre 1.1.0 accepts
// every connection and keeps one alive as long as CRLF keepalives come (it
// has no cap and no hook to refuse one): a few hundred idle connections
// exhausted the process's descriptors. The endpoint therefore looks at the
// connections accepted on its port (accepted_on) twice a second and closes
// those the limits below refuse (connections_to_close): libre then reads
// their end and frees them. Pure, except accepted_on and close_connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace guichet::voice {

struct SipConnection {
  int fd = -1;
  std::string peer;     // "address:port"
  std::string address;  // the peer's address alone
  // Its last request (CRLF keepalives are not requests), or when it was
  // first seen.
  std::chrono::steady_clock::time_point last_request{};
  bool in_call = false;  // a call's requests come on it: never closed
};

struct SipConnectionLimits {
  std::size_t total = 1024;
  std::size_t per_address = 32;
  std::chrono::seconds idle{120};  // without a request, and no call on it
};

// The connections to close, each once: those idle too long; then, beyond
// per_address from one address, the ones idle longest; then, beyond total,
// the ones idle longest. Connections in a call are kept, even over a limit.
std::vector<int> connections_to_close(std::vector<SipConnection> connections,
                                      const SipConnectionLimits& limits,
                                      std::chrono::steady_clock::time_point now);

// The TCP connections this process accepted on `port` (its descriptors
// whose local port it is, not listening): fd and peer only.
std::vector<SipConnection> accepted_on(std::uint16_t port);

// Ends a connection its owner (libre) still holds: shut down both ways, so
// that its next read sees the end and it closes the descriptor itself.
void close_connection(int fd);

// SIP over TCP's share of the process's descriptors: a quarter, at most
// 1024 (HTTP has half; RTP sockets and files the rest).
std::size_t default_connection_total();

}  // namespace guichet::voice
