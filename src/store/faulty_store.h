// A Store that forwards every call to another and fails or slows the ones a
// test asks for: a disk that fills up, a database that refuses one write, a
// slow disk. For tests only.
//
// Faults are decided when a call is made, in the order calls are made:
//  - fail_writes_after(n, code): the next n writes go through; every write
//    after them fails with `code` until heal(). Writes are the calls that
//    change state: create_user, update_user, create_session, delete_session,
//    put_document, delete_document, create_interaction(_async),
//    append_events(_async), create_citizen, add_contact, merge_citizens,
//    put_channel_entries.
//  - fail_next(call, code): the next call of that method (its name as in
//    Store: "put_document", "append_events_async", "traffic"…, reads too)
//    fails with `code`; called twice, the next two calls fail.
//  - delay_commits(d): each write waits at least `d` before it is forwarded,
//    as behind a slow disk. Writes then go through a queue of the
//    FaultyStore's own, in order (as does any write while some are queued): a write call returns
//    once its turn, the delay and the wrapped store's write are over; an asynchronous write returns
//    at once. Reads are never delayed.
// A failed call never reaches the wrapped store. A failed asynchronous call
// reports its error through `done` (never throws, never calls `done` on the
// caller's stack), from the FaultyStore's thread, after the writes submitted
// before it; a forwarded one gets `done` from the wrapped store, as usual.
//
// Thread-safety: every call is thread-safe, as the wrapped store's; the fault
// settings may change while calls are made. The wrapped store must outlive
// the FaultyStore, whose destructor forwards the writes still queued (and
// reports the failed ones) before it returns; destroy it once no call is in
// flight.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "store/store.h"

namespace guichet::store {

class FaultyStore final : public Store {
 public:
  explicit FaultyStore(Store& wrapped);
  ~FaultyStore() override;
  FaultyStore(const FaultyStore&) = delete;
  FaultyStore& operator=(const FaultyStore&) = delete;

  void fail_writes_after(int n, ErrorCode code = ErrorCode::kIo);
  // `call` must name a method of Store (asserted).
  void fail_next(const std::string& call, ErrorCode code = ErrorCode::kIo);
  void delay_commits(std::chrono::milliseconds delay);
  // No more faults nor delay (writes already queued still get theirs).
  void heal();
  // Writes let through to the wrapped store (queued ones included), and
  // calls failed here, so far.
  std::uint64_t writes() const;
  std::uint64_t faults() const;

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
  // What becomes of one call: it fails with `error`, or is forwarded — on the
  // caller's thread, or through the queue (after `delay`).
  struct Decision {
    std::optional<Error> error;
    std::chrono::milliseconds delay{0};
    bool queued = false;
  };
  struct Task {
    std::chrono::milliseconds delay{0};
    std::function<void()> run;
  };

  Decision decide(const char* call, bool write);
  template <typename R, typename Forward>
  R read(const char* call, Forward forward);
  template <typename R, typename Forward>
  R write(const char* call, Forward forward);
  template <typename R>
  void write_async(const char* call, std::function<void(R)> done,
                   std::function<void(std::function<void(R)>)> forward);
  void enqueue(Task task);
  void run_queue();

  Store& wrapped_;
  mutable std::mutex mutex_;
  std::condition_variable queue_ready_;
  std::multimap<std::string, ErrorCode> next_failures_;  // guarded by mutex_
  std::optional<int> writes_left_;                       // guarded by mutex_; none: no limit
  ErrorCode writes_failure_ = ErrorCode::kIo;            // guarded by mutex_
  std::chrono::milliseconds delay_{0};                   // guarded by mutex_
  std::uint64_t writes_ = 0;                             // guarded by mutex_
  std::uint64_t faults_ = 0;                             // guarded by mutex_
  std::deque<Task> queue_;                               // guarded by mutex_
  std::size_t unfinished_ = 0;  // guarded by mutex_: queued or running tasks
  bool stopping_ = false;       // guarded by mutex_
  std::thread worker_;          // runs run_queue(); started last
};

}  // namespace guichet::store
