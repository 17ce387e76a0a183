#include "store/memory_store.h"

#include <algorithm>
#include <cassert>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "core/json_format.h"
#include "core/waiting.h"
#include "store/detail/memory_traffic.h"

namespace guichet::store {

namespace {

// SqliteStore's schema version; the behaviour mirrored here is that schema's.
constexpr int kSqliteSchemaVersion = 8;
// The most rows list_interactions and find_citizens return, as in SqliteStore.
constexpr std::size_t kMaxInteractions = 500;
constexpr std::size_t kMaxCitizens = 200;

bool ends_interaction(const std::string& type) {
  return type == "completed" || type == "abandoned" || type == "closed";
}

// The next id of a table keyed by id: SQLite's rowid, one past the largest.
template <typename Map>
std::uint64_t next_id(const Map& rows) {
  return rows.empty() ? 1 : rows.rbegin()->first + 1;
}

// How a document appears in the audit log: its name and body.
std::string document_json(const Document& d) {
  return "{\"name\":" + json_quote(d.name) + ",\"body\":" + d.body_json + "}";
}

// How a user appears in the audit log: never the hash, only that it changed.
std::string user_json(const User& u, bool new_password) {
  return "{\"username\":" + json_quote(u.username) +
         ",\"display_name\":" + json_quote(u.display_name) + ",\"role\":\"" + to_string(u.role) +
         "\"" + (new_password ? ",\"password\":\"changed\"" : "") + "}";
}

// SQLite's `name LIKE 'prefix%'`: case folded for ASCII letters only.
bool starts_like(const std::string& name, const std::string& prefix) {
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  return name.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), name.begin(),
                    [&](char a, char b) { return lower(a) == lower(b); });
}

Error contact_taken(const Contact& contact) {
  return already_exists("this " + contact.kind + " belongs to another citizen", "contacts");
}

}  // namespace

// Everything the store holds, as SqliteStore's tables do. Ids and sequences
// are never reused: nothing is deleted from the tables keyed by them, and a
// refused write changes nothing.
struct MemoryStore::Tables {
  std::map<std::uint64_t, User> users;
  std::map<std::string, Session> sessions;                             // by token hash
  std::map<std::string, std::map<std::uint64_t, Document>> documents;  // by kind, then id
  std::vector<AuditEntry> audit;                                       // entry i has sequence i + 1
  // As reads return them: without the client's idempotency key and digest,
  // which are kept in `idempotency_keys` (SqliteStore does not read them back).
  std::map<std::uint64_t, Interaction> interactions;
  std::map<std::string, std::pair<std::uint64_t, std::string>> idempotency_keys;  // id, digest
  std::vector<InteractionEvent> events;  // event i has sequence i + 1; no queue_id nor channel
  std::map<std::uint64_t, std::vector<std::size_t>> events_of;  // interaction id -> indexes
  std::map<std::uint64_t, Citizen> citizens;                    // contacts sorted by (kind, value)
  std::map<std::pair<std::string, std::string>, std::uint64_t> contact_owners;  // (kind, value)
  std::map<std::string, std::map<std::string, std::string>> channel_entries;    // by channel, key

  void audit_change(Time at, std::uint64_t user_id, const std::string& kind,
                    std::uint64_t object_id, const char* action, std::string before,
                    std::string after) {
    audit.push_back({audit.size() + 1, at, user_id, kind, object_id, action, std::move(before),
                     std::move(after)});
  }

  Result<Document> document(const std::string& kind, std::uint64_t id) const {
    auto of_kind = documents.find(kind);
    if (of_kind != documents.end()) {
      auto found = of_kind->second.find(id);
      if (found != of_kind->second.end()) return found->second;
    }
    return not_found("no such " + kind, "id");
  }

  // Appends `event` to an interaction that exists, moving it (queue,
  // channel) and ending it (once) as the event says.
  void insert_event(const InteractionEvent& event) {
    auto found = interactions.find(event.interaction_id);
    assert(found != interactions.end());  // callers check first: a refused write changes nothing
    Interaction& it = found->second;
    InteractionEvent stored;
    stored.sequence = events.size() + 1;
    stored.interaction_id = event.interaction_id;
    stored.at = event.at;
    stored.type = event.type;
    stored.data_json = event.data_json;
    events_of[event.interaction_id].push_back(events.size());
    events.push_back(std::move(stored));
    if (event.queue_id != 0) it.queue_id = event.queue_id;
    if (!event.channel.empty()) it.channel = event.channel;
    if (event.citizen_id != 0) it.citizen_id = kept_citizen(event.citizen_id);
    if (ends_interaction(event.type) && it.status == "waiting") {
      it.status = event.type;
      it.ended_at = event.at;
    }
  }

  Status append(const std::vector<InteractionEvent>& batch) {
    for (const InteractionEvent& event : batch) {
      if (!interactions.contains(event.interaction_id))
        return not_found("no such interaction", "interaction_id");
      if (event.citizen_id != 0 && !citizens.contains(event.citizen_id))
        return not_found("no such citizen", "citizen_id");
    }
    for (const InteractionEvent& event : batch)
      insert_event(event);
    return Status::ok();
  }

  // Contacts are unique across citizens, and within one (kAlreadyExists
  // either way, as SQLite's primary key on (kind, value) answers).
  Status contacts_free(const std::vector<Contact>& contacts) const {
    std::set<std::pair<std::string, std::string>> seen;
    for (const Contact& contact : contacts) {
      std::pair<std::string, std::string> key{contact.kind, contact.value};
      if (contact_owners.contains(key) || !seen.insert(key).second) return contact_taken(contact);
    }
    return Status::ok();
  }

  void give_contact(Citizen& citizen, const Contact& contact) {
    contact_owners[{contact.kind, contact.value}] = citizen.id;
    auto place = std::lower_bound(citizen.contacts.begin(), citizen.contacts.end(), contact,
                                  [](const Contact& a, const Contact& b) {
                                    return std::tie(a.kind, a.value) < std::tie(b.kind, b.value);
                                  });
    citizen.contacts.insert(place, contact);
  }

  // The citizen `id` (which exists) names, following a merge.
  std::uint64_t kept_citizen(std::uint64_t id) const {
    const std::uint64_t merged_into = citizens.at(id).merged_into;
    return merged_into != 0 ? merged_into : id;
  }

  Result<Citizen> citizen(std::uint64_t id) const {
    auto found = citizens.find(id);
    if (found == citizens.end()) return not_found("no such citizen", "id");
    return found->second;
  }

  // Stores a new interaction and its first event, or finds the one created
  // before with the same idempotency key (`it.replayed` set).
  Status create_interaction(Interaction& it, InteractionEvent& first_event) {
    if (it.citizen_id != 0) {
      if (!citizens.contains(it.citizen_id)) return not_found("no such citizen", "citizen_id");
      it.citizen_id = kept_citizen(it.citizen_id);
    }
    if (!it.idempotency_key.empty()) {
      auto seen = idempotency_keys.find(it.idempotency_key);
      if (seen != idempotency_keys.end()) {
        if (seen->second.second != it.request_digest) {
          return failed_precondition("this Idempotency-Key was used for another request",
                                     "idempotency-key");
        }
        it.id = seen->second.first;
        it.replayed = true;
        return Status::ok();
      }
    }
    it.id = next_id(interactions);
    it.status = "waiting";
    Interaction stored = it;
    stored.ended_at.reset();
    stored.idempotency_key.clear();
    stored.request_digest.clear();
    stored.replayed = false;
    interactions.emplace(it.id, std::move(stored));
    if (!it.idempotency_key.empty())
      idempotency_keys[it.idempotency_key] = {it.id, it.request_digest};
    first_event.interaction_id = it.id;
    insert_event(first_event);
    return Status::ok();
  }
};

MemoryStore::MemoryStore() : tables_(std::make_unique<Tables>()) {
  writer_ = std::thread([this] { write_loop(); });
}

MemoryStore::~MemoryStore() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  queue_ready_.notify_one();
  writer_.join();
}

Status MemoryStore::write(std::function<Status(Tables&)> apply) {
  return wait_for<Status>([&](auto answer) { write_async(std::move(apply), std::move(answer)); });
}

void MemoryStore::write_async(std::function<Status(Tables&)> apply,
                              std::function<void(Status)> done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back({std::move(apply), std::move(done)});
      apply = nullptr;
    }
  }
  if (apply) {
    // Only a `done` run while the destructor drains the queue gets here, on
    // the writer thread (calling the store after its destruction began is a
    // bug); SqliteStore answers the same.
    done(failed_precondition("the store is closing"));
    return;
  }
  queue_ready_.notify_one();
}

void MemoryStore::write_loop() {
  std::vector<PendingWrite> batch;
  std::vector<Status> results;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      queue_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything submitted is applied
      batch.swap(queue_);
      for (PendingWrite& pending : batch)
        results.push_back(pending.apply(*tables_));
    }
    // Outside the lock: a `done` may read the store or submit more.
    for (std::size_t i = 0; i < batch.size(); ++i)
      batch[i].done(results[i]);
    batch.clear();
    results.clear();
  }
}

template <typename Read>
auto MemoryStore::read(Read&& read) {
  std::lock_guard lock(mutex_);
  return read(static_cast<const Tables&>(*tables_));
}

Result<int> MemoryStore::schema_version() {
  return kSqliteSchemaVersion;
}

Result<User> MemoryStore::create_user(User user) {
  if (user.username.empty()) return invalid_argument("a user needs a username", "username");
  Status status = write([&user](Tables& t) -> Status {
    for (const auto& [id, existing] : t.users) {
      if (existing.username == user.username) return already_exists("user already exists");
    }
    user.id = next_id(t.users);
    t.users.emplace(user.id, user);
    return Status::ok();
  });
  if (!status) return status.error();
  return user;
}

Result<User> MemoryStore::find_user(const std::string& username) {
  return read([&](const Tables& t) -> Result<User> {
    for (const auto& [id, user] : t.users) {
      if (user.username == username) return user;
    }
    return not_found("no such user", "username");
  });
}

Result<User> MemoryStore::user_by_id(std::uint64_t id) {
  return read([&](const Tables& t) -> Result<User> {
    auto found = t.users.find(id);
    if (found == t.users.end()) return not_found("no such user", "id");
    return found->second;
  });
}

Result<std::vector<User>> MemoryStore::list_users() {
  return read([](const Tables& t) -> Result<std::vector<User>> {
    std::vector<User> users;
    for (const auto& [id, user] : t.users)
      users.push_back(user);
    return users;
  });
}

Result<User> MemoryStore::update_user(const User& user, std::uint64_t by, Time at) {
  User updated;
  Status status = write([&](Tables& t) -> Status {
    auto found = t.users.find(user.id);
    if (found == t.users.end()) return not_found("no such user", "id");
    const User before = found->second;
    if (before.role == Role::kAdmin && user.role != Role::kAdmin) {
      const auto admins = std::count_if(t.users.begin(), t.users.end(), [](const auto& u) {
        return u.second.role == Role::kAdmin;
      });
      if (admins <= 1) return failed_precondition("the last admin keeps the role", "role");
    }
    const bool new_password = !user.password_hash.empty();
    User& stored = found->second;
    stored.display_name = user.display_name;
    stored.role = user.role;
    if (new_password) stored.password_hash = user.password_hash;
    if (new_password || before.role != user.role) {
      std::erase_if(t.sessions, [&](const auto& s) { return s.second.user_id == user.id; });
    }
    // What SqliteStore answers: the user as before, with the new name and
    // role (the hash as it was before).
    updated = before;
    updated.display_name = user.display_name;
    updated.role = user.role;
    t.audit_change(at, by, "user", user.id, "update", user_json(before, false),
                   user_json(updated, new_password));
    return Status::ok();
  });
  if (!status) return status.error();
  return updated;
}

Status MemoryStore::create_session(const Session& session) {
  return write([&session](Tables& t) -> Status {
    // The token's uniqueness is checked before the user, as SQLite does.
    if (t.sessions.contains(session.token_hash)) return already_exists("session already exists");
    if (!t.users.contains(session.user_id)) return not_found("no such user", "user_id");
    t.sessions.emplace(session.token_hash, session);
    return Status::ok();
  });
}

Result<Session> MemoryStore::find_session(const std::string& token_hash) {
  return read([&](const Tables& t) -> Result<Session> {
    auto found = t.sessions.find(token_hash);
    if (found == t.sessions.end()) return not_found("no such session", "token");
    return found->second;
  });
}

Status MemoryStore::delete_session(const std::string& token_hash) {
  return write([&token_hash](Tables& t) -> Status {
    t.sessions.erase(token_hash);
    return Status::ok();
  });
}

Result<Document> MemoryStore::put_document(Document document, std::uint64_t user_id, Time at) {
  if (document.kind.empty()) return invalid_argument("a document needs a kind", "kind");
  if (document.name.empty()) return invalid_argument("a name is required", "name");
  Status status = write([&](Tables& t) -> Status {
    std::map<std::uint64_t, Document>& of_kind = t.documents[document.kind];
    std::string before;
    if (document.id == 0) {
      document.id = next_id(of_kind);
    } else if (auto existing = of_kind.find(document.id); existing != of_kind.end()) {
      before = document_json(existing->second);
    }
    for (const auto& [id, other] : of_kind) {
      if (id != document.id && other.name == document.name)
        return already_exists(document.kind + " already exists");
    }
    of_kind[document.id] = document;
    const char* action = before.empty() ? "create" : "update";  // before `before` is moved
    t.audit_change(at, user_id, document.kind, document.id, action, std::move(before),
                   document_json(document));
    return Status::ok();
  });
  if (!status) return status.error();
  return document;
}

Status MemoryStore::delete_document(const std::string& kind, std::uint64_t id,
                                    std::uint64_t user_id, Time at) {
  return write([&](Tables& t) -> Status {
    auto existing = t.document(kind, id);
    if (!existing) return existing.status();
    t.documents[kind].erase(id);
    t.audit_change(at, user_id, kind, id, "delete", document_json(*existing), "");
    return Status::ok();
  });
}

Result<Document> MemoryStore::document(const std::string& kind, std::uint64_t id) {
  return read([&](const Tables& t) { return t.document(kind, id); });
}

Result<std::vector<Document>> MemoryStore::documents(const std::string& kind) {
  return read([&](const Tables& t) -> Result<std::vector<Document>> {
    std::vector<Document> out;
    if (auto of_kind = t.documents.find(kind); of_kind != t.documents.end()) {
      for (const auto& [id, d] : of_kind->second)
        out.push_back(d);
    }
    return out;
  });
}

Result<std::vector<AuditEntry>> MemoryStore::audit_log(std::size_t limit) {
  return read([&](const Tables& t) -> Result<std::vector<AuditEntry>> {
    const std::size_t n = std::min(limit, t.audit.size());
    return std::vector<AuditEntry>(t.audit.rbegin(),
                                   t.audit.rbegin() + static_cast<std::ptrdiff_t>(n));
  });
}

Result<Interaction> MemoryStore::create_interaction(Interaction interaction,
                                                    InteractionEvent first_event) {
  return wait_for<Result<Interaction>>([&](auto answer) {
    create_interaction_async(std::move(interaction), std::move(first_event), std::move(answer));
  });
}

void MemoryStore::create_interaction_async(Interaction interaction, InteractionEvent first_event,
                                           std::function<void(Result<Interaction>)> done) {
  // Shared by the write (which fills in the id) and its completion.
  auto created = std::make_shared<std::pair<Interaction, InteractionEvent>>(std::move(interaction),
                                                                            std::move(first_event));
  write_async(
      [created](Tables& t) { return t.create_interaction(created->first, created->second); },
      [this, created, done = std::move(done)](Status status) {
        if (!status) return done(status.error());
        if (!created->first.replayed) return done(std::move(created->first));
        auto stored = this->interaction(created->first.id);  // as it is now
        if (stored) stored->replayed = true;
        done(std::move(stored));
      });
}

Result<Interaction> MemoryStore::interaction(std::uint64_t id) {
  return read([&](const Tables& t) -> Result<Interaction> {
    auto found = t.interactions.find(id);
    if (found == t.interactions.end()) return not_found("no such interaction", "id");
    return found->second;
  });
}

Status MemoryStore::append_events(const std::vector<InteractionEvent>& events) {
  if (events.empty()) return Status::ok();
  return write([&events](Tables& t) { return t.append(events); });
}

void MemoryStore::append_events_async(std::vector<InteractionEvent> events,
                                      std::function<void(Status)> done) {
  // Even with nothing to write, `done` runs on the writer thread, after the
  // writes submitted before.
  write_async([events = std::move(events)](Tables& t) { return t.append(events); },
              std::move(done));
}

Result<std::vector<InteractionEvent>> MemoryStore::timeline(std::uint64_t interaction_id) {
  return read([&](const Tables& t) -> Result<std::vector<InteractionEvent>> {
    std::vector<InteractionEvent> out;
    if (auto of = t.events_of.find(interaction_id); of != t.events_of.end()) {
      for (std::size_t index : of->second)
        out.push_back(t.events[index]);
    }
    return out;
  });
}

Result<std::vector<Interaction>> MemoryStore::list_interactions(const InteractionFilter& filter) {
  return read([&](const Tables& t) -> Result<std::vector<Interaction>> {
    const std::size_t limit = std::min(filter.limit, kMaxInteractions);
    std::vector<Interaction> out;
    auto end =
        filter.before_id == 0 ? t.interactions.end() : t.interactions.lower_bound(filter.before_id);
    for (auto it = std::make_reverse_iterator(end);
         it != t.interactions.rend() && out.size() < limit; ++it) {
      const Interaction& i = it->second;
      if ((filter.status.empty() || i.status == filter.status) &&
          (filter.channel.empty() || i.channel == filter.channel) &&
          (filter.queue_id == 0 || i.queue_id == filter.queue_id) &&
          (filter.citizen_id == 0 || i.citizen_id == filter.citizen_id)) {
        out.push_back(i);
      }
    }
    return out;
  });
}

Result<std::vector<TrafficRow>> MemoryStore::traffic(const TrafficQuery& query) {
  if (to_ms(query.to) <= to_ms(query.from)) return invalid_argument("the range is empty", "to");
  return read(
      [&](const Tables& t) { return detail::count_traffic(query, t.interactions, t.events); });
}

Result<Citizen> MemoryStore::create_citizen(Citizen citizen) {
  if (citizen.name.empty()) return invalid_argument("a citizen needs a name", "name");
  Status status = write([&](Tables& t) -> Status {
    if (Status free = t.contacts_free(citizen.contacts); !free) return free;
    citizen.id = next_id(t.citizens);
    Citizen& stored = t.citizens[citizen.id];
    stored.id = citizen.id;
    stored.name = citizen.name;
    stored.created_at = citizen.created_at;
    for (const Contact& contact : citizen.contacts)
      t.give_contact(stored, contact);
    return Status::ok();
  });
  if (!status) return status.error();
  return citizen;
}

Result<Citizen> MemoryStore::citizen(std::uint64_t id) {
  return read([&](const Tables& t) { return t.citizen(id); });
}

Status MemoryStore::add_contact(std::uint64_t citizen, const Contact& contact) {
  return write([&](Tables& t) -> Status {
    // Taken before unknown, in SQLite's order: the key, then the citizen.
    if (t.contact_owners.contains({contact.kind, contact.value})) return contact_taken(contact);
    auto found = t.citizens.find(citizen);
    if (found == t.citizens.end()) return not_found("no such citizen", "id");
    t.give_contact(found->second, contact);
    return Status::ok();
  });
}

Result<std::vector<Citizen>> MemoryStore::find_citizens(const std::string& query,
                                                        std::size_t limit) {
  return read([&](const Tables& t) -> Result<std::vector<Citizen>> {
    // Exact contact first, then names starting with the query (case-insensitive).
    std::set<std::uint64_t> by_contact;
    for (const auto& [contact, owner] : t.contact_owners) {
      if (contact.second == query) by_contact.insert(owner);
    }
    std::vector<std::uint64_t> ids(by_contact.begin(), by_contact.end());
    for (const auto& [id, c] : t.citizens) {
      if (!by_contact.contains(id) && starts_like(c.name, query)) ids.push_back(id);
    }
    ids.resize(std::min({ids.size(), limit, kMaxCitizens}));
    std::vector<Citizen> out;
    for (std::uint64_t id : ids)
      out.push_back(t.citizens.find(id)->second);  // ids found in t.citizens just above
    return out;
  });
}

Status MemoryStore::merge_citizens(std::uint64_t keep, std::uint64_t duplicate) {
  if (keep == duplicate)
    return invalid_argument("a citizen cannot be merged into itself", "duplicate_id");
  return write([&](Tables& t) -> Status {
    for (std::uint64_t id : {keep, duplicate}) {
      auto citizen = t.citizen(id);
      if (!citizen) return citizen.status();
      if (citizen->merged_into != 0) {
        return failed_precondition(
            "already merged into citizen " + std::to_string(citizen->merged_into),
            id == keep ? "id" : "duplicate_id");
      }
    }
    Citizen& kept = t.citizens.find(keep)->second;  // both found just above
    Citizen& merged = t.citizens.find(duplicate)->second;
    for (const Contact& contact : merged.contacts)
      t.give_contact(kept, contact);
    merged.contacts.clear();
    merged.merged_into = keep;
    for (auto& [id, it] : t.interactions) {
      if (it.citizen_id == duplicate) it.citizen_id = keep;
    }
    return Status::ok();
  });
}

Result<std::vector<Interaction>> MemoryStore::open_interactions() {
  return read([](const Tables& t) -> Result<std::vector<Interaction>> {
    std::vector<Interaction> open;
    for (const auto& [id, it] : t.interactions) {
      if (it.status == "waiting") open.push_back(it);
    }
    std::stable_sort(open.begin(), open.end(), [](const Interaction& a, const Interaction& b) {
      return a.enqueued_at < b.enqueued_at;  // then by id: stable over the id order
    });
    return open;
  });
}

Result<std::vector<Interaction>> MemoryStore::answers_due(Time before, std::size_t limit) {
  return read([&](const Tables& t) -> Result<std::vector<Interaction>> {
    std::vector<Interaction> due;
    for (const auto& [id, it] : t.interactions) {
      if (it.status == "waiting" && it.answer_due && *it.answer_due < before) due.push_back(it);
    }
    std::stable_sort(due.begin(), due.end(), [](const Interaction& a, const Interaction& b) {
      return *a.answer_due < *b.answer_due;  // then by id: stable over the id order
    });
    if (due.size() > limit) due.resize(limit);
    return due;
  });
}

Status MemoryStore::put_channel_entries(const std::string& channel,
                                        const std::vector<ChannelEntry>& entries) {
  return write([&](Tables& t) -> Status {
    auto& of_channel = t.channel_entries[channel];
    for (const ChannelEntry& e : entries) {
      if (e.value.empty())
        of_channel.erase(e.key);
      else
        of_channel[e.key] = e.value;
    }
    return Status::ok();
  });
}

Result<std::string> MemoryStore::channel_entry(const std::string& channel, const std::string& key) {
  return read([&](const Tables& t) -> Result<std::string> {
    if (auto of = t.channel_entries.find(channel); of != t.channel_entries.end()) {
      if (auto found = of->second.find(key); found != of->second.end()) return found->second;
    }
    return not_found("nothing kept under this key", "key");
  });
}

Result<std::vector<ChannelEntry>> MemoryStore::channel_entries(const std::string& channel,
                                                               const std::string& prefix) {
  return read([&](const Tables& t) -> Result<std::vector<ChannelEntry>> {
    std::vector<ChannelEntry> out;
    if (auto of = t.channel_entries.find(channel); of != t.channel_entries.end()) {
      for (auto e = of->second.lower_bound(prefix);
           e != of->second.end() && e->first.compare(0, prefix.size(), prefix) == 0; ++e)
        out.push_back({e->first, e->second});
    }
    return out;
  });
}

}  // namespace guichet::store
