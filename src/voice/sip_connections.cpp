#include "voice/sip_connections.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>
#include <set>

namespace guichet::voice {

namespace {

// The address and port of a socket address; empty when not IP.
bool describe(const sockaddr_storage& address, std::string& host, std::uint16_t& port) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    if (!inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text)) return false;
    port = ntohs(v4.sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    if (!inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text)) return false;
    port = ntohs(v6.sin6_port);
  } else {
    return false;
  }
  host = text;
  return true;
}

}  // namespace

std::vector<int> connections_to_close(std::vector<SipConnection> connections,
                                      const SipConnectionLimits& limits,
                                      std::chrono::steady_clock::time_point now) {
  std::vector<int> closing;
  std::set<int> closed;
  auto close = [&](const SipConnection& c) {
    if (closed.insert(c.fd).second) closing.push_back(c.fd);
  };
  for (const SipConnection& c : connections) {
    if (!c.in_call && now - c.last_request >= limits.idle) close(c);
  }
  // Idle longest first: the order every cap closes in.
  std::stable_sort(connections.begin(), connections.end(),
                   [](const SipConnection& a, const SipConnection& b) {
                     return a.last_request < b.last_request;
                   });
  std::map<std::string, std::size_t> open_from;
  for (const SipConnection& c : connections) {
    if (!closed.count(c.fd)) ++open_from[c.address];
  }
  for (const SipConnection& c : connections) {
    std::size_t& open = open_from[c.address];
    if (open > limits.per_address && !c.in_call && !closed.count(c.fd)) {
      close(c);
      --open;
    }
  }
  std::size_t open = connections.size() - closed.size();
  for (const SipConnection& c : connections) {
    if (open <= limits.total) break;
    if (!c.in_call && !closed.count(c.fd)) {
      close(c);
      --open;
    }
  }
  return closing;
}

std::vector<SipConnection> accepted_on(std::uint16_t port) {
  std::vector<SipConnection> found;
  DIR* folder = opendir("/proc/self/fd");
  if (!folder) return found;
  const int own = dirfd(folder);
  while (const dirent* entry = readdir(folder)) {
    const std::string_view name(entry->d_name);
    int fd = -1;
    if (std::from_chars(name.data(), name.data() + name.size(), fd).ec != std::errc() || fd == own)
      continue;
    sockaddr_storage local{};
    socklen_t length = sizeof local;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) != 0) continue;
    std::string host;
    std::uint16_t local_port = 0;
    if (!describe(local, host, local_port) || local_port != port) continue;
    int type = 0;
    int listening = 0;
    length = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) != 0 || type != SOCK_STREAM) continue;
    length = sizeof listening;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) != 0 || listening) continue;
    sockaddr_storage remote{};
    length = sizeof remote;
    std::uint16_t remote_port = 0;
    SipConnection connection;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&remote), &length) != 0 ||
        !describe(remote, connection.address, remote_port)) {
      continue;
    }
    connection.fd = fd;
    connection.peer = (remote.ss_family == AF_INET6 ? "[" + connection.address + "]"
                                                    : connection.address) +
                      ":" + std::to_string(remote_port);
    found.push_back(std::move(connection));
  }
  closedir(folder);
  return found;
}

void close_connection(int fd) {
  (void)shutdown(fd, SHUT_RDWR);
}

std::size_t default_connection_total() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 1024;
  return std::clamp<std::size_t>(static_cast<std::size_t>(limit.rlim_cur) / 4, 8, 1024);
}

}  // namespace guichet::voice
