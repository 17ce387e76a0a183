// /api/v1/interactions: listing and creating them (supervisors and the
// integrations' accounts), and what the agent handling one does with it —
// complete, transfer, write in its conversation, hold or hang up its call,
// hear its recording. An agent sees only the interactions offered to them,
// held by them or once handled by them.
#include <algorithm>
#include <filesystem>

#include "channels/messages/messages_channel.h"
#include "conversations/contact_center.h"
#include "core/json_format.h"
#include "core/log.h"
#include "server/routes/routes.h"
#include "server/routes/views.h"

namespace guichet::server::routes {

namespace json = boost::json;
using json_body::int_or;
using json_body::string_or;

namespace {

HttpResponse list(ApiContext& api, const Call& call) {
  const HttpRequest& request = call.request;
  store::InteractionFilter filter;
  filter.status = request.query_param("status").value_or("");
  filter.channel = request.query_param("channel").value_or("");
  struct Number {
    const char* name;
    std::uint64_t* into;
  };
  std::uint64_t limit = 50;
  for (const Number& n :
       {Number{"queue_id", &filter.queue_id}, Number{"citizen_id", &filter.citizen_id},
        Number{"before_id", &filter.before_id}, Number{"limit", &limit}}) {
    auto text = request.query_param(n.name);
    if (!text) continue;
    auto value = parse_id(*text);
    if (!value) return error_response(400, "invalid_argument", "a positive integer", n.name);
    *n.into = *value;
  }
  if (limit > 500) return error_response(400, "invalid_argument", "at most 500", "limit");
  filter.limit = static_cast<std::size_t>(limit);
  static const char* const kStatuses[] = {"", "waiting", "completed", "abandoned", "closed"};
  if (std::find(std::begin(kStatuses), std::end(kStatuses), filter.status) == std::end(kStatuses)) {
    return error_response(400, "invalid_argument", "waiting, completed, abandoned or closed",
                          "status");
  }
  return from_result(api.center.list_interactions(filter), page_json);
}

// Durable when answered, then routed.
HttpResponse create(ApiContext& api, const Call& call) {
  auto key = idempotency_key(call.request, call.me());
  if (!key) return from_error(key.error());
  auto asked = new_interaction(call.request.body, std::move(*key));
  if (!asked) return from_error(asked.error());
  return from_result(
      api.center.create_interaction(std::move(*asked)),
      [](const auto& view) { return interaction_json(view); }, 201);
}

// The same, answered when the store has committed it, without a worker.
void create_quick(ApiContext& api, const Call& call, Responder respond) {
  auto key = idempotency_key(call.request, call.me());
  if (!key) return respond(from_error(key.error()));
  auto asked = new_interaction(call.request.body, std::move(*key));
  if (!asked) return respond(from_error(asked.error()));
  api.center.create_interaction_async(
      std::move(*asked),
      [respond = std::move(respond)](Result<conversations::InteractionView> view) {
        respond(from_result(
            view, [](const auto& v) { return interaction_json(v); }, 201));
      });
}

HttpResponse get(ApiContext& api, const Call& call) {
  if (!call.manager() && !api.center.agent_involved(call.id, call.me())) return not_yours();
  return from_result(api.center.interaction(call.id),
                     [](const auto& record) { return interaction_json(record); });
}

// The voicemail or call recording (audio/wav): for supervisors, and the
// agent handling it.
HttpResponse recording(ApiContext& api, const Call& call) {
  auto record = api.center.interaction(call.id);
  if (!record) return from_error(record.error());
  if (!call.manager() && record->view.agent != call.me()) {
    return error_response(403, "forbidden", "not your interaction", "id");
  }
  // The file is named by a "recording" event, which only the voice channel
  // writes (never by attributes: clients write those).
  std::string file;
  for (const store::InteractionEvent& event : record->timeline) {
    if (event.type != "recording") continue;
    boost::system::error_code ec;
    const json::value data = json::parse(event.data_json, ec);
    if (!ec && data.is_object()) file = string_or(data.as_object(), "file", "");
  }
  // And only under recordings/, whatever the event says.
  namespace fs = std::filesystem;
  std::error_code fs_ec;
  const std::string& data_dir = api.options.data_dir;
  const fs::path root = fs::weakly_canonical(fs::path(data_dir) / "recordings", fs_ec);
  const fs::path path = fs::weakly_canonical(fs::path(data_dir) / file, fs_ec);
  const auto [end, _] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  if (file.empty() || fs_ec || end != root.end()) {
    return error_response(404, "not_found", "no recording for this interaction", "id");
  }
  return wav_file(path.string(), "the recording is gone (retention)");
}

// {"action": "hold" | "resume" | "hangup"}
HttpResponse call_control(ApiContext& api, const Call& call) {
  auto body = parse_body(call.request, {{"action", json::kind::string, true}});
  if (!body) return from_error(body.error());
  return api.channels.with("voice", [&](channels::Channel* voice) {
    if (!voice) return error_response(409, "failed_precondition", "voice is off", "id");
    Status s = voice->control(call.id, string_or(*body, "action", ""), call.me(), call.manager());
    return s ? no_content() : from_error(s.error());
  });
}

// {"wrapup_code"?,"note"?}: by the agent handling it (the domain checks).
HttpResponse complete(ApiContext& api, const Call& call) {
  auto body = json_body::parse_object(
      call.request.body,
      {{"wrapup_code", json::kind::string, false}, {"note", json::kind::string, false}});
  if (!body) return from_error(body.error());
  Status done = api.center.complete(call.id, call.me(), string_or(*body, "wrapup_code", ""),
                                    string_or(*body, "note", ""));
  return done ? json_response(200, R"({"status":"completed"})") : from_error(done.error());
}

// No body: the agent who completed it is ready before the wrap-up time ends.
HttpResponse ready(ApiContext& api, const Call& call) {
  Status done = api.center.end_wrapup(call.id, call.me());
  return done ? json_response(200, R"({"status":"ready"})") : from_error(done.error());
}

// {"queue_id"} or {"agent_id","timeout_s"?,"note"?}
HttpResponse transfer(ApiContext& api, const Call& call) {
  auto body = json_body::parse_object(call.request.body, {{"queue_id", json::kind::int64, false},
                                                          {"agent_id", json::kind::int64, false},
                                                          {"timeout_s", json::kind::double_, false},
                                                          {"note", json::kind::string, false}});
  if (!body) return from_error(body.error());
  const bool to_queue = body->contains("queue_id");
  if (to_queue == body->contains("agent_id")) {
    return from_error(invalid_argument("give queue_id or agent_id", "queue_id"));
  }
  const char* field = to_queue ? "queue_id" : "agent_id";
  const std::int64_t target = int_or(*body, field, 0);
  if (target <= 0) return from_error(invalid_argument("must be a positive id", field));
  conversations::Transfer to;
  (to_queue ? to.queue : to.agent) = static_cast<std::uint64_t>(target);
  to.timeout_s = json_body::number_or(*body, "timeout_s", 30);
  to.note = string_or(*body, "note", "");
  if (to_queue && !to.note.empty()) {
    return from_error(invalid_argument("a note goes to a colleague, not a queue", "note"));
  }
  Status done = api.center.transfer(call.id, call.me(), call.manager(), to);
  return done ? json_response(200, R"({"status":"transferred"})") : from_error(done.error());
}

// {"note"}: the agent's own note while handling it (the domain checks).
HttpResponse add_note(ApiContext& api, const Call& call) {
  auto body = json_body::parse_object(call.request.body, {{"note", json::kind::string, true}});
  if (!body) return from_error(body.error());
  const std::string text = string_or(*body, "note", "");
  auto at = api.center.add_note(call.id, call.me(), text);
  if (!at) return from_error(at.error());
  return json_response(201, "{\"at\":" + json_quote(iso8601(*at)) + ",\"agent_id\":" +
                                std::to_string(call.me()) + ",\"note\":" + json_quote(text) + "}");
}

// {"citizen_id"}: who the citizen is, by the agent handling it or a
// supervisor (the domain checks).
HttpResponse identify(ApiContext& api, const Call& call) {
  auto body = json_body::parse_object(call.request.body, {{"citizen_id", json::kind::int64, true}});
  if (!body) return from_error(body.error());
  const std::int64_t citizen = int_or(*body, "citizen_id", 0);
  if (citizen <= 0) return from_error(invalid_argument("must be a positive id", "citizen_id"));
  auto now_known =
      api.center.identify(call.id, call.me(), call.manager(), static_cast<std::uint64_t>(citizen));
  if (!now_known) return from_error(now_known.error());
  return json_response(200, "{\"citizen_id\":" + std::to_string(*now_known) + "}");
}

// {"text","from"?: "agent" | "citizen"}. The citizen's come from
// integrations (supervisors' and integration accounts' tokens) through the
// messages channel; the agent's, from the one handling it (the domain
// checks), go to the channel carrying the interaction's medium.
HttpResponse post_message(ApiContext& api, const Call& call) {
  auto body = json_body::parse_object(call.request.body, {{"text", json::kind::string, true},
                                                          {"from", json::kind::string, false},
                                                          {"files", json::kind::array, false}});
  if (!body) return from_error(body.error());
  const std::string from = string_or(*body, "from", "agent");
  // The agent's files (uploaded to this interaction), checked before the
  // message is kept: a reply is sent with them or not at all.
  std::vector<std::string> file_ids;
  if (const json::value* files = body->if_contains("files")) {
    for (const json::value& id : files->as_array()) {
      if (!id.is_string() || id.as_string().size() > 64)
        return from_error(invalid_argument("the files' ids, as uploaded", "files"));
      file_ids.emplace_back(id.as_string());
    }
  }
  std::string text = string_or(*body, "text", "");
  if (from == "citizen") {
    if (!file_ids.empty())
      return from_error(invalid_argument("a citizen's files come by their channel", "files"));
    if (!call.manager()) {
      return from_error(
          failed_precondition("the citizen's messages come from an integration", "from"));
    }
    return api.channels.with("messages", [&](channels::Channel* channel) {
      auto* messages = dynamic_cast<channels::MessagesChannel*>(channel);
      if (!messages) return error_response(409, "failed_precondition", "messages are off", "from");
      auto at = messages->receive(call.id, text);
      if (!at) return from_error(at.error());
      return json_response(201, message_json({call.id, routing::Channel::kChat, *at,
                                              conversations::Author::kCitizen, std::move(text)}));
    });
  }
  if (from != "agent") return from_error(invalid_argument("agent or citizen", "from"));
  if (!file_ids.empty() && !holds_interaction(api, call)) return not_yours();
  auto files = reply_files(api, call.id, file_ids);
  if (!files) return from_error(files.error());
  auto message = api.center.post_message(call.id, call.me(), call.manager(),
                                         conversations::Author::kAgent, std::move(text));
  if (!message) return from_error(message.error());
  // Stored whatever becomes of it: its delivery goes to the timeline. A
  // call's or a task's messages are the agents' own notes, delivered to nobody.
  if (routing::is_written(message->channel)) {
    json::array sent_files;
    for (const channels::ReplyFile& f : *files)
      sent_files.emplace_back(f.name);
    Status s = api.channels.deliver(message->channel,
                                    {call.id, call.me(), message->text, std::move(*files)});
    if (!s) {
      log::warning("reply not delivered", "\"interaction\":" + std::to_string(call.id) +
                                              ",\"error\":" + json_quote(s.to_string()));
      api.center.note(
          call.id, "delivery",
          json::serialize(json::object{
              {"agent_id", call.me()}, {"status", "failed"}, {"detail", s.error().message}}));
      // A mail not even queued: the agent keeps the reply to send again.
      if (message->channel == routing::Channel::kEmail)
        return error_response(409, "failed_precondition",
                              "kept in the history, not sent: " + s.error().message,
                              s.error().field);
    } else if (!sent_files.empty()) {
      api.center.note(
          call.id, "files_sent",
          json::serialize(json::object{{"agent_id", call.me()}, {"files", std::move(sent_files)}}));
    }
  }
  return json_response(201, message_json(*message));
}

}  // namespace

std::vector<Route> interactions() {
  Route create_route{"POST", "/api/v1/interactions", Access::kManager, create};
  create_route.quick_async = create_quick;
  return {
      // Agents work on what is offered to them: listing every interaction,
      // or creating one (its citizen, its priority), is for supervisors and
      // the integrations' accounts.
      {"GET", "/api/v1/interactions", Access::kManager, list},
      std::move(create_route),
      {"GET", "/api/v1/interactions/{id}", Access::kSignedIn, get},
      // The agent handling it (the domain checks).
      {"POST", "/api/v1/interactions/{id}/complete", Access::kSignedIn, complete},
      {"POST", "/api/v1/interactions/{id}/ready", Access::kSignedIn, ready},
      {"POST", "/api/v1/interactions/{id}/call", Access::kSignedIn, call_control},
      {"GET", "/api/v1/interactions/{id}/recording", Access::kSignedIn, recording},
      {"POST", "/api/v1/interactions/{id}/messages", Access::kSignedIn, post_message},
      {"POST", "/api/v1/interactions/{id}/transfer", Access::kSignedIn, transfer},
      {"POST", "/api/v1/interactions/{id}/notes", Access::kSignedIn, add_note},
      {"POST", "/api/v1/interactions/{id}/citizen", Access::kSignedIn, identify},
      // Channel adapters and supervisors.
      {"POST", "/api/v1/interactions/{id}/callback", Access::kManager,
       [](ApiContext& api, const Call& call) {
         Status s = api.center.request_callback(call.id);
         return s ? json_response(200, R"({"status":"callback_requested"})")
                  : from_error(s.error());
       }},
      {"POST", "/api/v1/interactions/{id}/abandon", Access::kManager,
       [](ApiContext& api, const Call& call) {
         Status s = api.center.abandon(call.id);
         return s ? json_response(200, R"({"status":"abandoned"})") : from_error(s.error());
       }},
  };
}

}  // namespace guichet::server::routes
