// Integration: the real `guichet serve` on a free port with a temporary data
// directory, driven over real sockets.
#include "harness.h"

namespace {

using namespace guichet::testing;

TEST_F(Guichet, AnswersHealthAndReadiness) {
  EXPECT_EQ(request(port_, "GET", "/healthz").status, 200);
  EXPECT_EQ(request(port_, "GET", "/readyz").status, 200);
  EXPECT_EQ(request(port_, "GET", "/api/v1/nowhere").status, 404);
  EXPECT_EQ(request(port_, "GET", "/nowhere.js").status, 404);
  EXPECT_EQ(request(port_, "POST", "/healthz").status, 405);
}

TEST_F(Guichet, ServesTheWebInterfaceFromTheBinary) {
  Reply page = request(port_, "GET", "/");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<div id=\"root\">"), std::string::npos) << page.body;
  EXPECT_NE(page.headers["content-security-policy"].find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(page.headers["cache-control"], "no-cache");
  // The pages' paths are the same document: the application routes them.
  EXPECT_EQ(request(port_, "GET", "/supervision").body, page.body);
  // Assets are named by their content, so cached for good; a known ETag gets 304.
  const auto at = page.body.find("/assets/index-");
  ASSERT_NE(at, std::string::npos) << page.body;
  const std::string script = page.body.substr(at, page.body.find('"', at) - at);
  Reply asset = request(port_, "GET", script);
  ASSERT_EQ(asset.status, 200) << script;
  EXPECT_EQ(asset.headers["content-type"], "text/javascript; charset=utf-8");
  EXPECT_NE(asset.headers["cache-control"].find("immutable"), std::string::npos);
  EXPECT_GT(asset.body.size(), 10'000u);
  const std::string etag = asset.headers["etag"];
  ASSERT_FALSE(etag.empty());
  Reply again = request(port_, "GET", script, "", "If-None-Match: " + etag + "\r\n");
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  // HEAD: the same headers, no body.
  Reply head = request(port_, "HEAD", script);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers["content-length"], std::to_string(asset.body.size()));
  EXPECT_TRUE(head.body.empty());
  Reply api_head = request(port_, "HEAD", "/healthz");
  EXPECT_EQ(api_head.status, 405);
  EXPECT_TRUE(api_head.body.empty()) << api_head.body;
}

// A town hall's 2 Mbit/s line: the files compressed at build time (Brotli,
// gzip) are sent to a browser that takes them; the stylesheet of DSFR,
// named by its version, is not asked again at each load.
TEST_F(Guichet, SendsTheWebFilesCompressedAndCachesWhatIsVersioned) {
  Reply page = request(port_, "GET", "/");
  const auto at = page.body.find("/assets/index-");
  ASSERT_NE(at, std::string::npos) << page.body;
  const std::string script = page.body.substr(at, page.body.find('"', at) - at);
  Reply plain = request(port_, "GET", script);
  ASSERT_EQ(plain.status, 200);
  EXPECT_TRUE(plain.headers["content-encoding"].empty());
  EXPECT_EQ(plain.headers["vary"], "Accept-Encoding");

  Reply brotli = request(port_, "GET", script, "", "Accept-Encoding: gzip, deflate, br, zstd\r\n");
  ASSERT_EQ(brotli.status, 200);
  EXPECT_EQ(brotli.headers["content-encoding"], "br");
  EXPECT_EQ(brotli.headers["content-type"], "text/javascript; charset=utf-8");
  EXPECT_EQ(brotli.headers["vary"], "Accept-Encoding");
  EXPECT_LT(brotli.body.size() * 3, plain.body.size()) << "Brotli: a third or less";
  EXPECT_NE(brotli.headers["etag"], plain.headers["etag"]) << "each encoding its own ETag";
  Reply cached =
      request(port_, "GET", script, "",
              "Accept-Encoding: br\r\nIf-None-Match: " + brotli.headers["etag"] + "\r\n");
  EXPECT_EQ(cached.status, 304);

  Reply gzip = request(port_, "GET", script, "", "Accept-Encoding: gzip\r\n");
  EXPECT_EQ(gzip.headers["content-encoding"], "gzip");
  EXPECT_LT(gzip.body.size() * 2, plain.body.size());
  // Refused with q=0: not sent that way.
  Reply refused = request(port_, "GET", script, "", "Accept-Encoding: br;q=0, gzip;q=0\r\n");
  EXPECT_TRUE(refused.headers["content-encoding"].empty());
  EXPECT_EQ(refused.body.size(), plain.body.size());

  // The page itself is compressed too, and still revalidated.
  Reply html = request(port_, "GET", "/", "", "Accept-Encoding: br\r\n");
  EXPECT_EQ(html.headers["content-encoding"], "br");
  EXPECT_EQ(html.headers["cache-control"], "no-cache");

  // DSFR's stylesheet is linked with its version: cached for good.
  const auto css_at = page.body.find("/dsfr/dsfr.min.css?v=");
  ASSERT_NE(css_at, std::string::npos) << page.body;
  const std::string css = page.body.substr(css_at, page.body.find('"', css_at) - css_at);
  Reply stylesheet = request(port_, "GET", css, "", "Accept-Encoding: br\r\n");
  ASSERT_EQ(stylesheet.status, 200) << css;
  EXPECT_EQ(stylesheet.headers["content-encoding"], "br");
  EXPECT_NE(stylesheet.headers["cache-control"].find("immutable"), std::string::npos);
  EXPECT_LT(stylesheet.body.size(), 100'000u) << "600 KB of CSS, sent in less than 100";
  // The same file asked for without its version is revalidated.
  EXPECT_EQ(request(port_, "GET", "/dsfr/dsfr.min.css").headers["cache-control"], "no-cache");
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
  // Where citizens' files go, 5 MB: 2 MB is read (and refused for being no
  // conversation's), 6 MB is not.
  EXPECT_EQ(request(port_, "POST", "/chat/v1/attachments?name=scan.pdf", "%PDF-" + huge,
                    "Authorization: Bearer nobody\r\n")
                .status,
            404);
  EXPECT_EQ(request(port_, "POST", "/chat/v1/attachments?name=scan.pdf", std::string(6 << 20, 'x'),
                    "Authorization: Bearer nobody\r\n")
                .status,
            413);
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

TEST_F(Guichet, TheDemoTownHallIsSeededOnce) {
  kill_hard();
  std::filesystem::remove_all(data_);  // --demo seeds an empty database only
  std::filesystem::create_directories(data_);
  extra_args_ = {"--demo"};
  start();
  std::string supervisor = login("superviseur", "saint-exemple-demo");
  Reply queues = call(supervisor, "GET", "/api/v1/queues");
  EXPECT_NE(queues.body.find("\"etat-civil\""), std::string::npos) << queues.body;
  EXPECT_NE(queues.body.find("\"impots-locaux\""), std::string::npos);
  EXPECT_NE(call(supervisor, "GET", "/api/v1/agents").body.find("\"agent20\""), std::string::npos);
  EXPECT_NE(call(supervisor, "GET", "/api/v1/wrapup-codes").body.find("\"rdv-pris\""),
            std::string::npos);
  EXPECT_NE(call(supervisor, "GET", "/api/v1/pause-reasons").body.find("\"dejeuner\""),
            std::string::npos);
  // Its website (/demo/site) names the chat service 6: the chat queue, with
  // its knowledge base's articles published for the bot.
  Reply chat = request(port_, "GET", "/chat/v1/services/6");
  EXPECT_EQ(chat.status, 200) << chat.body;
  EXPECT_NE(chat.body.find("\"name\":\"Mairie de Saint-Exemple\""), std::string::npos) << chat.body;
  EXPECT_NE(chat.body.find("\"messages\":true"), std::string::npos) << chat.body;
  Reply site = request(port_, "GET", "/demo/site");
  EXPECT_EQ(site.status, 200);
  EXPECT_NE(site.body.find("data-service=\"6\""), std::string::npos);
  // Beside its phone number, the real-time text service 9 (the phone
  // line's hours, no bot), which the website's chat offers too.
  EXPECT_NE(site.body.find("/chat/frame.html?service=9"), std::string::npos);
  Reply rtt = request(port_, "GET", "/chat/v1/services/9");
  EXPECT_EQ(rtt.status, 200) << rtt.body;
  EXPECT_NE(rtt.body.find("\"rtt\":true"), std::string::npos) << rtt.body;
  EXPECT_NE(rtt.body.find("\"bot\":false"), std::string::npos) << rtt.body;
  EXPECT_NE(chat.body.find("\"rtt_service\":9"), std::string::npos) << chat.body;
  EXPECT_NE(call(supervisor, "GET", "/api/v1/knowledge/search?q=passeport").body.find("Passeport"),
            std::string::npos);
  // Started again with --demo: the data stays as it is, nothing doubled.
  kill_hard();
  start();
  supervisor = login("superviseur", "saint-exemple-demo");
  EXPECT_EQ(call(supervisor, "GET", "/api/v1/queues").body, queues.body);
}

TEST_F(Guichet, ServesItsOpenApiDocumentAndPrometheusMetrics) {
  Reply spec = request(port_, "GET", "/api/v1/openapi.json");
  EXPECT_EQ(spec.status, 200);
  EXPECT_NE(spec.body.find("\"openapi\": \"3.1.0\""), std::string::npos);
  request(port_, "GET", "/healthz");
  Reply metrics = request(port_, "GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.headers["content-type"].rfind("text/plain", 0), 0u);
  for (const char* name :
       {"guichet_http_request_duration_seconds_bucket{route=\"/healthz\",le=",
        "guichet_http_requests_total{route=\"/healthz\",status=\"2xx\"}",
        "guichet_routing_command_duration_seconds_count", "guichet_websocket_clients 0"}) {
    EXPECT_NE(metrics.body.find(name), std::string::npos) << name << " missing in\n"
                                                          << metrics.body;
  }
  EXPECT_EQ(request(port_, "GET", "/api/v1/events").status, 401) << "a stranger first";
  EXPECT_EQ(
      request(port_, "GET", "/api/v1/events", {}, bearer(login("agent1", "agent-password-1234")))
          .status,
      426)
      << "a WebSocket route";
}

TEST_F(Guichet, ReadsItsSettingsFromAConfigFile) {
  kill_hard();
  std::ofstream(data_ / "guichet.toml")
      << "listen = \"127.0.0.1:0\"\nworkers = 2\naccess_log = false\n";
  extra_args_ = {"--config", (data_ / "guichet.toml").string()};
  start();
  EXPECT_EQ(request(port_, "GET", "/healthz").status, 200);
  ASSERT_EQ(::kill(pid_, SIGTERM), 0);  // writes what is buffered
  ASSERT_EQ(::waitpid(pid_, nullptr, 0), pid_);
  pid_ = -1;
  port_ = 0;
  std::ifstream log(log_);
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find("\"msg\":\"request\""), std::string::npos) << "access_log = false";
  // Refused, naming the setting.
  for (const auto& [line, key] :
       {std::pair{"workers = 0", "workers"}, std::pair{"sip_tcp_idle = 0", "sip_tcp_idle"},
        std::pair{"media_timeout = -1", "media_timeout"},
        std::pair{"sip_session_expires = 2h", "sip_session_expires"}}) {
    std::ofstream(data_ / "bad.toml") << line << "\n";
    const std::string command =
        std::string(GUICHET_BINARY) + " serve --config " + (data_ / "bad.toml").string() + " 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    char buffer[512] = {};
    const std::size_t n = std::fread(buffer, 1, sizeof buffer - 1, pipe);
    EXPECT_NE(pclose(pipe), 0) << line;
    EXPECT_NE(std::string(buffer, n).find(key), std::string::npos) << line << ": " << buffer;
  }
}

// curl (from Debian's packages) speaks TLS for this test; openssl makes the certificate.
std::string run_command(const std::string& command) {
  std::string out;
  FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe))
    out.append(buffer, n);
  pclose(pipe);
  return out;
}

TEST_F(Guichet, ServesHttpsWithSecureCookiesWhenGivenACertificate) {
  kill_hard();
  const std::string cert = (data_ / "cert.pem").string();
  const std::string key = (data_ / "key.pem").string();
  ASSERT_EQ(std::system(
                ("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -keyout " +
                 key + " -out " + cert + " > /dev/null 2>&1")
                    .c_str()),
            0);
  extra_args_ = {"--tls-cert", cert, "--tls-key", key};
  start();
  const std::string base = "https://127.0.0.1:" + std::to_string(port_);
  EXPECT_EQ(run_command("curl -sk " + base + "/healthz"), R"({"status":"ok"})");
  const std::string login = run_command(
      "curl -sk -i -X POST -H 'Content-Type: application/json' -d "
      "'{\"username\":\"agent1\",\"password\":\"agent-password-1234\"}' " +
      base + "/api/v1/session");
  EXPECT_NE(login.find("HTTP/1.1 200"), std::string::npos) << login;
  EXPECT_NE(login.find("; Secure"), std::string::npos) << "cookies only over TLS: " << login;
  EXPECT_EQ(request(port_, "GET", "/healthz").status, 0) << "no plain HTTP on a TLS port";
}

// Stopped while citizens' chats and agents' streams are open: it crashed
// (a double free, then a segfault destroying the connections after what
// they point into).
TEST_F(Guichet, StopsCleanlyWithStreamsOpen) {
  const std::string admin = login("admin", "admin-password-1234");
  Reply queue = call(admin, "POST", "/api/v1/queues", R"({"name":"chat","channel":"chat"})");
  ASSERT_EQ(queue.status, 201) << queue.body;
  const std::string service = std::to_string(number(queue.body, "id"));
  std::vector<std::unique_ptr<WebSocketClient>> streams;
  for (int i = 0; i < 15; ++i) {  // 20 a address in 10 minutes
    Reply started = request(port_, "POST", "/chat/v1/services/" + service + "/conversations", "{}");
    ASSERT_EQ(started.status, 201) << started.body;
    auto stream = std::make_unique<WebSocketClient>();
    ASSERT_EQ(stream->connect(port_, "/chat/v1/stream?token=" + field(started.body, "token"), ""),
              101);
    ASSERT_TRUE(stream->next()) << "the bot's greeting";
    streams.push_back(std::move(stream));
  }
  auto agent = std::make_unique<WebSocketClient>();
  ASSERT_EQ(agent->connect(port_, "/api/v1/events", bearer(admin)), 101);
  ASSERT_EQ(::kill(pid_, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid_, &status, 0), pid_);
  pid_ = -1;
  EXPECT_TRUE(WIFEXITED(status)) << "signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  EXPECT_EQ(WEXITSTATUS(status), 0);
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

namespace guichet::testing {
namespace {

std::vector<std::string> log_lines(const std::filesystem::path& path) {
  std::ifstream log(path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(log, line))
    lines.push_back(line);
  return lines;
}

TEST_F(Guichet, LogsAJsonLinePerRequestUnlessTurnedOff) {
  const std::string token = login("admin", "admin-password-1234");
  EXPECT_EQ(request(port_, "GET", "/healthz").status, 200);
  EXPECT_EQ(call(token, "GET", "/api/v1/nowhere").status, 404);
  // Access lines are written within 100 ms; a graceful stop writes them all.
  ASSERT_EQ(::kill(pid_, SIGTERM), 0);
  ASSERT_EQ(::waitpid(pid_, nullptr, 0), pid_);
  pid_ = -1;
  port_ = 0;
  int requests = 0;
  bool health = false;
  bool missing = false;
  for (const std::string& line : log_lines(log_)) {
    EXPECT_EQ(line.rfind("{\"time\":\"20", 0), 0u) << line;
    EXPECT_EQ(line.back(), '}') << line;
    EXPECT_NE(line.find("\"level\":\""), std::string::npos) << line;
    if (line.find("\"msg\":\"request\"") == std::string::npos) continue;
    ++requests;
    health |= line.find(R"("method":"GET","path":"/healthz","status":200)") != std::string::npos;
    missing |= line.find(R"("path":"/api/v1/nowhere","status":404)") != std::string::npos;
    EXPECT_NE(line.find("\"ms\":"), std::string::npos) << line;
  }
  EXPECT_EQ(requests, 3);  // the login too
  EXPECT_TRUE(health);
  EXPECT_TRUE(missing);

  extra_args_ = {"--access-log", "false"};
  start();
  EXPECT_EQ(request(port_, "GET", "/healthz").status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (const std::string& line : log_lines(log_))
    EXPECT_EQ(line.find("\"msg\":\"request\""), std::string::npos) << line;
}

}  // namespace
}  // namespace guichet::testing
