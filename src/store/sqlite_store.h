// The embedded Store: one SQLite database file in WAL mode, migrated on open.
//
// Writes go to one writer thread that group-commits: it takes every write
// waiting, runs each in its own savepoint (one failing write does not fail
// the others), commits once with synchronous=FULL, then wakes the writers.
// Reads use their own connection (WAL readers never wait for the writer),
// serialized by a mutex.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace guichet::store {

class SqliteStore final : public Store {
 public:
  // Opens or creates the database at `path` and migrates it to the latest
  // schema. Fails with kIo when the file cannot be opened or migrated.
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& path);
  // Commits what was submitted, then stops the writer.
  ~SqliteStore() override;

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

  // Commits so far, and writes they carried: their ratio is the group-commit
  // factor (for metrics and tests).
  std::uint64_t commits() const;
  std::uint64_t writes() const;

  class Impl;

 private:
  explicit SqliteStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace guichet::store
