// Citizens (usagers): the register, their contacts, the 360° view, merges;
// and whether an agent serves one now.
#include "conversations/detail/contact_center_impl.h"

#include "core/json_format.h"
#include "core/text.h"

namespace guichet::conversations {

using namespace detail;

bool ContactCenter::Impl::agent_serves_citizen(std::uint64_t citizen, std::uint64_t agent) {
  if (citizen == 0) return false;
  std::vector<std::uint64_t> interactions;
  {
    std::lock_guard lock(offers_mutex_);
    for (const auto& [offer, pending] : offers_) {
      if (pending.agent == agent) interactions.push_back(pending.interaction);
    }
    if (auto found = held_.find(agent); found != held_.end()) {
      interactions.insert(interactions.end(), found->second.begin(), found->second.end());
    }
  }
  // held_ may still name what ended (see agent_interactions): the engine says.
  engine_.inspect([&](const routing::Engine& e) {
    std::erase_if(interactions, [&](std::uint64_t id) {
      auto status = e.interaction(id);
      return !status || status->agent != agent;
    });
  });
  // A merged citizen answers for the one it went into, and the other way.
  auto asked = store_.citizen(citizen);
  const std::uint64_t kept = asked && asked->merged_into ? asked->merged_into : citizen;
  for (std::uint64_t id : interactions) {
    auto it = store_.interaction(id);
    if (!it || it->citizen_id == 0) continue;
    if (it->citizen_id == citizen || it->citizen_id == kept) return true;
    auto theirs = store_.citizen(it->citizen_id);
    if (theirs && theirs->merged_into == kept) return true;
  }
  return false;
}

// Phone numbers keep their digits and a leading +; emails are lower case.
Result<store::Contact> ContactCenter::Impl::contact_from(const json::object& object,
                                                         const std::string& where) {
  if (Status s = json_body::check_fields(
          object, {{"kind", json::kind::string, true}, {"value", json::kind::string, true}}, where);
      !s) {
    return s.error();
  }
  store::Contact contact{json_body::string_or(object, "kind", ""),
                         json_body::string_or(object, "value", "")};
  if (contact.kind == "phone") {
    auto number = e164(contact.value);  // one form, whatever way it was typed
    if (!number) return invalid_argument("not a phone number", where + ".value");
    contact.value = *number;
  } else if (contact.kind == "email") {
    for (char& c : contact.value)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (contact.value.find('@') == std::string::npos) {
      return invalid_argument("not an email address", where + ".value");
    }
  } else if (contact.kind != "social" && contact.kind != "web") {
    return invalid_argument("phone, email, social or web", where + ".kind");
  }
  if (contact.value.empty() || contact.value.size() > 200) {
    return invalid_argument("1 to 200 characters", where + ".value");
  }
  return contact;
}

std::string ContactCenter::Impl::citizen_view(const store::Citizen& citizen) {
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

Result<std::string> ContactCenter::Impl::create_citizen(const std::string& body) {
  auto object = json_body::parse_object(
      body, {{"name", json::kind::string, true}, {"contacts", json::kind::array, false}});
  if (!object) return object.error();
  store::Citizen citizen;
  citizen.name = json_body::string_or(*object, "name", "");
  if (citizen.name.empty() || citizen.name.size() > 200) {
    return invalid_argument("1 to 200 characters", "name");
  }
  if (const json::value* contacts = object->if_contains("contacts")) {
    for (std::size_t i = 0; i < contacts->as_array().size(); ++i) {
      const std::string where = "contacts[" + std::to_string(i) + "]";
      const json::value& item = contacts->as_array()[i];
      if (!item.is_object()) return invalid_argument("must be an object", where);
      auto contact = contact_from(item.as_object(), where);
      if (!contact) return contact.error();
      citizen.contacts.push_back(std::move(*contact));
    }
  }
  citizen.created_at = now();
  auto created = store_.create_citizen(citizen);
  if (!created) return created.error();
  return citizen_view(*created);
}

Result<std::string> ContactCenter::Impl::find_citizens(const std::string& query) {
  // A number is found however it is typed (06 12…, +33 6…).
  const std::optional<std::string> number = e164(query);
  auto found = store_.find_citizens(number ? *number : query, 50);
  if (!found) return found.error();
  std::string out = "[";
  for (std::size_t i = 0; i < found->size(); ++i) {
    if (i > 0) out += ",";
    out += citizen_view((*found)[i]);
  }
  return out + "]";
}

Result<std::string> ContactCenter::Impl::citizen(std::uint64_t id) {
  auto citizen = store_.citizen(id);
  if (!citizen) return citizen.error();
  store::InteractionFilter filter;
  filter.citizen_id = citizen->merged_into ? citizen->merged_into : id;
  filter.limit = 200;
  auto interactions = store_.list_interactions(filter);
  if (!interactions) return interactions.error();
  std::string out = citizen_view(*citizen);
  out.pop_back();
  out += ",\"interactions\":[";
  for (std::size_t i = 0; i < interactions->size(); ++i) {
    const store::Interaction& it = (*interactions)[i];
    std::string outcome, notes = "[";
    if (auto timeline = store_.timeline(it.id)) {
      for (const store::InteractionEvent& e : *timeline) {
        boost::system::error_code ec;
        json::value data = json::parse(e.data_json, ec);
        if (ec || !data.is_object()) continue;
        if (e.type == "completed") outcome = json_body::string_or(data.as_object(), "reason", "");
        if (e.type == "note") {
          if (notes.size() > 1) notes += ",";
          notes += "{\"at\":" + json_quote(iso8601(e.at)) + ",\"agent_id\":" +
                   std::to_string(json_body::int_or(data.as_object(), "agent_id", 0)) +
                   ",\"note\":" + json_quote(json_body::string_or(data.as_object(), "note", "")) +
                   "}";
        }
      }
    }
    if (i > 0) out += ",";
    out += "{\"id\":" + std::to_string(it.id) + ",\"channel\":" + json_quote(it.channel) +
           ",\"queue_id\":" + std::to_string(it.queue_id) + ",\"status\":" + json_quote(it.status) +
           ",\"enqueued_at\":" + json_quote(iso8601(it.enqueued_at));
    if (it.ended_at) out += ",\"ended_at\":" + json_quote(iso8601(*it.ended_at));
    out += ",\"wrapup_code\":" + json_quote(outcome) + ",\"notes\":" + notes + "]}";
  }
  return out + "]}";
}

Result<std::string> ContactCenter::Impl::add_contact(std::uint64_t citizen,
                                                     const std::string& body) {
  auto object = json_body::parse_object(
      body, {{"kind", json::kind::string, true}, {"value", json::kind::string, true}});
  if (!object) return object.error();
  auto contact = contact_from(*object, "");
  if (!contact) {
    Error error = contact.error();
    if (!error.field.empty() && error.field[0] == '.') error.field.erase(0, 1);
    return error;
  }
  if (Status s = store_.add_contact(citizen, *contact); !s) return s.error();
  return this->citizen(citizen);
}

Result<std::string> ContactCenter::Impl::merge_citizens(std::uint64_t keep,
                                                        const std::string& body) {
  auto object = json_body::parse_object(body, {{"duplicate_id", json::kind::int64, true}});
  if (!object) return object.error();
  auto duplicate = id_field(*object, "duplicate_id", "");
  if (!duplicate) return duplicate.error();
  if (Status s = store_.merge_citizens(keep, *duplicate); !s) return s.error();
  return citizen(keep);
}

}  // namespace guichet::conversations
