// docs/openapi.json and the routes the API serves must be the same list.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "server/api.h"
#include "server/openapi.h"

namespace guichet::server {
namespace {

namespace json = boost::json;

std::string lower(std::string text) {
  for (char& c : text)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

json::object spec_paths() {
  std::ifstream file(GUICHET_SOURCE_DIR "/docs/openapi.json");
  std::ostringstream text;
  text << file.rdbuf();
  json::value spec = json::parse(text.str());
  EXPECT_EQ(spec.at("openapi").as_string(), "3.1.0");
  return spec.at("paths").as_object();
}

TEST(OpenApi, EveryRouteIsDocumented) {
  const json::object paths = spec_paths();
  for (const auto& [method, path] : Api::routes()) {
    const json::value* item = paths.if_contains(path);
    ASSERT_NE(item, nullptr) << path << " is served but missing from docs/openapi.json";
    EXPECT_TRUE(item->as_object().contains(lower(method)))
        << method << " " << path << " is served but missing from docs/openapi.json";
  }
}

TEST(OpenApi, EveryDocumentedRouteIsServed) {
  std::set<std::pair<std::string, std::string>> served;
  for (const auto& [method, path] : Api::routes())
    served.insert({lower(method), path});
  static const std::set<std::string> kNotMethods = {"parameters", "summary", "description"};
  for (const auto& [path, item] : spec_paths()) {
    for (const auto& [method, operation] : item.as_object()) {
      if (kNotMethods.count(std::string(method))) continue;
      EXPECT_TRUE(served.count({std::string(method), std::string(path)}))
          << method << " " << path << " is documented but not served";
    }
  }
}

TEST(OpenApi, TheServedDocumentIsTheRepositorysFile) {
  std::ifstream file(GUICHET_SOURCE_DIR "/docs/openapi.json");
  std::ostringstream text;
  text << file.rdbuf();
  EXPECT_EQ(std::string(openapi_json()), text.str());
}

}  // namespace
}  // namespace guichet::server
