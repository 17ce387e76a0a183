// What an attacker and a careless client tried (issue 10), each as it was
// reproduced: what the server owns it never takes from a client, agents see
// what their work needs, and no one client can exhaust the service.
#include <chrono>
#include <fstream>
#include <set>
#include <sstream>

#include "flow.h"

namespace {

using namespace guichet::testing;

std::string repeat(const std::string& text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i)
    out += text;
  return out;
}

TEST_F(Flow, ARecordingIsNamedByTheServerNeverByAClientsAttribute) {
  // Another citizen's voicemail, where the voice channel keeps them.
  const auto folder = data_ / "recordings" / "1";
  std::filesystem::create_directories(folder);
  std::ofstream(folder / "voicemail-1-1.wav") << "RIFF....WAVEfmt another citizen's voice";
  const auto queue = create("queues", R"({"name":"accueil","channel":"task"})");
  ready_for_one_task();
  Reply task = call(supervisor_, "POST", "/api/v1/interactions",
                    R"({"channel":"task","queue_id":)" + std::to_string(queue) +
                        R"(,"attributes":{"voicemail":"recordings/1/voicemail-1-1.wav"}})");
  ASSERT_EQ(task.status, 201) << task.body;
  const auto id = number(task.body, "id");
  ASSERT_NO_FATAL_FAILURE(accept_offer());
  const std::string recording = "/api/v1/interactions/" + std::to_string(id) + "/recording";
  EXPECT_EQ(call(agent_, "GET", recording).status, 404);
  EXPECT_EQ(call(supervisor_, "GET", recording).status, 404);
}

TEST_F(Flow, AnAgentSeesAndChangesWhatTheirWorkNeedsOnly) {
  const auto queue = create("queues", R"({"name":"accueil","channel":"task","wrapup_s":0})");
  auto citizen = [&](const std::string& name, const std::string& phone) {
    Reply reply = call(
        supervisor_, "POST", "/api/v1/citizens",
        R"({"name":")" + name + R"(","contacts":[{"kind":"phone","value":")" + phone + R"("}]})");
    EXPECT_EQ(reply.status, 201) << reply.body;
    return number(reply.body, "id");
  };
  const auto mine = citizen("Jeanne Martin", "06 11 22 33 44");
  const auto theirs = citizen("Paul Durand", "06 55 66 77 88");
  auto task_for = [&](std::uint64_t who) {
    Reply reply = call(supervisor_, "POST", "/api/v1/interactions",
                       R"({"channel":"task","queue_id":)" + std::to_string(queue) +
                           R"(,"citizen_id":)" + std::to_string(who) + "}");
    EXPECT_EQ(reply.status, 201) << reply.body;
    return number(reply.body, "id");
  };
  const auto other_task = task_for(theirs);  // waits: nobody is ready
  // The register is searched to identify whom one serves: not by an agent
  // who serves nobody now.
  EXPECT_EQ(call(agent_, "GET", "/api/v1/citizens?q=Paul").status, 403);
  EXPECT_EQ(call(agent_, "POST", "/api/v1/citizens", R"({"name":"X"})").status, 403);
  ready_for_one_task();
  // The agent is offered the first waiting: Paul's. Complete it, then Jeanne's.
  auto take = [&] {
    const auto offer = number(call(agent_, "GET", "/api/v1/offers").body, "id");
    EXPECT_EQ(call(agent_, "POST", "/api/v1/offers/" + std::to_string(offer) + "/accept").status,
              200);
  };
  take();
  EXPECT_EQ(call(agent_, "GET", "/api/v1/citizens/" + std::to_string(theirs)).status, 200)
      << "the citizen being served";
  ASSERT_EQ(
      call(agent_, "POST", "/api/v1/interactions/" + std::to_string(other_task) + "/complete", "{}")
          .status,
      200);
  const auto my_task = task_for(mine);
  const auto unrelated = task_for(theirs);  // waits: the agent has one task at most
  take();

  const std::string as_agent = "/api/v1/interactions/";
  EXPECT_EQ(call(agent_, "GET", as_agent + std::to_string(my_task)).status, 200);
  EXPECT_EQ(call(agent_, "GET", as_agent + std::to_string(other_task)).status, 200)
      << "once handled by them";
  EXPECT_EQ(call(agent_, "GET", as_agent + std::to_string(unrelated)).status, 403);
  EXPECT_EQ(call(agent_, "GET", "/api/v1/interactions").status, 403);
  EXPECT_EQ(call(agent_, "GET", "/api/v1/interactions?citizen_id=" + std::to_string(theirs)).status,
            403);
  // Citizens: the 360° view of the one served now; the register searched
  // (names and contacts) while serving one, to identify them.
  EXPECT_EQ(call(agent_, "GET", "/api/v1/citizens/" + std::to_string(mine)).status, 200);
  EXPECT_EQ(call(agent_, "GET", "/api/v1/citizens/" + std::to_string(theirs)).status, 403);
  EXPECT_EQ(call(agent_, "GET", "/api/v1/citizens?q=Paul").status, 200);
  const std::string contact = R"({"kind":"email","value":"jeanne.martin@exemple.fr"})";
  EXPECT_EQ(call(agent_, "POST", "/api/v1/citizens/" + std::to_string(mine) + "/contacts", contact)
                .status,
            201);
  EXPECT_EQ(call(agent_, "POST", "/api/v1/citizens/" + std::to_string(theirs) + "/contacts",
                 R"({"kind":"email","value":"pirate@exemple.fr"})")
                .status,
            403);
  // Creating work, at a priority of their choosing: not an agent's.
  EXPECT_EQ(call(agent_, "POST", "/api/v1/interactions",
                 R"({"channel":"task","queue_id":)" + std::to_string(queue) +
                     R"(,"priority":1000,"citizen_id":)" + std::to_string(theirs) + "}")
                .status,
            403);
  // A message of 4,000 characters is 4,000 characters, accents and all.
  const std::string messages = as_agent + std::to_string(my_task) + "/messages";
  EXPECT_EQ(call(agent_, "POST", messages, R"({"text":")" + repeat("é", 4000) + "\"}").status, 201);
  EXPECT_EQ(call(agent_, "POST", messages, R"({"text":")" + repeat("é", 4001) + "\"}").status, 400);
}

TEST_F(Flow, AttributesAreBoundedSoNoClientFillsTheDisk) {
  const auto queue = std::to_string(create("queues", R"({"name":"accueil","channel":"task"})"));
  auto create_with = [&](const std::string& attributes) {
    return call(
        supervisor_, "POST", "/api/v1/interactions",
        R"({"channel":"task","queue_id":)" + queue + R"(,"attributes":)" + attributes + "}");
  };
  EXPECT_EQ(create_with(R"({"dossier":")" + repeat("é", 2000) + "\"}").status, 201);
  Reply long_value = create_with(R"({"dossier":")" + repeat("a", 2001) + "\"}");
  EXPECT_EQ(long_value.status, 400);
  EXPECT_EQ(field(long_value.body, "field"), "attributes.dossier");
  std::string many = "{";
  for (int i = 0; i < 51; ++i)
    many += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":\"v\"";
  EXPECT_EQ(create_with(many + "}").status, 400);
  std::string heavy = "{";
  for (int i = 0; i < 10; ++i)
    heavy += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":\"" + repeat("x", 1900) + "\"";
  EXPECT_EQ(create_with(heavy + "}").status, 400) << "19 KB in all";
  const Reply megabyte = create_with(R"({"a":")" + repeat("x", 1 << 20) + "\"}");
  EXPECT_TRUE(megabyte.status == 400 || megabyte.status == 413) << megabyte.status;
}

TEST_F(Flow, ARetriedCreateWithItsIdempotencyKeyCreatesOnce) {
  const auto queue = std::to_string(create("queues", R"({"name":"accueil","channel":"task"})"));
  const std::string body = R"({"channel":"task","queue_id":)" + queue + "}";
  const std::string key = "Idempotency-Key: 5f0c2d9e-1b7a-4c1e-9f3e-2a6b8d4c0e11\r\n";
  Reply first = request(port_, "POST", "/api/v1/interactions", body, bearer(supervisor_) + key);
  ASSERT_EQ(first.status, 201) << first.body;
  Reply again = request(port_, "POST", "/api/v1/interactions", body, bearer(supervisor_) + key);
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(number(again.body, "id"), number(first.body, "id"));
  // Also after a crash: the key is kept with the interaction.
  kill_hard();
  start();
  supervisor_ = login("sup1", "supervisor-password-1");
  Reply after = request(port_, "POST", "/api/v1/interactions", body, bearer(supervisor_) + key);
  EXPECT_EQ(number(after.body, "id"), number(first.body, "id")) << after.body;
  Reply listed = call(supervisor_, "GET", "/api/v1/interactions?queue_id=" + queue);
  EXPECT_EQ(listed.body.find("\"id\":", listed.body.find("\"id\":") + 1), std::string::npos)
      << "one interaction: " << listed.body;
  // The same key for something else is a client's mistake, said as such.
  Reply other = request(port_, "POST", "/api/v1/interactions",
                        R"({"channel":"task","queue_id":)" + queue + R"(,"priority":5})",
                        bearer(supervisor_) + key);
  EXPECT_EQ(other.status, 409);
  EXPECT_EQ(field(other.body, "field"), "idempotency-key");
  EXPECT_EQ(request(port_, "POST", "/api/v1/interactions", body,
                    bearer(supervisor_) + "Idempotency-Key: " + std::string(300, 'k') + "\r\n")
                .status,
            400);
}

TEST_F(Flow, UserNamesCannotPassForAnotherAndPasswordsMustBeReal) {
  const std::string admin = login("admin", "admin-password-1234");
  auto add = [&](const std::string& username, const std::string& password) {
    return call(admin, "POST", "/api/v1/users",
                R"({"username":")" + username + R"(","role":"admin","password":")" + password +
                    R"("})")
        .status;
  };
  for (const char* lookalike : {"Admin", "admin ", "\\u202Enimda", "admin\\u0000", "ad min"}) {
    EXPECT_EQ(add(lookalike, "a-long-password-42"), 400) << lookalike;
  }
  EXPECT_EQ(add("jdupont", "            "), 400) << "twelve spaces";
  EXPECT_EQ(add("jdupont", "jdupontjdupont"), 400) << "the user name";
  EXPECT_EQ(add("jdupont", "aaaaaaaaaaaaaa"), 400) << "one character";
  EXPECT_EQ(add("jdupont", "Mairie-2026-accueil"), 201);
}

TEST_F(Flow, ALoginFloodWithRandomNamesIsCutWithoutHashing) {
  int limited = 0;
  for (int i = 0; i < 80 && limited == 0; ++i) {
    Reply reply =
        request(port_, "POST", "/api/v1/session",
                R"({"username":"user)" + std::to_string(i) + R"(","password":"not-the-password"})");
    if (reply.status == 429) {
      limited = i;
      EXPECT_FALSE(reply.headers["retry-after"].empty());
    } else {
      EXPECT_EQ(reply.status, 401);
    }
  }
  EXPECT_EQ(limited, 50) << "per address, whatever the names";
  // Refused at once from then on: no hash is computed.
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(request(port_, "POST", "/api/v1/session",
                      R"({"username":"other)" + std::to_string(i) + R"(","password":"x"})")
                  .status,
              429);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(500));
  // Users already in keep working.
  EXPECT_EQ(call(supervisor_, "GET", "/api/v1/queues").status, 200);
}

// The server's CPU time (user + system) in clock ticks.
long cpu_ticks(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string skip;
  for (int i = 0; i < 11; ++i)
    fields >> skip;
  long user = 0, system = 0;
  fields >> user >> system;
  return user + system;
}

TEST_F(Flow, IdleConnectionsBeyondItsDescriptorsNeitherSpinNorSilenceIt) {
  kill_hard();
  file_limit_ = 256;
  start();
  std::vector<int> idle;
  for (int i = 0; i < 400; ++i) {
    const int fd = connect_to(port_);  // and left silent, as a flood of idle keep-alives
    if (fd >= 0) idle.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const long before = cpu_ticks(pid_);
  for (int i = 0; i < 10; ++i) {
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(request(port_, "GET", "/healthz").status, 200) << i;
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(500));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const long used = cpu_ticks(pid_) - before;  // over about a second
  EXPECT_LT(used, 20) << "ticks: it must not spin";
  for (int fd : idle)
    ::close(fd);
}

TEST_F(Flow, RequestsWithoutOneHostOrWithAnAbsoluteTargetAreRefused) {
  auto raw = [&](const std::string& head) {
    return send_raw(port_, head + "Connection: close\r\n\r\n").status;
  };
  EXPECT_EQ(raw("GET /healthz HTTP/1.1\r\nHost: a\r\n"), 200);
  EXPECT_EQ(raw("GET /healthz HTTP/1.1\r\n"), 400);
  EXPECT_EQ(raw("GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n"), 400);
  EXPECT_EQ(raw("GET http://elsewhere.example/healthz HTTP/1.1\r\nHost: a\r\n"), 400);
  Reply json = request(port_, "GET", "/healthz");
  EXPECT_EQ(json.headers["x-content-type-options"], "nosniff");
}

TEST_F(Flow, MetricsAreForTheMonitoringThatHoldsTheToken) {
  kill_hard();
  extra_args_ = {"--metrics-token", "jeton-de-supervision-technique"};
  start();
  EXPECT_EQ(request(port_, "GET", "/metrics").status, 403);
  EXPECT_EQ(request(port_, "GET", "/metrics", {}, bearer("wrong")).status, 403);
  Reply metrics = request(port_, "GET", "/metrics", {}, bearer("jeton-de-supervision-technique"));
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("guichet_"), std::string::npos);
}

}  // namespace
