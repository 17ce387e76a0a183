// The API's routes, each declared once: its method, its path, who may call
// it and the function that answers. One file per resource (routes/*.cpp)
// gives its routes; routes.cpp gathers them in one table, which the API
// matches requests against and the OpenAPI test checks against
// docs/openapi.json. Private to the server.
//
// A handler runs on an HTTP worker (it may wait for the store) after the
// API matched the path, authenticated the caller and checked the role the
// route names; what depends on the object (an agent's own profile, an
// interaction offered to them) the handler checks.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "server/http.h"
#include "server/routes/api_context.h"

namespace guichet::server::routes {

// Who may call a route.
enum class Access {
  kAnyone,         // no session (health, login, the API's description)
  kSignedIn,       // every role
  kSelfOrManager,  // an agent on its own {id}; supervisors and admins on any
  kManager,        // supervisors and admins
  kAdmin,
};

// A request as its handler sees it.
struct Call {
  const HttpRequest& request;
  std::uint64_t id = 0;            // the {id} of the path, 0 when it has none
  const Caller* caller = nullptr;  // none on kAnyone routes

  std::uint64_t me() const { return caller ? caller->user.id : 0; }
  bool manager() const { return caller && caller->manager(); }
};

using Handler = std::function<HttpResponse(ApiContext& api, const Call& call)>;
// Answers through `respond`, from any thread, without blocking the caller:
// the store's commit answers it (POST /api/v1/interactions).
using AsyncHandler = std::function<void(ApiContext& api, const Call& call, Responder respond)>;

struct Route {
  std::string method;
  std::string path;  // "/api/v1/queues/{id}"; {id} matches a positive integer
  Access access;
  Handler handler;
  // Whether the handler never waits (memory only): answered on the I/O
  // thread, when the caller's session is in memory.
  bool quick = false;
  // Answered this way on the I/O thread instead (then `handler` is unused
  // there, and serves the worker's path).
  AsyncHandler quick_async = nullptr;
  bool raw_body = false;  // the body is not JSON (an audio upload)
};

// The table, in matching order. {id} only matches digits, so that
// "/ivr-flows/check" and "/ivr-flows/{id}" never meet.
const std::vector<Route>& all();

// One per resource.
std::vector<Route> operations();  // /healthz, /readyz, /metrics, the OpenAPI document, events
std::vector<Route> session();
std::vector<Route> users();
std::vector<Route> configuration();  // skills, queues, calendars… and IVR flows
std::vector<Route> prompts();
std::vector<Route> agents();
std::vector<Route> interactions();
std::vector<Route> citizens();
std::vector<Route> offers();
std::vector<Route> stats();
std::vector<Route> reports();  // the traffic report and the what-if simulation
std::vector<Route> audit();
std::vector<Route> identity();   // who runs the service, as its pages show it
std::vector<Route> knowledge();  // the knowledge base: articles and their search
std::vector<Route> chat();       // /chat/v1: the citizen's web chat; agents' typing and reads
std::vector<Route> email();      // the mailboxes (administrators) and the email channel's figures
// Files in an interaction: the citizen's, and the agent's to send.
std::vector<Route> attachments();
// Whether the caller may write in interaction `call.id`: the agent who
// holds it now, or a supervisor (attachments.cpp).
bool holds_interaction(ApiContext& api, const Call& call);
// A file, as its receiver keeps it: its own type, never shown in the page
// (a download), its name as given (UTF-8, percent-encoded, RFC 6266).
HttpResponse file_response(const std::string& path, const std::string& type,
                           const std::string& name);
// The files of interaction `interaction` its timeline names by `ids`, to go
// with a reply (email only; 5 at most, 7 MB in all), each checked present.
Result<std::vector<channels::ReplyFile>> reply_files(ApiContext& api, std::uint64_t interaction,
                                                     const std::vector<std::string>& ids);
// Interaction `from`'s files (its "attachment" events) copied to `to`:
// kept again there and named in its timeline, durably.
Status copy_attachments(ApiContext& api, std::uint64_t from, std::uint64_t to);
// The citizen's chat WebSocket (/chat/v1/stream?token=…&after=N).
StreamOpening open_chat_stream(ApiContext& api, const HttpRequest& request);
// How identity() keeps it: one configuration document of this kind, id 1.
inline constexpr const char* kIdentityKind = "identity";

// A configuration document's routes (configuration.cpp), for the resources
// that are documents with more: `collection` as in the path ("queues"),
// `kind` as stored ("queue").
Route list_documents(const std::string& collection, const std::string& kind);
Route get_document(const std::string& collection, const std::string& kind);
Route create_document(const std::string& collection, const std::string& kind);
Route put_document(const std::string& collection, const std::string& kind);
Route remove_document(const std::string& collection, const std::string& kind);

// A WAV file the voice channel or an upload wrote, as the answer; 404
// saying `gone` when it is not there.
HttpResponse wav_file(const std::string& path, const char* gone);

}  // namespace guichet::server::routes
