#include "server/auth.h"

#include <gtest/gtest.h>

#include "server/http.h"

namespace guichet::server {
namespace {

TEST(Passwords, HashIsArgon2idAndVerifies) {
  auto hash = hash_password("correct horse battery staple");
  ASSERT_TRUE(hash.is_ok());
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u) << *hash;
  EXPECT_TRUE(verify_password(*hash, "correct horse battery staple"));
  EXPECT_FALSE(verify_password(*hash, "correct horse battery stapler"));
  EXPECT_FALSE(verify_password("not a hash", "anything"));
  EXPECT_NE(*hash, *hash_password("correct horse battery staple")) << "salted";
}

TEST(Tokens, AreRandomAndOnlyTheirHashIsKept) {
  const std::string a = new_session_token();
  const std::string b = new_session_token();
  EXPECT_EQ(a.size(), 64u);
  EXPECT_NE(a, b);
  EXPECT_EQ(hash_token(a), hash_token(a));
  EXPECT_NE(hash_token(a), a);
  EXPECT_NE(csrf_token_for(a), csrf_token_for(b));
  EXPECT_TRUE(same_secret(csrf_token_for(a), csrf_token_for(a)));
  EXPECT_FALSE(same_secret("abc", "abd"));
  EXPECT_FALSE(same_secret("abc", "abcd"));
}

TEST(LoginLimiter, RefusesAfterTooManyFailuresUntilTheWindowPasses) {
  LoginLimiter limiter(3, Duration(60'000));
  const Time t0 = time_from_ms(1'000'000);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(limiter.allowed("alice\n10.0.0.1", t0));
    limiter.failed("alice\n10.0.0.1", t0);
  }
  EXPECT_FALSE(limiter.allowed("alice\n10.0.0.1", t0 + Duration(59'000)));
  EXPECT_TRUE(limiter.allowed("bob\n10.0.0.1", t0)) << "per key";
  EXPECT_TRUE(limiter.allowed("alice\n10.0.0.1", t0 + Duration(60'000)));
}

TEST(HttpRequest, ReadsCookiesAndQueryParameters) {
  HttpRequest request;
  request.headers["cookie"] = "theme=dark; guichet_session=abc123 ; other=1";
  request.query = "queue=%C3%A9tat-civil&limit=20&empty=&flag";
  EXPECT_EQ(request.cookie("guichet_session"), "abc123");
  EXPECT_FALSE(request.cookie("missing").has_value());
  EXPECT_EQ(request.query_param("queue"), "état-civil");
  EXPECT_EQ(request.query_param("limit"), "20");
  EXPECT_EQ(request.query_param("empty"), "");
  EXPECT_EQ(request.query_param("flag"), "");
  EXPECT_FALSE(request.query_param("nope").has_value());
  EXPECT_EQ(percent_decode("a%2"), "a%2") << "a truncated escape stays as it is";
}

TEST(HttpResponse, ErrorsHaveCodeMessageAndField) {
  const HttpResponse response = error_response(400, "invalid_argument", "wrong \"type\"", "name");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body,
            R"({"error":{"code":"invalid_argument","message":"wrong \"type\"","field":"name"}})");
}

}  // namespace
}  // namespace guichet::server
