// /api/v1/citizens: the register of citizens (usagers). An agent sees the
// citizen they are serving now (an offer, a conversation, a wrap-up) and
// adds a contact to them, and searches and creates while they handle an
// interaction (to identify the citizen); merging is for supervisors and
// the integrations' accounts. The domain takes and gives
// typed values: the JSON is read and written here.
#include <algorithm>

#include "conversations/contact_center.h"
#include "core/json_format.h"
#include "server/routes/routes.h"

namespace guichet::server::routes {

namespace json = boost::json;
using conversations::CitizenView;
using json_body::string_or;

namespace {

// {"id","name","created_at","merged_into"?,"contacts":[{"kind","value"}]}
std::string citizen_json(const store::Citizen& citizen) {
  std::string out = "{\"id\":" + std::to_string(citizen.id) +
                    ",\"name\":" + json_quote(citizen.name) +
                    ",\"created_at\":" + json_quote(iso8601(citizen.created_at));
  if (citizen.merged_into) out += ",\"merged_into\":" + std::to_string(citizen.merged_into);
  out += ",\"contacts\":[";
  for (std::size_t i = 0; i < citizen.contacts.size(); ++i) {
    if (i > 0) out += ",";
    out += "{\"kind\":" + json_quote(citizen.contacts[i].kind) +
           ",\"value\":" + json_quote(citizen.contacts[i].value) + "}";
  }
  return out + "]}";
}

// The citizen, then "interactions":[{"id","channel","queue_id","status",
// "enqueued_at","ended_at"?,"wrapup_code","notes":[{"at","agent_id","note"}]}]
std::string view_json(const CitizenView& view) {
  std::string out = citizen_json(view.citizen);
  out.pop_back();
  out += ",\"interactions\":[";
  for (std::size_t i = 0; i < view.interactions.size(); ++i) {
    const CitizenView::Contacted& contacted = view.interactions[i];
    const store::Interaction& it = contacted.interaction;
    std::string notes = "[";
    for (const CitizenView::Note& note : contacted.notes) {
      if (notes.size() > 1) notes += ",";
      notes += "{\"at\":" + json_quote(iso8601(note.at)) +
               ",\"agent_id\":" + std::to_string(note.agent) +
               ",\"note\":" + json_quote(note.text) + "}";
    }
    if (i > 0) out += ",";
    out += "{\"id\":" + std::to_string(it.id) + ",\"channel\":" + json_quote(it.channel) +
           ",\"queue_id\":" + std::to_string(it.queue_id) + ",\"status\":" + json_quote(it.status) +
           ",\"enqueued_at\":" + json_quote(iso8601(it.enqueued_at));
    if (it.ended_at) out += ",\"ended_at\":" + json_quote(iso8601(*it.ended_at));
    out += ",\"wrapup_code\":" + json_quote(contacted.wrapup_code) + ",\"notes\":" + notes + "]}";
  }
  return out + "]}";
}

// {"kind","value"} as sent; errors name `where` + the field.
Result<store::Contact> contact_of(const json::object& object, const std::string& where) {
  if (Status s = json_body::check_fields(
          object, {{"kind", json::kind::string, true}, {"value", json::kind::string, true}}, where);
      !s) {
    return s.error();
  }
  return store::Contact{string_or(object, "kind", ""), string_or(object, "value", "")};
}

// The citizen's own routes: an agent only for the citizen they serve.
Handler served(Handler handler) {
  return [handler = std::move(handler)](ApiContext& api, const Call& call) {
    if (!call.manager() && !api.center.agent_serves_citizen(call.id, call.me())) {
      return not_yours();
    }
    return handler(api, call);
  };
}

// Searching and creating: an agent while they handle an interaction (to
// identify who they are talking to), supervisors and integrations always.
Handler while_serving(Handler handler) {
  return [handler = std::move(handler)](ApiContext& api, const Call& call) {
    if (!call.manager()) {
      auto held = api.center.agent_interactions(call.me());
      if (!held || held->empty()) return not_yours();
    }
    return handler(api, call);
  };
}

// What an agent identifying a citizen sees of the others' contacts: enough
// to tell them apart with the citizen on the line ("••••••••78",
// "j•••@exemple.fr"), not the register's contacts to copy (RGPD, art. 5).
store::Citizen masked(store::Citizen citizen) {
  for (store::Contact& contact : citizen.contacts) {
    std::string& value = contact.value;
    const std::size_t at = value.find('@');
    const std::size_t kept = contact.kind == "email" && at != std::string::npos ? 1 : 0;
    const std::size_t hidden_end =
        std::max(kept, kept ? at : (value.size() > 2 ? value.size() - 2 : 0));
    std::string out = value.substr(0, kept);
    for (std::size_t i = kept; i < hidden_end; ++i) {
      // One mark per character, not per byte of UTF-8.
      if ((static_cast<unsigned char>(value[i]) & 0xC0) != 0x80) out += "•";
    }
    value = out + value.substr(hidden_end);
  }
  return citizen;
}

HttpResponse search(ApiContext& api, const Call& call) {
  auto query = call.request.query_param("q");
  if (!query || query->empty() || query->size() > 100) {
    return error_response(400, "invalid_argument", "a search of 1 to 100 characters", "q");
  }
  auto found = api.center.find_citizens(*query);
  if (!found) return from_error(found.error());
  std::string out = "[";
  for (std::size_t i = 0; i < found->size(); ++i) {
    if (i > 0) out += ",";
    // An agent finds who they are talking to by name or by an exact
    // contact; the others' contacts are not theirs to read.
    out += citizen_json(call.manager() ? (*found)[i] : masked((*found)[i]));
  }
  return json_response(200, out + "]");
}

// {"name","contacts"?:[{"kind","value"}]}
HttpResponse create(ApiContext& api, const Call& call) {
  auto body = json_body::parse_object(call.request.body, {{"name", json::kind::string, true},
                                                          {"contacts", json::kind::array, false}});
  if (!body) return from_error(body.error());
  std::vector<store::Contact> contacts;
  if (const json::value* items = body->if_contains("contacts")) {
    for (std::size_t i = 0; i < items->as_array().size(); ++i) {
      const std::string where = "contacts[" + std::to_string(i) + "]";
      const json::value& item = items->as_array()[i];
      if (!item.is_object()) return from_error(invalid_argument("must be an object", where));
      auto contact = contact_of(item.as_object(), where);
      if (!contact) return from_error(contact.error());
      contacts.push_back(std::move(*contact));
    }
  }
  auto created = api.center.create_citizen(string_or(*body, "name", ""), std::move(contacts));
  return from_result(created, citizen_json, 201);
}

HttpResponse add_contact(ApiContext& api, const Call& call) {
  auto body = json_body::parse_object(
      call.request.body, {{"kind", json::kind::string, true}, {"value", json::kind::string, true}});
  if (!body) return from_error(body.error());
  auto contact = contact_of(*body, "");
  if (!contact) return from_error(contact.error());
  return from_result(api.center.add_contact(call.id, std::move(*contact)), view_json, 201);
}

// {"duplicate_id"}
HttpResponse merge(ApiContext& api, const Call& call) {
  auto body =
      json_body::parse_object(call.request.body, {{"duplicate_id", json::kind::int64, true}});
  if (!body) return from_error(body.error());
  const std::int64_t duplicate = json_body::int_or(*body, "duplicate_id", 0);
  return from_result(api.center.merge_citizens(
                         call.id, static_cast<std::uint64_t>(std::max<std::int64_t>(0, duplicate))),
                     view_json);
}

}  // namespace

std::vector<Route> citizens() {
  return {
      {"GET", "/api/v1/citizens", Access::kSignedIn, while_serving(search)},
      {"POST", "/api/v1/citizens", Access::kSignedIn, while_serving(create)},
      {"GET", "/api/v1/citizens/{id}", Access::kSignedIn,
       served([](ApiContext& api, const Call& call) {
         return from_result(api.center.citizen(call.id), view_json);
       })},
      {"POST", "/api/v1/citizens/{id}/contacts", Access::kSignedIn, served(add_contact)},
      {"POST", "/api/v1/citizens/{id}/merge", Access::kManager, merge},
  };
}

}  // namespace guichet::server::routes
