// The embedded store against a real SQLite file in a temporary directory.
#include "store/sqlite_store.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include <filesystem>
#include <thread>

namespace guichet::store {
namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = std::filesystem::temp_directory_path() /
                 ("guichet_store_test_" + std::to_string(::getpid()) + "_" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(directory_);
    std::filesystem::create_directories(directory_);
    path_ = (directory_ / "guichet.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  std::unique_ptr<SqliteStore> open() {
    auto store = SqliteStore::open(path_);
    EXPECT_TRUE(store.is_ok()) << store.status().to_string();
    return store.is_ok() ? std::move(*store) : nullptr;
  }

  static Interaction call(std::uint64_t queue, std::int64_t enqueued_ms) {
    Interaction it;
    it.channel = "voice";
    it.queue_id = queue;
    it.enqueued_at = time_from_ms(enqueued_ms);
    return it;
  }
  static InteractionEvent event(const char* type, std::int64_t at_ms) {
    InteractionEvent e;
    e.type = type;
    e.at = time_from_ms(at_ms);
    return e;
  }

  std::filesystem::path directory_;
  std::string path_;
};

TEST_F(SqliteStoreTest, MigratesAFreshDatabaseAndReopens) {
  {
    auto store = open();
    ASSERT_TRUE(store);
    EXPECT_EQ(*store->schema_version(), 9);
  }
  auto again = open();
  ASSERT_TRUE(again);
  EXPECT_EQ(*again->schema_version(), 9);
}

TEST_F(SqliteStoreTest, UsersHaveUniqueNames) {
  auto store = open();
  User alice;
  alice.username = "alice";
  alice.display_name = "Alice Martin";
  alice.role = Role::kSupervisor;
  alice.password_hash = "$argon2id$...";
  auto created = store->create_user(alice);
  ASSERT_TRUE(created.is_ok()) << created.status().to_string();
  EXPECT_GT(created->id, 0u);
  auto duplicate = store->create_user(alice);
  ASSERT_FALSE(duplicate.is_ok());
  EXPECT_EQ(duplicate.error().code, ErrorCode::kAlreadyExists);
  auto found = store->find_user("alice");
  ASSERT_TRUE(found.is_ok());
  EXPECT_EQ(found->display_name, "Alice Martin");
  EXPECT_EQ(found->role, Role::kSupervisor);
  EXPECT_EQ(store->find_user("bob").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store->list_users()->size(), 1u);
}

TEST_F(SqliteStoreTest, SessionsBelongToUsers) {
  auto store = open();
  User user;
  user.username = "agent1";
  user.password_hash = "x";
  const std::uint64_t id = store->create_user(user)->id;
  Session session{"hash-1", id, time_from_ms(1000), time_from_ms(9000)};
  ASSERT_TRUE(store->create_session(session).is_ok());
  EXPECT_EQ(store->find_session("hash-1")->user_id, id);
  EXPECT_EQ(store->create_session({"hash-2", 999, {}, {}}).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(store->delete_session("hash-1").is_ok());
  EXPECT_EQ(store->find_session("hash-1").error().code, ErrorCode::kNotFound);
}

TEST_F(SqliteStoreTest, InteractionsKeepTheirTimelineAndComeBackInOrder) {
  std::uint64_t first = 0, second = 0, third = 0;
  {
    auto store = open();
    // Created out of enqueue order: recovery orders by enqueue time, then id.
    second = store->create_interaction(call(1, 2000), event("queued", 2000))->id;
    first = store->create_interaction(call(1, 1000), event("queued", 1000))->id;
    third = store->create_interaction(call(2, 2000), event("queued", 2000))->id;
    InteractionEvent offered = event("offered", 2500);
    offered.interaction_id = first;
    offered.data_json = R"({"agent":7})";
    InteractionEvent completed = event("completed", 3000);
    completed.interaction_id = first;
    ASSERT_TRUE(store->append_events({offered, completed}).is_ok());
    InteractionEvent orphan = event("offered", 3000);
    orphan.interaction_id = 424242;
    EXPECT_EQ(store->append_events({orphan}).error().code, ErrorCode::kNotFound);
  }
  auto store = open();  // as after a restart
  InteractionFilter waiting_in_1;
  waiting_in_1.status = "waiting";
  waiting_in_1.queue_id = 1;
  auto listed = store->list_interactions(waiting_in_1);
  ASSERT_TRUE(listed.is_ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, second);
  InteractionFilter page;
  page.limit = 2;
  auto first_page = store->list_interactions(page);
  ASSERT_EQ(first_page->size(), 2u);
  EXPECT_EQ((*first_page)[0].id, third) << "newest first";
  page.before_id = first_page->back().id;
  auto next_page = store->list_interactions(page);
  ASSERT_EQ(next_page->size(), 1u);
  auto open_now = store->open_interactions();
  ASSERT_TRUE(open_now.is_ok());
  ASSERT_EQ(open_now->size(), 2u);
  EXPECT_EQ((*open_now)[0].id, second);
  EXPECT_EQ((*open_now)[1].id, third);
  EXPECT_EQ((*open_now)[0].enqueued_at, time_from_ms(2000));
  auto done = store->interaction(first);
  EXPECT_EQ(done->status, "completed");
  EXPECT_EQ(done->ended_at, time_from_ms(3000));
  auto timeline = store->timeline(first);
  ASSERT_EQ(timeline->size(), 3u);
  EXPECT_EQ((*timeline)[0].type, "queued");
  EXPECT_EQ((*timeline)[1].data_json, R"({"agent":7})");
  EXPECT_EQ((*timeline)[2].type, "completed");
}

TEST_F(SqliteStoreTest, ConcurrentWritersShareCommits) {
  auto store = open();
  constexpr int kThreads = 8;
  constexpr int kEach = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&store, t] {
      for (int i = 0; i < kEach; ++i) {
        auto created = store->create_interaction(call(static_cast<std::uint64_t>(t + 1), i),
                                                 event("queued", i));
        ASSERT_TRUE(created.is_ok());
      }
    });
  }
  for (std::thread& thread : threads)
    thread.join();
  EXPECT_EQ(store->open_interactions()->size(), static_cast<std::size_t>(kThreads * kEach));
  EXPECT_EQ(store->writes(), static_cast<std::uint64_t>(kThreads * kEach));
  // Eight writers waiting on each other's fsync: fewer commits than writes.
  EXPECT_LT(store->commits(), store->writes());
  std::printf("%llu writes in %llu commits\n", static_cast<unsigned long long>(store->writes()),
              static_cast<unsigned long long>(store->commits()));
}

TEST_F(SqliteStoreTest, DocumentsAreAuditedOnEveryChange) {
  auto store = open();
  Document queue{"queue", 0, "etat-civil", R"({"channel":"voice"})"};
  auto created = store->put_document(queue, 7, time_from_ms(1000));
  ASSERT_TRUE(created.is_ok()) << created.status().to_string();
  EXPECT_EQ(created->id, 1u);
  EXPECT_EQ(store->put_document(queue, 7, time_from_ms(1000)).error().code,
            ErrorCode::kAlreadyExists)
      << "names are unique within a kind";
  Document other_kind{"skill", 0, "etat-civil", "{}"};
  EXPECT_TRUE(store->put_document(other_kind, 7, time_from_ms(1000)).is_ok());
  Document changed = *created;
  changed.body_json = R"({"channel":"voice","priority":2})";
  ASSERT_TRUE(store->put_document(changed, 8, time_from_ms(2000)).is_ok());
  Document chosen_id{"agent", 42, "agent42", "{}"};  // agents take their user's id
  EXPECT_EQ(store->put_document(chosen_id, 8, time_from_ms(2000))->id, 42u);
  EXPECT_EQ(store->document("queue", 1)->body_json, changed.body_json);
  ASSERT_TRUE(store->delete_document("queue", 1, 9, time_from_ms(3000)).is_ok());
  EXPECT_EQ(store->document("queue", 1).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store->documents("queue")->size(), 0u);
  auto log = store->audit_log(10);
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
}

TEST_F(SqliteStoreTest, AFileThatIsNotADatabaseIsRefused) {
  {
    std::FILE* file = std::fopen(path_.c_str(), "w");
    std::fputs("this is not a database, just text long enough to look like a header", file);
    std::fclose(file);
  }
  auto store = SqliteStore::open(path_);
  ASSERT_FALSE(store.is_ok());
  EXPECT_EQ(store.error().code, ErrorCode::kIo);
}

}  // namespace
}  // namespace guichet::store

namespace guichet::store {
namespace {

class CitizenStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("guichet_citizens_" + std::to_string(::getpid()) + ".db"))
                .string();
    std::filesystem::remove(path_);
    auto opened = SqliteStore::open(path_);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    store_ = std::move(opened).value();
  }
  void TearDown() override {
    store_.reset();
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(path_ + suffix);
  }
  std::string path_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(CitizenStoreTest, ContactsFindTheirCitizenAndBelongToOneOnly) {
  Citizen jean{0, "Jean Dupont", {{"phone", "+33612345678"}, {"email", "jean@exemple.fr"}}, {}, 0};
  auto created = store_->create_citizen(jean);
  ASSERT_TRUE(created.is_ok()) << created.status().to_string();
  Citizen usurper{0, "Autre", {{"phone", "+33612345678"}}, {}, 0};
  auto refused = store_->create_citizen(usurper);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(refused.error().field, "contacts");
  auto by_phone = store_->find_citizens("+33612345678", 10);
  ASSERT_EQ(by_phone->size(), 1u);
  EXPECT_EQ((*by_phone)[0].id, created->id);
  auto by_name = store_->find_citizens("jean", 10);
  ASSERT_EQ(by_name->size(), 1u);
  EXPECT_EQ((*by_name)[0].contacts.size(), 2u);
  EXPECT_EQ(store_->find_citizens("100%", 10)->size(), 0u) << "LIKE wildcards are escaped";
}

TEST_F(CitizenStoreTest, MergingMovesContactsAndInteractions) {
  const auto keep =
      store_->create_citizen({0, "Marie Curie", {{"email", "marie@exemple.fr"}}, {}, 0})->id;
  const auto duplicate =
      store_->create_citizen({0, "M. Curie", {{"phone", "+33100000000"}}, {}, 0})->id;
  Interaction call;
  call.channel = "voice";
  call.queue_id = 1;
  call.citizen_id = duplicate;
  InteractionEvent queued;
  queued.type = "queued";
  const auto interaction = store_->create_interaction(call, queued)->id;
  ASSERT_TRUE(store_->merge_citizens(keep, duplicate).is_ok());
  auto merged = store_->citizen(keep);
  EXPECT_EQ(merged->contacts.size(), 2u);
  EXPECT_EQ(store_->citizen(duplicate)->merged_into, keep);
  EXPECT_EQ(store_->interaction(interaction)->citizen_id, keep);
  EXPECT_EQ(store_->merge_citizens(keep, duplicate).error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(store_->merge_citizens(keep, keep).error().code, ErrorCode::kInvalidArgument);

  // After the merge, an interaction for the duplicate goes to the one kept;
  // one for a citizen that does not exist is refused and not stored.
  auto later = store_->create_interaction(call, queued);
  ASSERT_TRUE(later.is_ok()) << later.status().to_string();
  EXPECT_EQ(later->citizen_id, keep);
  EXPECT_EQ(store_->interaction(later->id)->citizen_id, keep);
  call.citizen_id = 999;
  auto unknown = store_->create_interaction(call, queued);
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().field, "citizen_id");
  EXPECT_FALSE(store_->interaction(later->id + 1).is_ok());
}

TEST_F(CitizenStoreTest, AsynchronousCreatesAnswerInOrderOnceDurable) {
  constexpr int kCreates = 200;
  std::mutex mutex;
  std::condition_variable all_done;
  std::vector<std::uint64_t> ids;
  for (int i = 0; i < kCreates; ++i) {
    Interaction task;
    task.channel = "task";
    task.queue_id = 1;
    InteractionEvent created;
    created.type = "created";
    store_->create_interaction_async(task, created, [&](Result<Interaction> stored) {
      ASSERT_TRUE(stored.is_ok()) << stored.status().to_string();
      std::lock_guard lock(mutex);
      ids.push_back(stored->id);
      all_done.notify_one();
    });
  }
  std::unique_lock lock(mutex);
  all_done.wait(lock, [&] { return ids.size() == kCreates; });
  for (std::size_t i = 1; i < ids.size(); ++i)
    EXPECT_EQ(ids[i], ids[i - 1] + 1) << "answers come in submission order";
  EXPECT_LT(store_->commits(), static_cast<std::uint64_t>(kCreates)) << "grouped in commits";
  EXPECT_EQ(store_->timeline(ids.back())->size(), 1u);
}

}  // namespace
}  // namespace guichet::store

namespace guichet::store {
namespace {

TEST_F(CitizenStoreTest, TrafficIsCountedPerIntervalQueueChannelAndAgent) {
  constexpr std::int64_t kTen = 1'764'496'800'000;  // 2025-11-30T10:00:00Z
  constexpr std::int64_t kMinute = 60'000;
  auto arrive = [&](const char* channel, std::uint64_t queue, std::int64_t at) {
    Interaction it;
    it.channel = channel;
    it.queue_id = queue;
    it.enqueued_at = time_from_ms(at);
    InteractionEvent created;
    created.type = "created";
    created.at = it.enqueued_at;
    created.data_json = "{}";
    return store_->create_interaction(it, created)->id;
  };
  auto event = [&](std::uint64_t id, const char* type, std::int64_t at, std::uint64_t queue,
                   std::uint64_t agent, std::int64_t waited_ms) {
    InteractionEvent e;
    e.interaction_id = id;
    e.type = type;
    e.at = time_from_ms(at);
    e.data_json = "{\"queue_id\":" + std::to_string(queue) +
                  ",\"agent_id\":" + std::to_string(agent) +
                  ",\"waited_ms\":" + std::to_string(waited_ms) + "}";
    ASSERT_TRUE(store_->append_events({e}).is_ok());
  };
  const auto a = arrive("voice", 1, kTen);
  event(a, "offered", kTen + 10'000, 1, 7, 10'000);
  event(a, "accepted", kTen + 20'000, 1, 7, 20'000);
  event(a, "completed", kTen + 5 * kMinute, 1, 7, 20'000);
  const auto b = arrive("voice", 1, kTen + 5 * kMinute);
  event(b, "abandoned", kTen + 6 * kMinute, 1, 0, kMinute);
  const auto c = arrive("chat", 2, kTen + kMinute);
  event(c, "offered", kTen + kMinute + 1'000, 2, 8, 1'000);
  event(c, "offer_timeout", kTen + kMinute + 31'000, 2, 8, 31'000);
  event(c, "accepted", kTen + kMinute + 40'000, 2, 7, 40'000);
  const auto d = arrive("voice", 1, kTen + 20 * kMinute);
  event(d, "accepted", kTen + 21 * kMinute + 30'000, 1, 8, 90'000);
  (void)arrive("voice", 1, kTen + 60 * kMinute);  // outside the range

  TrafficQuery query;
  query.from = time_from_ms(kTen);
  query.to = time_from_ms(kTen + 60 * kMinute);
  query.bucket = Duration(15 * kMinute);
  query.thresholds = {{1, Duration(30'000)}, {2, Duration(60'000)}};
  auto by_queue = store_->traffic(query);
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
  auto by_channel = store_->traffic(query);
  ASSERT_TRUE(by_channel.is_ok()) << by_channel.status().to_string();
  ASSERT_EQ(by_channel->size(), 2u);
  EXPECT_EQ((*by_channel)[0].key, "chat");
  EXPECT_EQ((*by_channel)[1].key, "voice");
  EXPECT_EQ((*by_channel)[1].offered, 3u);
  EXPECT_EQ((*by_channel)[1].answered, 2u);

  query.by = TrafficQuery::By::kAgent;
  auto by_agent = store_->traffic(query);
  ASSERT_TRUE(by_agent.is_ok()) << by_agent.status().to_string();
  ASSERT_EQ(by_agent->size(), 2u);
  EXPECT_EQ((*by_agent)[0].key, "7");
  EXPECT_EQ((*by_agent)[0].offers, 1u);
  EXPECT_EQ((*by_agent)[0].accepted, 2u);
  EXPECT_EQ((*by_agent)[0].completed, 1u);
  EXPECT_EQ((*by_agent)[1].key, "8");
  EXPECT_EQ((*by_agent)[1].missed, 1u);

  query.to = query.from;
  EXPECT_EQ(store_->traffic(query).error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace guichet::store
