// The real-time WebSocket, /api/v1/events: an agent sees its offers as they
// happen; a client that reconnects with its last id misses nothing.
#include "harness.h"

namespace {

using namespace guichet::testing;

class Events : public Guichet {
 protected:
  void SetUp() override {
    Guichet::SetUp();
    admin_ = login("admin", "admin-password-1234");
    agent_ = login("agent1", "agent-password-1234");
    agent_id_ = number(call(agent_, "GET", "/api/v1/session").body, "id");
    queue_ = number(
        call(admin_, "POST", "/api/v1/queues", R"({"name":"accueil","channel":"task"})").body,
        "id");
    ASSERT_EQ(call(admin_, "PUT", "/api/v1/agents/" + std::to_string(agent_id_),
                   R"({"capacity":{"task":1}})")
                  .status,
              200);
  }

  // Messages until one of `type` arrives (returned), or none within the timeout.
  static std::optional<std::string> until(WebSocketClient& ws, const std::string& type) {
    while (auto message = ws.next()) {
      if (message->find("\"type\":\"" + type + "\"") != std::string::npos) return message;
    }
    return std::nullopt;
  }

  std::string admin_;
  std::string agent_;
  std::uint64_t agent_id_ = 0;
  std::uint64_t queue_ = 0;
};

TEST_F(Events, AnAgentSeesItsOfferAsItHappens) {
  WebSocketClient ws;
  ASSERT_EQ(ws.connect(port_, "/api/v1/events", bearer(agent_)), 101);
  ASSERT_EQ(call(agent_, "PUT", "/api/v1/agents/" + std::to_string(agent_id_) + "/state",
                 R"({"state":"available"})")
                .status,
            200);
  auto state = until(ws, "agent_state");
  ASSERT_TRUE(state.has_value());
  EXPECT_NE(state->find(R"("state":"available")"), std::string::npos) << *state;
  const auto task = number(call(admin_, "POST", "/api/v1/interactions",
                                R"({"channel":"task","queue_id":)" + std::to_string(queue_) + "}")
                               .body,
                           "id");
  auto offered = until(ws, "offered");
  ASSERT_TRUE(offered.has_value());
  EXPECT_EQ(number(*offered, "interaction_id"), task);
  EXPECT_NE(offered->find("\"deadline\""), std::string::npos);
  const auto offer = number(*offered, "offer_id");
  ASSERT_EQ(call(agent_, "POST", "/api/v1/offers/" + std::to_string(offer) + "/accept").status,
            200);
  auto accepted = until(ws, "accepted");
  ASSERT_TRUE(accepted.has_value());
  EXPECT_GT(number(*accepted, "id"), number(*offered, "id")) << "ids increase";
}

TEST_F(Events, AReconnectingClientMissesNothing) {
  std::uint64_t last = 0;
  {
    WebSocketClient ws;
    ASSERT_EQ(ws.connect(port_, "/api/v1/events", bearer(admin_)), 101);
    ASSERT_EQ(call(admin_, "POST", "/api/v1/interactions",
                   R"({"channel":"task","queue_id":)" + std::to_string(queue_) + "}")
                  .status,
              201);
    auto queued = until(ws, "queued");
    ASSERT_TRUE(queued.has_value());
    last = number(*queued, "id");
  }  // disconnected
  const auto missed = number(call(admin_, "POST", "/api/v1/interactions",
                                  R"({"channel":"task","queue_id":)" + std::to_string(queue_) + "}")
                                 .body,
                             "id");
  WebSocketClient again;
  ASSERT_EQ(
      again.connect(port_, "/api/v1/events?last_event_id=" + std::to_string(last), bearer(admin_)),
      101);
  auto replayed = until(again, "queued");
  ASSERT_TRUE(replayed.has_value());
  EXPECT_EQ(number(*replayed, "interaction_id"), missed);
  EXPECT_EQ(number(*replayed, "id"), last + 1);
}

TEST_F(Events, StrangersAndOtherSitesAreRefused) {
  WebSocketClient anonymous;
  EXPECT_EQ(anonymous.connect(port_, "/api/v1/events", ""), 401);
  WebSocketClient cross_site;
  EXPECT_EQ(cross_site.connect(
                port_, "/api/v1/events",
                "Cookie: guichet_session=" + agent_ + "\r\nOrigin: https://evil.example\r\n"),
            403);
  WebSocketClient same_site;
  EXPECT_EQ(
      same_site.connect(port_, "/api/v1/events",
                        "Cookie: guichet_session=" + agent_ + "\r\nOrigin: http://localhost\r\n"),
      101);
}

}  // namespace
