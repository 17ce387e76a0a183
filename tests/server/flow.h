// The fixture of the flow tests: a server with a supervisor and an agent
// logged in, and the few steps every flow starts with.
#pragma once

#include "harness.h"

namespace guichet::testing {

class Flow : public Guichet {
 protected:
  void SetUp() override {
    Guichet::SetUp();
    add_user_later("sup1", "supervisor", "supervisor-password-1");
    supervisor_ = login("sup1", "supervisor-password-1");
    agent_ = login("agent1", "agent-password-1234");
    agent_id_ = number(call(agent_, "GET", "/api/v1/session").body, "id");
    ASSERT_GT(agent_id_, 0u);
  }

  // Users are added through the API once the server runs.
  void add_user_later(const std::string& name, const std::string& role, const std::string& pw) {
    const std::string admin = login("admin", "admin-password-1234");
    Reply reply = call(
        admin, "POST", "/api/v1/users",
        R"({"username":")" + name + R"(","role":")" + role + R"(","password":")" + pw + R"("})");
    ASSERT_EQ(reply.status, 201) << reply.body;
  }

  std::uint64_t create(const std::string& collection, const std::string& body) {
    Reply reply = call(supervisor_, "POST", "/api/v1/" + collection, body);
    EXPECT_EQ(reply.status, 201) << collection << ": " << reply.body;
    return number(reply.body, "id");
  }

  std::uint64_t new_task(std::uint64_t queue) {
    Reply reply = call(supervisor_, "POST", "/api/v1/interactions",
                       R"({"channel":"task","queue_id":)" + std::to_string(queue) + "}");
    EXPECT_EQ(reply.status, 201) << reply.body;
    return number(reply.body, "id");
  }

  // agent1 accepts the offer waiting for them (call it under
  // ASSERT_NO_FATAL_FAILURE: a refusal ends the test).
  void accept_offer() {
    const auto offer = number(call(agent_, "GET", "/api/v1/offers").body, "id");
    ASSERT_EQ(call(agent_, "POST", "/api/v1/offers/" + std::to_string(offer) + "/accept").status,
              200);
  }

  // agent1 takes one task at a time, and is available.
  void ready_for_one_task() { ready_with(R"({"task":1})"); }

  // agent1 with these capacities ({"chat":2}), and available.
  void ready_with(const std::string& capacity) {
    ASSERT_EQ(call(supervisor_, "PUT", "/api/v1/agents/" + std::to_string(agent_id_),
                   R"({"capacity":)" + capacity + "}")
                  .status,
              200);
    ASSERT_EQ(call(agent_, "PUT", "/api/v1/agents/" + std::to_string(agent_id_) + "/state",
                   R"({"state":"available"})")
                  .status,
              200);
  }

  std::string supervisor_;
  std::string agent_;
  std::uint64_t agent_id_ = 0;
};

}  // namespace guichet::testing
