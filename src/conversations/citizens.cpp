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
// Errors name `where` + ".value" or ".kind" ("value", "kind" when empty).
Result<store::Contact> ContactCenter::Impl::normalised(store::Contact contact,
                                                       const std::string& where) {
  const std::string prefix = where.empty() ? "" : where + ".";
  if (contact.kind == "phone") {
    auto number = e164(contact.value);  // one form, whatever way it was typed
    if (!number) return invalid_argument("not a phone number", prefix + "value");
    contact.value = *number;
  } else if (contact.kind == "email") {
    for (char& c : contact.value)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (contact.value.find('@') == std::string::npos) {
      return invalid_argument("not an email address", prefix + "value");
    }
  } else if (contact.kind != "social" && contact.kind != "web") {
    return invalid_argument("phone, email, social or web", prefix + "kind");
  }
  if (contact.value.empty() || contact.value.size() > 200) {
    return invalid_argument("1 to 200 characters", prefix + "value");
  }
  return contact;
}

Result<store::Citizen> ContactCenter::Impl::create_citizen(std::string name,
                                                           std::vector<store::Contact> contacts) {
  store::Citizen citizen;
  citizen.name = std::move(name);
  if (citizen.name.empty() || citizen.name.size() > 200) {
    return invalid_argument("1 to 200 characters", "name");
  }
  for (std::size_t i = 0; i < contacts.size(); ++i) {
    auto contact = normalised(std::move(contacts[i]), "contacts[" + std::to_string(i) + "]");
    if (!contact) return contact.error();
    citizen.contacts.push_back(std::move(*contact));
  }
  citizen.created_at = now();
  return store_.create_citizen(citizen);
}

Result<std::vector<store::Citizen>> ContactCenter::Impl::find_citizens(const std::string& query) {
  // A number is found however it is typed (06 12…, +33 6…).
  const std::optional<std::string> number = e164(query);
  return store_.find_citizens(number ? *number : query, 50);
}

Result<CitizenView> ContactCenter::Impl::citizen(std::uint64_t id) {
  auto found = store_.citizen(id);
  if (!found) return found.error();
  store::InteractionFilter filter;
  filter.citizen_id = found->merged_into ? found->merged_into : id;
  filter.limit = 200;
  auto interactions = store_.list_interactions(filter);
  if (!interactions) return interactions.error();
  CitizenView view{std::move(*found), {}};
  for (store::Interaction& it : *interactions) {
    CitizenView::Contacted contacted{std::move(it), "", {}};
    if (auto timeline = store_.timeline(contacted.interaction.id)) {
      for (const store::InteractionEvent& e : *timeline) {
        if (e.type != "completed" && e.type != "note") continue;  // the others say nothing here
        boost::system::error_code ec;
        json::value data = json::parse(e.data_json, ec);
        if (ec || !data.is_object()) continue;
        const json::object& fields = data.as_object();
        if (e.type == "completed")
          contacted.wrapup_code = json_body::string_or(fields, "reason", "");
        if (e.type == "note") {
          contacted.notes.push_back({e.at,
                                     static_cast<std::uint64_t>(std::max<std::int64_t>(
                                         0, json_body::int_or(fields, "agent_id", 0))),
                                     json_body::string_or(fields, "note", "")});
        }
      }
    }
    view.interactions.push_back(std::move(contacted));
  }
  return view;
}

Result<CitizenView> ContactCenter::Impl::add_contact(std::uint64_t citizen,
                                                     store::Contact contact) {
  auto checked = normalised(std::move(contact), "");
  if (!checked) return checked.error();
  if (Status s = store_.add_contact(citizen, *checked); !s) return s.error();
  return this->citizen(citizen);
}

Result<CitizenView> ContactCenter::Impl::merge_citizens(std::uint64_t keep,
                                                        std::uint64_t duplicate) {
  if (duplicate == 0) return invalid_argument("must be a positive id", "duplicate_id");
  if (Status s = store_.merge_citizens(keep, duplicate); !s) return s.error();
  return citizen(keep);
}

}  // namespace guichet::conversations
