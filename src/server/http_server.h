// The HTTP/1.1 server (Boost.Beast): accepts connections, reads requests with
// a size limit and a timeout, runs the handler on a worker pool (handlers may
// block on durable writes without stalling other connections) unless a quick
// handler answers at once on the I/O thread, writes the
// response, keeps connections alive; serves one WebSocket route of text
// messages pushed by the application.
//
// Thread-safety: start, port and stop may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/result.h"
#include "server/http.h"

namespace guichet::server {

class HttpServer {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;  // 0: any free port (tests); port() tells which
    int io_threads = 1;
    int worker_threads = 8;
    std::size_t body_limit = 1 << 20;  // larger bodies get 413
    // Where uploads go, a larger limit: by path prefix ("/chat/v1/attachments"),
    // where one "*" stands for one path segment and the rest is the path's
    // whole end ("/api/v1/interactions/*/attachments").
    std::vector<std::pair<std::string, std::size_t>> upload_limits;
    int read_timeout_s = 30;
    // Connections open at once, in all and from one address. When full, the
    // connection that has waited longest for a request (an idle keep-alive,
    // a slow sender) is closed to make room; if none waits, the new one is
    // closed. 0 in all: half the descriptors this process may open.
    int max_connections = 0;
    int max_connections_per_address = 256;
    // Both set: TLS (1.2 or later) on every connection, PEM files.
    std::string tls_certificate;
    std::string tls_key;
    // One JSON line per request on stdout (method, path, status, duration).
    bool access_log = true;
  };

  // Binds and starts serving. Each request goes to `quick` first (if set),
  // then to `handler` on a worker. A WebSocket upgrade request to one of
  // `stream_paths` goes to `opener` (none: no WebSocket). Fails with kIo when
  // the address is taken, kInvalidArgument when it is not an address.
  static Result<std::unique_ptr<HttpServer>> start(const Options& options, HttpHandler handler,
                                                   QuickHandler quick = {},
                                                   std::vector<std::string> stream_paths = {},
                                                   StreamOpener opener = {});
  ~HttpServer();  // stop()

  std::uint16_t port() const;
  // Stops accepting, lets requests in progress finish (up to 10 s), then
  // returns. Idempotent.
  void stop();

  class Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// One request as the server reads it off a connection — Beast's parser with
// the server's limits, then the checks on Host and target: the request, or
// the error answer the server would send (400, 413). For tests and fuzzing;
// the server itself reads from sockets.
std::variant<HttpRequest, HttpResponse> read_request(std::string_view bytes,
                                                     std::size_t body_limit = 1 << 20);

}  // namespace guichet::server
