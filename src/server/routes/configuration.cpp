// The configuration documents: skills, queues, wrap-up codes, pause
// reasons, calendars, canned responses, IVR flows (and the flow editor's
// live check). Every role reads them; supervisors and admins change them.
#include "conversations/contact_center.h"
#include "server/routes/routes.h"

namespace guichet::server::routes {

namespace {

// An agent reads as themselves (a colleague's profile without its phone
// number); supervisors and admins see everything (0).
std::uint64_t viewer(const Call& call) {
  return call.manager() ? 0 : call.me();
}

std::string base(const std::string& collection) {
  return "/api/v1/" + collection;
}

}  // namespace

Route list_documents(const std::string& collection, const std::string& kind) {
  return {"GET", base(collection), Access::kSignedIn, [kind](ApiContext& api, const Call& call) {
            return from_result(api.center.list(kind, viewer(call)));
          }};
}

Route get_document(const std::string& collection, const std::string& kind) {
  return {"GET", base(collection) + "/{id}", Access::kSignedIn,
          [kind](ApiContext& api, const Call& call) {
            return from_result(api.center.get(kind, call.id, viewer(call)));
          }};
}

Route create_document(const std::string& collection, const std::string& kind) {
  return {"POST", base(collection), Access::kManager, [kind](ApiContext& api, const Call& call) {
            return from_result(api.center.create(kind, call.request.body, call.me()), 201);
          }};
}

Route put_document(const std::string& collection, const std::string& kind) {
  return {"PUT", base(collection) + "/{id}", Access::kManager,
          [kind](ApiContext& api, const Call& call) {
            return from_result(api.center.put(kind, call.id, call.request.body, call.me()));
          }};
}

Route remove_document(const std::string& collection, const std::string& kind) {
  return {"DELETE", base(collection) + "/{id}", Access::kManager,
          [kind](ApiContext& api, const Call& call) {
            Status s = api.center.remove(kind, call.id, call.me());
            return s ? no_content() : from_error(s.error());
          }};
}

std::vector<Route> configuration() {
  std::vector<Route> out;
  auto add_documents = [&out](const std::string& collection, const std::string& kind) {
    out.push_back(list_documents(collection, kind));
    out.push_back(create_document(collection, kind));
    out.push_back(get_document(collection, kind));
    out.push_back(put_document(collection, kind));
    out.push_back(remove_document(collection, kind));
  };
  add_documents("skills", "skill");
  add_documents("queues", "queue");
  add_documents("wrapup-codes", "wrapup_code");
  add_documents("pause-reasons", "pause_reason");
  add_documents("calendars", "calendar");
  add_documents("canned-responses", "canned_response");
  // The flow editor's live list of problems.
  out.push_back(
      {"POST", "/api/v1/ivr-flows/check", Access::kManager, [](ApiContext& api, const Call& call) {
         return json_response(200, api.center.check_document("ivr_flow", call.request.body));
       }});
  add_documents("ivr-flows", "ivr_flow");
  return out;
}

}  // namespace guichet::server::routes
