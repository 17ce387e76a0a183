// Every route of the OpenAPI document, called as a stranger and as an agent:
// what the document says is protected must refuse (401), and what it reserves
// to supervisors or admins must refuse an agent (403).
#include <boost/json.hpp>

#include "harness.h"

namespace {

using namespace guichet::testing;
namespace json = boost::json;

struct Operation {
  std::string method;  // upper case
  std::string path;    // {id} replaced by 1
  bool public_route = false;
  bool managers_only = false;
  bool admins_only = false;
};

std::vector<Operation> operations_of(const std::string& spec_text) {
  std::vector<Operation> out;
  json::value spec = json::parse(spec_text);
  for (const auto& [path, item] : spec.at("paths").as_object()) {
    for (const auto& [method, operation] : item.as_object()) {
      if (method == "parameters") continue;
      Operation op;
      for (char c : std::string(method))
        op.method += static_cast<char>(std::toupper(c));
      op.path = std::string(path);
      if (auto at = op.path.find("{id}"); at != std::string::npos) op.path.replace(at, 4, "1");
      const json::object& o = operation.as_object();
      op.public_route = o.contains("security") && o.at("security").as_array().empty();
      const std::string summary(o.at("summary").as_string());
      op.admins_only = summary.find("(admin)") != std::string::npos;
      op.managers_only = op.admins_only || summary.find("(supervisor, admin)") != std::string::npos;
      out.push_back(op);
    }
  }
  return out;
}

TEST_F(Guichet, EveryRouteRefusesTheRolesItMust) {
  Reply spec = request(port_, "GET", "/api/v1/openapi.json");
  ASSERT_EQ(spec.status, 200);
  const std::vector<Operation> operations = operations_of(spec.body);
  ASSERT_GT(operations.size(), 40u);
  const std::string agent = login("agent1", "agent-password-1234");
  int protected_routes = 0, manager_routes = 0;
  for (const Operation& op : operations) {
    const std::string body = op.method == "POST" || op.method == "PUT" ? "{}" : "";
    if (!op.public_route) {
      ++protected_routes;
      EXPECT_EQ(request(port_, op.method, op.path, body).status, 401)
          << op.method << " " << op.path << " must refuse a stranger";
    }
    if (op.managers_only) {
      ++manager_routes;
      EXPECT_EQ(request(port_, op.method, op.path, body, bearer(agent)).status, 403)
          << op.method << " " << op.path << " must refuse an agent";
    }
  }
  EXPECT_GT(protected_routes, 35);
  EXPECT_GT(manager_routes, 15);
}

}  // namespace
