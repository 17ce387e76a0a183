// A Store in memory: for fast domain tests, and for trying Guichet without a
// database file. Nothing survives the process.
//
// It answers as SqliteStore does — the same ids (from 1, increasing), the same
// errors naming the same fields, the same traffic figures — so that a test
// written against Store passes with either. Each write is all or nothing, as
// in a transaction: a refused write leaves nothing behind.
//
// Thread-safety: every call is thread-safe; one mutex guards everything.
// Writes go to one writer thread, in the order they are submitted (as
// SqliteStore's do): a write call returns once that thread has applied it, and
// the asynchronous calls' `done` runs on it, never on the caller's thread.
// `done` must not wait for the store's writes (the writer would wait for
// itself). Reads see every write whose call has returned or whose `done` has
// been called.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "store/store.h"

namespace guichet::store {

class MemoryStore final : public Store {
 public:
  MemoryStore();
  // Applies what was submitted (calling its `done`), then stops the writer.
  ~MemoryStore() override;
  MemoryStore(const MemoryStore&) = delete;
  MemoryStore& operator=(const MemoryStore&) = delete;

  // The version of SqliteStore's schema whose behaviour this store mirrors.
  Result<int> schema_version() override;
  Result<User> create_user(User user) override;
  Result<User> find_user(const std::string& username) override;
  Result<User> user_by_id(std::uint64_t id) override;
  Result<std::vector<User>> list_users() override;
  Result<User> update_user(const User& user, std::uint64_t by, Time at) override;
  Status create_session(const Session& session) override;
  Result<Session> find_session(const std::string& token_hash) override;
  Status delete_session(const std::string& token_hash) override;
  Result<Document> put_document(Document document, std::uint64_t user_id, Time at) override;
  Status delete_document(const std::string& kind, std::uint64_t id, std::uint64_t user_id,
                         Time at) override;
  Result<Document> document(const std::string& kind, std::uint64_t id) override;
  Result<std::vector<Document>> documents(const std::string& kind) override;
  Result<std::vector<AuditEntry>> audit_log(std::size_t limit) override;
  Result<Interaction> create_interaction(Interaction interaction,
                                         InteractionEvent first_event) override;
  void create_interaction_async(Interaction interaction, InteractionEvent first_event,
                                std::function<void(Result<Interaction>)> done) override;
  Result<Interaction> interaction(std::uint64_t id) override;
  Status append_events(const std::vector<InteractionEvent>& events) override;
  void append_events_async(std::vector<InteractionEvent> events,
                           std::function<void(Status)> done) override;
  Result<std::vector<InteractionEvent>> timeline(std::uint64_t interaction_id) override;
  Result<std::vector<Interaction>> list_interactions(const InteractionFilter& filter) override;
  Result<std::vector<TrafficRow>> traffic(const TrafficQuery& query) override;
  Result<Citizen> create_citizen(Citizen citizen) override;
  Result<Citizen> citizen(std::uint64_t id) override;
  Status add_contact(std::uint64_t citizen, const Contact& contact) override;
  Result<std::vector<Citizen>> find_citizens(const std::string& query, std::size_t limit) override;
  Status merge_citizens(std::uint64_t keep, std::uint64_t duplicate) override;
  Result<std::vector<Interaction>> open_interactions() override;
  Result<std::vector<Interaction>> answers_due(Time before, std::size_t limit) override;
  Status put_channel_entries(const std::string& channel,
                             const std::vector<ChannelEntry>& entries) override;
  Result<std::string> channel_entry(const std::string& channel, const std::string& key) override;
  Result<std::vector<ChannelEntry>> channel_entries(const std::string& channel,
                                                    const std::string& prefix) override;

 private:
  struct Tables;  // the data (memory_store.cpp)
  struct PendingWrite {
    std::function<Status(Tables&)> apply;  // all or nothing
    std::function<void(Status)> done;
  };

  // Applies `apply` on the writer thread, after the writes submitted before.
  Status write(std::function<Status(Tables&)> apply);
  // The same, calling `done` on the writer thread instead of waiting.
  void write_async(std::function<Status(Tables&)> apply, std::function<void(Status)> done);
  void write_loop();
  // Runs `read` on the data, under the mutex.
  template <typename Read>
  auto read(Read&& read);

  std::mutex mutex_;
  std::condition_variable queue_ready_;
  std::unique_ptr<Tables> tables_;   // guarded by mutex_
  std::vector<PendingWrite> queue_;  // guarded by mutex_
  bool stopping_ = false;            // guarded by mutex_
  std::thread writer_;               // runs write_loop(); started last
};

}  // namespace guichet::store
