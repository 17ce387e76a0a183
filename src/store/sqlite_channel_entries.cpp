// What each channel keeps of its own, by key (Store::put_channel_entries).
#include <string>
#include <vector>

#include "store/detail/sqlite_impl.h"

namespace guichet::store {

using namespace detail;

Status SqliteStore::put_channel_entries(const std::string& channel,
                                        const std::vector<ChannelEntry>& entries) {
  return impl_->write([&](Connection& c) -> Status {
    for (const ChannelEntry& e : entries) {
      Statement s = c.statement(
          e.value.empty() ? "DELETE FROM channel_entries WHERE channel = ? AND key = ?"
                          : "INSERT INTO channel_entries (channel, key, value) VALUES (?, ?, ?) "
                            "ON CONFLICT (channel, key) DO UPDATE SET value = excluded.value");
      if (!s) return c.error("channel entry");
      bind_text(s, 1, channel);
      bind_text(s, 2, e.key);
      if (!e.value.empty()) bind_text(s, 3, e.value);
      if (sqlite3_step(s) != SQLITE_DONE) return c.error("channel entry");
    }
    return Status::ok();
  });
}

Result<std::string> SqliteStore::channel_entry(const std::string& channel, const std::string& key) {
  return impl_->read([&](Connection& c) -> Result<std::string> {
    Statement s = c.statement("SELECT value FROM channel_entries WHERE channel = ? AND key = ?");
    if (!s) return c.error("channel entry").error();
    bind_text(s, 1, channel);
    bind_text(s, 2, key);
    const int step = sqlite3_step(s);
    if (step == SQLITE_DONE) return not_found("nothing kept under this key", "key");
    if (step != SQLITE_ROW)
      return c.error("channel entry").error();  // not "none": a read that failed
    return column_text(s, 0);
  });
}

Result<std::vector<ChannelEntry>> SqliteStore::channel_entries(const std::string& channel,
                                                               const std::string& prefix) {
  return impl_->read([&](Connection& c) -> Result<std::vector<ChannelEntry>> {
    // A range on the primary key, not LIKE: a prefix may hold % or _.
    Statement s = c.statement(
        "SELECT key, value FROM channel_entries WHERE channel = ? AND key >= ? "
        "AND substr(CAST(key AS BLOB), 1, ?) = CAST(? AS BLOB) ORDER BY key");
    if (!s) return c.error("channel entries").error();
    bind_text(s, 1, channel);
    bind_text(s, 2, prefix);
    sqlite3_bind_int64(s, 3, static_cast<sqlite3_int64>(prefix.size()));
    bind_text(s, 4, prefix);
    std::vector<ChannelEntry> out;
    int step = SQLITE_ROW;
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
      out.push_back({column_text(s, 0), column_text(s, 1)});
    if (step != SQLITE_DONE) return c.error("channel entries").error();
    return out;
  });
}

}  // namespace guichet::store
