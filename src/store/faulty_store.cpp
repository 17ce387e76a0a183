#include "store/faulty_store.h"

#include <algorithm>
#include <cassert>
#include <future>
#include <string_view>
#include <utility>

namespace guichet::store {

namespace {

// Every method of Store: what fail_next accepts.
constexpr std::string_view kCalls[] = {
    "schema_version",      "create_user",
    "find_user",           "user_by_id",
    "list_users",          "update_user",
    "create_session",      "find_session",
    "delete_session",      "put_document",
    "delete_document",     "document",
    "documents",           "audit_log",
    "create_interaction",  "create_interaction_async",
    "interaction",         "append_events",
    "append_events_async", "timeline",
    "list_interactions",   "traffic",
    "create_citizen",      "citizen",
    "add_contact",         "find_citizens",
    "merge_citizens",      "open_interactions",
    "answers_due",         "put_channel_entries",
    "channel_entry",       "channel_entries",
};

[[maybe_unused]] bool is_call(std::string_view name) {  // for assert()
  return std::find(std::begin(kCalls), std::end(kCalls), name) != std::end(kCalls);
}

Error injected(ErrorCode code, const char* call) {
  return {code, std::string("injected fault in ") + call, {}};
}

}  // namespace

FaultyStore::FaultyStore(Store& wrapped) : wrapped_(wrapped) {
  worker_ = std::thread([this] { run_queue(); });
}

FaultyStore::~FaultyStore() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  queue_ready_.notify_one();
  worker_.join();
}

void FaultyStore::fail_writes_after(int n, ErrorCode code) {
  std::lock_guard lock(mutex_);
  writes_left_ = std::max(n, 0);
  writes_failure_ = code;
}

void FaultyStore::fail_next(const std::string& call, ErrorCode code) {
  assert(is_call(call));  // a misspelt name would never fail anything
  std::lock_guard lock(mutex_);
  next_failures_.emplace(call, code);  // after the ones already set for that call
}

void FaultyStore::delay_commits(std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  delay_ = delay;
}

void FaultyStore::heal() {
  std::lock_guard lock(mutex_);
  next_failures_.clear();
  writes_left_.reset();
  delay_ = std::chrono::milliseconds(0);
}

std::uint64_t FaultyStore::writes() const {
  std::lock_guard lock(mutex_);
  return writes_;
}

std::uint64_t FaultyStore::faults() const {
  std::lock_guard lock(mutex_);
  return faults_;
}

FaultyStore::Decision FaultyStore::decide(const char* call, bool write) {
  std::lock_guard lock(mutex_);
  Decision decision;
  if (auto next = next_failures_.lower_bound(call);
      next != next_failures_.end() && next->first == call) {
    decision.error = injected(next->second, call);
    next_failures_.erase(next);
  } else if (write && writes_left_ == 0) {
    decision.error = injected(writes_failure_, call);
  }
  if (decision.error) {
    ++faults_;
    return decision;
  }
  if (!write) return decision;
  if (writes_left_) --*writes_left_;
  ++writes_;
  decision.delay = delay_;
  // Behind queued writes, a write waits its turn: writes stay in order.
  decision.queued = delay_.count() > 0 || unfinished_ > 0;
  return decision;
}

template <typename R, typename Forward>
R FaultyStore::read(const char* call, Forward forward) {
  if (Decision decision = decide(call, /*write=*/false); decision.error) return *decision.error;
  return forward();
}

template <typename R, typename Forward>
R FaultyStore::write(const char* call, Forward forward) {
  Decision decision = decide(call, /*write=*/true);
  if (decision.error) return *decision.error;
  if (!decision.queued) return forward();
  std::promise<R> promise;
  std::future<R> result = promise.get_future();
  enqueue({decision.delay, [&promise, &forward] { promise.set_value(forward()); }});
  return result.get();
}

template <typename R>
void FaultyStore::write_async(const char* call, std::function<void(R)> done,
                              std::function<void(std::function<void(R)>)> forward) {
  Decision decision = decide(call, /*write=*/true);
  if (decision.error) {
    enqueue({std::chrono::milliseconds(0),
             [done = std::move(done), error = *decision.error] { done(error); }});
  } else if (decision.queued) {
    enqueue({decision.delay,
             [forward = std::move(forward), done = std::move(done)] { forward(done); }});
  } else {
    forward(std::move(done));
  }
}

void FaultyStore::enqueue(Task task) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(task));
    ++unfinished_;
  }
  queue_ready_.notify_one();
}

void FaultyStore::run_queue() {
  std::deque<Task> batch;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      queue_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is done
      batch.swap(queue_);
    }
    // One wait for all the tasks queued meanwhile, as a slow disk's commit:
    // each has waited at least its delay when it runs.
    std::chrono::milliseconds delay{0};
    for (const Task& task : batch)
      delay = std::max(delay, task.delay);
    std::this_thread::sleep_for(delay);
    for (Task& task : batch) {
      task.run();
      std::lock_guard lock(mutex_);
      --unfinished_;
    }
    batch.clear();
  }
}

Result<int> FaultyStore::schema_version() {
  return read<Result<int>>("schema_version", [&] { return wrapped_.schema_version(); });
}

Result<User> FaultyStore::create_user(User user) {
  return write<Result<User>>("create_user", [&] { return wrapped_.create_user(std::move(user)); });
}

Result<User> FaultyStore::find_user(const std::string& username) {
  return read<Result<User>>("find_user", [&] { return wrapped_.find_user(username); });
}

Result<User> FaultyStore::user_by_id(std::uint64_t id) {
  return read<Result<User>>("user_by_id", [&] { return wrapped_.user_by_id(id); });
}

Result<std::vector<User>> FaultyStore::list_users() {
  return read<Result<std::vector<User>>>("list_users", [&] { return wrapped_.list_users(); });
}

Result<User> FaultyStore::update_user(const User& user, std::uint64_t by, Time at) {
  return write<Result<User>>("update_user", [&] { return wrapped_.update_user(user, by, at); });
}

Status FaultyStore::create_session(const Session& session) {
  return write<Status>("create_session", [&] { return wrapped_.create_session(session); });
}

Result<Session> FaultyStore::find_session(const std::string& token_hash) {
  return read<Result<Session>>("find_session", [&] { return wrapped_.find_session(token_hash); });
}

Status FaultyStore::delete_session(const std::string& token_hash) {
  return write<Status>("delete_session", [&] { return wrapped_.delete_session(token_hash); });
}

Result<Document> FaultyStore::put_document(Document document, std::uint64_t user_id, Time at) {
  return write<Result<Document>>(
      "put_document", [&] { return wrapped_.put_document(std::move(document), user_id, at); });
}

Status FaultyStore::delete_document(const std::string& kind, std::uint64_t id,
                                    std::uint64_t user_id, Time at) {
  return write<Status>("delete_document",
                       [&] { return wrapped_.delete_document(kind, id, user_id, at); });
}

Result<Document> FaultyStore::document(const std::string& kind, std::uint64_t id) {
  return read<Result<Document>>("document", [&] { return wrapped_.document(kind, id); });
}

Result<std::vector<Document>> FaultyStore::documents(const std::string& kind) {
  return read<Result<std::vector<Document>>>("documents", [&] { return wrapped_.documents(kind); });
}

Result<std::vector<AuditEntry>> FaultyStore::audit_log(std::size_t limit) {
  return read<Result<std::vector<AuditEntry>>>("audit_log",
                                               [&] { return wrapped_.audit_log(limit); });
}

Result<Interaction> FaultyStore::create_interaction(Interaction interaction,
                                                    InteractionEvent first_event) {
  return write<Result<Interaction>>("create_interaction", [&] {
    return wrapped_.create_interaction(std::move(interaction), std::move(first_event));
  });
}

void FaultyStore::create_interaction_async(Interaction interaction, InteractionEvent first_event,
                                           std::function<void(Result<Interaction>)> done) {
  write_async<Result<Interaction>>(
      "create_interaction_async", std::move(done),
      [this, interaction = std::move(interaction), first_event = std::move(first_event)](
          std::function<void(Result<Interaction>)> forwarded_done) {
        wrapped_.create_interaction_async(interaction, first_event, std::move(forwarded_done));
      });
}

Result<Interaction> FaultyStore::interaction(std::uint64_t id) {
  return read<Result<Interaction>>("interaction", [&] { return wrapped_.interaction(id); });
}

Status FaultyStore::append_events(const std::vector<InteractionEvent>& events) {
  return write<Status>("append_events", [&] { return wrapped_.append_events(events); });
}

void FaultyStore::append_events_async(std::vector<InteractionEvent> events,
                                      std::function<void(Status)> done) {
  write_async<Status>("append_events_async", std::move(done),
                      [this, events = std::move(events)](std::function<void(Status)> forwarded) {
                        wrapped_.append_events_async(events, std::move(forwarded));
                      });
}

Result<std::vector<InteractionEvent>> FaultyStore::timeline(std::uint64_t interaction_id) {
  return read<Result<std::vector<InteractionEvent>>>(
      "timeline", [&] { return wrapped_.timeline(interaction_id); });
}

Result<std::vector<Interaction>> FaultyStore::list_interactions(const InteractionFilter& filter) {
  return read<Result<std::vector<Interaction>>>("list_interactions",
                                                [&] { return wrapped_.list_interactions(filter); });
}

Result<std::vector<TrafficRow>> FaultyStore::traffic(const TrafficQuery& query) {
  return read<Result<std::vector<TrafficRow>>>("traffic", [&] { return wrapped_.traffic(query); });
}

Result<Citizen> FaultyStore::create_citizen(Citizen citizen) {
  return write<Result<Citizen>>("create_citizen",
                                [&] { return wrapped_.create_citizen(std::move(citizen)); });
}

Result<Citizen> FaultyStore::citizen(std::uint64_t id) {
  return read<Result<Citizen>>("citizen", [&] { return wrapped_.citizen(id); });
}

Status FaultyStore::add_contact(std::uint64_t citizen, const Contact& contact) {
  return write<Status>("add_contact", [&] { return wrapped_.add_contact(citizen, contact); });
}

Result<std::vector<Citizen>> FaultyStore::find_citizens(const std::string& query,
                                                        std::size_t limit) {
  return read<Result<std::vector<Citizen>>>("find_citizens",
                                            [&] { return wrapped_.find_citizens(query, limit); });
}

Status FaultyStore::merge_citizens(std::uint64_t keep, std::uint64_t duplicate) {
  return write<Status>("merge_citizens", [&] { return wrapped_.merge_citizens(keep, duplicate); });
}

Result<std::vector<Interaction>> FaultyStore::open_interactions() {
  return read<Result<std::vector<Interaction>>>("open_interactions",
                                                [&] { return wrapped_.open_interactions(); });
}

Result<std::vector<Interaction>> FaultyStore::answers_due(Time before, std::size_t limit) {
  return read<Result<std::vector<Interaction>>>(
      "answers_due", [&] { return wrapped_.answers_due(before, limit); });
}

Status FaultyStore::put_channel_entries(const std::string& channel,
                                        const std::vector<ChannelEntry>& entries) {
  return write<Status>("put_channel_entries",
                       [&] { return wrapped_.put_channel_entries(channel, entries); });
}

Result<std::string> FaultyStore::channel_entry(const std::string& channel, const std::string& key) {
  return read<Result<std::string>>("channel_entry",
                                   [&] { return wrapped_.channel_entry(channel, key); });
}

Result<std::vector<ChannelEntry>> FaultyStore::channel_entries(const std::string& channel,
                                                               const std::string& prefix) {
  return read<Result<std::vector<ChannelEntry>>>(
      "channel_entries", [&] { return wrapped_.channel_entries(channel, prefix); });
}

}  // namespace guichet::store
