// HTTP as the handlers see it: plain structs, no Beast — so that only
// http_server.cpp pays Beast's compile time, and handlers are easy to test.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace guichet::server {

struct HttpRequest {
  std::string method;                          // "GET", "POST", …
  std::string path;                            // without the query, percent-decoding not applied
  std::string query;                           // after '?', raw
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string remote_address;
  bool tls = false;

  const std::string* header(const std::string& lower_case_name) const {
    auto found = headers.find(lower_case_name);
    return found == headers.end() ? nullptr : &found->second;
  }
  // The value of cookie `name`, if the request carries it.
  std::optional<std::string> cookie(std::string_view name) const;
  // Whether its Accept-Encoding takes `coding` ("br", "gzip"): listed, or
  // "*", and not with q=0.
  bool accepts_encoding(std::string_view coding) const;
  // The value of query parameter `name` (percent-decoded), if present.
  std::optional<std::string> query_param(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Instead of `body`: bytes in static storage (the embedded web files), sent
  // without a copy.
  std::string_view static_body;
  // Extra headers; a Cache-Control here replaces the default no-store.
  std::vector<std::pair<std::string, std::string>> headers;
};

// Called on a worker thread (it may block, e.g. on a durable write); must not
// throw — the server turns an escaped exception into a 500 and logs it.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// Answers a request, once, from any thread.
using Responder = std::function<void(HttpResponse)>;

// Tried first, on the connection's I/O thread, for requests that never block
// a thread: in-memory reads (answered at once), durable writes answered when
// the store has committed them. Returns false, without calling `respond`,
// when the request needs the worker pool (it then goes to the HttpHandler).
using QuickHandler = std::function<bool(const HttpRequest&, Responder respond)>;

// A stream of text messages to a WebSocket client, and its messages back.
// The server calls take() and on_message() from the connection's thread;
// notify (given to on_ready) may be called from any thread.
class MessageStream {
 public:
  virtual ~MessageStream() = default;
  virtual std::vector<std::string> take() = 0;
  virtual void on_ready(std::function<void()> notify) = 0;
  virtual void on_message(const std::string& text) = 0;
  virtual bool ended() const = 0;  // after take() emptied it: close the connection
};

// Decides on a WebSocket upgrade: a stream to serve, or the HTTP answer
// refusing it (e.g. 401).
struct StreamOpening {
  std::unique_ptr<MessageStream> stream;
  HttpResponse refusal;
};
using StreamOpener = std::function<StreamOpening(const HttpRequest&)>;

// {"error":{"code","message","field"}} with `status`.
HttpResponse error_response(int status, std::string_view code, std::string_view message,
                            std::string_view field = {});
HttpResponse json_response(int status, std::string body);

std::string percent_decode(std::string_view text);

}  // namespace guichet::server
