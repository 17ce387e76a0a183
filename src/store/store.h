// Durable storage: what Guichet acknowledges is on disk.
//
// Store is the interface; SqliteStore (store/sqlite_store.h) is the embedded
// implementation, and a PostgreSQL one can follow behind the same calls. Every
// call is thread-safe. Writes are group-committed: concurrent writers share one
// transaction and one fsync, and each write call returns only once its own
// data is committed — so an acknowledged write survives a crash (kill -9) and
// durability does not cap throughput. Writes may block for the time of a
// commit; reads never wait for writes (WAL).
//
// Errors come back as values: kAlreadyExists for a taken unique name,
// kNotFound for an unknown id, kIo when the database refuses.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"

namespace guichet::store {

enum class Role : std::uint8_t { kAgent, kSupervisor, kAdmin };
const char* to_string(Role role);
std::optional<Role> role_from_string(std::string_view name);

struct User {
  std::uint64_t id = 0;
  std::string username;
  std::string display_name;
  Role role = Role::kAgent;
  std::string password_hash;  // Argon2id, in libsodium's string format
  Time created_at{};
};

struct Session {
  std::string token_hash;  // the token itself is never stored
  std::uint64_t user_id = 0;
  Time created_at{};
  Time expires_at{};
};

// An interaction as the store keeps it: what the routing engine needs to take
// it back after a restart, and what the API shows.
struct Interaction {
  std::uint64_t id = 0;  // assigned by the store
  std::string channel;   // routing::to_string(Channel)
  std::uint64_t queue_id = 0;
  std::uint64_t citizen_id = 0;  // 0: unknown
  int priority = 0;
  std::string attributes_json = "{}";
  Time enqueued_at{};
  // The answer's deadline announced to the citizen (an email's N working
  // days): the routing engine's due time for it. Set by the channel, never
  // taken from a client.
  std::optional<Time> answer_due;
  // "waiting" until an outcome ends it: "completed", "abandoned", "closed".
  std::string status = "waiting";
  std::optional<Time> ended_at;
  // A client's Idempotency-Key ("<user id>:<key>") and a digest of what it
  // asked: a create with a key already stored creates nothing and returns
  // the stored interaction with `replayed` set (kFailedPrecondition, field
  // "idempotency-key", when the digest differs).
  std::string idempotency_key;
  std::string request_digest;
  bool replayed = false;
};

// One line of an interaction's timeline (queued, offered, accepted, …).
struct InteractionEvent {
  std::uint64_t sequence = 0;  // assigned by the store, increasing
  std::uint64_t interaction_id = 0;
  Time at{};
  std::string type;
  std::string data_json = "{}";
  // Where it is now, when this event moves it (queued in another queue, a
  // call become a callback): 0 / empty leave the interaction as it is.
  std::uint64_t queue_id = 0;
  std::string channel;
  // The citizen it is now known to be (an agent identified them): 0 leaves
  // it as it is. Must name a citizen (kNotFound, field "citizen_id"); one
  // merged into another is replaced by the one it was merged into.
  std::uint64_t citizen_id = 0;
};

// A configuration object (skill, queue, agent profile, wrap-up code,
// calendar…) kept as a JSON document: the store does not need to know its
// shape, and a schema change in the API needs no migration here. Names are
// unique within a kind.
struct Document {
  std::string kind;
  std::uint64_t id = 0;  // 0 when creating: assigned by the store
  std::string name;
  std::string body_json = "{}";
};

// Who changed what, when: one row per configuration change, with the
// document before (empty when created) and after (empty when deleted).
struct AuditEntry {
  std::uint64_t sequence = 0;
  Time at{};
  std::uint64_t user_id = 0;
  std::string kind;
  std::uint64_t object_id = 0;
  std::string action;  // "create", "update", "delete"
  std::string before_json;
  std::string after_json;
};

// A citizen (usager) and the ways to reach them. A contact (kind and value:
// "phone" "+33612345678", "email" "jean@exemple.fr"…) belongs to one citizen
// only, which is how an incoming message finds its citizen.
struct Contact {
  std::string kind;
  std::string value;
};
struct Citizen {
  std::uint64_t id = 0;
  std::string name;
  std::vector<Contact> contacts;
  Time created_at{};
  std::uint64_t merged_into = 0;  // set when merged as a duplicate
};

// Which interactions to list; empty fields do not filter. Keyset pagination:
// ids below `before_id`, newest first, at most `limit`.
struct InteractionFilter {
  std::string status;
  std::string channel;
  std::uint64_t queue_id = 0;
  std::uint64_t citizen_id = 0;
  std::uint64_t before_id = 0;  // 0: from the newest
  std::size_t limit = 50;
};

// Traffic figures over [from, to), in buckets of `bucket` (zero: one bucket
// for the whole range), per queue, channel or agent — for the reports.
struct TrafficQuery {
  enum class By { kQueue, kChannel, kAgent };
  Time from{};
  Time to{};
  Duration bucket{0};
  By by = By::kQueue;
  // Service-level threshold per queue (answered within it counts as in
  // service level); queues not listed have none.
  std::map<std::uint64_t, Duration> thresholds;
};

struct TrafficRow {
  Time start{};     // the bucket's start
  std::string key;  // queue or agent id (decimal), or channel name
  // By queue or channel: arrivals, answers (accepted offers), answers within
  // the queue's threshold, abandons, and the total wait of the answered.
  std::uint64_t offered = 0;
  std::uint64_t answered = 0;
  std::uint64_t answered_in_threshold = 0;
  std::uint64_t abandoned = 0;
  double answered_wait_s = 0;
  // By agent: offers made to the agent, accepted, missed (declined or timed
  // out), and interactions completed.
  std::uint64_t offers = 0;
  std::uint64_t accepted = 0;
  std::uint64_t missed = 0;
  std::uint64_t completed = 0;
};

// One thing a channel keeps (Store::put_channel_entries).
struct ChannelEntry {
  std::string key;
  std::string value;
};

class Store {
 public:
  virtual ~Store() = default;

  // Schema version reached by migrations.
  virtual Result<int> schema_version() = 0;

  // Users and sessions.
  virtual Result<User> create_user(User user) = 0;  // id and created_at assigned
  virtual Result<User> find_user(const std::string& username) = 0;
  virtual Result<User> user_by_id(std::uint64_t id) = 0;
  virtual Result<std::vector<User>> list_users() = 0;
  // Changes a user's display name, role and (when not empty) password hash;
  // a new role or password ends the user's sessions. Audited as kind "user"
  // (never the hash). kFailedPrecondition when it would leave no admin.
  virtual Result<User> update_user(const User& user, std::uint64_t by, Time at) = 0;
  virtual Status create_session(const Session& session) = 0;
  virtual Result<Session> find_session(const std::string& token_hash) = 0;
  virtual Status delete_session(const std::string& token_hash) = 0;

  // Configuration documents, each change written with its audit entry in the
  // same transaction. put_document creates (id 0: the next free id; or an id
  // not yet used) or replaces; kAlreadyExists for a name taken in the kind.
  virtual Result<Document> put_document(Document document, std::uint64_t user_id, Time at) = 0;
  virtual Status delete_document(const std::string& kind, std::uint64_t id, std::uint64_t user_id,
                                 Time at) = 0;
  virtual Result<Document> document(const std::string& kind, std::uint64_t id) = 0;
  virtual Result<std::vector<Document>> documents(const std::string& kind) = 0;  // by id
  // The latest entries first.
  virtual Result<std::vector<AuditEntry>> audit_log(std::size_t limit) = 0;

  // Interactions. create_interaction stores the interaction and its first
  // event together; when it returns, both are durable. A citizen_id (0: not
  // known) must name a citizen (kNotFound, field "citizen_id"); one merged
  // into another is replaced by the one it was merged into.
  virtual Result<Interaction> create_interaction(Interaction interaction,
                                                 InteractionEvent first_event) = 0;
  // The same without waiting: `done` is called once, on a thread of the
  // store's, with what create_interaction would return; it must not wait for
  // the store's writes (it may submit more, asynchronously).
  virtual void create_interaction_async(Interaction interaction, InteractionEvent first_event,
                                        std::function<void(Result<Interaction>)> done) = 0;
  virtual Result<Interaction> interaction(std::uint64_t id) = 0;
  // Appends events; an event whose type ends the interaction (completed,
  // abandoned, closed) also sets its status and ended_at.
  virtual Status append_events(const std::vector<InteractionEvent>& events) = 0;
  // The same without waiting: `done` is called, on a thread of the store's,
  // once the events are durable (or failed); it must be quick and must not
  // call the store. Events submitted one after another are written in order.
  virtual void append_events_async(std::vector<InteractionEvent> events,
                                   std::function<void(Status)> done) = 0;
  virtual Result<std::vector<InteractionEvent>> timeline(std::uint64_t interaction_id) = 0;
  virtual Result<std::vector<Interaction>> list_interactions(const InteractionFilter& filter) = 0;
  // Rows in (start, key) order; buckets with nothing are left out.
  virtual Result<std::vector<TrafficRow>> traffic(const TrafficQuery& query) = 0;

  // Citizens. create_citizen: kAlreadyExists when a contact belongs to
  // another citizen (field "contacts").
  virtual Result<Citizen> create_citizen(Citizen citizen) = 0;
  virtual Result<Citizen> citizen(std::uint64_t id) = 0;
  virtual Status add_contact(std::uint64_t citizen, const Contact& contact) = 0;
  // By exact contact value, or by the start of the name; at most `limit`.
  virtual Result<std::vector<Citizen>> find_citizens(const std::string& query,
                                                     std::size_t limit) = 0;
  // Moves the duplicate's contacts and interactions to `keep`, in one
  // transaction; the duplicate stays, pointing at `keep`.
  virtual Status merge_citizens(std::uint64_t keep, std::uint64_t duplicate) = 0;
  // Interactions not ended, by enqueue time then id: what the engine takes
  // back after a restart.
  virtual Result<std::vector<Interaction>> open_interactions() = 0;
  // Open interactions whose announced answer is due before `before`,
  // soonest first (then by id), at most `limit`: the requests at risk.
  virtual Result<std::vector<Interaction>> answers_due(Time before, std::size_t limit) = 0;

  // What a channel keeps of its own, by key: an email's Message-ID and its
  // interaction, a mailbox's last message read, a mail waiting to be sent.
  // Small values; put_channel_entries writes all or none, durably (an empty
  // value removes its key). Keys and values are the channel's business.
  virtual Status put_channel_entries(const std::string& channel,
                                     const std::vector<ChannelEntry>& entries) = 0;
  // kNotFound (field "key") when there is none.
  virtual Result<std::string> channel_entry(const std::string& channel, const std::string& key) = 0;
  // The entries whose key starts with `prefix`, by key.
  virtual Result<std::vector<ChannelEntry>> channel_entries(const std::string& channel,
                                                            const std::string& prefix) = 0;
};

}  // namespace guichet::store
