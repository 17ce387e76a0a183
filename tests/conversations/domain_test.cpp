// The domain alone: ContactCenter over an in-memory store (or one that fails
// or slows on demand), with a fixed clock and the live events kept — no
// binary, no socket, no file. What Flow.* checks through HTTP, in
// milliseconds; and what only a store that fails can show.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "conversations/contact_center.h"
#include "kept_events.h"
#include "store/faulty_store.h"
#include "store/memory_store.h"

namespace guichet::conversations {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::uint64_t id_of(const std::string& view) {
  return static_cast<std::uint64_t>(json::parse(view).as_object().at("id").as_int64());
}
std::uint64_t id_of(const InteractionView& view) {
  return view.stored.id;
}

// A town hall's desk: one skill, one task queue, one agent who serves it.
class Domain : public ::testing::Test {
 protected:
  // 2 March 2026, 10:00 UTC; tests may move it on (never back).
  Time now_ = std::chrono::time_point_cast<Duration>(
      std::chrono::sys_days(std::chrono::year(2026) / 3 / 2) + 10h);

  void SetUp() override { open(memory_); }
  // Before the stores: its writer settles what it submitted.
  void TearDown() override { center_.reset(); }

  void open(store::Store& store) {
    center_ = std::make_unique<ContactCenter>(store, live_, [this] { return now_; });
    ASSERT_TRUE(center_->load());
    store::User agent;
    agent.username = "agent";
    agent.display_name = "Agent";
    agent.password_hash = "-";
    auto created = memory_.create_user(agent);
    ASSERT_TRUE(created) << created.error().message;
    agent_ = created->id;
  }

  // The desk configured (its queue's wrap-up time `wrapup_s`); its queue's id.
  std::uint64_t desk(int wrapup_s = 0) {
    auto skill = center_->create("skill", R"({"name":"etat_civil"})", 0);
    EXPECT_TRUE(skill) << skill.error().message;
    auto queue = center_->create("queue",
                                 R"({"name":"etat-civil","channel":"task","wrapup_s":)" +
                                     std::to_string(wrapup_s) + R"(,"skills":[{"skill_id":)" +
                                     std::to_string(id_of(*skill)) + R"(,"min_level":1}]})",
                                 0);
    EXPECT_TRUE(queue) << queue.error().message;
    auto profile = center_->put("agent", agent_,
                                R"({"skills":[{"skill_id":)" + std::to_string(id_of(*skill)) +
                                    R"(,"level":2}],"capacity":{"task":1}})",
                                0);
    EXPECT_TRUE(profile) << profile.error().message;
    return queue ? id_of(*queue) : 0;
  }

  // A second agent, taking one task at a time; offline until told. Its id
  // (0 when it could not be made).
  std::uint64_t add_colleague() {
    store::User colleague;
    colleague.username = "collegue";
    colleague.display_name = "Collègue";
    colleague.password_hash = "-";
    auto made = memory_.create_user(colleague);
    EXPECT_TRUE(made) << made.error().message;
    if (!made) return 0;
    EXPECT_TRUE(center_->put("agent", made->id, R"({"capacity":{"task":1}})", 0));
    return made->id;
  }

  Result<InteractionView> new_task(std::uint64_t queue, std::uint64_t citizen = 0) {
    NewInteraction task;
    task.channel = routing::Channel::kTask;
    task.queue = queue;
    task.citizen = citizen;
    return center_->create_interaction(task);
  }

  store::MemoryStore memory_;
  KeptEvents live_;
  std::unique_ptr<ContactCenter> center_;
  std::uint64_t agent_ = 0;
};

TEST_F(Domain, AnAvailableAgentIsOfferedATaskAcceptsAndCompletesIt) {
  const std::uint64_t queue = desk();
  ASSERT_TRUE(center_->set_agent_state(agent_, routing::AgentState::kAvailable));
  auto task = new_task(queue);
  ASSERT_TRUE(task) << task.error().message;

  auto offers = center_->offers(agent_);
  ASSERT_TRUE(offers);
  ASSERT_EQ(offers->size(), 1u);
  EXPECT_EQ(offers->front().interaction, id_of(*task));
  EXPECT_EQ(live_.of_type("offered").size(), 1u);

  const std::uint64_t offer = offers->front().id;
  ASSERT_TRUE(center_->answer_offer(offer, agent_, true));
  ASSERT_TRUE(center_->complete(id_of(*task), agent_, "", "acte envoyé"));
  auto seen = center_->interaction(id_of(*task));
  ASSERT_TRUE(seen);
  std::vector<std::string> steps;
  for (const store::InteractionEvent& event : seen->timeline) {
    steps.push_back(event.type);
    EXPECT_EQ(event.at, now_) << "the clock given";
  }
  for (const char* step : {"created", "queued", "offered", "accepted", "completed", "note"}) {
    EXPECT_NE(std::find(steps.begin(), steps.end(), step), steps.end()) << step << " missing";
  }
  EXPECT_NE(seen->timeline.back().data_json.find("acte envoy"), std::string::npos);
  EXPECT_EQ(seen->view.stored.status, "completed");
}

// A conversation the chat's bot serves first: stored with its messages from
// the first one, offered to nobody until a person is asked for; its wait
// counted from then. One the bot answered ends without counting anywhere.
TEST_F(Domain, AHeldConversationWaitsForNobodyUntilRouted) {
  const std::uint64_t queue = desk();
  ASSERT_TRUE(center_->set_agent_state(agent_, routing::AgentState::kAvailable));
  NewInteraction asked;
  asked.queue = queue;
  asked.channel = routing::Channel::kTask;
  asked.hold = true;
  auto held = center_->create_interaction(asked);
  ASSERT_TRUE(held) << held.error().message;
  EXPECT_FALSE(held->phase) << "not routed";
  EXPECT_TRUE(center_->offers(agent_)->empty());
  ASSERT_TRUE(center_->record_message(id_of(*held), Author::kCitizen, "acte de naissance ?"));
  ASSERT_TRUE(center_->record_message(id_of(*held), Author::kBot, "Voici l'article…"));
  EXPECT_EQ(center_->record_message(id_of(*held), Author::kAgent, "x").error().field, "from");
  EXPECT_TRUE(live_.of_type("message").empty()) << "nobody has it: pushed to nobody";

  now_ += 90s;  // the bot's minute and a half is not the queue's
  ASSERT_TRUE(center_->route(id_of(*held)));
  EXPECT_EQ(center_->route(id_of(*held)).error().code, ErrorCode::kFailedPrecondition)
      << "routed once";
  EXPECT_EQ(center_->record_message(id_of(*held), Author::kBot, "x").error().code,
            ErrorCode::kFailedPrecondition)
      << "a routed conversation is the agent's";
  auto offers = center_->offers(agent_);
  ASSERT_EQ(offers->size(), 1u);
  ASSERT_TRUE(center_->answer_offer(offers->front().id, agent_, true));
  auto seen = center_->interaction(id_of(*held));
  ASSERT_TRUE(seen);
  std::vector<std::string> froms;
  for (const store::InteractionEvent& event : seen->timeline) {
    if (event.type == "message")
      froms.push_back(json::parse(event.data_json).at("from").as_string().c_str());
    if (event.type == "accepted") {
      EXPECT_EQ(json::parse(event.data_json).at("waited_ms").as_int64(), 0)
          << "its wait starts when routed";
    }
  }
  EXPECT_EQ(froms, (std::vector<std::string>{"citizen", "bot"}))
      << "the agent reads the bot's part";

  auto answered = center_->create_interaction(asked);
  ASSERT_TRUE(answered);
  ASSERT_TRUE(center_->end_held(id_of(*answered), true));
  EXPECT_EQ(center_->interaction(id_of(*answered))->view.stored.status, "closed");
  EXPECT_EQ(center_->end_held(id_of(*answered), true).error().code, ErrorCode::kFailedPrecondition);
}

// Code and note given, the agent is ready before the queue's wrap-up time
// runs out: they say so, and the next task is offered at once.
TEST_F(Domain, AnAgentReadyBeforeTheWrapUpEndsGetsTheNextOffer) {
  const std::uint64_t queue = desk(/*wrapup_s=*/300);
  ASSERT_TRUE(center_->set_agent_state(agent_, routing::AgentState::kAvailable));
  auto first = new_task(queue);
  ASSERT_TRUE(first);
  ASSERT_TRUE(center_->answer_offer(center_->offers(agent_)->front().id, agent_, true));
  ASSERT_TRUE(center_->complete(id_of(*first), agent_, "", ""));
  auto second = new_task(queue);
  ASSERT_TRUE(second);
  EXPECT_TRUE(center_->offers(agent_)->empty()) << "in wrap-up for 300 s";

  Status not_mine = center_->end_wrapup(id_of(*first), agent_ + 1);
  EXPECT_FALSE(not_mine);
  EXPECT_EQ(not_mine.error().field, "id");
  ASSERT_TRUE(center_->end_wrapup(id_of(*first), agent_));
  ASSERT_EQ(center_->offers(agent_)->size(), 1u) << "ready: offered at once";
  EXPECT_EQ(center_->offers(agent_)->front().interaction, id_of(*second));
  Status again = center_->end_wrapup(id_of(*first), agent_);
  EXPECT_FALSE(again) << "no longer in wrap-up";
  auto seen = center_->interaction(id_of(*first));
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->timeline.back().type, "wrapup_ended");
}

// A transfer to a colleague who is offline or paused bounced back 30 s
// later without a word: refused at once, saying why.
TEST_F(Domain, ATransferToAColleagueWhoCannotTakeItIsRefusedAtOnce) {
  const std::uint64_t queue = desk();
  const std::uint64_t colleague = add_colleague();
  ASSERT_NE(colleague, 0u);
  ASSERT_TRUE(center_->set_agent_state(agent_, routing::AgentState::kAvailable));
  auto task = new_task(queue);
  ASSERT_TRUE(task);
  ASSERT_TRUE(center_->answer_offer(center_->offers(agent_)->front().id, agent_, true));

  Transfer to_colleague;
  to_colleague.agent = colleague;
  Status offline = center_->transfer(id_of(*task), agent_, false, to_colleague);
  ASSERT_FALSE(offline);
  EXPECT_EQ(offline.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(offline.error().field, "agent_id");
  ASSERT_TRUE(center_->set_agent_state(colleague, routing::AgentState::kPaused, ""));
  EXPECT_FALSE(center_->transfer(id_of(*task), agent_, false, to_colleague)) << "paused";
  ASSERT_TRUE(center_->set_agent_state(colleague, routing::AgentState::kAvailable));
  EXPECT_TRUE(center_->transfer(id_of(*task), agent_, false, to_colleague));
}

// A warm transfer: the colleague's offer says who sent it, with the note.
// Not taken in time, it bounced back to the queue without a word to the
// agent who sent it: they are told.
TEST_F(Domain, AWarmTransferCarriesItsNoteAndABounceIsToldToTheSender) {
  const std::uint64_t queue = desk();
  const std::uint64_t colleague = add_colleague();
  ASSERT_NE(colleague, 0u);
  ASSERT_TRUE(center_->set_agent_state(agent_, routing::AgentState::kAvailable));
  ASSERT_TRUE(center_->set_agent_state(colleague, routing::AgentState::kAvailable));
  auto task = new_task(queue);
  ASSERT_TRUE(task);
  ASSERT_TRUE(center_->answer_offer(center_->offers(agent_)->front().id, agent_, true));

  Transfer to_colleague;
  to_colleague.agent = colleague;
  to_colleague.timeout_s = 30;
  to_colleague.note = std::string(1001, 'x');
  Status long_note = center_->transfer(id_of(*task), agent_, false, to_colleague);
  ASSERT_FALSE(long_note);
  EXPECT_EQ(long_note.error().field, "note");
  to_colleague.note = "Demande un acte de naissance, pièce d'identité reçue";
  ASSERT_TRUE(center_->transfer(id_of(*task), agent_, false, to_colleague));
  auto offered = center_->offers(colleague);
  ASSERT_TRUE(offered);
  ASSERT_EQ(offered->size(), 1u);
  EXPECT_EQ(offered->front().transferred_by, agent_);
  EXPECT_EQ(offered->front().transfer_note, to_colleague.note);
  auto made_live = json::parse(live_.of_type("offered").back()).as_object();
  EXPECT_EQ(made_live.at("transferred_by").as_int64(), static_cast<std::int64_t>(agent_))
      << "the live offer says it too";
  EXPECT_EQ(made_live.at("transfer_note").as_string(), to_colleague.note);
  auto seen = center_->interaction(id_of(*task));
  ASSERT_TRUE(seen);
  bool noted = false;
  for (const store::InteractionEvent& event : seen->timeline)
    noted = noted || (event.type == "transfer_note" &&
                      event.data_json.find("acte de naissance") != std::string::npos);
  EXPECT_TRUE(noted) << "the note is kept in the timeline";
  EXPECT_TRUE(live_.of_type("transfer_bounced").empty());

  now_ += 61s;  // the colleague's offer (60 s) runs out
  ASSERT_TRUE(center_->set_agent_state(agent_, routing::AgentState::kAvailable));
  auto bounced = live_.of_type("transfer_bounced");
  ASSERT_EQ(bounced.size(), 1u);
  auto said = json::parse(bounced.front()).as_object();
  EXPECT_EQ(said.at("agent_id").as_int64(), static_cast<std::int64_t>(agent_));
  EXPECT_EQ(said.at("colleague_id").as_int64(), static_cast<std::int64_t>(colleague));
  EXPECT_EQ(said.at("interaction_id").as_int64(), static_cast<std::int64_t>(id_of(*task)));
  EXPECT_EQ(said.at("reason").as_string(), "not_answered");

  // A supervisor hands it to the colleague: the offer names the supervisor,
  // who is the one told when the colleague goes offline with it offered.
  const std::uint64_t supervisor = 999;
  ASSERT_TRUE(center_->answer_offer(center_->offers(agent_)->front().id, agent_, true));
  to_colleague.note = "";
  ASSERT_TRUE(center_->transfer(id_of(*task), supervisor, true, to_colleague));
  ASSERT_EQ(center_->offers(colleague)->size(), 1u);
  EXPECT_EQ(center_->offers(colleague)->front().transferred_by, supervisor);
  ASSERT_TRUE(center_->set_agent_state(colleague, routing::AgentState::kOffline));
  bounced = live_.of_type("transfer_bounced");
  ASSERT_EQ(bounced.size(), 2u);
  said = json::parse(bounced.back()).as_object();
  EXPECT_EQ(said.at("agent_id").as_int64(), static_cast<std::int64_t>(supervisor));
  EXPECT_EQ(said.at("reason").as_string(), "offline");
}

// Notes while handling it, apart from the wrap-up's; and an unidentified
// citizen identified from the desk: the interaction, its timeline and the
// citizen's 360° view all say so.
TEST_F(Domain, TheAgentHandlingItNotesAndIdentifiesTheCitizen) {
  const std::uint64_t queue = desk(/*wrapup_s=*/300);
  ASSERT_TRUE(center_->set_agent_state(agent_, routing::AgentState::kAvailable));
  auto task = new_task(queue);
  ASSERT_TRUE(task);
  const std::uint64_t id = id_of(*task);
  auto citizen = center_->create_citizen("Jeanne Dupont", {});
  ASSERT_TRUE(citizen) << citizen.error().message;

  EXPECT_FALSE(center_->add_note(id, agent_, "offert, pas encore accepté")) << "not yet theirs";
  EXPECT_FALSE(center_->identify(id, agent_, false, citizen->id)) << "not yet theirs";
  ASSERT_TRUE(center_->answer_offer(center_->offers(agent_)->front().id, agent_, true));
  EXPECT_FALSE(center_->agent_serves_citizen(citizen->id, agent_));

  EXPECT_EQ(center_->add_note(id, agent_, "").error().field, "note");
  EXPECT_EQ(center_->add_note(id, agent_ + 1, "pas le mien").error().field, "id");
  auto noted = center_->add_note(id, agent_, "Rappeler après 14 h");
  ASSERT_TRUE(noted) << noted.error().message;
  EXPECT_EQ(*noted, now_);

  auto nobody = center_->identify(id, agent_, false, 999);
  ASSERT_FALSE(nobody);
  EXPECT_EQ(nobody.error().field, "citizen_id");
  EXPECT_EQ(center_->identify(id, agent_ + 1, false, citizen->id).error().field, "id");
  auto identified = center_->identify(id, agent_, false, citizen->id);
  ASSERT_TRUE(identified) << identified.error().message;
  EXPECT_EQ(*identified, citizen->id);
  EXPECT_EQ(center_->interaction(id)->view.stored.citizen_id, citizen->id);
  EXPECT_TRUE(center_->agent_serves_citizen(citizen->id, agent_));
  ASSERT_EQ(live_.of_type("citizen_identified").size(), 1u);

  // In wrap-up, still theirs: a last note.
  ASSERT_TRUE(center_->complete(id, agent_, "", ""));
  ASSERT_TRUE(center_->add_note(id, agent_, "Dossier complet"));
  auto view = center_->citizen(citizen->id);
  ASSERT_TRUE(view) << view.error().message;
  ASSERT_EQ(view->interactions.size(), 1u);
  ASSERT_EQ(view->interactions.front().notes.size(), 2u);
  EXPECT_EQ(view->interactions.front().notes.front().text, "Rappeler après 14 h");
}

TEST_F(Domain, AnOfferGoesOnlyToTheAgentItWasMadeFor) {
  const std::uint64_t queue = desk();
  ASSERT_TRUE(center_->set_agent_state(agent_, routing::AgentState::kAvailable));
  ASSERT_TRUE(new_task(queue));
  auto offers = center_->offers(agent_);
  ASSERT_TRUE(offers);
  ASSERT_EQ(offers->size(), 1u);
  const std::uint64_t offer = offers->front().id;
  Status someone_else = center_->answer_offer(offer, agent_ + 1, true);
  ASSERT_FALSE(someone_else);
  EXPECT_EQ(someone_else.error().code, ErrorCode::kNotFound);
}

TEST_F(Domain, BadConfigurationIsRefusedNamingTheField) {
  auto queue = center_->create("queue", R"({"name":"q","channel":"fax"})", 0);
  ASSERT_FALSE(queue);
  EXPECT_EQ(queue.error().field, "channel");
  auto unknown_skill = center_->create(
      "queue", R"({"name":"q","channel":"task","skills":[{"skill_id":99,"min_level":1}]})", 0);
  ASSERT_FALSE(unknown_skill);
  EXPECT_EQ(unknown_skill.error().field, "skills");
  auto no_checker = center_->create("ivr_flow", R"({"name":"accueil"})", 0);
  ASSERT_FALSE(no_checker) << "a kind no channel checks is not saved";
}

// Values no service means, which an admin's slip saved (a wrap-up of
// 99,999,999 s, an answer threshold of 0 s): refused on their field.
TEST_F(Domain, SettingsOutOfAnySenseAreRefused) {
  for (const auto& [body, field] : std::vector<std::pair<std::string, std::string>>{
           {R"("wrapup_s":99999999)", "wrapup_s"},
           {R"("wrapup_s":-1)", "wrapup_s"},
           {R"("sl_threshold_s":0)", "sl_threshold_s"},
           {R"("sl_threshold_s":2592001)", "sl_threshold_s"},
           {R"("sl_target":1.5)", "sl_target"},
           {R"("max_wait_s":0)", "max_wait_s"},
           {R"("priority":5000)", "priority"},
           {R"("escalation":[{"after_s":-5}])", "escalation[0].after_s"},
       }) {
    auto queue = center_->create("queue", R"({"name":"q","channel":"task",)" + body + "}", 0);
    ASSERT_FALSE(queue) << body << " was saved";
    EXPECT_EQ(queue.error().field, field) << body;
  }
  // The bounds themselves are taken: a written request's 48 hours.
  auto email = center_->create(
      "queue", R"({"name":"courriels","channel":"email","sl_threshold_s":172800,"wrapup_s":3600})",
      0);
  EXPECT_TRUE(email) << email.error().message;
}

TEST_F(Domain, TheDocumentsAChannelOwnsAreCheckedByIt) {
  center_->check_documents(
      "ivr_flow", [](const std::string& body, std::uint64_t, DocumentLookup& lookup) {
        std::vector<DocumentProblem> problems;
        if (body.find("\"queue_id\":7") != std::string::npos && !lookup.exists("queue", 7)) {
          problems.push_back({"menu", "steps[0].queue_id", "no queue 7"});
        }
        return problems;
      });
  auto refused = center_->create("ivr_flow", R"({"name":"accueil","queue_id":7})", 0);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().field, "steps[0].queue_id");
  auto saved = center_->create("ivr_flow", R"({"name":"accueil"})", 0);
  ASSERT_TRUE(saved) << saved.error().message;
  EXPECT_NE(saved->find(R"("version":1)"), std::string::npos) << *saved;
  EXPECT_NE(center_->check_document("ivr_flow", R"({"queue_id":7})").find("no queue 7"),
            std::string::npos);
}

TEST_F(Domain, ACitizensNumberIsKeptOneWayAndFoundHoweverTyped) {
  auto created = center_->create_citizen(
      "Jeanne Dupont", {{"phone", "06 12 34 56 78"}, {"email", "Jeanne@Exemple.fr"}});
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->contacts[0].value, "+33612345678");
  EXPECT_EQ(created->contacts[1].value, "jeanne@exemple.fr");
  for (const char* typed : {"0612345678", "+33 6 12 34 56 78", "06.12.34.56.78"}) {
    auto found = center_->find_citizens(typed);
    ASSERT_TRUE(found);
    ASSERT_EQ(found->size(), 1u) << typed;
    EXPECT_EQ(found->front().id, created->id);
  }
  auto bad = center_->create_citizen("X", {{"phone", "not a number"}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "contacts[0].value");
  auto taken = center_->create_citizen("Jean Dupont", {{"phone", "+33612345678"}});
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, ErrorCode::kAlreadyExists);
}

TEST_F(Domain, AMergedDuplicatesInteractionsShowInTheKeptCitizensView) {
  const std::uint64_t queue = desk();
  auto kept = center_->create_citizen("Jeanne Dupont", {{"phone", "0612345678"}});
  auto duplicate = center_->create_citizen("J. Dupont", {{"email", "jd@exemple.fr"}});
  ASSERT_TRUE(kept && duplicate);
  auto task = new_task(queue, duplicate->id);
  ASSERT_TRUE(task) << task.error().message;
  auto merged = center_->merge_citizens(kept->id, duplicate->id);
  ASSERT_TRUE(merged) << merged.error().message;
  EXPECT_EQ(merged->citizen.contacts.size(), 2u);
  ASSERT_EQ(merged->interactions.size(), 1u);
  EXPECT_EQ(merged->interactions[0].interaction.id, id_of(*task));
}

TEST_F(Domain, AChannelsDocumentKeepsTheIdAndVersionTheServerGaveIt) {
  // What the owning channel checks does not matter here: it finds nothing.
  center_->check_documents("ivr_flow", [](const std::string&, std::uint64_t, DocumentLookup&) {
    return std::vector<DocumentProblem>{};
  });
  auto created = center_->create(
      "ivr_flow", R"({"name":"accueil","id":999,"version":42,"number":"3939","steps":[]})", 0);
  ASSERT_TRUE(created) << created.error().message;
  const std::uint64_t id = id_of(*created);
  EXPECT_NE(id, 999u) << "the id is the server's";
  auto read = center_->get("ivr_flow", id);
  ASSERT_TRUE(read);
  const json::object flow = json::parse(*read).as_object();
  EXPECT_EQ(flow.at("id").as_int64(), static_cast<std::int64_t>(id)) << *read;
  EXPECT_EQ(flow.at("version").as_int64(), 1) << *read;
  auto changed =
      center_->put("ivr_flow", id, R"({"name":"accueil","id":7,"number":"3939","steps":[]})", 0);
  ASSERT_TRUE(changed) << changed.error().message;
  EXPECT_EQ(id_of(*changed), id);
  EXPECT_FALSE(center_->get("ivr_flow", 7)) << "nothing stored under the client's id";
}

// A store that fails or slows: what was refused leaves nothing behind, and
// the caller learns why.
// Accessible reception: the real-time text channel keeps its phone line's
// hours, and today's coverage says when an agent trained for it was there.
TEST_F(Domain, TheAccessibleChannelIsCoveredWhileATrainedAgentIsSignedIn) {
  auto skill = center_->create("skill", R"({"name":"accessibilite"})", 0);
  ASSERT_TRUE(skill);
  auto line = center_->create(
      "queue", R"({"name":"accueil","channel":"voice","hours":"mon-fri 08:00-14:00"})", 0);
  ASSERT_TRUE(line);
  auto rtt =
      center_->create("queue",
                      R"({"name":"ttr","channel":"chat","chat_rtt":true,"chat_hours_queue_id":)" +
                          std::to_string(id_of(*line)) + R"(,"skills":[{"skill_id":)" +
                          std::to_string(id_of(*skill)) + R"(,"min_level":1}]})",
                      0);
  ASSERT_TRUE(rtt) << rtt.error().message;
  ASSERT_TRUE(center_->put("agent", agent_,
                           R"({"skills":[{"skill_id":)" + std::to_string(id_of(*skill)) +
                               R"(,"level":2}],"capacity":{"chat":1}})",
                           0));
  const std::uint64_t untrained = add_colleague();
  // Monday 2 March, 11:00 in Paris: the trained agent signs in for an hour.
  const Time signed_in = now_;
  ASSERT_TRUE(center_->set_agent_state(agent_, routing::AgentState::kAvailable));
  ASSERT_TRUE(center_->set_agent_state(untrained, routing::AgentState::kAvailable));
  now_ += 1h;
  ASSERT_TRUE(center_->set_agent_state(agent_, routing::AgentState::kOffline));
  now_ += 30min;
  Result<std::vector<AccessibleCoverage>> coverage = center_->accessible_coverage();
  for (int i = 0;
       i < 200 && coverage && !coverage->empty() && coverage->front().covered_today != Duration(1h);
       ++i) {
    std::this_thread::sleep_for(5ms);  // the engine's events come on its thread
    coverage = center_->accessible_coverage();
  }
  ASSERT_TRUE(coverage);
  ASSERT_EQ(coverage->size(), 1u) << "the real-time text queue only";
  const AccessibleCoverage& c = coverage->front();
  EXPECT_EQ(c.queue, id_of(*rtt));
  EXPECT_EQ(c.phone_queue, id_of(*line));
  ASSERT_EQ(c.week.size(), 7u);
  const std::vector<Stretch> monday = {{signed_in - 3h, signed_in + 3h}};  // 08:00–14:00 local
  EXPECT_EQ(c.week[0].phone, monday);
  EXPECT_EQ(c.week[0].accessible, monday) << "the line's hours, kept in one place";
  EXPECT_TRUE(c.week[5].accessible.empty()) << "Saturday";
  EXPECT_EQ(c.since, signed_in) << "nothing known before the first event of the day";
  EXPECT_EQ(c.open_today, Duration(90min));
  EXPECT_EQ(c.covered_today, Duration(1h));
  EXPECT_EQ(c.gaps_today, (std::vector<Stretch>{{signed_in + 1h, now_}}))
      << "the colleague signed in holds no accessibility skill";
  EXPECT_EQ(c.trained, 1u);
  EXPECT_EQ(c.trained_signed_in, 0u);
}

class FailingStore : public Domain {
 protected:
  void SetUp() override { open(faulty_); }
  store::FaultyStore faulty_{memory_};
};

TEST_F(FailingStore, AQueueTheStoreRefusedIsNotRouted) {
  faulty_.fail_next("put_document");
  auto queue = center_->create("queue", R"({"name":"q","channel":"task"})", 0);
  ASSERT_FALSE(queue);
  EXPECT_EQ(queue.error().code, ErrorCode::kIo);
  EXPECT_TRUE(center_->queue_stats()->empty()) << "the engine has no queue the store refused";
  auto documents = memory_.documents("queue");
  ASSERT_TRUE(documents);
  EXPECT_TRUE(documents->empty());
}

TEST_F(FailingStore, AnInteractionTheStoreRefusedIsNeitherRoutedNorOffered) {
  const std::uint64_t queue = desk();
  ASSERT_TRUE(center_->set_agent_state(agent_, routing::AgentState::kAvailable));
  faulty_.fail_next("create_interaction_async");
  auto task = new_task(queue);
  ASSERT_FALSE(task);
  EXPECT_EQ(task.error().code, ErrorCode::kIo);
  EXPECT_TRUE(center_->offers(agent_)->empty());
  EXPECT_TRUE(live_.of_type("offered").empty());
  store::InteractionFilter all;
  EXPECT_TRUE(memory_.list_interactions(all)->empty());
  // The next one, the store healed, is routed as usual.
  auto next = new_task(queue);
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_EQ(center_->offers(agent_)->size(), 1u);
}

TEST_F(FailingStore, AConfigurationTheEngineRefusesIsUndoneInTheStore) {
  auto voice = center_->create("queue", R"({"name":"voix","channel":"voice"})", 0);
  ASSERT_TRUE(voice);
  // Overflow into a queue of another channel: stored, refused by the
  // engine, then removed from the store again.
  auto task =
      center_->create("queue",
                      R"({"name":"t","channel":"task","max_wait_s":60,"overflow_queue_id":)" +
                          std::to_string(id_of(*voice)) + "}",
                      0);
  ASSERT_FALSE(task);
  EXPECT_EQ(task.error().field, "overflow_queue_id");
  EXPECT_EQ(memory_.documents("queue")->size(), 1u);
}

TEST_F(FailingStore, ACreateBehindASlowDiskIsAnsweredOnceDurable) {
  const std::uint64_t queue = desk();
  faulty_.delay_commits(200ms);
  const auto started = std::chrono::steady_clock::now();
  auto task = new_task(queue);
  ASSERT_TRUE(task) << task.error().message;
  EXPECT_GE(std::chrono::steady_clock::now() - started, 200ms);
  EXPECT_TRUE(memory_.interaction(id_of(*task))) << "on disk when answered";
  faulty_.heal();
}

}  // namespace
}  // namespace guichet::conversations
