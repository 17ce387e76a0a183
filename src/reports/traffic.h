// The traffic report: offered, answered (in the threshold), abandoned,
// service level and speed of answer — or, per agent, offers, accepted,
// missed, completed — over a range of local days, per interval, per queue,
// channel or agent; JSON, or CSV (RFC 4180 with CRLF, formulas
// neutralised), plain or for a French spreadsheet. Reads the store's counts; may block on it.
#pragma once

#include <string>

#include "conversations/contact_center.h"
#include "core/result.h"
#include "core/time.h"
#include "store/store.h"

namespace guichet::reports {

struct TrafficRequest {
  std::string from;  // local dates, YYYY-MM-DD, both included; empty: today
  std::string to;
  std::string by = "queue";        // "queue", "channel" or "agent"
  std::string interval = "total";  // "15", "30", "60" (minutes), "day" or "total"
  bool csv = false;                // else JSON
  // The CSV for a French spreadsheet (LibreOffice, Excel set to French): a
  // BOM, semicolons, French headers, channels and dates, decimal commas,
  // service level in %. The plain CSV stays for machines.
  bool french = false;
};

// `now`: what "today" is. The queues' names and thresholds, and the agents'
// names, are those of `center`'s configuration.
Result<std::string> traffic_report(const TrafficRequest& request, Time now, store::Store& store,
                                   conversations::ContactCenter& center);

}  // namespace guichet::reports
