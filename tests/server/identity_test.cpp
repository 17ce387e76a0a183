// Who runs the service, as its pages show it: read by anyone (the login
// page), changed by admins, links and logo checked.
#include "flow.h"

namespace guichet::testing {
namespace {

// The smallest PNG: its signature and a header chunk are enough to be one.
const std::string kPng("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0", 29);

TEST_F(Flow, ATownHallShowsItsOwnNameLogoAndLinks) {
  Reply defaults = request(port_, "GET", "/api/v1/identity");
  ASSERT_EQ(defaults.status, 200) << "the login page reads it, before any session";
  EXPECT_NE(defaults.body.find(R"("state_service":true)"), std::string::npos) << defaults.body;
  EXPECT_EQ(defaults.body.find("logo_url"), std::string::npos);

  const std::string town_hall =
      R"({"name":"Mairie de Saint-Exemple","state_service":false,"accessibility":"non compliant",)"
      R"("accessibility_url":"https://www.saint-exemple.fr/accessibilite",)"
      R"("legal_notice_url":"/mentions-legales","personal_data_url":"https://www.saint-exemple.fr/donnees"})";
  EXPECT_EQ(call(supervisor_, "PUT", "/api/v1/identity", town_hall).status, 403) << "admins only";
  const std::string admin = login("admin", "admin-password-1234");
  Reply saved = call(admin, "PUT", "/api/v1/identity", town_hall);
  ASSERT_EQ(saved.status, 200) << saved.body;
  Reply shown = request(port_, "GET", "/api/v1/identity");
  EXPECT_EQ(field(shown.body, "name"), "Mairie de Saint-Exemple");
  EXPECT_NE(shown.body.find(R"("state_service":false)"), std::string::npos);
  EXPECT_EQ(field(shown.body, "legal_notice_url"), "/mentions-legales");

  // A link is a web address or a path here, nothing a browser would run.
  for (const char* link : {"javascript:alert(1)", "//ailleurs.example/x", "data:text/html,x"}) {
    Reply refused = call(
        admin, "PUT", "/api/v1/identity",
        R"({"name":"M","state_service":false,"accessibility_url":")" + std::string(link) + R"("})");
    EXPECT_EQ(refused.status, 400) << link;
    EXPECT_EQ(field(refused.body, "field"), "accessibility_url") << link;
  }
  EXPECT_EQ(
      field(call(admin, "PUT", "/api/v1/identity", R"({"name":"","state_service":true})").body,
            "field"),
      "name");
  EXPECT_EQ(field(call(admin, "PUT", "/api/v1/identity",
                       R"({"name":"M","state_service":true,"accessibility":"bof"})")
                      .body,
                  "field"),
            "accessibility");

  // The logo: an image by its bytes, whatever it is called; kept, served
  // with its type and cached for good under an address that changes with it.
  EXPECT_EQ(call(admin, "PUT", "/api/v1/identity/logo", "<svg onload=alert(1)/>").status, 400);
  EXPECT_EQ(call(admin, "PUT", "/api/v1/identity/logo", kPng + std::string(100'000, 'x')).status,
            400);
  Reply uploaded = call(admin, "PUT", "/api/v1/identity/logo", kPng);
  ASSERT_EQ(uploaded.status, 200) << uploaded.body;
  const std::string logo_url = field(uploaded.body, "logo_url");
  ASSERT_EQ(logo_url.rfind("/api/v1/identity/logo?v=", 0), 0u) << uploaded.body;
  Reply logo = request(port_, "GET", logo_url);
  ASSERT_EQ(logo.status, 200);
  EXPECT_EQ(logo.body, kPng);
  EXPECT_EQ(logo.headers["content-type"], "image/png");
  EXPECT_NE(logo.headers["cache-control"].find("immutable"), std::string::npos);
  EXPECT_EQ(call(admin, "DELETE", "/api/v1/identity/logo").status, 204);
  EXPECT_EQ(request(port_, "GET", "/api/v1/identity").body.find("logo_url"), std::string::npos);
}

}  // namespace
}  // namespace guichet::testing
