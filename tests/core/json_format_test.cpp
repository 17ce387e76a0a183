#include "core/json_format.h"

#include <gtest/gtest.h>

#include <limits>

namespace guichet {
namespace {

TEST(JsonFormat, NumbersHaveFixedDecimalsWithoutTrailingZeros) {
  EXPECT_EQ(json_number(0.81054, 4), "0.8105");
  EXPECT_EQ(json_number(10.0, 2), "10");
  EXPECT_EQ(json_number(-2.5, 2), "-2.5");
  EXPECT_EQ(json_number(-0.00001, 2), "0");
  EXPECT_EQ(json_number(std::numeric_limits<double>::quiet_NaN(), 2), "null");
}

TEST(JsonFormat, StringsAreEscaped) {
  EXPECT_EQ(json_quote("état \"civil\"\n"), "\"état \\\"civil\\\"\\n\"");
  EXPECT_EQ(json_quote(std::string("a\x01", 2)), "\"a\\u0001\"");
}

TEST(JsonFormat, TimesAreUtcIso8601WithMilliseconds) {
  EXPECT_EQ(iso8601(time_from_ms(1'796'025'600'123)), "2026-11-30T08:00:00.123Z");
  EXPECT_EQ(iso8601(time_from_ms(0)), "1970-01-01T00:00:00.000Z");
}

}  // namespace
}  // namespace guichet
