// Integration: the real `guichet serve` on a free port with a temporary data
// directory, driven over real sockets.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>

namespace {

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// One request on a new connection, read until the server closes it.
Reply send_raw(std::uint16_t port, const std::string& raw) {
  Reply reply;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return reply;
  }
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

Reply request(std::uint16_t port, const std::string& method, const std::string& path,
              const std::string& body = {}, const std::string& extra_headers = {}) {
  std::string raw =
      method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + extra_headers;
  if (!body.empty()) {
    raw +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  return send_raw(port, raw + "\r\n" + body);
}

std::string field(const std::string& json, const std::string& name) {
  const std::string key = "\"" + name + "\":\"";
  const auto start = json.find(key);
  if (start == std::string::npos) return {};
  const auto end = json.find('"', start + key.size());
  return json.substr(start + key.size(), end - start - key.size());
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
    pid_ = ::fork();
    if (pid_ == 0) {
      std::freopen(log_.c_str(), "w", stdout);
      ::execl(GUICHET_BINARY, GUICHET_BINARY, "serve", "--data", data_.c_str(), "--listen",
              "127.0.0.1:0", nullptr);
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

  std::string login(const std::string& user, const std::string& password) {
    Reply reply = request(port_, "POST", "/api/v1/session",
                          R"({"username":")" + user + R"(","password":")" + password + R"("})");
    EXPECT_EQ(reply.status, 200) << reply.body;
    return field(reply.body, "token");
  }

  std::filesystem::path data_;
  std::filesystem::path log_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

TEST_F(Guichet, AnswersHealthAndReadiness) {
  EXPECT_EQ(request(port_, "GET", "/healthz").status, 200);
  EXPECT_EQ(request(port_, "GET", "/readyz").status, 200);
  EXPECT_EQ(request(port_, "GET", "/nowhere").status, 404);
  EXPECT_EQ(request(port_, "POST", "/healthz").status, 405);
}

TEST_F(Guichet, LogsInWithATokenOrACookieAndOut) {
  const std::string token = login("agent1", "agent-password-1234");
  ASSERT_EQ(token.size(), 64u);
  const std::string bearer = "Authorization: Bearer " + token + "\r\n";
  Reply me = request(port_, "GET", "/api/v1/session", {}, bearer);
  EXPECT_EQ(me.status, 200);
  EXPECT_NE(me.body.find(R"("username":"agent1")"), std::string::npos) << me.body;
  EXPECT_NE(me.body.find(R"("role":"agent")"), std::string::npos);
  // The same session as a browser holds it.
  EXPECT_EQ(
      request(port_, "GET", "/api/v1/session", {}, "Cookie: guichet_session=" + token + "\r\n")
          .status,
      200);
  EXPECT_EQ(request(port_, "DELETE", "/api/v1/session", {}, bearer).status, 204);
  EXPECT_EQ(request(port_, "GET", "/api/v1/session", {}, bearer).status, 401);
  EXPECT_EQ(request(port_, "GET", "/api/v1/session").status, 401);
}

TEST_F(Guichet, TheSessionCookieIsHttpOnlyAndSameSite) {
  Reply reply = request(port_, "POST", "/api/v1/session",
                        R"({"username":"agent1","password":"agent-password-1234"})");
  ASSERT_EQ(reply.status, 200);
  const std::string cookie = reply.headers["set-cookie"];
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
}

TEST_F(Guichet, RefusesWrongPasswordsAndThenRateLimits) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(request(port_, "POST", "/api/v1/session",
                      R"({"username":"agent1","password":"wrong-password"})")
                  .status,
              401);
  }
  Reply limited = request(port_, "POST", "/api/v1/session",
                          R"({"username":"agent1","password":"agent-password-1234"})");
  EXPECT_EQ(limited.status, 429);
  EXPECT_FALSE(limited.headers["retry-after"].empty());
}

TEST_F(Guichet, BadInputGetsAClearError) {
  struct Case {
    std::string body;
    int status;
    std::string field;
  };
  const Case cases[] = {
      {"{not json", 400, "body"},
      {R"(["array"])", 400, "body"},
      {R"({"username":"a","password":"b","admin":true})", 400, "admin"},
      {R"({"username":5,"password":"b"})", 400, "username"},
      {R"({"password":"b"})", 400, "username"},
      {std::string(200, '[') + std::string(200, ']'), 400, "body"},
  };
  for (const Case& c : cases) {
    Reply reply = request(port_, "POST", "/api/v1/session", c.body);
    EXPECT_EQ(reply.status, c.status) << c.body;
    EXPECT_NE(reply.body.find("\"field\":\"" + c.field + "\""), std::string::npos) << reply.body;
  }
  // Over the 1 MiB limit: refused before it is read whole.
  const std::string huge(2 << 20, 'x');
  EXPECT_EQ(request(port_, "POST", "/api/v1/session", huge).status, 413);
  // Not HTTP at all.
  EXPECT_EQ(send_raw(port_, "HELLO\r\n\r\n").status, 400);
  // Still serving after all that.
  EXPECT_EQ(request(port_, "GET", "/healthz").status, 200);
}

TEST_F(Guichet, RolesAreCheckedAndCookieWritesNeedTheCsrfToken) {
  const std::string agent = login("agent1", "agent-password-1234");
  EXPECT_EQ(
      request(port_, "GET", "/api/v1/users", {}, "Authorization: Bearer " + agent + "\r\n").status,
      403);
  EXPECT_EQ(request(port_, "GET", "/api/v1/users").status, 401);

  Reply admin_login = request(port_, "POST", "/api/v1/session",
                              R"({"username":"admin","password":"admin-password-1234"})");
  const std::string admin = field(admin_login.body, "token");
  const std::string csrf = field(admin_login.body, "csrf_token");
  const std::string cookie = "Cookie: guichet_session=" + admin + "\r\n";
  const std::string new_user =
      R"({"username":"sup1","role":"supervisor","password":"supervisor-password-1"})";
  EXPECT_EQ(request(port_, "POST", "/api/v1/users", new_user, cookie).status, 403)
      << "a cookie session without the CSRF token";
  Reply created =
      request(port_, "POST", "/api/v1/users", new_user, cookie + "X-CSRF-Token: " + csrf + "\r\n");
  EXPECT_EQ(created.status, 201) << created.body;
  Reply again =
      request(port_, "POST", "/api/v1/users", new_user, "Authorization: Bearer " + admin + "\r\n");
  EXPECT_EQ(again.status, 409);
  Reply users =
      request(port_, "GET", "/api/v1/users", {}, "Authorization: Bearer " + admin + "\r\n");
  EXPECT_NE(users.body.find("sup1"), std::string::npos);
  EXPECT_EQ(users.body.find("password"), std::string::npos) << "hashes never leave the server";
}

TEST_F(Guichet, StopsGracefullyOnSigterm) {
  ASSERT_EQ(::kill(pid_, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid_, &status, 0), pid_);
  pid_ = -1;
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::ifstream log(log_);
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("\"stopped\""), std::string::npos) << text;
}

}  // namespace
