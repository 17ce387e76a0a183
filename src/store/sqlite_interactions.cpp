// Interactions: their creation (once per Idempotency-Key), the events that
// move or end them, timelines, listings and those still waiting.
#include "core/waiting.h"
#include "store/detail/sqlite_impl.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace guichet::store {

using namespace detail;

namespace {

bool ends_interaction(const std::string& type) {
  return type == "completed" || type == "abandoned" || type == "closed";
}

Interaction read_interaction(sqlite3_stmt* s) {
  Interaction it;
  it.id = column_id(s, 0);
  it.channel = column_text(s, 1);
  it.queue_id = column_id(s, 2);
  it.citizen_id = column_id(s, 3);
  it.priority = sqlite3_column_int(s, 4);
  it.attributes_json = column_text(s, 5);
  it.enqueued_at = column_time(s, 6);
  it.status = column_text(s, 7);
  if (sqlite3_column_type(s, 8) != SQLITE_NULL) it.ended_at = column_time(s, 8);
  if (sqlite3_column_type(s, 9) != SQLITE_NULL) it.answer_due = column_time(s, 9);
  return it;
}

constexpr const char* kInteractionColumns =
    "SELECT id, channel, queue_id, citizen_id, priority, attributes, enqueued_at, status, "
    "ended_at, answer_due FROM interactions ";

// The citizen `id` names, following a merge (kNotFound, field "citizen_id").
Result<std::uint64_t> kept_citizen(Connection& c, std::uint64_t id) {
  Statement citizen = c.statement("SELECT merged_into FROM citizens WHERE id = ?");
  if (!citizen) return c.error("citizen");
  sqlite3_bind_int64(citizen, 1, as_int(id));
  if (sqlite3_step(citizen) != SQLITE_ROW) return not_found("no such citizen", "citizen_id");
  const std::uint64_t merged_into = column_id(citizen, 0);
  return merged_into != 0 ? merged_into : id;
}

Status insert_event(Connection& c, const InteractionEvent& event) {
  Statement s = c.statement(
      "INSERT INTO interaction_events (interaction_id, at, type, data) VALUES (?, ?, ?, ?)");
  if (!s) return c.error("event");
  sqlite3_bind_int64(s, 1, as_int(event.interaction_id));
  sqlite3_bind_int64(s, 2, to_ms(event.at));
  bind_text(s, 3, event.type);
  bind_text(s, 4, event.data_json);
  if (sqlite3_step(s) != SQLITE_DONE) {
    return c.foreign_key_failed() ? Status(not_found("no such interaction", "interaction_id"))
                                  : c.error("event");
  }
  if (event.queue_id != 0 || !event.channel.empty()) {
    Statement move = c.statement(
        "UPDATE interactions SET queue_id = CASE WHEN ?1 = 0 THEN queue_id ELSE ?1 END, "
        "channel = CASE WHEN ?2 = '' THEN channel ELSE ?2 END WHERE id = ?3");
    if (!move) return c.error("interaction");
    sqlite3_bind_int64(move, 1, as_int(event.queue_id));
    bind_text(move, 2, event.channel);
    sqlite3_bind_int64(move, 3, as_int(event.interaction_id));
    if (sqlite3_step(move) != SQLITE_DONE) return c.error("interaction");
  }
  if (event.citizen_id != 0) {
    auto citizen = kept_citizen(c, event.citizen_id);
    if (!citizen) return citizen.error();
    Statement link = c.statement("UPDATE interactions SET citizen_id = ? WHERE id = ?");
    if (!link) return c.error("interaction");
    sqlite3_bind_int64(link, 1, as_int(*citizen));
    sqlite3_bind_int64(link, 2, as_int(event.interaction_id));
    if (sqlite3_step(link) != SQLITE_DONE) return c.error("interaction");
  }
  if (!ends_interaction(event.type)) return Status::ok();
  Statement end = c.statement(
      "UPDATE interactions SET status = ?, ended_at = ? WHERE id = ? AND status = 'waiting'");
  if (!end) return c.error("interaction");
  bind_text(end, 1, event.type);
  sqlite3_bind_int64(end, 2, to_ms(event.at));
  sqlite3_bind_int64(end, 3, as_int(event.interaction_id));
  if (sqlite3_step(end) != SQLITE_DONE) return c.error("interaction");
  return Status::ok();
}

}  // namespace

Result<Interaction> SqliteStore::create_interaction(Interaction interaction,
                                                    InteractionEvent first_event) {
  return wait_for<Result<Interaction>>([&](auto answer) {
    create_interaction_async(std::move(interaction), std::move(first_event), std::move(answer));
  });
}

void SqliteStore::create_interaction_async(Interaction interaction, InteractionEvent first_event,
                                           std::function<void(Result<Interaction>)> done) {
  // Shared by the write (which fills in the id) and its completion.
  auto created = std::make_shared<std::pair<Interaction, InteractionEvent>>(std::move(interaction),
                                                                            std::move(first_event));
  impl_->write_async(
      [created](Connection& c) -> Status {
        Interaction& it = created->first;
        if (it.citizen_id != 0) {
          auto citizen = kept_citizen(c, it.citizen_id);
          if (!citizen) return citizen.error();
          it.citizen_id = *citizen;
        }
        if (!it.idempotency_key.empty()) {
          // Writes are one at a time on this thread: no other create with
          // the same key can slip in between this look and the insert.
          Statement seen =
              c.statement("SELECT id, request_digest FROM interactions WHERE idempotency_key = ?");
          if (!seen) return c.error("interaction");
          bind_text(seen, 1, it.idempotency_key);
          if (sqlite3_step(seen) == SQLITE_ROW) {
            if (column_text(seen, 1) != it.request_digest) {
              return failed_precondition("this Idempotency-Key was used for another request",
                                         "idempotency-key");
            }
            it.id = column_id(seen, 0);
            it.replayed = true;
            return Status::ok();
          }
        }
        Statement s = c.statement(
            "INSERT INTO interactions (channel, queue_id, citizen_id, priority, attributes, "
            "enqueued_at, status, idempotency_key, request_digest, answer_due) "
            "VALUES (?, ?, ?, ?, ?, ?, 'waiting', ?, ?, ?) RETURNING id");
        if (!s) return c.error("interaction");
        bind_text(s, 1, it.channel);
        sqlite3_bind_int64(s, 2, as_int(it.queue_id));
        sqlite3_bind_int64(s, 3, as_int(it.citizen_id));
        sqlite3_bind_int(s, 4, it.priority);
        bind_text(s, 5, it.attributes_json);
        sqlite3_bind_int64(s, 6, to_ms(it.enqueued_at));
        if (it.idempotency_key.empty()) {
          sqlite3_bind_null(s, 7);
          sqlite3_bind_null(s, 8);
        } else {
          bind_text(s, 7, it.idempotency_key);
          bind_text(s, 8, it.request_digest);
        }
        if (it.answer_due) {
          sqlite3_bind_int64(s, 9, to_ms(*it.answer_due));
        } else {
          sqlite3_bind_null(s, 9);
        }
        if (sqlite3_step(s) != SQLITE_ROW) return c.error("interaction");
        it.id = column_id(s, 0);
        it.status = "waiting";
        created->second.interaction_id = it.id;
        return insert_event(c, created->second);
      },
      [this, created, done = std::move(done)](Status status) {
        if (!status) return done(status.error());
        if (!created->first.replayed) return done(std::move(created->first));
        auto stored = this->interaction(created->first.id);  // as it is now
        if (stored) stored->replayed = true;
        done(std::move(stored));
      });
}

Result<Interaction> SqliteStore::interaction(std::uint64_t id) {
  return impl_->read([&](Connection& c) -> Result<Interaction> {
    static const std::string sql = std::string(kInteractionColumns) + "WHERE id = ?";
    Statement s = c.statement(sql.c_str());
    if (!s) return c.error("interaction").error();
    sqlite3_bind_int64(s, 1, as_int(id));
    if (sqlite3_step(s) != SQLITE_ROW) return not_found("no such interaction", "id");
    return read_interaction(s);
  });
}

Status SqliteStore::append_events(const std::vector<InteractionEvent>& events) {
  if (events.empty()) return Status::ok();
  return impl_->write([&events](Connection& c) -> Status {
    for (const InteractionEvent& event : events) {
      if (Status s = insert_event(c, event); !s) return s;
    }
    return Status::ok();
  });
}

void SqliteStore::append_events_async(std::vector<InteractionEvent> events,
                                      std::function<void(Status)> done) {
  if (events.empty()) {
    done(Status::ok());
    return;
  }
  impl_->write_async(
      [events = std::move(events)](Connection& c) -> Status {
        for (const InteractionEvent& event : events) {
          if (Status s = insert_event(c, event); !s) return s;
        }
        return Status::ok();
      },
      std::move(done));
}

Result<std::vector<InteractionEvent>> SqliteStore::timeline(std::uint64_t interaction_id) {
  return impl_->read([&](Connection& c) -> Result<std::vector<InteractionEvent>> {
    Statement s = c.statement(
        "SELECT sequence, interaction_id, at, type, data FROM interaction_events "
        "WHERE interaction_id = ? ORDER BY sequence");
    if (!s) return c.error("timeline").error();
    sqlite3_bind_int64(s, 1, as_int(interaction_id));
    std::vector<InteractionEvent> events;
    while (sqlite3_step(s) == SQLITE_ROW) {
      InteractionEvent event;
      event.sequence = column_id(s, 0);
      event.interaction_id = column_id(s, 1);
      event.at = column_time(s, 2);
      event.type = column_text(s, 3);
      event.data_json = column_text(s, 4);
      events.push_back(std::move(event));
    }
    return events;
  });
}

Result<std::vector<Interaction>> SqliteStore::list_interactions(const InteractionFilter& filter) {
  return impl_->read([&](Connection& c) -> Result<std::vector<Interaction>> {
    // One statement for every filter: a condition is off when its value is empty.
    static const std::string sql = std::string(kInteractionColumns) +
                                   "WHERE (?1 = '' OR status = ?1) AND (?2 = '' OR channel = ?2) "
                                   "AND (?3 = 0 OR queue_id = ?3) AND (?4 = 0 OR citizen_id = ?4) "
                                   "AND (?5 = 0 OR id < ?5) ORDER BY id DESC LIMIT ?6";
    Statement s = c.statement(sql.c_str());
    if (!s) return c.error("interactions").error();
    bind_text(s, 1, filter.status);
    bind_text(s, 2, filter.channel);
    sqlite3_bind_int64(s, 3, as_int(filter.queue_id));
    sqlite3_bind_int64(s, 4, as_int(filter.citizen_id));
    sqlite3_bind_int64(s, 5, as_int(filter.before_id));
    sqlite3_bind_int64(s, 6, static_cast<sqlite3_int64>(std::min<std::size_t>(filter.limit, 500)));
    std::vector<Interaction> out;
    while (sqlite3_step(s) == SQLITE_ROW)
      out.push_back(read_interaction(s));
    return out;
  });
}

Result<std::vector<Interaction>> SqliteStore::open_interactions() {
  return impl_->read([&](Connection& c) -> Result<std::vector<Interaction>> {
    static const std::string sql =
        std::string(kInteractionColumns) + "WHERE status = 'waiting' ORDER BY enqueued_at, id";
    Statement s = c.statement(sql.c_str());
    if (!s) return c.error("interactions").error();
    std::vector<Interaction> open;
    while (sqlite3_step(s) == SQLITE_ROW)
      open.push_back(read_interaction(s));
    return open;
  });
}

Result<std::vector<Interaction>> SqliteStore::answers_due(Time before, std::size_t limit) {
  return impl_->read([&](Connection& c) -> Result<std::vector<Interaction>> {
    static const std::string sql =
        std::string(kInteractionColumns) +
        "WHERE status = 'waiting' AND answer_due IS NOT NULL AND answer_due < ? "
        "ORDER BY answer_due, id LIMIT ?";
    Statement s = c.statement(sql.c_str());
    if (!s) return c.error("interactions").error();
    sqlite3_bind_int64(s, 1, to_ms(before));
    sqlite3_bind_int64(s, 2, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
    std::vector<Interaction> due;
    while (sqlite3_step(s) == SQLITE_ROW)
      due.push_back(read_interaction(s));
    return due;
  });
}

}  // namespace guichet::store
