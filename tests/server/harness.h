// A test harness for the real `guichet serve`: starts the binary on a free
// port with a temporary data directory, talks HTTP over real sockets, and can
// kill it (gracefully or with SIGKILL) and start it again on the same data.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace guichet::testing {

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// A TCP connection to the server on loopback; -1 when refused.
inline int connect_to(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// One request on a new connection, read until the server closes it.
inline Reply send_raw(std::uint16_t port, const std::string& raw) {
  Reply reply;
  const int fd = connect_to(port);
  if (fd < 0) return reply;
  std::size_t sent = 0;
  while (sent < raw.size()) {
    const ssize_t n = ::send(fd, raw.data() + sent, raw.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  std::string response;
  char buffer[8192];
  while (true) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    response.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  const auto head_end = response.find("\r\n\r\n");
  if (response.rfind("HTTP/1.1 ", 0) != 0 || head_end == std::string::npos) return reply;
  reply.status = std::stoi(response.substr(9, 3));
  std::size_t line = response.find("\r\n") + 2;
  while (line < head_end) {
    const auto next = response.find("\r\n", line);
    const std::string header = response.substr(line, next - line);
    const auto colon = header.find(':');
    std::string name = header.substr(0, colon);
    for (char& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers[name] = header.substr(colon + 2);
    line = next + 2;
  }
  reply.body = response.substr(head_end + 4);
  return reply;
}

inline Reply request(std::uint16_t port, const std::string& method, const std::string& path,
                     const std::string& body = {}, const std::string& extra_headers = {}) {
  std::string raw =
      method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + extra_headers;
  if (!body.empty()) {
    raw +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  return send_raw(port, raw + "\r\n" + body);
}

inline std::string field(const std::string& json, const std::string& name) {
  const std::string key = "\"" + name + "\":\"";
  const auto start = json.find(key);
  if (start == std::string::npos) return {};
  const auto end = json.find('"', start + key.size());
  return json.substr(start + key.size(), end - start - key.size());
}

// A minimal WebSocket client (RFC 6455): text frames, masked as clients must.
class WebSocketClient {
 public:
  ~WebSocketClient() {
    if (fd_ >= 0) ::close(fd_);
  }

  // The HTTP status of the upgrade: 101 when the stream is open.
  int connect(std::uint16_t port, const std::string& path, const std::string& extra_headers) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return 0;
    const std::string upgrade =
        "GET " + path +
        " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Version: 13\r\n" +
        extra_headers + "\r\n";
    ::send(fd_, upgrade.data(), upgrade.size(), MSG_NOSIGNAL);
    while (buffer_.find("\r\n\r\n") == std::string::npos) {
      if (!fill(5000)) return 0;
    }
    const int status = std::stoi(buffer_.substr(9, 3));
    buffer_.erase(0, buffer_.find("\r\n\r\n") + 4);
    return status;
  }

  // The next text message, or nothing after `timeout_ms` or a close.
  std::optional<std::string> next(int timeout_ms = 3000) {
    while (true) {
      if (buffer_.size() >= 2) {
        const auto opcode = static_cast<unsigned char>(buffer_[0]) & 0x0f;
        std::size_t length = static_cast<unsigned char>(buffer_[1]) & 0x7f;
        std::size_t header = 2;
        if (length == 126 && buffer_.size() >= 4) {
          length = (static_cast<unsigned char>(buffer_[2]) << 8) |
                   static_cast<unsigned char>(buffer_[3]);
          header = 4;
        } else if (length == 127 && buffer_.size() >= 10) {
          length = 0;
          for (int i = 2; i < 10; ++i)
            length = (length << 8) | static_cast<unsigned char>(buffer_[i]);
          header = 10;
        }
        if ((length < 126 || header > 2) && buffer_.size() >= header + length) {
          std::string payload = buffer_.substr(header, length);
          buffer_.erase(0, header + length);
          if (opcode == 1) return payload;
          if (opcode == 8) return std::nullopt;
          continue;  // ping, pong: skip
        }
      }
      if (!fill(timeout_ms)) return std::nullopt;
    }
  }

  void send_text(const std::string& text) {
    std::string frame;
    frame += static_cast<char>(0x81);
    const unsigned char mask[4] = {0x12, 0x34, 0x56, 0x78};
    frame += static_cast<char>(0x80 | static_cast<int>(text.size()));  // short messages only
    frame.append(reinterpret_cast<const char*>(mask), 4);
    for (std::size_t i = 0; i < text.size(); ++i)
      frame += static_cast<char>(text[i] ^ mask[i % 4]);
    ::send(fd_, frame.data(), frame.size(), MSG_NOSIGNAL);
  }

 private:
  bool fill(int timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    char chunk[8192];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buffer_;
};

// The first number after "name": in a JSON text (0 if absent).
inline std::uint64_t number(const std::string& json, const std::string& name,
                            std::size_t from = 0) {
  const std::string key = "\"" + name + "\":";
  const auto start = json.find(key, from);
  if (start == std::string::npos) return 0;
  return std::strtoull(json.c_str() + start + key.size(), nullptr, 10);
}

inline std::string bearer(const std::string& token) {
  return "Authorization: Bearer " + token + "\r\n";
}

class Guichet : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = std::filesystem::temp_directory_path() /
            ("guichet_serve_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(data_);
    add_user("admin", "admin", "admin-password-1234");
    add_user("agent1", "agent", "agent-password-1234");
    start();
  }

  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    std::filesystem::remove_all(data_);
  }

  void add_user(const std::string& name, const std::string& role, const std::string& password) {
    const std::string command = std::string(GUICHET_BINARY) + " user add --name " + name +
                                " --role " + role + " --data " + data_.string() + " > /dev/null";
    FILE* pipe = popen(command.c_str(), "w");
    ASSERT_NE(pipe, nullptr);
    std::fputs((password + "\n").c_str(), pipe);
    ASSERT_EQ(pclose(pipe), 0);
  }

  // Starts the server and reads the port from its "listening" line.
  void start() {
    log_ = data_ / "serve.log";
    std::filesystem::remove(log_);  // a restart must not read the last run's port
    pid_ = ::fork();
    if (pid_ == 0) {
      std::freopen(log_.c_str(), "w", stdout);
      if (file_limit_ > 0) {  // as `ulimit -n` would: soft and hard
        rlimit files{static_cast<rlim_t>(file_limit_), static_cast<rlim_t>(file_limit_)};
        ::setrlimit(RLIMIT_NOFILE, &files);
      }
      std::vector<const char*> argv = {GUICHET_BINARY, "serve",    "--data",
                                       data_.c_str(),  "--listen", "127.0.0.1:0"};
      for (const std::string& extra : extra_args_)
        argv.push_back(extra.c_str());
      argv.push_back(nullptr);
      ::execv(GUICHET_BINARY, const_cast<char* const*>(argv.data()));
      std::_Exit(127);
    }
    for (int i = 0; i < 200 && port_ == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      std::ifstream log(log_);
      std::string line;
      while (std::getline(log, line)) {
        const auto at = line.find("\"port\":");
        if (line.find("listening") != std::string::npos && at != std::string::npos) {
          port_ = static_cast<std::uint16_t>(std::stoi(line.substr(at + 7)));
        }
      }
    }
    ASSERT_NE(port_, 0) << "the server did not say where it listens";
  }

  // Ends the server at once, as a crash would: nothing flushed.
  void kill_hard() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
    port_ = 0;
  }

  Reply call(const std::string& token, const std::string& method, const std::string& path,
             const std::string& body = {}) {
    return request(port_, method, path, body, bearer(token));
  }

  std::string login(const std::string& user, const std::string& password) {
    Reply reply = request(port_, "POST", "/api/v1/session",
                          R"({"username":")" + user + R"(","password":")" + password + R"("})");
    EXPECT_EQ(reply.status, 200) << reply.body;
    return field(reply.body, "token");
  }

  std::filesystem::path data_;
  std::filesystem::path log_;
  std::vector<std::string> extra_args_;  // more `serve` flags, set before start()
  int file_limit_ = 0;                   // > 0: the server's descriptors, set before start()
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace guichet::testing
