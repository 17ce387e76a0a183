// Small helpers to print JSON by hand where a document's look matters (fixed
// decimals instead of the exponent notation Boost.JSON 1.81 prints).
#pragma once

#include <boost/json/fwd.hpp>

#include <string>
#include <string_view>

#include "core/time.h"

namespace guichet {

// `value` with at most `decimals` decimals, trailing zeros dropped: 0.8105,
// 10, -2.5. Not-a-number and infinities print as null.
std::string json_number(double value, int decimals);

// A JSON string literal, quotes included, with the characters JSON requires
// escaped. The text is taken as UTF-8 and passed through unchanged otherwise.
std::string json_quote(std::string_view text);

// `value` as JSON text, as boost::json::serialize writes it but numbers
// with a fraction in plain decimals, the shortest that reads back the
// same (0.8, not 8E-1). Not-a-number and infinities print as null.
std::string json_text(const boost::json::value& value);

// UTC ISO 8601 with milliseconds, as times go on the wire: 2026-11-30T08:00:00.000Z.
std::string iso8601(Time t);

}  // namespace guichet
