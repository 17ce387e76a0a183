// The contact center over HTTP, as its users drive it: configuration by a
// supervisor, an agent taking work, live changes, and a crash.
#include "flow.h"

#include <atomic>
#include <thread>

namespace {

using namespace guichet::testing;

TEST_F(Flow, AnAgentIsOfferedATaskAcceptsAndCompletesIt) {
  const auto skill = create("skills", R"({"name":"etat_civil"})");
  const auto queue =
      create("queues", R"({"name":"etat-civil","channel":"task","skills":[{"skill_id":)" +
                           std::to_string(skill) + R"(,"min_level":2}]})");
  ASSERT_EQ(call(supervisor_, "PUT", "/api/v1/agents/" + std::to_string(agent_id_),
                 R"({"skills":[{"skill_id":)" + std::to_string(skill) +
                     R"(,"level":3}],"capacity":{"task":1}})")
                .status,
            200);
  Reply state = call(agent_, "PUT", "/api/v1/agents/" + std::to_string(agent_id_) + "/state",
                     R"({"state":"available"})");
  ASSERT_EQ(state.status, 200) << state.body;
  EXPECT_NE(state.body.find(R"("state":"available")"), std::string::npos);

  const auto task = new_task(queue);
  Reply offers = call(agent_, "GET", "/api/v1/offers");
  ASSERT_EQ(offers.status, 200);
  ASSERT_EQ(number(offers.body, "interaction_id"), task) << offers.body;
  const auto offer = number(offers.body, "id");
  EXPECT_EQ(call(agent_, "POST", "/api/v1/offers/" + std::to_string(offer) + "/accept").status,
            200);
  const std::string in_hand = "/api/v1/agents/" + std::to_string(agent_id_) + "/interactions";
  Reply holding = call(agent_, "GET", in_hand);
  ASSERT_EQ(holding.status, 200) << holding.body;
  EXPECT_EQ(number(holding.body, "id"), task) << holding.body;
  EXPECT_NE(holding.body.find(R"("phase":"active")"), std::string::npos) << holding.body;
  Reply done = call(agent_, "POST", "/api/v1/interactions/" + std::to_string(task) + "/complete",
                    R"({"wrapup_code":"renseignement","note":"acte de naissance envoyé"})");
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(call(agent_, "GET", in_hand).body, "[]") << "no wrap-up time on this queue";

  Reply queues = call(supervisor_, "GET", "/api/v1/stats/queues");
  EXPECT_EQ(number(queues.body, "answered_today"), 1u) << queues.body;
  EXPECT_NE(queues.body.find(R"("service_level_today":1)"), std::string::npos) << queues.body;
  Reply agents = call(supervisor_, "GET", "/api/v1/stats/agents");
  EXPECT_EQ(number(agents.body, "handled_today"), 1u) << agents.body;
  EXPECT_NE(agents.body.find(R"("state":"available")"), std::string::npos) << agents.body;

  Reply seen = call(supervisor_, "GET", "/api/v1/interactions/" + std::to_string(task));
  EXPECT_NE(seen.body.find(R"("status":"completed")"), std::string::npos) << seen.body;
  for (const char* step : {"\"created\"", "\"queued\"", "\"offered\"", "\"accepted\"",
                           "\"completed\"", "acte de naissance"}) {
    EXPECT_NE(seen.body.find(step), std::string::npos) << step << " missing in " << seen.body;
  }
}

TEST_F(Flow, TrafficReportsCountTodayAndExportCsv) {
  const auto queue = create("queues", R"({"name":"accueil","channel":"task","sl_threshold_s":60})");
  ready_for_one_task();
  const auto answered = new_task(queue);
  ASSERT_NO_FATAL_FAILURE(accept_offer());
  ASSERT_EQ(
      call(agent_, "POST", "/api/v1/interactions/" + std::to_string(answered) + "/complete", "{}")
          .status,
      200);
  ASSERT_EQ(call(agent_, "PUT", "/api/v1/agents/" + std::to_string(agent_id_) + "/state",
                 R"({"state":"offline"})")
                .status,
            200);
  const auto left = new_task(queue);
  ASSERT_EQ(
      call(supervisor_, "POST", "/api/v1/interactions/" + std::to_string(left) + "/abandon").status,
      200);

  Reply today = call(supervisor_, "GET", "/api/v1/reports/traffic?by=queue&interval=15");
  ASSERT_EQ(today.status, 200) << today.body;
  EXPECT_NE(today.body.find(R"("name":"accueil")"), std::string::npos) << today.body;
  EXPECT_NE(today.body.find(R"("time_zone":"Europe/Paris")"), std::string::npos);
  // Both arrived in the same quarter-hour, unless the test straddles one.
  std::uint64_t offered = 0;
  for (std::size_t at = today.body.find("\"offered\":"); at != std::string::npos;
       at = today.body.find("\"offered\":", at + 1)) {
    offered += std::stoull(today.body.substr(at + 10));
  }
  EXPECT_EQ(offered, 2u) << today.body;
  Reply total = call(supervisor_, "GET", "/api/v1/reports/traffic?by=queue");
  EXPECT_NE(total.body.find(R"("offered":2,"answered":1,"answered_in_threshold":1,"abandoned":1,)"
                            R"("service_level":0.5)"),
            std::string::npos)
      << total.body;
  Reply agents = call(supervisor_, "GET", "/api/v1/reports/traffic?by=agent");
  EXPECT_NE(agents.body.find(R"("offers":1,"accepted":1,"missed":0,"completed":1)"),
            std::string::npos)
      << agents.body;

  Reply csv =
      call(supervisor_, "GET", "/api/v1/reports/traffic?by=channel&interval=day&format=csv");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.headers["content-type"], "text/csv; charset=utf-8");
  EXPECT_NE(csv.headers["content-disposition"].find("attachment; filename=\"guichet-trafic-"),
            std::string::npos);
  EXPECT_EQ(csv.body.rfind("start,channel,offered,answered,answered_in_threshold,abandoned,"
                           "service_level,asa_s\r\n",
                           0),
            0u)
      << csv.body;
  EXPECT_NE(csv.body.find(",task,2,1,1,1,0.5,"), std::string::npos) << csv.body;
  // For a French spreadsheet: a BOM (UTF-8 read as such), semicolons (a
  // comma there is the decimal mark), French headers and numbers — the file
  // opened as one column before.
  Reply french =
      call(supervisor_, "GET", "/api/v1/reports/traffic?by=channel&interval=day&format=csv-fr");
  ASSERT_EQ(french.status, 200) << french.body;
  EXPECT_EQ(french.headers["content-type"], "text/csv; charset=utf-8");
  EXPECT_EQ(french.body.rfind("\xEF\xBB\xBF"
                              "Début;Canal;Proposées;Traitées;Traitées dans le seuil;Abandonnées;"
                              "Niveau de service (%);Attente moyenne (s)\r\n",
                              0),
            0u)
      << french.body;
  EXPECT_NE(french.body.find(";Tâche;2;1;1;1;50;"), std::string::npos) << french.body;
  EXPECT_NE(french.headers["content-disposition"].find(".csv\""), std::string::npos);

  Reply bad = call(supervisor_, "GET", "/api/v1/reports/traffic?from=30/11/2026");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(field(bad.body, "field"), "from");
  EXPECT_EQ(field(call(supervisor_, "GET", "/api/v1/reports/traffic?interval=5").body, "field"),
            "interval");
  // Only digits and dashes make a date (they go into the file name).
  EXPECT_EQ(call(supervisor_, "GET", "/api/v1/reports/traffic?from=%0D%0A26-1-1&format=csv").status,
            400);
  EXPECT_EQ(call(agent_, "GET", "/api/v1/reports/traffic").status, 403);
}

TEST_F(Flow, AWhatIfRunsTodaysConfigurationThroughTheSimulator) {
  const auto queue = create("queues", R"({"name":"accueil","channel":"task","sl_threshold_s":60})");
  ready_for_one_task();  // one agent connected, one task at a time
  const std::string profile = R"({"arrivals":{")" + std::to_string(queue) +
                              R"(":[4,40,4]},"aht_s":300,"day_start":"09:00"})";
  Reply run = call(supervisor_, "POST", "/api/v1/simulations", profile);
  ASSERT_EQ(run.status, 200) << run.body;
  EXPECT_EQ(number(run.body, "agents"), 1u) << run.body;
  EXPECT_NE(run.body.find(R"("name":"accueil")"), std::string::npos) << run.body;
  EXPECT_NE(run.body.find(R"("start_s":32400)"), std::string::npos) << "09:00" << run.body;
  EXPECT_NE(run.body.find(R"("start_s":34200)"), std::string::npos) << run.body;
  // One agent cannot answer forty 5-minute tasks a quarter-hour in time.
  const auto at = run.body.find("\"overall\":{");
  const auto sl = run.body.find("\"service_level\":", at);
  EXPECT_LT(std::stod(run.body.substr(sl + 16)), 0.5) << run.body;
  // The same seed, the same prediction.
  EXPECT_EQ(call(supervisor_, "POST", "/api/v1/simulations", profile).body, run.body);

  Reply unknown = call(supervisor_, "POST", "/api/v1/simulations", R"({"arrivals":{"999":[1]}})");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(field(unknown.body, "field"), "arrivals.999");
  EXPECT_EQ(field(call(supervisor_, "POST", "/api/v1/simulations",
                       R"({"arrivals":{"1":[1]},"day_start":"25:00"})")
                      .body,
                  "field"),
            "day_start");
  EXPECT_EQ(call(agent_, "POST", "/api/v1/simulations", profile).status, 403);
  // Bounded: what a request may ask the simulator to compute.
  EXPECT_EQ(field(call(supervisor_, "POST", "/api/v1/simulations",
                       R"({"arrivals":{")" + std::to_string(queue) + R"(":[1]},"aht_s":86400})")
                      .body,
                  "field"),
            "aht_s");
  EXPECT_EQ(field(call(supervisor_, "POST", "/api/v1/simulations",
                       R"({"arrivals":{")" + std::to_string(queue) +
                           R"(":[100000,100000]},"aht_s":3600})")
                      .body,
                  "field"),
            "arrivals");
}

TEST_F(Flow, AnAdminChangesARoleAndAPasswordAndTheOldSessionsEnd) {
  const std::string admin = login("admin", "admin-password-1234");
  const std::string user = "/api/v1/users/" + std::to_string(agent_id_);
  EXPECT_EQ(call(agent_, "PUT", user, R"({"role":"admin"})").status, 403);
  Reply promoted = call(admin, "PUT", user, R"({"role":"supervisor","display_name":"Léa M."})");
  ASSERT_EQ(promoted.status, 200) << promoted.body;
  EXPECT_EQ(field(promoted.body, "role"), "supervisor");
  EXPECT_EQ(call(agent_, "GET", "/api/v1/session").status, 401) << "a new role: log in again";
  const std::string again = login("agent1", "agent-password-1234");
  EXPECT_EQ(field(call(again, "GET", "/api/v1/session").body, "role"), "supervisor");

  // 100 characters however many bytes, as when the user was created.
  std::string accented;
  for (int i = 0; i < 50; ++i)
    accented += "é";
  EXPECT_EQ(call(admin, "PUT", user, R"({"display_name":")" + accented + accented + "\"}").status,
            200);
  EXPECT_EQ(call(admin, "PUT", user, R"({"display_name":")" + accented + accented + "e\"}").status,
            400);

  ASSERT_EQ(call(admin, "PUT", user, R"({"password":"a-new-password-5678"})").status, 200);
  EXPECT_EQ(call(again, "GET", "/api/v1/session").status, 401);
  EXPECT_EQ(request(port_, "POST", "/api/v1/session",
                    R"({"username":"agent1","password":"agent-password-1234"})")
                .status,
            401);
  login("agent1", "a-new-password-5678");
  EXPECT_EQ(field(call(admin, "PUT", user, R"({"password":"short"})").body, "field"), "password");

  // The last admin cannot step down; the audit log says who changed what,
  // never the password's hash.
  const auto admin_id = number(call(admin, "GET", "/api/v1/session").body, "id");
  Reply last =
      call(admin, "PUT", "/api/v1/users/" + std::to_string(admin_id), R"({"role":"agent"})");
  EXPECT_EQ(last.status, 409);
  EXPECT_EQ(field(last.body, "field"), "role");
  Reply audit = call(admin, "GET", "/api/v1/audit");
  EXPECT_NE(audit.body.find(R"("role":"supervisor","password":"changed")"), std::string::npos)
      << audit.body;
  EXPECT_EQ(audit.body.find("argon2"), std::string::npos) << audit.body;
}

TEST_F(Flow, AConversationGoesBothWaysAndStaysInTheTimeline) {
  const auto queue = create("queues", R"({"name":"chat-site-web","channel":"chat"})");
  ready_with(R"({"chat":2})");
  // The web chat's integration brings the conversation in.
  Reply chat = call(supervisor_, "POST", "/api/v1/interactions",
                    R"({"channel":"chat","queue_id":)" + std::to_string(queue) + "}");
  ASSERT_EQ(chat.status, 201) << chat.body;
  const auto id = number(chat.body, "id");
  const std::string path = "/api/v1/interactions/" + std::to_string(id) + "/messages";
  EXPECT_EQ(call(supervisor_, "POST", path,
                 R"({"from":"citizen","text":"Bonjour, je voudrais un acte de naissance."})")
                .status,
            201);
  // Offered, accepted; the agent answers.
  const auto offer = number(call(agent_, "GET", "/api/v1/offers").body, "id");
  EXPECT_EQ(call(agent_, "POST", path, R"({"text":"Avant d'accepter ?"})").status, 409);
  ASSERT_EQ(call(agent_, "POST", "/api/v1/offers/" + std::to_string(offer) + "/accept").status,
            200);
  Reply reply = call(agent_, "POST", path, R"({"text":"Bonjour ! Pour quelle commune ?"})");
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(field(reply.body, "from"), "agent");
  EXPECT_EQ(call(agent_, "POST", path, R"({"from":"citizen","text":"usurpé"})").status, 409);
  EXPECT_EQ(field(call(agent_, "POST", path, R"({"text":""})").body, "field"), "text");
  add_user_later("agent2", "agent", "agent2-password-123");
  const std::string other = login("agent2", "agent2-password-123");
  EXPECT_EQ(call(other, "POST", path, R"({"text":"pas à moi"})").status, 409);

  Reply timeline = call(agent_, "GET", "/api/v1/interactions/" + std::to_string(id));
  const auto asked = timeline.body.find("je voudrais un acte de naissance");
  const auto answered = timeline.body.find("Pour quelle commune");
  ASSERT_NE(asked, std::string::npos) << timeline.body;
  ASSERT_NE(answered, std::string::npos) << timeline.body;
  EXPECT_LT(asked, answered) << "in order";
  // The reply went out through the channel carrying chat (the messages
  // API's: onto the integrations' event stream), which says so.
  EXPECT_NE(timeline.body.find(R"("type":"delivery","data":{"agent_id":)"), std::string::npos)
      << timeline.body;
  EXPECT_NE(timeline.body.find(R"("status":"sent")"), std::string::npos) << timeline.body;
  Reply metrics = request(port_, "GET", "/metrics");
  EXPECT_NE(metrics.body.find("guichet_messages_received_total 1\n"), std::string::npos);
  EXPECT_NE(metrics.body.find("guichet_messages_sent_total 1\n"), std::string::npos);

  // Canned responses: supervisors write them, agents use them.
  Reply canned = call(supervisor_, "POST", "/api/v1/canned-responses",
                      R"({"name":"accueil","text":"Bonjour, je suis à votre écoute."})");
  ASSERT_EQ(canned.status, 201) << canned.body;
  EXPECT_NE(call(agent_, "GET", "/api/v1/canned-responses").body.find("à votre écoute"),
            std::string::npos);
  EXPECT_EQ(call(agent_, "POST", "/api/v1/canned-responses", R"({"name":"x","text":"y"})").status,
            403);

  ASSERT_EQ(
      call(agent_, "POST", "/api/v1/interactions/" + std::to_string(id) + "/complete", "{}").status,
      200);
  EXPECT_EQ(call(supervisor_, "POST", path, R"({"from":"citizen","text":"Merci !"})").status, 409)
      << "the conversation has ended";
}

TEST_F(Flow, AnAgentSetsTheNumberItsCallsRingOn) {
  // A trunk rings numbers; phones on the town hall's networks only.
  kill_hard();
  extra_args_ = {"--sip-trunk", "127.0.0.1:5999", "--sip-phone-networks",
                 "192.0.2.0/24, 127.0.0.0/8"};
  start();
  supervisor_ = login("sup1", "supervisor-password-1");
  agent_ = login("agent1", "agent-password-1234");
  ASSERT_EQ(call(supervisor_, "PUT", "/api/v1/agents/" + std::to_string(agent_id_),
                 R"({"capacity":{"voice":1}})")
                .status,
            200);
  const std::string phone = "/api/v1/agents/" + std::to_string(agent_id_) + "/phone";
  const std::string profile = "/api/v1/agents/" + std::to_string(agent_id_);
  // As French people type their mobile.
  for (const char* typed : {"06 12 34 56 78", "+33 6 12 34 56 78", "06.12.34.56.78"}) {
    Reply mobile = call(agent_, "PUT", phone, std::string(R"({"phone":")") + typed + "\"}");
    ASSERT_EQ(mobile.status, 200) << typed << ": " << mobile.body;
    EXPECT_EQ(field(call(agent_, "GET", profile).body, "phone"), "+33612345678") << typed;
  }
  EXPECT_EQ(call(agent_, "PUT", phone, R"({"phone":"sip:lea@192.0.2.15:5062"})").status, 200);
  // What would reach elsewhere, or inject headers, is refused naming the field.
  for (const char* refused :
       {"06 12", "sip:lea@softphone.mairie.example", "sip:lea@10.0.0.5:5060",
        "sip:lea@192.0.2.15;transport=tcp", "sip:lea@192.0.2.15?X-Evil=1", "sip:lea@192.0.2.15:22",
        "sip:lea@192.0.2.15:99999", "sip:le a@192.0.2.15", "sips:lea@192.0.2.15",
        "sip:lea@192.0.2.15%0d%0aX: y"}) {
    Reply bad = call(agent_, "PUT", phone, std::string(R"({"phone":")") + refused + "\"}");
    EXPECT_EQ(bad.status, 400) << refused << ": " << bad.body;
    EXPECT_EQ(field(bad.body, "field"), "phone") << bad.body;
  }
  EXPECT_EQ(field(call(agent_, "GET", profile).body, "phone"), "sip:lea@192.0.2.15:5062");
  // Another agent's number is not theirs to change, nor to read.
  add_user_later("agent2", "agent", "agent2-password-123");
  const std::string other = login("agent2", "agent2-password-123");
  EXPECT_EQ(call(other, "PUT", phone, R"({"phone":"+33100000000"})").status, 403);
  EXPECT_EQ(call(other, "GET", profile).body.find("192.0.2.15"), std::string::npos);
  EXPECT_EQ(call(other, "GET", "/api/v1/agents").body.find("192.0.2.15"), std::string::npos);
  EXPECT_NE(call(supervisor_, "GET", "/api/v1/agents").body.find("192.0.2.15"), std::string::npos);
  // The change is in the audit log, with who made it.
  Reply audit = call(supervisor_, "GET", "/api/v1/audit");
  EXPECT_NE(audit.body.find("sip:lea@192.0.2.15:5062"), std::string::npos) << audit.body;
}

TEST_F(Flow, WithoutATrunkANumberIsRefusedSayingWhy) {
  ready_for_one_task();
  Reply mobile = call(agent_, "PUT", "/api/v1/agents/" + std::to_string(agent_id_) + "/phone",
                      R"({"phone":"06 12 34 56 78"})");
  EXPECT_EQ(mobile.status, 409) << mobile.body;
  EXPECT_EQ(field(mobile.body, "field"), "phone");
  EXPECT_NE(mobile.body.find("--sip-trunk"), std::string::npos) << mobile.body;
}

TEST_F(Flow, ASupervisorsSkillChangeChangesTheNextOffer) {
  add_user_later("agent2", "agent", "agent-two-password");
  const std::string agent2 = login("agent2", "agent-two-password");
  const auto agent2_id = number(call(agent2, "GET", "/api/v1/session").body, "id");
  const auto tax = create("skills", R"({"name":"impots"})");
  const auto queue =
      create("queues", R"({"name":"impots","channel":"task","skills":[{"skill_id":)" +
                           std::to_string(tax) + R"(,"min_level":3}]})");
  const std::string strong =
      R"({"skills":[{"skill_id":)" + std::to_string(tax) + R"(,"level":4}],"capacity":{"task":1}})";
  const std::string weak =
      R"({"skills":[{"skill_id":)" + std::to_string(tax) + R"(,"level":1}],"capacity":{"task":1}})";
  ASSERT_EQ(call(supervisor_, "PUT", "/api/v1/agents/" + std::to_string(agent_id_), strong).status,
            200);
  ASSERT_EQ(call(supervisor_, "PUT", "/api/v1/agents/" + std::to_string(agent2_id), weak).status,
            200);
  for (auto [token, id] : {std::pair{agent_, agent_id_}, std::pair{agent2, agent2_id}}) {
    ASSERT_EQ(call(token, "PUT", "/api/v1/agents/" + std::to_string(id) + "/state",
                   R"({"state":"available"})")
                  .status,
              200);
  }
  const auto first = new_task(queue);
  EXPECT_EQ(number(call(agent_, "GET", "/api/v1/offers").body, "interaction_id"), first);
  EXPECT_EQ(call(agent2, "GET", "/api/v1/offers").body, "[]");
  // The supervisor promotes agent2: the next task goes to agent2 at once.
  ASSERT_EQ(call(supervisor_, "PUT", "/api/v1/agents/" + std::to_string(agent2_id), strong).status,
            200);
  const auto second = new_task(queue);
  EXPECT_EQ(number(call(agent2, "GET", "/api/v1/offers").body, "interaction_id"), second);
  // And the change is in the audit log.
  Reply audit = call(supervisor_, "GET", "/api/v1/audit");
  EXPECT_NE(audit.body.find(R"("action":"update")"), std::string::npos) << audit.body;
}

TEST_F(Flow, AKillMinus9LosesNoAcknowledgedInteraction) {
  const auto queue = create("queues", R"({"name":"accueil","channel":"task"})");
  std::vector<std::uint64_t> tasks;
  std::vector<std::string> enqueued;
  for (int i = 0; i < 20; ++i) {
    tasks.push_back(new_task(queue));
    enqueued.push_back(
        field(call(supervisor_, "GET", "/api/v1/interactions/" + std::to_string(tasks.back())).body,
              "enqueued_at"));
  }
  kill_hard();
  start();
  supervisor_ = login("sup1", "supervisor-password-1");
  agent_ = login("agent1", "agent-password-1234");
  Reply stats = call(supervisor_, "GET", "/api/v1/stats/queues");
  EXPECT_EQ(number(stats.body, "waiting"), 20u) << stats.body;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    Reply it = call(supervisor_, "GET", "/api/v1/interactions/" + std::to_string(tasks[i]));
    EXPECT_EQ(field(it.body, "status"), "waiting");
    EXPECT_EQ(field(it.body, "enqueued_at"), enqueued[i]) << "the original enqueue time";
  }
  // The agent comes back offline; once available it gets them in their order.
  ready_for_one_task();
  for (std::size_t i = 0; i < 3; ++i) {
    Reply offers = call(agent_, "GET", "/api/v1/offers");
    ASSERT_EQ(number(offers.body, "interaction_id"), tasks[i]) << offers.body;
    const auto offer = number(offers.body, "id");
    ASSERT_EQ(call(agent_, "POST", "/api/v1/offers/" + std::to_string(offer) + "/accept").status,
              200);
    ASSERT_EQ(
        call(agent_, "POST", "/api/v1/interactions/" + std::to_string(tasks[i]) + "/complete", "{}")
            .status,
        200);
  }
}

TEST_F(Flow, AKillMinus9UnderLoadLosesNoAcknowledgedInteraction) {
  const auto queue = create("queues", R"({"name":"accueil","channel":"task"})");
  // Eight clients create tasks as fast as they are answered; the server is
  // killed while they do.
  constexpr int kClients = 8;
  std::vector<std::vector<std::uint64_t>> acknowledged(kClients);
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  const std::uint16_t port = port_;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      const std::string body = R"({"channel":"task","queue_id":)" + std::to_string(queue) + "}";
      while (true) {
        Reply reply = request(port, "POST", "/api/v1/interactions", body, bearer(supervisor_));
        if (reply.status != 201) return;  // the server is gone
        acknowledged[c].push_back(number(reply.body, "id"));
        ++answered;
      }
    });
  }
  while (answered < 300)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  kill_hard();
  for (std::thread& client : clients)
    client.join();
  start();
  supervisor_ = login("sup1", "supervisor-password-1");
  std::size_t total = 0;
  for (const auto& ids : acknowledged) {
    total += ids.size();
    for (std::uint64_t id : ids) {
      Reply it = call(supervisor_, "GET", "/api/v1/interactions/" + std::to_string(id));
      ASSERT_EQ(it.status, 200) << "acknowledged interaction " << id << " lost";
      EXPECT_EQ(field(it.body, "status"), "waiting");
    }
  }
  // Some may have been stored and not yet answered when the kill came: never fewer.
  Reply stats = call(supervisor_, "GET", "/api/v1/stats/queues");
  EXPECT_GE(number(stats.body, "waiting"), total) << stats.body;
}

TEST_F(Flow, TransfersListsAndAbandons) {
  const auto front = create("queues", R"({"name":"accueil","channel":"task"})");
  const auto back = create("queues", R"({"name":"back-office","channel":"task"})");
  ready_for_one_task();
  const auto task = new_task(front);
  ASSERT_NO_FATAL_FAILURE(accept_offer());
  // The agent hands it to the back office; it is not offered straight back.
  Reply moved = call(agent_, "POST", "/api/v1/interactions/" + std::to_string(task) + "/transfer",
                     R"({"queue_id":)" + std::to_string(back) + "}");
  ASSERT_EQ(moved.status, 200) << moved.body;
  Reply waiting = call(supervisor_, "GET",
                       "/api/v1/interactions?status=waiting&queue_id=" + std::to_string(back));
  ASSERT_EQ(waiting.status, 200);
  EXPECT_EQ(number(waiting.body, "id"), task) << waiting.body;
  // A citizen hangs up: the supervisor's console (or the channel) says so.
  const auto other = new_task(front);
  EXPECT_EQ(
      call(agent_, "POST", "/api/v1/interactions/" + std::to_string(other) + "/abandon").status,
      403);
  EXPECT_EQ(call(supervisor_, "POST", "/api/v1/interactions/" + std::to_string(other) + "/abandon")
                .status,
            200);
  EXPECT_EQ(field(call(supervisor_, "GET", "/api/v1/interactions/" + std::to_string(other)).body,
                  "status"),
            "abandoned");
  EXPECT_EQ(call(supervisor_, "GET", "/api/v1/interactions?status=lost").status, 400);
  // Pagination: newest first, then the page before.
  Reply page = call(supervisor_, "GET", "/api/v1/interactions?limit=1");
  EXPECT_EQ(number(page.body, "id"), other);
  const auto next = number(page.body, "next_before_id");
  EXPECT_EQ(number(call(supervisor_, "GET",
                        "/api/v1/interactions?limit=1&before_id=" + std::to_string(next))
                       .body,
                   "id"),
            task);
}

TEST_F(Flow, WrapupCodesAndPauseReasonsOnceDefinedAreRequired) {
  const auto queue = create("queues", R"({"name":"accueil","channel":"task"})");
  ASSERT_EQ(call(supervisor_, "PUT", "/api/v1/agents/" + std::to_string(agent_id_),
                 R"({"capacity":{"task":1}})")
                .status,
            200);
  const std::string state = "/api/v1/agents/" + std::to_string(agent_id_) + "/state";
  EXPECT_EQ(call(agent_, "PUT", state, R"({"state":"paused","reason":"cafe"})").status, 200)
      << "no pause reasons defined yet: any goes";
  create("pause-reasons", R"({"name":"dejeuner"})");
  EXPECT_EQ(call(agent_, "PUT", state, R"({"state":"paused","reason":"cafe"})").status, 400);
  EXPECT_EQ(call(agent_, "PUT", state, R"({"state":"paused","reason":"dejeuner"})").status, 200);
  create("wrapup-codes", R"({"name":"renseignement","description":"Information donnée"})");
  ASSERT_EQ(call(agent_, "PUT", state, R"({"state":"available"})").status, 200);
  const auto task = new_task(queue);
  ASSERT_NO_FATAL_FAILURE(accept_offer());
  const std::string complete = "/api/v1/interactions/" + std::to_string(task) + "/complete";
  Reply wrong = call(agent_, "POST", complete, R"({"wrapup_code":"autre"})");
  EXPECT_EQ(wrong.status, 400);
  EXPECT_NE(wrong.body.find(R"("field":"wrapup_code")"), std::string::npos);
  EXPECT_EQ(call(agent_, "POST", complete, R"({"wrapup_code":"renseignement"})").status, 200);
}

TEST_F(Flow, ACitizensViewGathersEveryChannelAndMergesDuplicates) {
  const auto queue = create("queues", R"({"name":"accueil","channel":"task"})");
  Reply jean =
      call(supervisor_, "POST", "/api/v1/citizens",
           R"({"name":"Jean Dupont","contacts":[{"kind":"phone","value":"06 12 34 56 78"},)"
           R"({"kind":"email","value":"Jean.Dupont@Exemple.fr"}]})");
  ASSERT_EQ(jean.status, 201) << jean.body;
  const auto jean_id = number(jean.body, "id");
  EXPECT_NE(jean.body.find(R"("value":"+33612345678")"), std::string::npos) << "E.164";
  EXPECT_NE(jean.body.find(R"("value":"jean.dupont@exemple.fr")"), std::string::npos);
  EXPECT_EQ(call(supervisor_, "POST", "/api/v1/citizens",
                 R"({"name":"Autre","contacts":[{"kind":"phone","value":"+33612345678"}]})")
                .status,
            409)
      << "a number belongs to one citizen, whatever form it was typed in";
  EXPECT_EQ(number(call(supervisor_, "GET", "/api/v1/citizens?q=%2B33612345678").body, "id"),
            jean_id);
  EXPECT_EQ(number(call(supervisor_, "GET", "/api/v1/citizens?q=jean").body, "id"), jean_id);

  // A duplicate made from another channel, then merged by a supervisor.
  const auto twin =
      number(call(supervisor_, "POST", "/api/v1/citizens",
                  R"({"name":"J. Dupont","contacts":[{"kind":"social","value":"wa:336123"}]})")
                 .body,
             "id");
  ready_for_one_task();
  Reply task = call(supervisor_, "POST", "/api/v1/interactions",
                    R"({"channel":"task","queue_id":)" + std::to_string(queue) +
                        R"(,"citizen_id":)" + std::to_string(twin) + "}");
  ASSERT_EQ(task.status, 201);
  const auto task_id = number(task.body, "id");
  ASSERT_NO_FATAL_FAILURE(accept_offer());
  ASSERT_EQ(call(agent_, "POST", "/api/v1/interactions/" + std::to_string(task_id) + "/complete",
                 R"({"wrapup_code":"rdv-pris","note":"rendez-vous mardi 10 h"})")
                .status,
            200);
  const std::string merge = "/api/v1/citizens/" + std::to_string(jean_id) + "/merge";
  const std::string duplicate = R"({"duplicate_id":)" + std::to_string(twin) + "}";
  EXPECT_EQ(call(agent_, "POST", merge, duplicate).status, 403);
  Reply merged = call(supervisor_, "POST", merge, duplicate);
  ASSERT_EQ(merged.status, 200) << merged.body;
  Reply view = call(supervisor_, "GET", "/api/v1/citizens/" + std::to_string(jean_id));
  EXPECT_NE(view.body.find(R"("value":"wa:336123")"), std::string::npos) << view.body;
  EXPECT_NE(view.body.find(R"("wrapup_code":"rdv-pris")"), std::string::npos) << view.body;
  EXPECT_NE(view.body.find("rendez-vous mardi 10 h"), std::string::npos) << view.body;
  EXPECT_EQ(
      call(supervisor_, "POST", "/api/v1/interactions",
           R"({"channel":"task","queue_id":)" + std::to_string(queue) + R"(,"citizen_id":999})")
          .status,
      404);
}

// "YYYY-MM-DD" for today + `offset` days, UTC.
std::string date_in(int offset) {
  const auto day = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()) +
                   std::chrono::days(offset);
  const std::chrono::year_month_day ymd(day);
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return text;
}

TEST_F(Flow, QueuesFollowTheirCalendarAndItsChangesAtOnce) {
  // Closed these days (around today, whatever the time zone): a closed outcome.
  const std::string closed = R"({"name":"mairie","hours":"mon-sun 00:00-24:00","closed_dates":[")" +
                             date_in(-1) + R"(",")" + date_in(0) + R"(",")" + date_in(1) + R"("]})";
  const auto calendar = create("calendars", closed);
  const auto queue = create("queues", R"({"name":"accueil","channel":"task","calendar_id":)" +
                                          std::to_string(calendar) + "}");
  Reply refused = call(supervisor_, "POST", "/api/v1/interactions",
                       R"({"channel":"task","queue_id":)" + std::to_string(queue) + "}");
  ASSERT_EQ(refused.status, 201);
  EXPECT_EQ(field(call(supervisor_, "GET",
                       "/api/v1/interactions/" + std::to_string(number(refused.body, "id")))
                      .body,
                  "status"),
            "closed");
  // The supervisor reopens: the queue follows at once.
  ASSERT_EQ(call(supervisor_, "PUT", "/api/v1/calendars/" + std::to_string(calendar),
                 R"({"name":"mairie","hours":"mon-sun 00:00-24:00","french_holidays":false})")
                .status,
            200);
  const auto accepted = new_task(queue);
  EXPECT_EQ(field(call(supervisor_, "GET", "/api/v1/interactions/" + std::to_string(accepted)).body,
                  "status"),
            "waiting");
  EXPECT_EQ(call(supervisor_, "DELETE", "/api/v1/calendars/" + std::to_string(calendar)).status,
            409)
      << "a queue follows it";
  EXPECT_EQ(
      call(supervisor_, "POST", "/api/v1/calendars", R"({"name":"x","hours":"someday"})").status,
      400);
  EXPECT_EQ(call(supervisor_, "POST", "/api/v1/calendars",
                 R"({"name":"y","hours":"mon 09:00-17:00","time_zone":"Mars/Olympus"})")
                .status,
            400);
}

TEST_F(Flow, EachRouteRefusesTheRolesItMust) {
  struct Case {
    const char* method;
    const char* path;
    const char* body;
  };
  // Writes of configuration: supervisors and admins only.
  const Case supervisor_only[] = {
      {"POST", "/api/v1/skills", R"({"name":"x"})"},
      {"POST", "/api/v1/queues", R"({"name":"q","channel":"task"})"},
      {"PUT", "/api/v1/agents/1", R"({})"},
      {"GET", "/api/v1/audit", ""},
      {"GET", "/api/v1/users", ""},
  };
  for (const Case& c : supervisor_only) {
    EXPECT_EQ(call(agent_, c.method, c.path, c.body).status, 403) << c.method << " " << c.path;
    EXPECT_EQ(request(port_, c.method, c.path, c.body).status, 401) << c.method << " " << c.path;
  }
  // An agent changes only its own state; accepts only its own offers.
  EXPECT_EQ(call(agent_, "PUT", "/api/v1/agents/1/state", R"({"state":"available"})").status, 403);
  EXPECT_EQ(call(agent_, "POST", "/api/v1/offers/12345/accept").status, 404);
  EXPECT_EQ(request(port_, "GET", "/api/v1/offers").status, 401);
  EXPECT_EQ(
      request(port_, "POST", "/api/v1/interactions", R"({"channel":"task","queue_id":1})").status,
      401);
}

TEST_F(Flow, BadConfigurationIsRefusedNamingTheField) {
  struct Case {
    const char* path;
    const char* body;
    int status;
    const char* field;
  };
  const Case cases[] = {
      {"/api/v1/queues", R"({"name":"q","channel":"fax"})", 400, "channel"},
      {"/api/v1/queues", R"({"name":"q","channel":"task","strategy":"random"})", 400, "strategy"},
      {"/api/v1/queues", R"({"name":"q","channel":"task","skills":[{"skill_id":99}]})", 404,
       "skills"},
      {"/api/v1/queues", R"({"name":"q","channel":"task","hours":"someday"})", 400, "hours"},
      {"/api/v1/queues", R"({"name":"q","channel":"task","overflow_queue_id":77})", 404,
       "overflow_queue_id"},
      {"/api/v1/queues", R"({"name":"q","channel":"task","colour":"blue"})", 400, "colour"},
      // Messages: voice queues only, kept in a queue that exists.
      {"/api/v1/queues", R"({"name":"q","channel":"task","voicemail_queue_id":1})", 400,
       "voicemail_queue_id"},
      {"/api/v1/queues", R"({"name":"q","channel":"voice","voicemail_queue_id":77})", 404,
       "voicemail_queue_id"},
      {"/api/v1/queues", R"({"name":"q","channel":"voice","voicemail_text":"Bonjour"})", 400,
       "voicemail_queue_id"},
      {"/api/v1/interactions", R"({"channel":"task","queue_id":4242})", 404, "queue_id"},
      {"/api/v1/skills", R"({"name":""})", 400, "name"},
      {"/api/v1/queues",
       R"({"name":"q","channel":"task","escalation":[{"after_s":60,"drop_skill_ids":[98]}]})", 404,
       "escalation[0].drop_skill_ids"},
  };
  for (const Case& c : cases) {
    Reply reply = call(supervisor_, "POST", c.path, c.body);
    EXPECT_EQ(reply.status, c.status) << c.body << " -> " << reply.body;
    EXPECT_NE(reply.body.find(std::string("\"field\":\"") + c.field + "\""), std::string::npos)
        << c.body << " -> " << reply.body;
  }
  // A refused queue leaves nothing behind.
  EXPECT_EQ(call(supervisor_, "GET", "/api/v1/queues").body, "[]");

  // A queue shows the settings in force, the defaults included.
  const auto plain = create("queues", R"({"name":"simple","channel":"task"})");
  Reply shown = call(supervisor_, "GET", "/api/v1/queues/" + std::to_string(plain));
  for (const char* setting :
       {R"("priority":0)", R"("sl_threshold_s":20,)", R"("strategy":"longest_idle")",
        R"("wrapup_s":0,)", R"("accept_when_closed":false)"}) {
    EXPECT_NE(shown.body.find(setting), std::string::npos) << setting << " in " << shown.body;
  }

  // A skill an escalation step drops is in use: it stays.
  const auto english = create("skills", R"({"name":"anglais"})");
  create("queues",
         R"({"name":"q","channel":"task","escalation":[{"after_s":60,"drop_skill_ids":[)" +
             std::to_string(english) + "]}]}");
  Reply kept = call(supervisor_, "DELETE", "/api/v1/skills/" + std::to_string(english));
  EXPECT_EQ(kept.status, 409) << kept.body;

  // A queue that keeps another's messages stays while that one names it;
  // the longest message is bounded, and shown with its default.
  const auto messages = create("queues", R"({"name":"messagerie","channel":"voice"})");
  EXPECT_EQ(call(supervisor_, "POST", "/api/v1/queues",
                 R"({"name":"v","channel":"voice","voicemail_max_s":5000,"voicemail_queue_id":)" +
                     std::to_string(messages) + "}")
                .status,
            400);
  const auto front =
      create("queues", R"({"name":"accueil","channel":"voice","voicemail_queue_id":)" +
                           std::to_string(messages) + "}");
  EXPECT_NE(call(supervisor_, "GET", "/api/v1/queues/" + std::to_string(front))
                .body.find(R"("voicemail_max_s":120)"),
            std::string::npos);
  Reply still = call(supervisor_, "DELETE", "/api/v1/queues/" + std::to_string(messages));
  EXPECT_EQ(still.status, 409) << still.body;
  EXPECT_NE(still.body.find("accueil"), std::string::npos) << still.body;
  // A message is never left where it could end unheard: in its own queue,
  // or in one that ends what waits, what finds it full, or what comes
  // after hours — nor may the keeper become such a queue later.
  EXPECT_EQ(call(supervisor_, "PUT", "/api/v1/queues/" + std::to_string(front),
                 R"({"name":"accueil","channel":"voice","voicemail_queue_id":)" +
                     std::to_string(front) + "}")
                .status,
            400);
  const auto impatient =
      create("queues", R"({"name":"pressee","channel":"voice","max_wait_s":60})");
  Reply ends = call(
      supervisor_, "POST", "/api/v1/queues",
      R"({"name":"w","channel":"voice","voicemail_queue_id":)" + std::to_string(impatient) + "}");
  EXPECT_EQ(ends.status, 409) << ends.body;
  EXPECT_NE(ends.body.find("max_wait_s"), std::string::npos) << ends.body;
  Reply closes = call(supervisor_, "PUT", "/api/v1/queues/" + std::to_string(messages),
                      R"({"name":"messagerie","channel":"voice","hours":"mon-fri 09:00-17:00"})");
  EXPECT_EQ(closes.status, 409) << closes.body;
  EXPECT_NE(closes.body.find("accueil"), std::string::npos) << closes.body;
  EXPECT_EQ(call(supervisor_, "PUT", "/api/v1/queues/" + std::to_string(messages),
                 R"({"name":"messagerie","channel":"voice","hours":"mon-fri 09:00-17:00",)"
                 R"("accept_when_closed":true})")
                .status,
            200);
}

}  // namespace
