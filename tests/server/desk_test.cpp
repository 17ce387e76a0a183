// The agent's desk over HTTP: a citizen identified from the desk, notes
// while handling an interaction, a warm transfer's note, and settings read
// back as people write them.
#include "flow.h"

namespace guichet::testing {
namespace {

TEST_F(Flow, AnUnidentifiedCitizenIsFoundCreatedAndLinkedFromTheDesk) {
  const auto queue = create("queues", R"({"name":"accueil","channel":"task","wrapup_s":60})");
  ready_for_one_task();
  const auto task = new_task(queue);
  ASSERT_NO_FATAL_FAILURE(accept_offer());
  const std::string of_task = "/api/v1/interactions/" + std::to_string(task);

  // Not in the register: the agent creates them, then links them.
  EXPECT_EQ(call(agent_, "GET", "/api/v1/citizens?q=Lefebvre").body, "[]");
  Reply created =
      call(agent_, "POST", "/api/v1/citizens",
           R"({"name":"Lucie Lefebvre","contacts":[{"kind":"phone","value":"06 12 34 56 78"}]})");
  ASSERT_EQ(created.status, 201) << created.body;
  const auto lucie = number(created.body, "id");
  Reply by_number = call(agent_, "GET", "/api/v1/citizens?q=0612345678");
  EXPECT_NE(by_number.body.find("Lucie Lefebvre"), std::string::npos)
      << "found by her number however typed";
  // An agent tells citizens apart by the end of their contacts; the
  // register's contacts are not theirs to read (a supervisor's are whole).
  EXPECT_EQ(by_number.body.find("+33612345678"), std::string::npos) << by_number.body;
  EXPECT_NE(by_number.body.find("78\""), std::string::npos) << by_number.body;
  EXPECT_NE(call(supervisor_, "GET", "/api/v1/citizens?q=0612345678").body.find("+33612345678"),
            std::string::npos);

  Reply unknown = call(agent_, "POST", of_task + "/citizen", R"({"citizen_id":999})");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(field(unknown.body, "field"), "citizen_id");
  EXPECT_EQ(call(agent_, "POST", of_task + "/citizen", R"({"citizen_id":"x"})").status, 400);
  Reply linked =
      call(agent_, "POST", of_task + "/citizen", R"({"citizen_id":)" + std::to_string(lucie) + "}");
  ASSERT_EQ(linked.status, 200) << linked.body;
  EXPECT_EQ(number(call(agent_, "GET", of_task).body, "citizen_id"), lucie);
  EXPECT_EQ(call(agent_, "GET", "/api/v1/citizens/" + std::to_string(lucie)).status, 200)
      << "now the citizen served";

  // Notes while handling it, kept in her 360° view; nobody else's.
  Reply noted = call(agent_, "POST", of_task + "/notes", R"({"note":"Rappeler après 14 h"})");
  ASSERT_EQ(noted.status, 201) << noted.body;
  EXPECT_EQ(field(noted.body, "note"), "Rappeler après 14 h");
  EXPECT_EQ(call(agent_, "POST", of_task + "/notes", R"({"note":""})").status, 400);
  EXPECT_EQ(call(supervisor_, "POST", of_task + "/notes", R"({"note":"pas le sien"})").status, 409);
  Reply view = call(agent_, "GET", "/api/v1/citizens/" + std::to_string(lucie));
  EXPECT_NE(view.body.find("Rappeler après 14 h"), std::string::npos) << view.body;

  // Done: serving nobody, the agent no longer searches the register.
  ASSERT_EQ(call(agent_, "POST", of_task + "/complete", "{}").status, 200);
  ASSERT_EQ(call(agent_, "POST", of_task + "/ready").status, 200);
  EXPECT_EQ(call(agent_, "GET", "/api/v1/citizens?q=Lucie").status, 403);
  EXPECT_EQ(
      call(agent_, "POST", of_task + "/citizen", R"({"citizen_id":)" + std::to_string(lucie) + "}")
          .status,
      404)
      << "no longer in progress";
}

TEST_F(Flow, ANoteGoesToAColleagueNotToAQueue) {
  const auto queue = create("queues", R"({"name":"accueil","channel":"task"})");
  ready_for_one_task();
  const auto task = new_task(queue);
  ASSERT_NO_FATAL_FAILURE(accept_offer());
  Reply to_queue =
      call(agent_, "POST", "/api/v1/interactions/" + std::to_string(task) + "/transfer",
           R"({"queue_id":)" + std::to_string(queue) + R"(,"note":"pour qui ?"})");
  EXPECT_EQ(to_queue.status, 400);
  EXPECT_EQ(field(to_queue.body, "field"), "note");
}

// A name is as long as it reads: 100 accented letters pass, 101 do not (a
// 300-character skill name stretched the tables).
TEST_F(Flow, NamesAreCountedInLettersNotBytes) {
  std::string accented;
  for (int i = 0; i < 100; ++i)
    accented += "é";
  EXPECT_EQ(call(supervisor_, "POST", "/api/v1/skills", R"({"name":")" + accented + "\"}").status,
            201);
  Reply too_long = call(supervisor_, "POST", "/api/v1/skills", R"({"name":")" + accented + "e\"}");
  EXPECT_EQ(too_long.status, 400);
  EXPECT_EQ(field(too_long.body, "field"), "name");
}

// A queue's target read back as written: 0.8, not 8E-1.
TEST_F(Flow, AQueuesSettingsReadBackAsWritten) {
  const auto queue = create("queues", R"({"name":"accueil","channel":"task","sl_target":0.8,)"
                                      R"("sl_threshold_s":20.5})");
  Reply read = call(supervisor_, "GET", "/api/v1/queues/" + std::to_string(queue));
  ASSERT_EQ(read.status, 200);
  EXPECT_NE(read.body.find(R"("sl_target":0.8)"), std::string::npos) << read.body;
  EXPECT_NE(read.body.find(R"("sl_threshold_s":20.5)"), std::string::npos) << read.body;
  EXPECT_NE(read.body.find(R"("wrapup_s":)"), std::string::npos) << read.body;
}

}  // namespace
}  // namespace guichet::testing
