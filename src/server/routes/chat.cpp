// /chat/v1: the citizen's side of the web chat, without an account. A
// chat service (a chat queue) shows its face, starts a conversation (the
// citizen's token, for it alone) and gives its transcript; the stream
// (/chat/v1/stream, a WebSocket) carries the conversation both ways. A
// page of a website the queue does not allow (its chat_origins) is
// refused. The agents' side: typing and read marks from the desk.
#include <cctype>
#include <fstream>
#include <iterator>

#include "channels/chat/chat_channel.h"
#include "channels/files.h"
#include "conversations/contact_center.h"
#include "core/json_format.h"
#include "server/routes/routes.h"

namespace guichet::server::routes {

namespace json = boost::json;
using chat::ChatChannel;

namespace {

// The page's origin when it is another site's; empty when the request is
// Guichet's own page (the widget's frame) or not a browser's.
std::string foreign_origin(const HttpRequest& request) {
  const std::string* origin = request.header("origin");
  if (!origin) return {};
  const std::string* host = request.header("host");
  const auto scheme = origin->find("://");
  if (host && scheme != std::string::npos && origin->substr(scheme + 3) == *host) return {};
  return *origin;
}

// Runs `use` with the chat channel, or answers 503 when it does not run.
template <typename Use>
HttpResponse with_chat(ApiContext& api, Use&& use) {
  return api.channels.with("chat", [&](channels::Channel* channel) {
    auto* chat = dynamic_cast<ChatChannel*>(channel);
    if (!chat) return error_response(503, "unavailable", "the web chat is not running");
    return use(*chat);
  });
}

HttpResponse origin_refused() {
  return error_response(403, "forbidden", "this website may not use this chat", "origin");
}

// {"id","name","open","opens_at"?,"agents_ready","expected_wait_s","bot",
//  "messages","rtt","rtt_service"?}
HttpResponse service(ApiContext& api, const Call& call) {
  return with_chat(api, [&](ChatChannel& chat) {
    const std::string origin = foreign_origin(call.request);
    if (!chat.origin_allowed(call.id, origin)) return origin_refused();
    auto face = chat.service(call.id);
    if (!face) return from_error(face.error());
    std::string out = "{\"id\":" + std::to_string(face->queue) +
                      ",\"name\":" + json_quote(face->name) +
                      ",\"open\":" + (face->open ? "true" : "false");
    if (face->opens_at) out += ",\"opens_at\":" + json_quote(iso8601(*face->opens_at));
    out += ",\"agents_ready\":" + std::to_string(face->agents_ready) +
           ",\"expected_wait_s\":" + json_number(face->expected_wait_s, 0) +
           ",\"bot\":" + (face->bot ? "true" : "false") +
           ",\"messages\":" + (face->messages ? "true" : "false") +
           ",\"rtt\":" + (face->rtt ? "true" : "false");
    if (face->rtt_queue) out += ",\"rtt_service\":" + std::to_string(face->rtt_queue);
    out += "}";
    HttpResponse response = json_response(200, out);
    if (!origin.empty()) {
      response.headers.emplace_back("Access-Control-Allow-Origin", origin);
      response.headers.emplace_back("Vary", "Origin");
    }
    return response;
  });
}

// {"name"?,"language"?} → 201 {"conversation","token","stream"}
HttpResponse start(ApiContext& api, const Call& call) {
  return with_chat(api, [&](ChatChannel& chat) {
    if (!chat.origin_allowed(call.id, foreign_origin(call.request))) return origin_refused();
    auto body = json_body::parse_object(
        call.request.body.empty() ? "{}" : call.request.body,
        {{"name", json::kind::string, false}, {"language", json::kind::string, false}});
    if (!body) return from_error(body.error());
    auto started = chat.start_conversation(call.id, json_body::string_or(*body, "name", ""),
                                           json_body::string_or(*body, "language", "fr"),
                                           call.request.remote_address);
    if (!started) return from_error(started.error());
    return json_response(201, "{\"conversation\":" + json_quote(started->conversation) +
                                  ",\"token\":" + json_quote(started->token) +
                                  ",\"stream\":\"/chat/v1/stream\"}");
  });
}

// {"name"?,"contact","text"} → 201 {"interaction_id"}
HttpResponse leave(ApiContext& api, const Call& call) {
  return with_chat(api, [&](ChatChannel& chat) {
    if (!chat.origin_allowed(call.id, foreign_origin(call.request))) return origin_refused();
    auto body = json_body::parse_object(call.request.body, {{"name", json::kind::string, false},
                                                            {"contact", json::kind::string, true},
                                                            {"text", json::kind::string, true}});
    if (!body) return from_error(body.error());
    auto left =
        chat.leave_message(call.id, json_body::string_or(*body, "name", ""),
                           json_body::string_or(*body, "contact", ""),
                           json_body::string_or(*body, "text", ""), call.request.remote_address);
    if (!left) return from_error(left.error());
    return json_response(201, "{\"interaction_id\":" + std::to_string(*left) + "}");
  });
}

// The citizen's token, from "Authorization: Bearer …".
std::string citizen_token(const HttpRequest& request) {
  const std::string* authorization = request.header("authorization");
  if (!authorization || !authorization->starts_with("Bearer ")) return {};
  return authorization->substr(7);
}

HttpResponse transcript(ApiContext& api, const Call& call) {
  return with_chat(api, [&](ChatChannel& chat) {
    auto text = chat.transcript(citizen_token(call.request));
    if (!text) return from_error(text.error());
    HttpResponse response;
    response.content_type = "text/plain; charset=utf-8";
    response.body = std::move(*text);
    response.headers.emplace_back("Content-Disposition",
                                  "attachment; filename=\"conversation.txt\"");
    return response;
  });
}

// The agent handling a chat (or a supervisor) is typing, or read the
// citizen's messages: "typing" or "read" to the chat channel. Other
// written media have nowhere to show it: nothing happens.
Route agent_mark(const char* path, const char* action) {
  return {"POST", path, Access::kSignedIn, [action](ApiContext& api, const Call& call) {
            if (!holds_interaction(api, call)) return not_yours();
            return api.channels.with("chat", [&](channels::Channel* channel) {
              if (channel) (void)channel->control(call.id, action, call.me(), call.manager());
              return no_content();
            });
          }};
}

// POST /chat/v1/attachments?name=… (the citizen's Bearer token), the file
// as the body → 201 {"id","name","type","size"}.
HttpResponse attach(ApiContext& api, const Call& call) {
  return with_chat(api, [&](ChatChannel& chat) {
    auto kept = chat.attach(citizen_token(call.request),
                            call.request.query_param("name").value_or(""), call.request.body);
    if (!kept) return from_error(kept.error());
    return json_response(201, "{\"id\":" + json_quote(kept->id) + ",\"name\":" +
                                  json_quote(kept->name) + ",\"type\":" + json_quote(kept->type) +
                                  ",\"size\":" + std::to_string(kept->size) + "}");
  });
}

// GET /chat/v1/attachments?id=… (the citizen's Bearer token): their file.
HttpResponse citizen_file(ApiContext& api, const Call& call) {
  return with_chat(api, [&](ChatChannel& chat) {
    auto found =
        chat.attachment(citizen_token(call.request), call.request.query_param("id").value_or(""));
    if (!found) return from_error(found.error());
    return file_response(found->second, found->first.type, found->first.name);
  });
}

// {"text"}: what the agent is typing now in a real-time text chat, whole,
// shown to the citizen as it is (sent by the desk at most every 300 ms).
HttpResponse agent_draft(ApiContext& api, const Call& call) {
  if (!holds_interaction(api, call)) return not_yours();
  auto body = json_body::parse_object(call.request.body, {{"text", json::kind::string, true}});
  if (!body) return from_error(body.error());
  return with_chat(api, [&](ChatChannel& chat) {
    if (Status shown = chat.agent_draft(call.id, json_body::string_or(*body, "text", "")); !shown)
      return from_error(shown.error());
    return no_content();
  });
}

}  // namespace

std::vector<Route> chat() {
  return {
      {"GET", "/chat/v1/services/{id}", Access::kAnyone, service},
      {"POST", "/chat/v1/services/{id}/conversations", Access::kAnyone, start},
      {"POST", "/chat/v1/services/{id}/messages", Access::kAnyone, leave},
      {"GET", "/chat/v1/stream", Access::kAnyone,
       [](ApiContext&, const Call&) {
         return error_response(426, "upgrade_required", "this route is a WebSocket", "upgrade");
       }},
      {"GET", "/chat/v1/transcript", Access::kAnyone, transcript},
      {"POST", "/chat/v1/attachments", Access::kAnyone, attach},
      {"GET", "/chat/v1/attachments", Access::kAnyone, citizen_file},
      agent_mark("/api/v1/interactions/{id}/typing", "typing"),
      agent_mark("/api/v1/interactions/{id}/read", "read"),
      {"POST", "/api/v1/interactions/{id}/rtt", Access::kSignedIn, agent_draft},
  };
}

// The citizen's WebSocket: /chat/v1/stream?token=…&after=N.
StreamOpening open_chat_stream(ApiContext& api, const HttpRequest& request) {
  StreamOpening opening;
  std::uint64_t after = 0;
  if (auto asked = request.query_param("after")) {
    auto parsed = parse_id(*asked);
    if (!parsed && *asked != "0") {
      opening.refusal = error_response(400, "invalid_argument", "not an event number", "after");
      return opening;
    }
    after = parsed.value_or(0);
  }
  const std::string token = request.query_param("token").value_or("");
  api.channels.with("chat", [&](channels::Channel* channel) {
    auto* chat = dynamic_cast<ChatChannel*>(channel);
    if (!chat) {
      opening.refusal = error_response(503, "unavailable", "the web chat is not running");
      return 0;
    }
    auto stream = chat->open_stream(token, after, foreign_origin(request));
    if (!stream) {
      opening.refusal =
          stream.status().error().field == "origin" ? origin_refused() : from_error(stream.error());
      return 0;
    }
    // The server's stream over the citizen's.
    struct Adapter final : MessageStream {
      explicit Adapter(std::unique_ptr<chat::CitizenStream> s) : citizen(std::move(s)) {}
      std::vector<std::string> take() override { return citizen->take(); }
      void on_ready(std::function<void()> notify) override { citizen->on_ready(std::move(notify)); }
      void on_message(const std::string& text) override { citizen->on_message(text); }
      bool ended() const override { return citizen->ended(); }
      std::unique_ptr<chat::CitizenStream> citizen;
    };
    opening.stream = std::make_unique<Adapter>(std::move(*stream));
    return 0;
  });
  return opening;
}

}  // namespace guichet::server::routes
