// The in-memory store keeps Store's contract as the SQLite one does: the
// contract tests below run against both, written against Store& only. Then
// what is MemoryStore's own (its thread), and the fault-injecting wrapper.
#include "store/memory_store.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <map>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>

#include "store/faulty_store.h"
#include "store/sqlite_store.h"

namespace guichet::store {
namespace {

using namespace std::chrono_literals;

User user(const char* username, Role role = Role::kAgent) {
  User u;
  u.username = username;
  u.display_name = username;
  u.role = role;
  u.password_hash = "$argon2id$...";
  return u;
}

Interaction call(std::uint64_t queue, std::int64_t enqueued_ms) {
  Interaction it;
  it.channel = "voice";
  it.queue_id = queue;
  it.enqueued_at = time_from_ms(enqueued_ms);
  return it;
}

InteractionEvent event(const char* type, std::int64_t at_ms, std::uint64_t interaction = 0) {
  InteractionEvent e;
  e.type = type;
  e.at = time_from_ms(at_ms);
  e.interaction_id = interaction;
  return e;
}

// The same tests for every Store: "memory" and "sqlite" (a file in the
// temporary directory).
class StoreContractTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      store_ = std::make_unique<MemoryStore>();
      return;
    }
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(name.begin(), name.end(), '/', '_');
    path_ = (std::filesystem::temp_directory_path() /
             ("guichet_contract_" + std::to_string(::getpid()) + "_" + name + ".db"))
                .string();
    remove_files();
    auto opened = SqliteStore::open(path_);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    store_ = std::move(opened).value();
  }
  void TearDown() override {
    store_.reset();
    if (!path_.empty()) remove_files();
  }
  void remove_files() {
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(path_ + suffix);
  }

  Store& store() { return *store_; }

 private:
  std::string path_;
  std::unique_ptr<Store> store_;
};

INSTANTIATE_TEST_SUITE_P(Stores, StoreContractTest, ::testing::Values("memory", "sqlite"),
                         [](const auto& tested) { return tested.param; });

TEST_P(StoreContractTest, IdsStartAtOneAndARefusedWriteLeavesNothing) {
  EXPECT_EQ(store().create_user(user("alice"))->id, 1u);
  EXPECT_EQ(store().create_user(user("bob"))->id, 2u);
  EXPECT_EQ(store().create_citizen({0, "Jean", {{"phone", "+33612345678"}}, {}, 0})->id, 1u);
  auto refused = store().create_citizen({0, "Autre", {{"phone", "+33612345678"}}, {}, 0});
  EXPECT_EQ(refused.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(store().citizen(2).error().code, ErrorCode::kNotFound) << "nothing left behind";
  EXPECT_EQ(store().create_citizen({0, "Marie", {}, {}, 0})->id, 2u) << "the id was not used";
  EXPECT_EQ(store().put_document({"queue", 0, "a", "{}"}, 1, {})->id, 1u);
  EXPECT_EQ(store().put_document({"skill", 0, "a", "{}"}, 1, {})->id, 1u) << "ids per kind";
  EXPECT_EQ(store().put_document({"queue", 0, "b", "{}"}, 1, {})->id, 2u);
  const auto first = store().create_interaction(call(1, 1000), event("queued", 1000))->id;
  const auto second = store().create_interaction(call(1, 1000), event("queued", 1000))->id;
  EXPECT_EQ(first, 1u);
  EXPECT_EQ(second, 2u);
  EXPECT_EQ((*store().timeline(first))[0].sequence, 1u);
  EXPECT_EQ((*store().timeline(second))[0].sequence, 2u);
}

TEST_P(StoreContractTest, UsersHaveUniqueNames) {
  User alice = user("alice", Role::kSupervisor);
  alice.display_name = "Alice Martin";
  auto created = store().create_user(alice);
  ASSERT_TRUE(created.is_ok()) << created.status().to_string();
  EXPECT_GT(created->id, 0u);
  EXPECT_EQ(store().create_user(alice).error().code, ErrorCode::kAlreadyExists);
  auto found = store().find_user("alice");
  ASSERT_TRUE(found.is_ok());
  EXPECT_EQ(found->display_name, "Alice Martin");
  EXPECT_EQ(found->role, Role::kSupervisor);
  EXPECT_EQ(store().find_user("bob").error().field, "username");
  EXPECT_EQ(store().user_by_id(99).error().field, "id");
  EXPECT_EQ(store().create_user(user("")).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store().list_users()->size(), 1u);
}

TEST_P(StoreContractTest, SessionsBelongToUsers) {
  const std::uint64_t id = store().create_user(user("agent1"))->id;
  Session session{"hash-1", id, time_from_ms(1000), time_from_ms(9000)};
  ASSERT_TRUE(store().create_session(session).is_ok());
  EXPECT_EQ(store().find_session("hash-1")->user_id, id);
  EXPECT_EQ(store().find_session("hash-1")->expires_at, time_from_ms(9000));
  EXPECT_EQ(store().create_session(session).error().code, ErrorCode::kAlreadyExists);
  auto unknown = store().create_session({"hash-2", 999, {}, {}});
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().field, "user_id");
  ASSERT_TRUE(store().delete_session("hash-1").is_ok());
  EXPECT_EQ(store().find_session("hash-1").error().field, "token");
  EXPECT_TRUE(store().delete_session("hash-1").is_ok()) << "deleting twice is no error";
}

TEST_P(StoreContractTest, ANewRoleOrPasswordEndsSessionsAndTheLastAdminStays) {
  const User root = *store().create_user(user("root", Role::kAdmin));
  const User ana = *store().create_user(user("ana"));
  ASSERT_TRUE(store().create_session({"ana-1", ana.id, {}, {}}).is_ok());
  ASSERT_TRUE(store().create_session({"root-1", root.id, {}, {}}).is_ok());

  User change = ana;
  change.password_hash.clear();  // kept
  change.display_name = "Ana Lopez";
  auto renamed = store().update_user(change, root.id, time_from_ms(1000));
  ASSERT_TRUE(renamed.is_ok()) << renamed.status().to_string();
  EXPECT_EQ(renamed->display_name, "Ana Lopez");
  EXPECT_TRUE(store().find_session("ana-1").is_ok()) << "a new name keeps the sessions";

  change.role = Role::kSupervisor;
  ASSERT_TRUE(store().update_user(change, root.id, time_from_ms(2000)).is_ok());
  EXPECT_EQ(store().find_session("ana-1").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store().user_by_id(ana.id)->role, Role::kSupervisor);

  ASSERT_TRUE(store().create_session({"ana-2", ana.id, {}, {}}).is_ok());
  change.password_hash = "$argon2id$new";
  ASSERT_TRUE(store().update_user(change, root.id, time_from_ms(3000)).is_ok());
  EXPECT_EQ(store().find_session("ana-2").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store().find_user("ana")->password_hash, "$argon2id$new");
  auto audit = store().audit_log(1);
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].kind, "user");
  EXPECT_EQ((*audit)[0].action, "update");
  EXPECT_EQ((*audit)[0].object_id, ana.id);
  EXPECT_EQ((*audit)[0].user_id, root.id);
  EXPECT_EQ((*audit)[0].at, time_from_ms(3000));
  EXPECT_EQ((*audit)[0].before_json,
            R"({"username":"ana","display_name":"Ana Lopez","role":"supervisor"})");
  EXPECT_EQ((*audit)[0].after_json,
            R"({"username":"ana","display_name":"Ana Lopez","role":"supervisor",)"
            R"("password":"changed"})");

  User demoted = root;
  demoted.role = Role::kAgent;
  auto refused = store().update_user(demoted, root.id, time_from_ms(4000));
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.error().field, "role");
  EXPECT_TRUE(store().find_session("root-1").is_ok()) << "a refused change ends nothing";
  EXPECT_EQ(store().audit_log(10)->size(), 3u);
  ASSERT_TRUE(store().create_user(user("root2", Role::kAdmin)).is_ok());
  EXPECT_TRUE(store().update_user(demoted, root.id, time_from_ms(5000)).is_ok())
      << "another admin is left";
  User nobody = ana;
  nobody.id = 99;
  EXPECT_EQ(store().update_user(nobody, root.id, {}).error().field, "id");
}

TEST_P(StoreContractTest, DocumentsAreAuditedOnEveryChange) {
  Document queue{"queue", 0, "etat-civil", R"({"channel":"voice"})"};
  auto created = store().put_document(queue, 7, time_from_ms(1000));
  ASSERT_TRUE(created.is_ok()) << created.status().to_string();
  EXPECT_EQ(created->id, 1u);
  EXPECT_EQ(store().put_document(queue, 7, time_from_ms(1000)).error().code,
            ErrorCode::kAlreadyExists)
      << "names are unique within a kind";
  Document other_kind{"skill", 0, "etat-civil", "{}"};
  EXPECT_TRUE(store().put_document(other_kind, 7, time_from_ms(1000)).is_ok());
  Document changed = *created;
  changed.body_json = R"({"channel":"voice","priority":2})";
  ASSERT_TRUE(store().put_document(changed, 8, time_from_ms(2000)).is_ok());
  Document chosen_id{"agent", 42, "agent42", "{}"};  // agents take their user's id
  EXPECT_EQ(store().put_document(chosen_id, 8, time_from_ms(2000))->id, 42u);
  EXPECT_EQ(store().document("queue", 1)->body_json, changed.body_json);
  ASSERT_TRUE(store().delete_document("queue", 1, 9, time_from_ms(3000)).is_ok());
  EXPECT_EQ(store().document("queue", 1).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store().documents("queue")->size(), 0u);
  auto log = store().audit_log(10);
  ASSERT_EQ(log->size(), 5u);
  EXPECT_EQ((*log)[0].action, "delete");
  EXPECT_EQ((*log)[0].user_id, 9u);
  EXPECT_EQ((*log)[0].after_json, "");
  EXPECT_EQ((*log)[1].action, "create");
  EXPECT_EQ((*log)[1].kind, "agent");
  EXPECT_EQ((*log)[2].action, "update");
  EXPECT_EQ((*log)[2].before_json, R"({"name":"etat-civil","body":{"channel":"voice"}})");
  EXPECT_EQ((*log)[2].after_json,
            R"({"name":"etat-civil","body":{"channel":"voice","priority":2}})");
  EXPECT_EQ((*log)[4].action, "create");
  EXPECT_GT((*log)[0].sequence, (*log)[1].sequence) << "the latest first";

  EXPECT_EQ(store().put_document({"agent", 0, "next", "{}"}, 8, {})->id, 43u);
  const auto other = store().put_document({"skill", 0, "autre", "{}"}, 8, {})->id;
  EXPECT_EQ(store().put_document({"skill", other, "etat-civil", "{}"}, 8, {}).error().code,
            ErrorCode::kAlreadyExists)
      << "renamed onto a taken name";
  EXPECT_EQ(store().delete_document("queue", 1, 9, {}).error().field, "id");
  EXPECT_EQ(store().put_document({"queue", 0, "", "{}"}, 8, {}).error().field, "name");
  EXPECT_EQ(store().audit_log(100)->size(), 7u) << "refused changes are not audited";
}

TEST_P(StoreContractTest, InteractionsKeepTheirTimelineAndComeBackInOrder) {
  // Created out of enqueue order: recovery orders by enqueue time, then id.
  const auto second = store().create_interaction(call(1, 2000), event("queued", 2000))->id;
  const auto first = store().create_interaction(call(1, 1000), event("queued", 1000))->id;
  const auto third = store().create_interaction(call(2, 2000), event("queued", 2000))->id;
  InteractionEvent offered = event("offered", 2500, first);
  offered.data_json = R"({"agent":7})";
  ASSERT_TRUE(store().append_events({offered, event("completed", 3000, first)}).is_ok());
  auto orphan = store().append_events({event("offered", 3000, 424242)});
  EXPECT_EQ(orphan.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(orphan.error().field, "interaction_id");

  InteractionFilter waiting_in_1;
  waiting_in_1.status = "waiting";
  waiting_in_1.queue_id = 1;
  auto listed = store().list_interactions(waiting_in_1);
  ASSERT_TRUE(listed.is_ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, second);
  InteractionFilter page;
  page.limit = 2;
  auto first_page = store().list_interactions(page);
  ASSERT_EQ(first_page->size(), 2u);
  EXPECT_EQ((*first_page)[0].id, third) << "newest first";
  page.before_id = first_page->back().id;
  auto next_page = store().list_interactions(page);
  ASSERT_EQ(next_page->size(), 1u);
  EXPECT_EQ((*next_page)[0].id, second);
  auto open_now = store().open_interactions();
  ASSERT_TRUE(open_now.is_ok());
  ASSERT_EQ(open_now->size(), 2u);
  EXPECT_EQ((*open_now)[0].id, second);
  EXPECT_EQ((*open_now)[1].id, third);
  EXPECT_EQ((*open_now)[0].enqueued_at, time_from_ms(2000));
  auto done = store().interaction(first);
  EXPECT_EQ(done->status, "completed");
  EXPECT_EQ(done->ended_at, time_from_ms(3000));
  auto timeline = store().timeline(first);
  ASSERT_EQ(timeline->size(), 3u);
  EXPECT_EQ((*timeline)[0].type, "queued");
  EXPECT_EQ((*timeline)[1].data_json, R"({"agent":7})");
  EXPECT_EQ((*timeline)[2].type, "completed");
  EXPECT_TRUE(store().timeline(424242)->empty());
  EXPECT_EQ(store().interaction(424242).error().field, "id");
}

// The supervisors' requests at risk: open ones with an announced answer due
// before a time, soonest first; ended ones and those with none left out.
TEST_P(StoreContractTest, AnswersDueListOpenRequestsSoonestFirst) {
  auto mail = [&](std::int64_t due_ms) {
    Interaction it = call(1, 1000);
    it.channel = "email";
    if (due_ms) it.answer_due = time_from_ms(due_ms);
    return store().create_interaction(it, event("queued", 1000))->id;
  };
  const auto later = mail(90'000);
  const auto soon = mail(20'000);
  const auto ended = mail(10'000);
  mail(0);  // no date announced
  const auto tie = mail(20'000);
  mail(500'000);  // not before the limit
  ASSERT_TRUE(store().append_events({event("completed", 2000, ended)}).is_ok());
  EXPECT_EQ(store().interaction(soon)->answer_due, time_from_ms(20'000));
  auto due = store().answers_due(time_from_ms(100'000), 10);
  ASSERT_TRUE(due.is_ok()) << due.status().to_string();
  ASSERT_EQ(due->size(), 3u);
  EXPECT_EQ((*due)[0].id, soon);
  EXPECT_EQ((*due)[1].id, tie);
  EXPECT_EQ((*due)[2].id, later);
  EXPECT_EQ(store().answers_due(time_from_ms(100'000), 1)->size(), 1u);
  EXPECT_FALSE(store().open_interactions()->empty());
  EXPECT_EQ((*store().open_interactions())[0].answer_due, time_from_ms(90'000));
}

TEST_P(StoreContractTest, EventsMoveAnInteractionAndEndItOnce) {
  const auto id = store().create_interaction(call(1, 1000), event("queued", 1000))->id;
  InteractionEvent transferred = event("transferred", 2000, id);
  transferred.queue_id = 5;
  InteractionEvent callback = event("callback_requested", 3000, id);
  callback.channel = "callback";
  ASSERT_TRUE(store().append_events({transferred, callback}).is_ok());
  auto moved = store().interaction(id);
  EXPECT_EQ(moved->queue_id, 5u);
  EXPECT_EQ(moved->channel, "callback");
  EXPECT_EQ(moved->status, "waiting");

  ASSERT_TRUE(store().append_events({event("abandoned", 4000, id)}).is_ok());
  ASSERT_TRUE(store().append_events({event("completed", 5000, id)}).is_ok());
  auto ended = store().interaction(id);
  EXPECT_EQ(ended->status, "abandoned") << "the first outcome stays";
  EXPECT_EQ(ended->ended_at, time_from_ms(4000));
  EXPECT_EQ(store().timeline(id)->size(), 5u);

  // All of a write or nothing: one unknown interaction refuses the others.
  EXPECT_FALSE(store().append_events({event("note", 6000, id), event("note", 6000, 99)}).is_ok());
  EXPECT_EQ(store().timeline(id)->size(), 5u);
  InteractionFilter callbacks;
  callbacks.channel = "callback";
  EXPECT_EQ(store().list_interactions(callbacks)->size(), 1u);
  EXPECT_TRUE(store().open_interactions()->empty());
}

TEST_P(StoreContractTest, AnIdempotencyKeyAnswersARetryWithTheFirstCreate) {
  Interaction it = call(1, 1000);
  it.idempotency_key = "7:abc";
  it.request_digest = "digest-1";
  auto first = store().create_interaction(it, event("queued", 1000));
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  EXPECT_FALSE(first->replayed);
  auto again = store().create_interaction(it, event("queued", 1000));
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->id, first->id);
  EXPECT_EQ(store().list_interactions({})->size(), 1u);
  EXPECT_EQ(store().timeline(first->id)->size(), 1u);

  ASSERT_TRUE(store().append_events({event("completed", 2000, first->id)}).is_ok());
  EXPECT_EQ(store().create_interaction(it, event("queued", 1000))->status, "completed")
      << "the interaction as it is now";
  it.request_digest = "digest-2";
  auto other = store().create_interaction(it, event("queued", 1000));
  ASSERT_FALSE(other.is_ok());
  EXPECT_EQ(other.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(other.error().field, "idempotency-key");
}

TEST_P(StoreContractTest, ContactsFindTheirCitizenAndBelongToOneOnly) {
  Citizen jean{0, "Jean Dupont", {{"phone", "+33612345678"}, {"email", "jean@exemple.fr"}}, {}, 0};
  auto created = store().create_citizen(jean);
  ASSERT_TRUE(created.is_ok()) << created.status().to_string();
  Citizen usurper{0, "Autre", {{"phone", "+33612345678"}}, {}, 0};
  auto refused = store().create_citizen(usurper);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(refused.error().field, "contacts");
  auto by_phone = store().find_citizens("+33612345678", 10);
  ASSERT_EQ(by_phone->size(), 1u);
  EXPECT_EQ((*by_phone)[0].id, created->id);
  auto by_name = store().find_citizens("jean", 10);
  ASSERT_EQ(by_name->size(), 1u);
  ASSERT_EQ((*by_name)[0].contacts.size(), 2u);
  EXPECT_EQ((*by_name)[0].contacts[0].kind, "email") << "by kind, then value";
  EXPECT_EQ(store().find_citizens("100%", 10)->size(), 0u) << "LIKE wildcards are escaped";

  auto taken = store().add_contact(created->id, {"phone", "+33612345678"});
  EXPECT_EQ(taken.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(taken.error().field, "contacts");
  auto nobody = store().add_contact(999, {"email", "personne@exemple.fr"});
  EXPECT_EQ(nobody.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(nobody.error().field, "id");
  ASSERT_TRUE(store().add_contact(created->id, {"email", "j.dupont@exemple.fr"}).is_ok());
  EXPECT_EQ(store().citizen(created->id)->contacts.size(), 3u);

  // A contact matching exactly comes before names starting with the query.
  const auto zoe = store().create_citizen({0, "Zoé Martin", {{"email", "Jean"}}, {}, 0})->id;
  auto both = store().find_citizens("Jean", 10);
  ASSERT_EQ(both->size(), 2u);
  EXPECT_EQ((*both)[0].id, zoe);
  EXPECT_EQ((*both)[1].id, created->id);
  EXPECT_EQ(store().find_citizens("Jean", 1)->size(), 1u);
}

TEST_P(StoreContractTest, AnEventIdentifiesTheCitizenOfAnInteraction) {
  const auto keep = store().create_citizen({0, "Anne Martin", {}, {}, 0})->id;
  const auto duplicate = store().create_citizen({0, "A. Martin", {}, {}, 0})->id;
  const auto id = store().create_interaction(call(1, 1000), event("queued", 1000))->id;
  InteractionEvent identified = event("citizen_identified", 2000, id);
  identified.citizen_id = duplicate;
  ASSERT_TRUE(store().append_events({identified}).is_ok());
  EXPECT_EQ(store().interaction(id)->citizen_id, duplicate);
  InteractionFilter of_duplicate;
  of_duplicate.citizen_id = duplicate;
  EXPECT_EQ(store().list_interactions(of_duplicate)->size(), 1u);

  // After a merge, naming the duplicate names the one kept.
  ASSERT_TRUE(store().merge_citizens(keep, duplicate).is_ok());
  identified.at = time_from_ms(3000);
  ASSERT_TRUE(store().append_events({identified}).is_ok());
  EXPECT_EQ(store().interaction(id)->citizen_id, keep);

  // No such citizen: the whole write is refused, the timeline unchanged.
  const std::size_t events = store().timeline(id)->size();
  identified.citizen_id = 999;
  auto refused = store().append_events({event("note", 4000, id), identified});
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(refused.error().field, "citizen_id");
  EXPECT_EQ(store().timeline(id)->size(), events);
  EXPECT_EQ(store().interaction(id)->citizen_id, keep);
}

TEST_P(StoreContractTest, MergingMovesContactsAndInteractions) {
  const auto keep =
      store().create_citizen({0, "Marie Curie", {{"email", "marie@exemple.fr"}}, {}, 0})->id;
  const auto duplicate =
      store().create_citizen({0, "M. Curie", {{"phone", "+33100000000"}}, {}, 0})->id;
  Interaction it = call(1, 1000);
  it.citizen_id = duplicate;
  const auto interaction = store().create_interaction(it, event("queued", 1000))->id;
  ASSERT_TRUE(store().merge_citizens(keep, duplicate).is_ok());
  EXPECT_EQ(store().citizen(keep)->contacts.size(), 2u);
  EXPECT_EQ(store().citizen(duplicate)->merged_into, keep);
  EXPECT_EQ(store().interaction(interaction)->citizen_id, keep);
  auto again = store().merge_citizens(keep, duplicate);
  EXPECT_EQ(again.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(again.error().field, "duplicate_id");
  EXPECT_EQ(store().merge_citizens(duplicate, keep).error().field, "id");
  EXPECT_EQ(store().merge_citizens(keep, keep).error().code, ErrorCode::kInvalidArgument);
  auto unknown_citizen = store().merge_citizens(keep, 999);
  EXPECT_EQ(unknown_citizen.error().code, ErrorCode::kNotFound);

  // After the merge, an interaction for the duplicate goes to the one kept;
  // one for a citizen that does not exist is refused and not stored.
  auto later = store().create_interaction(it, event("queued", 2000));
  ASSERT_TRUE(later.is_ok()) << later.status().to_string();
  EXPECT_EQ(later->citizen_id, keep);
  EXPECT_EQ(store().interaction(later->id)->citizen_id, keep);
  it.citizen_id = 999;
  auto unknown = store().create_interaction(it, event("queued", 3000));
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().field, "citizen_id");
  EXPECT_FALSE(store().interaction(later->id + 1).is_ok());
  InteractionFilter of_keep;
  of_keep.citizen_id = keep;
  EXPECT_EQ(store().list_interactions(of_keep)->size(), 2u);
}

TEST_P(StoreContractTest, AsynchronousCreatesAnswerInOrderOnTheStoresThread) {
  constexpr int kCreates = 200;
  std::mutex mutex;
  std::condition_variable all_done;
  std::vector<std::uint64_t> ids;
  bool on_callers_thread = false;
  const std::thread::id caller = std::this_thread::get_id();
  for (int i = 0; i < kCreates; ++i) {
    Interaction task;
    task.channel = "task";
    task.queue_id = 1;
    store().create_interaction_async(task, event("created", 0), [&](Result<Interaction> stored) {
      std::lock_guard lock(mutex);
      on_callers_thread |= std::this_thread::get_id() == caller;
      ids.push_back(stored.is_ok() ? stored->id : 0);
      all_done.notify_one();
    });
  }
  std::unique_lock lock(mutex);
  ASSERT_TRUE(all_done.wait_for(lock, 10s, [&] { return ids.size() == kCreates; }));
  EXPECT_FALSE(on_callers_thread);
  EXPECT_EQ(ids.front(), 1u);
  for (std::size_t i = 1; i < ids.size(); ++i)
    EXPECT_EQ(ids[i], ids[i - 1] + 1) << "answers come in submission order";
  EXPECT_EQ(store().timeline(ids.back())->size(), 1u);
}

TEST_P(StoreContractTest, TrafficIsCountedPerIntervalQueueChannelAndAgent) {
  constexpr std::int64_t kTen = 1'764'496'800'000;  // 2025-11-30T10:00:00Z
  constexpr std::int64_t kMinute = 60'000;
  auto arrive = [&](const char* channel, std::uint64_t queue, std::int64_t at) {
    Interaction it = call(queue, at);
    it.channel = channel;
    return store().create_interaction(it, event("created", at))->id;
  };
  auto add = [&](std::uint64_t id, const char* type, std::int64_t at, std::uint64_t queue,
                 std::uint64_t agent, std::int64_t waited_ms) {
    InteractionEvent e = event(type, at, id);
    e.data_json = "{\"queue_id\":" + std::to_string(queue) +
                  ",\"agent_id\":" + std::to_string(agent) +
                  ",\"waited_ms\":" + std::to_string(waited_ms) + "}";
    ASSERT_TRUE(store().append_events({e}).is_ok());
  };
  const auto a = arrive("voice", 1, kTen);
  add(a, "offered", kTen + 10'000, 1, 7, 10'000);
  add(a, "accepted", kTen + 20'000, 1, 7, 20'000);
  add(a, "completed", kTen + 5 * kMinute, 1, 7, 20'000);
  const auto b = arrive("voice", 1, kTen + 5 * kMinute);
  add(b, "abandoned", kTen + 6 * kMinute, 1, 0, kMinute);
  const auto c = arrive("chat", 2, kTen + kMinute);
  add(c, "offered", kTen + kMinute + 1'000, 2, 8, 1'000);
  add(c, "offer_timeout", kTen + kMinute + 31'000, 2, 8, 31'000);
  add(c, "accepted", kTen + kMinute + 40'000, 2, 7, 40'000);
  const auto d = arrive("voice", 1, kTen + 20 * kMinute);
  add(d, "accepted", kTen + 21 * kMinute + 30'000, 1, 8, 90'000);
  (void)arrive("voice", 1, kTen + 60 * kMinute);  // outside the range

  TrafficQuery query;
  query.from = time_from_ms(kTen);
  query.to = time_from_ms(kTen + 60 * kMinute);
  query.bucket = Duration(15 * kMinute);
  query.thresholds = {{1, Duration(30'000)}, {2, Duration(60'000)}};
  auto by_queue = store().traffic(query);
  ASSERT_TRUE(by_queue.is_ok()) << by_queue.status().to_string();
  ASSERT_EQ(by_queue->size(), 3u);
  const TrafficRow& first = (*by_queue)[0];
  EXPECT_EQ(first.key, "1");
  EXPECT_EQ(first.start, time_from_ms(kTen));
  EXPECT_EQ(first.offered, 2u);
  EXPECT_EQ(first.answered, 1u);
  EXPECT_EQ(first.answered_in_threshold, 1u);
  EXPECT_EQ(first.abandoned, 1u);
  EXPECT_DOUBLE_EQ(first.answered_wait_s, 20.0);
  EXPECT_EQ((*by_queue)[1].key, "2");
  EXPECT_EQ((*by_queue)[1].answered_in_threshold, 1u) << "40 s within queue 2's 60 s";
  const TrafficRow& later = (*by_queue)[2];
  EXPECT_EQ(later.start, time_from_ms(kTen + 15 * kMinute));
  EXPECT_EQ(later.answered, 1u);
  EXPECT_EQ(later.answered_in_threshold, 0u) << "90 s is over queue 1's 30 s";

  query.by = TrafficQuery::By::kChannel;
  query.bucket = Duration(0);  // the whole range
  auto by_channel = store().traffic(query);
  ASSERT_TRUE(by_channel.is_ok()) << by_channel.status().to_string();
  ASSERT_EQ(by_channel->size(), 2u);
  EXPECT_EQ((*by_channel)[0].key, "chat");
  EXPECT_EQ((*by_channel)[1].key, "voice");
  EXPECT_EQ((*by_channel)[1].offered, 3u);
  EXPECT_EQ((*by_channel)[1].answered, 2u);
  EXPECT_DOUBLE_EQ((*by_channel)[1].answered_wait_s, 110.0);

  query.by = TrafficQuery::By::kAgent;
  auto by_agent = store().traffic(query);
  ASSERT_TRUE(by_agent.is_ok()) << by_agent.status().to_string();
  ASSERT_EQ(by_agent->size(), 2u);
  EXPECT_EQ((*by_agent)[0].key, "7");
  EXPECT_EQ((*by_agent)[0].offers, 1u);
  EXPECT_EQ((*by_agent)[0].accepted, 2u);
  EXPECT_EQ((*by_agent)[0].completed, 1u);
  EXPECT_EQ((*by_agent)[1].key, "8");
  EXPECT_EQ((*by_agent)[1].missed, 1u);

  query.to = query.from;
  EXPECT_EQ(store().traffic(query).error().code, ErrorCode::kInvalidArgument);
  query.to = time_from_ms(kTen + 60 * kMinute);
  query.by = TrafficQuery::By::kQueue;
  InteractionEvent garbled = event("accepted", kTen + 30 * kMinute, d);
  garbled.data_json = "not json";
  ASSERT_TRUE(store().append_events({garbled}).is_ok());
  EXPECT_EQ(store().traffic(query).error().code, ErrorCode::kIo) << "malformed data is an error";
}

// Accessible reception is counted apart by channel: the calls a relay
// provider places ("voice:relay") and real-time text ("chat:rtt").
TEST_P(StoreContractTest, AccessibleReceptionIsCountedApartByChannel) {
  constexpr std::int64_t kTen = 1'764'496'800'000;
  auto arrive = [&](const char* channel, const char* attributes) {
    Interaction it = call(1, kTen);
    it.channel = channel;
    it.attributes_json = attributes;
    const std::uint64_t id = store().create_interaction(it, event("created", kTen))->id;
    InteractionEvent accepted = event("accepted", kTen + 1'000, id);
    accepted.data_json = R"({"queue_id":1,"agent_id":7,"waited_ms":1000})";
    EXPECT_TRUE(store().append_events({accepted}).is_ok());
  };
  arrive("voice", R"({"caller":"+33100000000"})");
  arrive("voice", R"({"caller":"+33100000099","relay":"Acce-o"})");
  arrive("chat", R"({"mode":"rtt"})");
  arrive("chat", R"({"origin":"web chat"})");
  TrafficQuery query;
  query.from = time_from_ms(kTen);
  query.to = time_from_ms(kTen + 3'600'000);
  query.bucket = Duration(0);
  query.by = TrafficQuery::By::kChannel;
  auto rows = store().traffic(query);
  ASSERT_TRUE(rows.is_ok()) << rows.status().to_string();
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> got;
  for (const TrafficRow& r : *rows)
    got[r.key] = {r.offered, r.answered};
  const std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> expected = {
      {"chat", {1, 1}}, {"chat:rtt", {1, 1}}, {"voice", {1, 1}}, {"voice:relay", {1, 1}}};
  EXPECT_EQ(got, expected);
}

TEST_P(StoreContractTest, AChannelKeepsEntriesByKeyApartFromOtherChannels) {
  ASSERT_TRUE(store().put_channel_entries(
      "email", {{"in:<a@x>", "12"}, {"in:<a%_b@x>", "13"}, {"mailbox:1", "77:4"}}));
  ASSERT_TRUE(store().put_channel_entries("sms", {{"in:<a@x>", "99"}}));
  EXPECT_EQ(*store().channel_entry("email", "in:<a@x>"), "12");
  EXPECT_EQ(*store().channel_entry("sms", "in:<a@x>"), "99");
  EXPECT_EQ(store().channel_entry("email", "in:<b@x>").error().code, ErrorCode::kNotFound);
  // A prefix is text, never a pattern: % and _ match themselves only.
  auto found = store().channel_entries("email", "in:<a%");
  ASSERT_TRUE(found);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].value, "13");
  EXPECT_EQ(store().channel_entries("email", "in:")->size(), 2u);
  EXPECT_EQ(store().channel_entries("email", "")->size(), 3u);
  // Replaced, then removed by an empty value.
  ASSERT_TRUE(store().put_channel_entries("email", {{"mailbox:1", "77:5"}, {"in:<a@x>", ""}}));
  EXPECT_EQ(*store().channel_entry("email", "mailbox:1"), "77:5");
  EXPECT_EQ(store().channel_entry("email", "in:<a@x>").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(*store().channel_entry("sms", "in:<a@x>"), "99");
}

// What is MemoryStore's own: its writer thread.

TEST(MemoryStoreTest, DoneRunsOnTheWriterThreadEvenWithNothingToWrite) {
  MemoryStore store;
  std::promise<std::thread::id> ran_on;
  store.append_events_async({}, [&](Status status) {
    EXPECT_TRUE(status.is_ok());
    ran_on.set_value(std::this_thread::get_id());
  });
  auto thread = ran_on.get_future();
  ASSERT_EQ(thread.wait_for(5s), std::future_status::ready);
  EXPECT_NE(thread.get(), std::this_thread::get_id());
}

TEST(MemoryStoreTest, TheDestructorWritesWhatWasSubmitted) {
  std::atomic<int> written{0};
  {
    MemoryStore store;
    const auto id = store.create_interaction(call(1, 0), event("queued", 0))->id;
    for (int i = 0; i < 100; ++i) {
      store.append_events_async({event("note", i, id)}, [&](Status status) {
        if (status.is_ok()) ++written;
      });
    }
  }
  EXPECT_EQ(written, 100);
}

// The fault-injecting wrapper, around a MemoryStore.

TEST(FaultyStoreTest, WritesFailAfterNWithoutReachingTheStore) {
  MemoryStore memory;
  FaultyStore store(memory);
  store.fail_writes_after(2);
  EXPECT_TRUE(store.create_citizen({0, "Un", {}, {}, 0}).is_ok());
  EXPECT_TRUE(store.create_citizen({0, "Deux", {}, {}, 0}).is_ok());
  auto third = store.create_citizen({0, "Trois", {}, {}, 0});
  ASSERT_FALSE(third.is_ok());
  EXPECT_EQ(third.error().code, ErrorCode::kIo);
  EXPECT_EQ(store.put_document({"queue", 0, "q", "{}"}, 1, {}).error().code, ErrorCode::kIo);
  EXPECT_EQ(memory.find_citizens("Trois", 10)->size(), 0u) << "never reached the store";
  EXPECT_TRUE(store.citizen(2).is_ok()) << "reads still work";
  EXPECT_EQ(store.writes(), 2u);
  EXPECT_EQ(store.faults(), 2u);

  store.heal();
  EXPECT_EQ(store.create_citizen({0, "Trois", {}, {}, 0})->id, 3u);
  store.fail_writes_after(0, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(store.delete_session("x").error().code, ErrorCode::kFailedPrecondition);
}

TEST(FaultyStoreTest, FailNextFailsTheNextCallOfThatNameOnly) {
  MemoryStore memory;
  FaultyStore store(memory);
  store.fail_next("put_document", ErrorCode::kAlreadyExists);
  store.fail_next("traffic");
  EXPECT_TRUE(store.create_citizen({0, "Jean", {}, {}, 0}).is_ok()) << "another call";
  EXPECT_EQ(store.put_document({"queue", 0, "q", "{}"}, 1, {}).error().code,
            ErrorCode::kAlreadyExists);
  EXPECT_TRUE(store.put_document({"queue", 0, "q", "{}"}, 1, {}).is_ok());
  TrafficQuery query;
  query.to = time_from_ms(1000);
  EXPECT_EQ(store.traffic(query).error().code, ErrorCode::kIo) << "reads fail too";
  EXPECT_TRUE(store.traffic(query).is_ok());
}

TEST(FaultyStoreTest, AFailedAsynchronousAppendIsReportedThroughDone) {
  MemoryStore memory;
  FaultyStore store(memory);
  const auto id = store.create_interaction(call(1, 0), event("queued", 0))->id;
  store.fail_next("append_events_async");
  std::promise<std::pair<Status, std::thread::id>> failed;
  store.append_events_async({event("completed", 1000, id)}, [&](Status status) {
    failed.set_value({status, std::this_thread::get_id()});
  });
  auto answer = failed.get_future();
  ASSERT_EQ(answer.wait_for(5s), std::future_status::ready);
  const auto [status, thread] = answer.get();
  ASSERT_FALSE(status.is_ok());
  EXPECT_EQ(status.error().code, ErrorCode::kIo);
  EXPECT_NE(thread, std::this_thread::get_id()) << "not on the caller's stack";
  EXPECT_EQ(memory.timeline(id)->size(), 1u);
  EXPECT_EQ(memory.interaction(id)->status, "waiting");

  std::promise<Status> written;
  store.append_events_async({event("completed", 2000, id)},
                            [&](Status s) { written.set_value(s); });
  auto next = written.get_future();
  ASSERT_EQ(next.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(next.get().is_ok());
  EXPECT_EQ(memory.interaction(id)->status, "completed");
}

TEST(FaultyStoreTest, ASlowDiskDelaysEachWriteAndKeepsTheirOrder) {
  constexpr auto kDelay = 50ms;
  MemoryStore memory;
  FaultyStore store(memory);
  store.delay_commits(kDelay);
  auto start = std::chrono::steady_clock::now();
  const auto id = store.create_interaction(call(1, 0), event("queued", 0))->id;
  EXPECT_GE(std::chrono::steady_clock::now() - start, kDelay);

  start = std::chrono::steady_clock::now();
  std::promise<void> all_written;
  for (const char* type : {"a", "b", "c"}) {
    const bool last = std::string(type) == "c";
    store.append_events_async({event(type, 1000, id)}, [&, last](Status status) {
      EXPECT_TRUE(status.is_ok());
      if (last) all_written.set_value();
    });
  }
  auto written = all_written.get_future();
  ASSERT_EQ(written.wait_for(5s), std::future_status::ready);
  EXPECT_GE(std::chrono::steady_clock::now() - start, kDelay);
  auto timeline = memory.timeline(id);
  ASSERT_EQ(timeline->size(), 4u);
  EXPECT_EQ((*timeline)[1].type, "a");
  EXPECT_EQ((*timeline)[3].type, "c");
  EXPECT_EQ(store.writes(), 4u);
}

}  // namespace
}  // namespace guichet::store
