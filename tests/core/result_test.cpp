#include "core/result.h"

#include <gtest/gtest.h>

namespace guichet {
namespace {

Result<int> parse_level(int raw) {
  if (raw < 1 || raw > 5) return invalid_argument("level out of 1..5", "level");
  return raw;
}

TEST(Result, CarriesAValueOrAnError) {
  auto good = parse_level(3);
  ASSERT_TRUE(good.is_ok());
  EXPECT_EQ(*good, 3);
  auto bad = parse_level(9);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().field, "level");
  EXPECT_EQ(bad.status().to_string(), "invalid_argument: level out of 1..5 (level)");
}

TEST(Status, OkByDefault) {
  Status status;
  EXPECT_TRUE(status.is_ok());
  EXPECT_EQ(status.to_string(), "ok");
  Status failed = not_found("no such queue");
  EXPECT_FALSE(failed.is_ok());
  EXPECT_STREQ(to_string(failed.error().code), "not_found");
}

}  // namespace
}  // namespace guichet
