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

}  // namespace
}  // namespace guichet
