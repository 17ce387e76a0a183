// /api/v1/mailboxes: the service's mailboxes (administrators), their
// connection test, and /api/v1/stats/email (supervisors). A mailbox is a
// configuration document without its passwords: those are kept as the
// email channel's entries (documents are audited and shown), written only,
// never read back — the answer says whether one is set.
#include <boost/json.hpp>

#include <algorithm>
#include <mutex>

#include "channels/email/email_channel.h"
#include "conversations/contact_center.h"
#include "core/json_format.h"
#include "server/routes/routes.h"

namespace guichet::server::routes {

namespace {

namespace json = boost::json;
using email::EmailChannel;
using json_body::id_in;

constexpr const char* kServers[] = {"imap", "smtp"};

std::string password_field(const char* server) {
  return std::string(server) + "_password";
}

// The document's view, with whether each password is set.
json::object with_secrets(ApiContext& api, json::object view) {
  const json::value* id = view.if_contains("id");
  const std::uint64_t mailbox =
      id && id->is_int64() ? static_cast<std::uint64_t>(id->as_int64()) : 0;
  for (const char* server : kServers) {
    const bool set =
        mailbox != 0 && api.store.channel_entry("email", EmailChannel::secret_key(mailbox, server));
    view[std::string(server) + "_password_set"] = set;
  }
  return view;
}

HttpResponse view_answer(ApiContext& api, const Result<std::string>& document, int status = 200) {
  if (!document) return from_error(document.error());
  boost::system::error_code ec;
  json::value parsed = json::parse(*document, ec);
  if (ec || !parsed.is_object()) return from_error(internal_error("a mailbox unreadable"));
  return json_response(status, json::serialize(with_secrets(api, std::move(parsed.as_object()))));
}

// The body without its passwords, and the passwords given (empty: keep).
struct Split {
  std::string body;
  std::vector<std::pair<std::string, std::string>> passwords;  // server, password
};

Result<Split> split_passwords(const std::string& body) {
  boost::system::error_code ec;
  json::value parsed = json::parse(body, ec);
  if (ec || !parsed.is_object()) return invalid_argument("a JSON object", "body");
  json::object& o = parsed.as_object();
  Split out;
  for (const char* server : kServers) {
    const std::string field = password_field(server);
    json::value* given = o.if_contains(field);
    if (!given) continue;
    if (!given->is_string()) return invalid_argument("a string", field);
    if (given->as_string().size() > 1024) return invalid_argument("at most 1024 bytes", field);
    if (!given->as_string().empty())
      out.passwords.emplace_back(server, std::string(given->as_string()));
    o.erase(field);
  }
  out.body = json::serialize(o);
  return out;
}

Status keep_passwords(ApiContext& api, std::uint64_t mailbox, const Split& split) {
  if (split.passwords.empty()) return Status::ok();
  std::vector<store::ChannelEntry> entries;
  for (const auto& [server, password] : split.passwords)
    entries.push_back({EmailChannel::secret_key(mailbox, server), password});
  return api.store.put_channel_entries("email", entries);
}

// The channel reads its mailboxes again (their passwords are kept now).
void reload(ApiContext& api) {
  api.channels.with("email", [](channels::Channel* channel) {
    if (channel) channel->on_config("mailbox");
    return 0;
  });
}

HttpResponse list_mailboxes(ApiContext& api, const Call&) {
  auto documents = api.center.list("mailbox");
  if (!documents) return from_error(documents.error());
  boost::system::error_code ec;
  json::value parsed = json::parse(*documents, ec);
  if (ec || !parsed.is_array()) return from_error(internal_error("mailboxes unreadable"));
  json::array out;
  for (json::value& v : parsed.as_array())
    if (v.is_object()) out.push_back(with_secrets(api, std::move(v.as_object())));
  return json_response(200, json::serialize(out));
}

HttpResponse create_mailbox(ApiContext& api, const Call& call) {
  auto split = split_passwords(call.request.body);
  if (!split) return from_error(split.error());
  auto made = api.center.create("mailbox", split->body, call.me());
  if (!made) return from_error(made.error());
  if (Status s = keep_passwords(api, id_in(*made), *split); !s) return from_error(s.error());
  reload(api);
  return view_answer(api, made, 201);
}

// A password kept goes to the server it was given for: a new address or
// user for a server with a password kept needs it given again (else it
// could be sent elsewhere). The servers whose address or user changed.
Result<std::vector<std::string>> changed_servers(ApiContext& api, std::uint64_t id,
                                                 const std::string& stored, const Split& split) {
  boost::system::error_code ec;
  const json::value before = json::parse(stored, ec);
  const json::value after = json::parse(split.body, ec);
  std::vector<std::string> changed;
  if (!before.is_object() || !after.is_object()) return changed;
  auto text = [](const json::object& o, const std::string& key) {
    const json::value* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();  // absent is ""
  };
  for (const char* server : kServers) {
    bool same = true;
    for (const std::string& field : {std::string(server) + "_url", std::string(server) + "_user"})
      same = same && text(before.as_object(), field) == text(after.as_object(), field);
    if (same) continue;
    changed.emplace_back(server);
    const bool given = std::any_of(split.passwords.begin(), split.passwords.end(),
                                   [&](const auto& p) { return p.first == server; });
    const bool kept =
        static_cast<bool>(api.store.channel_entry("email", EmailChannel::secret_key(id, server)));
    if (kept && !given) {
      return invalid_argument("give the password again for a new server or user",
                              password_field(server));
    }
  }
  return changed;
}

HttpResponse replace_mailbox(ApiContext& api, const Call& call) {
  auto split = split_passwords(call.request.body);
  if (!split) return from_error(split.error());
  auto stored = api.center.get("mailbox", call.id);
  if (!stored) return from_error(not_found("no such mailbox", "id"));
  auto changed = changed_servers(api, call.id, *stored, *split);
  if (!changed) return from_error(changed.error());
  // A server's kept password is forgotten before its new address is saved:
  // the channel reads the document at once, and must not sign in there
  // with the old one. The new passwords once the document is taken.
  if (!changed->empty()) {
    std::vector<store::ChannelEntry> forget;
    for (const std::string& server : *changed)
      forget.push_back({EmailChannel::secret_key(call.id, server), ""});
    if (Status s = api.store.put_channel_entries("email", forget); !s) return from_error(s.error());
  }
  auto put = api.center.put("mailbox", call.id, split->body, call.me());
  if (!put) return from_error(put.error());
  if (Status s = keep_passwords(api, call.id, *split); !s) return from_error(s.error());
  reload(api);
  return view_answer(api, put);
}

HttpResponse remove_mailbox(ApiContext& api, const Call& call) {
  if (Status s = api.center.remove("mailbox", call.id, call.me()); !s) return from_error(s.error());
  std::vector<store::ChannelEntry> forget;
  for (const char* server : kServers)
    forget.push_back({EmailChannel::secret_key(call.id, server), ""});
  if (Status s = api.store.put_channel_entries("email", forget); !s) return from_error(s.error());
  return no_content();
}

json::object test_result(const Status& status) {
  if (status) return {{"ok", true}};
  return {{"ok", false},
          {"code", to_string(status.error().code)},
          {"field", status.error().field},
          {"message", status.error().message}};
}

// {"imap_url", "imap_user", "imap_password"…, "id"?}: signs in to both
// servers (a password not given: the one kept for mailbox "id").
HttpResponse test_mailbox(ApiContext& api, const Call& call) {
  boost::system::error_code ec;
  json::value parsed = json::parse(call.request.body, ec);
  if (ec || !parsed.is_object()) return from_error(invalid_argument("a JSON object", "body"));
  const json::value* id = parsed.as_object().if_contains("id");
  const std::uint64_t mailbox =
      id && id->is_int64() && id->as_int64() > 0 ? static_cast<std::uint64_t>(id->as_int64()) : 0;
  return api.channels.with("email", [&](channels::Channel* channel) {
    auto* email = dynamic_cast<EmailChannel*>(channel);
    if (!email) return error_response(409, "failed_precondition", "email is off", "path");
    const email::ConnectionTest tried = email->test_connection(call.request.body, mailbox);
    return json_response(200, json::serialize(json::object{{"imap", test_result(tried.imap)},
                                                           {"smtp", test_result(tried.smtp)}}));
  });
}

// POST /api/v1/interactions/{id}/join-thread: the agent holding a mail
// that quotes another sender's request (attribute claims_thread), having
// checked it is the same case, joins it there — its text and files go to
// that request, its sender's later mails too. This mail stays the agent's
// to complete. → 200 {"thread_id"}.
HttpResponse join_thread(ApiContext& api, const Call& call) {
  if (!holds_interaction(api, call)) return not_yours();
  return api.channels.with("email", [&](channels::Channel* channel) {
    auto* email = dynamic_cast<EmailChannel*>(channel);
    if (!email) return error_response(409, "failed_precondition", "email is off", "path");
    // One join at a time: two tabs, or an agent and a supervisor at once,
    // would each copy the files (joins are rare; one lock for all).
    static std::mutex joining;
    std::lock_guard one_at_a_time(joining);
    auto joined = email->join_claimed_thread(call.id);  // joined already: the same answer
    if (!joined) return from_error(joined.error());
    // What follows is done again by a retry until its last step is kept:
    // the files (each copied once), then each side's timeline.
    auto record = api.center.interaction(call.id);
    if (!record) return from_error(record.error());
    const bool noted =
        std::any_of(record->timeline.begin(), record->timeline.end(),
                    [](const store::InteractionEvent& e) { return e.type == "joined_thread"; });
    if (!noted) {
      if (Status copied = copy_attachments(api, call.id, *joined); !copied)
        return from_error(copied.error());
      if (Status s = api.center.note_durably(
              *joined, "thread_joined",
              json::serialize(json::object{{"interaction_id", call.id}, {"agent_id", call.me()}}));
          !s)
        return from_error(s.error());
      if (Status s = api.center.note_durably(
              call.id, "joined_thread",
              json::serialize(json::object{{"thread_id", *joined}, {"agent_id", call.me()}}));
          !s)
        return from_error(s.error());
    }
    return json_response(200, json::serialize(json::object{{"thread_id", *joined}}));
  });
}

// GET /api/v1/interactions/{id}/join-thread: the request a mail claims, for
// the agent to check before joining it — whose it is and what about.
HttpResponse claimed_thread(ApiContext& api, const Call& call) {
  if (!call.manager() && !api.center.agent_involved(call.id, call.me())) return not_yours();
  return api.channels.with("email", [&](channels::Channel* channel) {
    auto* email = dynamic_cast<EmailChannel*>(channel);
    if (!email) return error_response(409, "failed_precondition", "email is off", "path");
    auto claimed = email->claimed_thread(call.id);
    if (!claimed) return from_error(claimed.error());
    return json_response(200, json::serialize(json::object{{"thread_id", claimed->interaction},
                                                           {"name", claimed->name},
                                                           {"address", claimed->address},
                                                           {"subject", claimed->subject},
                                                           {"joined", claimed->joined}}));
  });
}

HttpResponse email_stats(ApiContext& api, const Call&) {
  return api.channels.with("email", [](channels::Channel* channel) {
    return channel ? json_response(200, channel->stats_json())
                   : error_response(404, "not_found", "email is off", "path");
  });
}

}  // namespace

std::vector<Route> email() {
  return {
      {"GET", "/api/v1/mailboxes", Access::kAdmin, list_mailboxes},
      {"POST", "/api/v1/mailboxes", Access::kAdmin, create_mailbox},
      {"POST", "/api/v1/mailboxes/test", Access::kAdmin, test_mailbox},
      {"GET", "/api/v1/mailboxes/{id}", Access::kAdmin,
       [](ApiContext& api, const Call& call) {
         return view_answer(api, api.center.get("mailbox", call.id));
       }},
      {"PUT", "/api/v1/mailboxes/{id}", Access::kAdmin, replace_mailbox},
      {"DELETE", "/api/v1/mailboxes/{id}", Access::kAdmin, remove_mailbox},
      {"GET", "/api/v1/stats/email", Access::kManager, email_stats},
      {"GET", "/api/v1/interactions/{id}/join-thread", Access::kSignedIn, claimed_thread},
      {"POST", "/api/v1/interactions/{id}/join-thread", Access::kSignedIn, join_thread},
  };
}

}  // namespace guichet::server::routes
