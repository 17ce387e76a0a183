#include "channels/voice/sip_connections.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include <gtest/gtest.h>

namespace guichet::voice {
namespace {

using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

std::vector<int> fds(const std::vector<SipConnection>& connections) {
  std::vector<int> out;
  for (const SipConnection& c : connections)
    out.push_back(c.fd);
  std::sort(out.begin(), out.end());
  return out;
}

// A TCP listener on 127.0.0.1, a free port, with `backlog`; its address in
// `address` (-1 when the kernel refused).
int loopback_listener(int backlog, sockaddr_in& address) {
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  if (listener < 0) return -1;
  address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
      listen(listener, backlog) != 0) {
    close(listener);
    return -1;
  }
  return listener;
}

SipConnection connection(int fd, const char* address, Clock::time_point last,
                         bool in_call = false) {
  SipConnection c;
  c.fd = fd;
  c.address = address;
  c.peer = std::string(address) + ":" + std::to_string(40000 + fd);
  c.last_request = last;
  c.in_call = in_call;
  return c;
}

TEST(SipConnections, IdleOnesCloseUnlessInACall) {
  const Clock::time_point now{seconds(1000)};
  SipConnectionLimits limits;
  limits.idle = seconds(120);
  const auto closing = connections_to_close(
      {connection(3, "192.0.2.1", now - seconds(121)), connection(4, "192.0.2.1", now - seconds(5)),
       connection(5, "192.0.2.2", now - seconds(600), true)},
      limits, now);
  EXPECT_EQ(fds(closing), std::vector<int>{3});
}

TEST(SipConnections, OneAddressKeepsItsNewestUpToItsShare) {
  const Clock::time_point now{seconds(1000)};
  SipConnectionLimits limits;
  limits.per_address = 2;
  std::vector<SipConnection> from_one;
  for (int fd = 10; fd < 15; ++fd)
    from_one.push_back(connection(fd, "198.51.100.7", now - seconds(20 - fd)));  // 14 newest
  from_one.push_back(connection(20, "198.51.100.8", now - seconds(60)));         // another address
  EXPECT_EQ(fds(connections_to_close(from_one, limits, now)), (std::vector<int>{10, 11, 12}));
}

TEST(SipConnections, OverTheTotalTheIdleLongestGo) {
  const Clock::time_point now{seconds(1000)};
  SipConnectionLimits limits;
  limits.total = 3;
  std::vector<SipConnection> many;
  for (int fd = 1; fd <= 6; ++fd) {
    const std::string address = "203.0.113." + std::to_string(fd);
    many.push_back(connection(fd, address.c_str(), now - seconds(100 - fd), fd == 1));
  }
  // fd 1 idles longest but carries a call: 2, 3 and 4 go.
  EXPECT_EQ(fds(connections_to_close(many, limits, now)), (std::vector<int>{2, 3, 4}));
}

// A flood's connections wait in the kernel's queue while libre has no
// descriptor to accept them: they count, but the accepted are chosen (the
// waiting cannot be closed yet; choosing them closed nothing).
TEST(SipConnections, NotAcceptedOnesCountButAreNotChosen) {
  const Clock::time_point now{seconds(1000)};
  SipConnectionLimits limits;
  limits.total = 2;
  limits.per_address = 3;
  std::vector<SipConnection> flood;
  for (int i = 0; i < 4; ++i)
    flood.push_back(connection(-1, "192.0.2.9", now - seconds(10 + i)));  // idle longest
  flood.push_back(connection(7, "192.0.2.9", now));
  flood.push_back(connection(8, "192.0.2.10", now));
  flood.push_back(connection(-1, "192.0.2.11", now - seconds(500)));  // idle, not accepted
  EXPECT_EQ(fds(connections_to_close(flood, limits, now)), (std::vector<int>{7, 8}));
}

// The connections on a port are found (the kernel's view), then their
// descriptors in this process; closing one ends it for its peer.
TEST(SipConnections, AcceptedOnesAreFoundAndClosed) {
  sockaddr_in address{};
  const int listener = loopback_listener(8, address);
  ASSERT_GE(listener, 0);
  const std::uint16_t port = ntohs(address.sin_port);
  int clients[3];
  int accepted[3];
  for (int i = 0; i < 3; ++i) {
    clients[i] = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_EQ(connect(clients[i], reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    accepted[i] = accept(listener, nullptr, nullptr);
    ASSERT_GE(accepted[i], 0);
  }
  // The kernel's list, where it gives one; this process's descriptors'
  // list, which the endpoint falls back to: the same connections.
  ConnectionWatch watch;
  std::vector<SipConnection> found = watch.connections_in_descriptors("127.0.0.1", port);
  ASSERT_EQ(found.size(), 3u);  // not the listener, not the clients (another local port)
  if (auto kernel = watch.connections_from_kernel("127.0.0.1", port)) {
    ASSERT_EQ(kernel->size(), 3u);
    std::vector<std::uint64_t> a, b;
    for (std::size_t i = 0; i < 3; ++i) {
      a.push_back(found[i].inode);
      b.push_back((*kernel)[i].inode);
    }
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    EXPECT_EQ(a, b);
    EXPECT_TRUE(watch.connections_from_kernel("127.0.0.2", port)->empty());  // another address's
  } else {
    std::puts("sock_diag refused here: the kernel's list not compared");
  }
  EXPECT_EQ(watch.connections_on("127.0.0.1", port).size(), 3u);
  watch.find_descriptors(found);
  const SipConnection* second = nullptr;
  for (const SipConnection& c : found) {
    EXPECT_NE(std::find(std::begin(accepted), std::end(accepted), c.fd), std::end(accepted));
    EXPECT_EQ(c.address, "127.0.0.1");
    EXPECT_EQ(c.peer.rfind("127.0.0.1:", 0), 0u) << c.peer;
    if (c.fd == accepted[1]) second = &c;
  }
  ASSERT_NE(second, nullptr);
  SipConnection stale = *second;
  ++stale.inode;  // its number now another socket's: left alone
  EXPECT_FALSE(close_connection(stale));
  EXPECT_TRUE(close_connection(*second));
  char byte = 0;
  EXPECT_EQ(read(clients[1], &byte, 1), 0);  // the peer sees the end
  for (int i = 0; i < 3; ++i) {
    close(clients[i]);
    close(accepted[i]);
  }
  close(listener);
}

// A look when the process has no descriptor left (a flood took them all):
// the watch holds what it needs, so it still sees the connections.
TEST(SipConnections, TheWatchSeesWhenDescriptorsRunOut) {
  sockaddr_in address{};
  const int listener = loopback_listener(8, address);
  ASSERT_GE(listener, 0);
  const int client = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  const int accepted = accept(listener, nullptr, nullptr);
  ASSERT_GE(accepted, 0);
  ConnectionWatch watch;
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  rlimit lowered = limit;
  lowered.rlim_cur = 256;  // a few dups, not a million
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &lowered), 0);
  std::vector<int> taken;  // every descriptor left, as libre's accepts take them
  for (int fd; (fd = dup(0)) >= 0;)
    taken.push_back(fd);
  ASSERT_EQ(errno, EMFILE);
  std::vector<SipConnection> found = watch.connections_on("127.0.0.1", ntohs(address.sin_port));
  watch.find_descriptors(found);
  for (const int fd : taken)
    close(fd);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &limit), 0);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].fd, accepted);
  close(client);
  close(accepted);
  close(listener);
}

// libre listens for SIP over TCP with a backlog of 5: a burst of phones
// reconnecting (after a network cut) waited seconds for their handshakes,
// resent by the kernel (CI: 300 connections, none accepted 2.5 s later).
TEST(SipConnections, TheListenersBacklogIsWidened) {
  sockaddr_in address{};
  const int listener = loopback_listener(5, address);
  ASSERT_GE(listener, 0);
  // A listener's tcpi_sacked is its backlog (Linux).
  const auto backlog = [&] {
    tcp_info info{};
    socklen_t size = sizeof info;
    EXPECT_EQ(getsockopt(listener, IPPROTO_TCP, TCP_INFO, &info, &size), 0);
    return info.tcpi_sacked;
  };
  EXPECT_EQ(backlog(), 5u);
  EXPECT_FALSE(widen_listen_backlog("127.0.0.2", ntohs(address.sin_port), 1024));  // not ours
  EXPECT_TRUE(widen_listen_backlog("127.0.0.1", ntohs(address.sin_port), 1024));
  EXPECT_GE(backlog(), 128u);  // capped by net.core.somaxconn
  close(listener);
}

}  // namespace
}  // namespace guichet::voice
