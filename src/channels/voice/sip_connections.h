// SIP over TCP holds a descriptor per connection, and libre 1.1.0 accepts
// every connection and keeps one alive as long as CRLF keepalives come (it
// has no cap and no hook to refuse one): a few hundred idle connections
// exhausted the process's descriptors. The endpoint therefore asks the
// kernel for the connections on its port (connections_on: sock_diag; about
// 2.5 ms here, as it walks the kernel's whole table, so not on the audio's
// thread) twice a second, and shuts down those the limits below refuse
// (connections_to_close): libre then reads their end and frees them.
// Finding the connections' descriptors (find_descriptors, 3 ms with 2,000
// descriptors open) is the watcher's work too, and only done when there are
// connections; the audio's thread checks one inode before it closes. Pure,
// except those (ConnectionWatch), widen_listen_backlog and close_connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace guichet::voice {

struct SipConnection {
  int fd = -1;
  std::uint64_t inode = 0;  // the socket's, as the kernel names it
  std::string peer;         // "address:port"
  std::string address;      // the peer's address alone
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
// the ones idle longest. Connections in a call are kept, even over a limit;
// those not accepted yet (fd -1) count, but are not chosen: they cannot be
// closed before they are (a flood's, waiting while descriptors run out).
std::vector<SipConnection> connections_to_close(std::vector<SipConnection> connections,
                                                const SipConnectionLimits& limits,
                                                std::chrono::steady_clock::time_point now);

// How the watcher looks, with what it needs held open from the start: the
// kernel's socket (sock_diag) and /proc/self/fd. A flood of connections
// takes every descriptor the process may have (libre accepts until EMFILE),
// and a look that opened its own then saw nothing, so closed nothing (CI:
// 300 connections held at ulimit -n 256). One thread's.
class ConnectionWatch {
 public:
  ConnectionWatch();
  ~ConnectionWatch();
  ConnectionWatch(const ConnectionWatch&) = delete;
  ConnectionWatch& operator=(const ConnectionWatch&) = delete;

  // The established TCP connections whose local end is `host` (an address
  // as inet_ntop writes it) and `port` (sock_diag, IPv4 and IPv6): peer
  // and socket inode, no descriptor yet (fd -1). From this process's
  // descriptors when the kernel refuses to say.
  std::vector<SipConnection> connections_on(const std::string& host, std::uint16_t port);

  // The kernel's part of connections_on: nullopt when it refuses to say.
  std::optional<std::vector<SipConnection>> connections_from_kernel(const std::string& host,
                                                                    std::uint16_t port);

  // The same from this process's descriptors, which connections_on falls
  // back to where the kernel refuses sock_diag (a sandbox): 4 ms with 2,000
  // descriptors open here.
  std::vector<SipConnection> connections_in_descriptors(const std::string& host,
                                                        std::uint16_t port);

  // Sets the descriptor of each connection this process holds (by inode);
  // those it does not hold yet (not accepted yet) keep fd -1.
  void find_descriptors(std::vector<SipConnection>& connections);

 private:
  std::vector<int> descriptors();

  int diag_ = -1;               // the kernel's socket (sock_diag), if it gave one
  std::uint32_t sequence_ = 0;  // of the last dump asked
  void* folder_ = nullptr;      // DIR* of /proc/self/fd, read again at each look
};

// "address:port" ("[v6]:port"): how a connection's peer is named, here and
// by the endpoint for the requests it sees (they must match).
std::string peer_name(const std::string& address, int family, std::uint16_t port);

// Ends a connection its owner (libre) still holds: shut down both ways, so
// that its next read sees the end and it closes the descriptor itself. Only
// if its descriptor is still that socket (the inode): false otherwise. Call
// it on the thread that alone closes such connections.
bool close_connection(const SipConnection& connection);

// Listens again on this process's TCP listener at `host` and `port` with
// room for `backlog` handshakes (the kernel caps it at net.core.somaxconn):
// libre asks for 5, and a burst of phones reconnecting at once waited
// seconds for the kernel to resend their handshakes. False when no such
// listener is found or the kernel refuses.
bool widen_listen_backlog(const std::string& host, std::uint16_t port, int backlog);

// SIP over TCP's share of the process's descriptors: a quarter, at most
// 1024 (HTTP has half; RTP sockets and files the rest).
std::size_t default_connection_total();

}  // namespace guichet::voice
