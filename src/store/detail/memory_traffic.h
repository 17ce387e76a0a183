#pragma once
// MemoryStore's traffic report: SqliteStore's traffic statements (by queue,
// channel or agent) in C++, over the tables it holds. Kept apart from the
// store's tables and locking: it only reads what it is given.
#include <cstdint>
#include <map>
#include <vector>

#include "store/store.h"

namespace guichet::store::detail {

// Rows in (start, key) order, as SqliteStore::traffic returns them; the
// caller has checked that the range is not empty. kIoError for an event
// whose data is not JSON, as SQLite's json_extract fails.
Result<std::vector<TrafficRow>> count_traffic(
    const TrafficQuery& query, const std::map<std::uint64_t, Interaction>& interactions,
    const std::vector<InteractionEvent>& events);

}  // namespace guichet::store::detail
