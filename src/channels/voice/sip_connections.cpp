#include "channels/voice/sip_connections.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

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

// A socket address from sock_diag's words (network order, port included).
sockaddr_storage address_of(int family, const __be32 words[4], __be16 port) {
  sockaddr_storage address{};
  if (family == AF_INET) {
    auto& v4 = reinterpret_cast<sockaddr_in&>(address);
    v4.sin_family = AF_INET;
    std::memcpy(&v4.sin_addr, words, sizeof v4.sin_addr);
    v4.sin_port = port;
  } else {
    auto& v6 = reinterpret_cast<sockaddr_in6&>(address);
    v6.sin6_family = AF_INET6;
    std::memcpy(&v6.sin6_addr, words, sizeof v6.sin6_addr);
    v6.sin6_port = port;
  }
  return address;
}

// This process's open descriptors (numbers; they may close meanwhile),
// read from `folder` (/proc/self/fd, its own descriptor left out).
std::vector<int> descriptors_in(DIR* folder) {
  std::vector<int> out;
  const int own = dirfd(folder);
  rewinddir(folder);  // procfs lists the descriptors again
  while (const dirent* entry = readdir(folder)) {
    const std::string_view name(entry->d_name);
    int fd = -1;
    if (std::from_chars(name.data(), name.data() + name.size(), fd).ec == std::errc() && fd != own)
      out.push_back(fd);
  }
  return out;
}

// Whether descriptor `fd` is a socket whose local end is `host` and `port`.
bool bound_at(int fd, const std::string& host, std::uint16_t port) {
  sockaddr_storage local{};
  socklen_t length = sizeof local;
  std::string local_host;
  std::uint16_t local_port = 0;
  return getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) == 0 &&
         describe(local, local_host, local_port) && local_port == port && local_host == host;
}

std::vector<int> descriptors() {
  DIR* folder = opendir("/proc/self/fd");
  if (!folder) return {};
  std::vector<int> out = descriptors_in(folder);
  closedir(folder);
  return out;
}

}  // namespace

std::string peer_name(const std::string& address, int family, std::uint16_t port) {
  return (family == AF_INET6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

std::vector<SipConnection> connections_to_close(std::vector<SipConnection> connections,
                                                const SipConnectionLimits& limits,
                                                std::chrono::steady_clock::time_point now) {
  std::vector<SipConnection> closing;
  std::set<std::string> closed;  // by peer: one connection each
  auto close = [&](const SipConnection& c) {
    if (closed.insert(c.peer).second) closing.push_back(c);
  };
  for (const SipConnection& c : connections) {
    if (c.fd >= 0 && !c.in_call && now - c.last_request >= limits.idle) close(c);
  }
  // Idle longest first: the order every cap closes in.
  std::stable_sort(connections.begin(), connections.end(),
                   [](const SipConnection& a, const SipConnection& b) {
                     return a.last_request < b.last_request;
                   });
  std::map<std::string, std::size_t> open_from;
  for (const SipConnection& c : connections) {
    if (!closed.count(c.peer)) ++open_from[c.address];
  }
  for (const SipConnection& c : connections) {
    std::size_t& open = open_from[c.address];
    if (open > limits.per_address && c.fd >= 0 && !c.in_call && !closed.count(c.peer)) {
      close(c);
      --open;
    }
  }
  std::size_t open = connections.size() - closed.size();
  for (const SipConnection& c : connections) {
    if (open <= limits.total) break;
    if (c.fd >= 0 && !c.in_call && !closed.count(c.peer)) {
      close(c);
      --open;
    }
  }
  return closing;
}

ConnectionWatch::ConnectionWatch()
    : diag_(socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG)),
      folder_(opendir("/proc/self/fd")) {}

ConnectionWatch::~ConnectionWatch() {
  if (diag_ >= 0) close(diag_);
  if (folder_) closedir(static_cast<DIR*>(folder_));
}

std::vector<int> ConnectionWatch::descriptors() {
  return folder_ ? descriptors_in(static_cast<DIR*>(folder_)) : guichet::voice::descriptors();
}

std::optional<std::vector<SipConnection>> ConnectionWatch::connections_from_kernel(
    const std::string& host, std::uint16_t port) {
  std::vector<SipConnection> found;
  if (diag_ < 0) return std::nullopt;
  const int diag = diag_;
  bool refused = false;
  for (const int family : {AF_INET, AF_INET6}) {
    struct {
      nlmsghdr header;
      inet_diag_req_v2 request;
    } query{};
    query.header.nlmsg_len = sizeof query;
    query.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    query.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    query.header.nlmsg_seq = ++sequence_;
    query.request.sdiag_family = static_cast<std::uint8_t>(family);
    query.request.sdiag_protocol = IPPROTO_TCP;
    query.request.idiag_states = (1u << TCP_ESTABLISHED) | (1u << TCP_CLOSE_WAIT);
    query.request.id.idiag_sport = htons(port);  // the kernel filters on it
    if (send(diag, &query, sizeof query, 0) != static_cast<ssize_t>(sizeof query)) {
      refused = true;
      break;
    }
    bool done = false;
    while (!done && !refused) {
      alignas(nlmsghdr) char buffer[32768];
      const ssize_t length = recv(diag, buffer, sizeof buffer, 0);
      if (length <= 0) {
        refused = true;  // a dump cut short is not the whole list
        break;
      }
      int remaining = static_cast<int>(length);  // signed: NLMSG_NEXT may take it below 0
      for (auto* header = reinterpret_cast<nlmsghdr*>(buffer); NLMSG_OK(header, remaining);
           header = NLMSG_NEXT(header, remaining)) {
        if (header->nlmsg_seq != sequence_) continue;  // an earlier dump's, cut short
        if (header->nlmsg_type == NLMSG_ERROR) {
          const auto* error = static_cast<const nlmsgerr*>(NLMSG_DATA(header));
          if (header->nlmsg_len < NLMSG_LENGTH(sizeof(nlmsgerr)) || error->error != 0) {
            refused = true;
          }
        }
        if (header->nlmsg_type == NLMSG_DONE || header->nlmsg_type == NLMSG_ERROR) {
          done = true;
          break;
        }
        if (header->nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg))) continue;
        const auto* message = static_cast<const inet_diag_msg*>(NLMSG_DATA(header));
        if (ntohs(message->id.idiag_sport) != port) continue;  // an older kernel's dump
        const sockaddr_storage local =
            address_of(family, message->id.idiag_src, message->id.idiag_sport);
        const sockaddr_storage remote =
            address_of(family, message->id.idiag_dst, message->id.idiag_dport);
        SipConnection connection;
        std::string local_host;
        std::uint16_t local_port = 0;
        std::uint16_t remote_port = 0;
        if (!describe(local, local_host, local_port) || local_host != host ||
            !describe(remote, connection.address, remote_port)) {
          continue;  // another address's port (another process's)
        }
        connection.inode = message->idiag_inode;
        connection.peer = peer_name(connection.address, family, remote_port);
        found.push_back(std::move(connection));
      }
    }
  }
  if (refused) return std::nullopt;  // what is left of a dump cut short: skipped by its number
  return found;
}

std::vector<SipConnection> ConnectionWatch::connections_on(const std::string& host,
                                                           std::uint16_t port) {
  if (auto found = connections_from_kernel(host, port)) return std::move(*found);
  return connections_in_descriptors(host, port);
}

std::vector<SipConnection> ConnectionWatch::connections_in_descriptors(const std::string& host,
                                                                       std::uint16_t port) {
  std::vector<SipConnection> found;
  for (const int fd : descriptors()) {
    if (!bound_at(fd, host, port)) continue;
    int type = 0;
    int listening = 0;
    socklen_t length = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) != 0 || type != SOCK_STREAM) continue;
    length = sizeof listening;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) != 0 || listening) continue;
    sockaddr_storage remote{};
    length = sizeof remote;
    SipConnection connection;
    std::uint16_t remote_port = 0;
    struct stat status {};
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&remote), &length) != 0 ||
        !describe(remote, connection.address, remote_port) || fstat(fd, &status) != 0) {
      continue;
    }
    // The inode, not the descriptor: this may run on another thread than
    // the one that closes, and a number is reused at once.
    connection.inode = status.st_ino;
    connection.peer = peer_name(connection.address, remote.ss_family, remote_port);
    found.push_back(std::move(connection));
  }
  return found;
}

void ConnectionWatch::find_descriptors(std::vector<SipConnection>& connections) {
  std::unordered_map<std::uint64_t, SipConnection*> by_inode;
  for (SipConnection& c : connections) {
    if (c.inode != 0) by_inode[c.inode] = &c;
  }
  if (by_inode.empty()) return;
  for (const int fd : descriptors()) {
    struct stat status {};
    if (fstat(fd, &status) != 0 || !S_ISSOCK(status.st_mode)) continue;
    if (auto found = by_inode.find(status.st_ino); found != by_inode.end()) {
      found->second->fd = fd;
    }
  }
}

bool close_connection(const SipConnection& connection) {
  struct stat status {};
  if (connection.fd < 0 || fstat(connection.fd, &status) != 0 || !S_ISSOCK(status.st_mode) ||
      status.st_ino != connection.inode) {
    return false;  // gone since it was found; the number may be another's now
  }
  return shutdown(connection.fd, SHUT_RDWR) == 0;
}

bool widen_listen_backlog(const std::string& host, std::uint16_t port, int backlog) {
  for (const int fd : descriptors()) {
    int listening = 0;
    socklen_t length = sizeof listening;
    if (!bound_at(fd, host, port) ||
        getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) != 0 || !listening) {
      continue;
    }
    return listen(fd, backlog) == 0;  // on a listener: only its backlog changes
  }
  return false;
}

std::size_t default_connection_total() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 1024;
  return std::clamp<std::size_t>(static_cast<std::size_t>(limit.rlim_cur) / 4, 8, 1024);
}

}  // namespace guichet::voice
