// The only translation unit that includes Beast and Asio's HTTP machinery.
#include <utility>  // before Asio with GCC 12 in C++20 mode

#include "server/http_server.h"

#include "server/detail/http_message.h"

#include "core/json_format.h"
#include "core/log.h"

#include <sys/resource.h>
#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <list>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <variant>

namespace guichet::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;

namespace {

// An upload limit's pattern against a request target: a prefix, or — with
// one "*" — the part before it, one segment, then exactly the rest (the
// query aside).
bool upload_path_matches(std::string_view pattern, std::string_view target) {
  const std::size_t star = pattern.find('*');
  if (star == std::string_view::npos) return target.starts_with(pattern);
  const std::string_view path = target.substr(0, target.find('?'));
  const std::string_view before = pattern.substr(0, star);
  const std::string_view after = pattern.substr(star + 1);
  if (!path.starts_with(before) || path.size() < before.size() + after.size() + 1) return false;
  if (!path.ends_with(after)) return false;
  const std::string_view segment =
      path.substr(before.size(), path.size() - before.size() - after.size());
  return !segment.empty() && segment.find('/') == std::string_view::npos;
}

constexpr auto kAsTuple = asio::as_tuple(use_awaitable);

// The response's head (and body, unless static) as bytes on the wire,
// written by hand: Beast's serializer costs more than the rest of a read
// served from memory.
// A HEAD request gets the headers of the GET, without the body.
std::string serialize(const HttpResponse& response, unsigned version, bool keep_alive,
                      bool head = false, bool tls = false) {
  const auto status = static_cast<http::status>(response.status);
  const bool bodiless = response.status < 200 || response.status == 204 || response.status == 304;
  const std::size_t length =
      response.static_body.empty() ? response.body.size() : response.static_body.size();
  std::string out;
  out.reserve(192 + response.body.size());
  out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  out += http::obsolete_reason(status);
  out += "\r\nServer: guichet\r\nX-Content-Type-Options: nosniff\r\n";
  // Over TLS, browsers are told to come back over TLS only.
  if (tls) out += "Strict-Transport-Security: max-age=31536000\r\n";
  bool cache_control = false;
  for (const auto& [name, value] : response.headers) {
    cache_control |= name == "Cache-Control";
    out += name;
    out += ": ";
    // A line break in a value would end the header early: never sent.
    for (char c : value) {
      if (c != '\r' && c != '\n') out += c;
    }
    out += "\r\n";
  }
  if (!cache_control) out += "Cache-Control: no-store\r\n";
  if (!bodiless) {
    out += "Content-Type: ";
    out += response.content_type;
    out += "\r\nContent-Length: ";
    out += std::to_string(length);
    out += "\r\n";
  }
  if (!keep_alive) {
    out += "Connection: close\r\n";
  } else if (version == 10) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
  if (!bodiless && !head && response.static_body.empty()) out += response.body;
  return out;
}

// The buffers to write: the serialized head (and body), then a static body.
std::array<asio::const_buffer, 2> wire(const std::string& head, const HttpResponse& response,
                                       bool head_only) {
  const bool bodiless =
      head_only || response.status < 200 || response.status == 204 || response.status == 304;
  return {asio::buffer(head), bodiless ? asio::const_buffer() : asio::buffer(response.static_body)};
}

// The connections open, so that no client can take them all: capped in
// all and per address, the one idle longest making room. Thread-safe (the
// accept loop admits, each connection updates its own entry).
class Connections {
 public:
  struct Entry {
    std::string address;
    bool idle = true;  // waiting for a request's head: may be closed for room
    std::chrono::steady_clock::time_point since;
    std::function<void()> close;  // posts the close on the connection's executor
  };
  using Handle = std::list<Entry>::iterator;

  Connections(int max_total, int max_per_address)
      : max_total_(max_total), max_per_address_(max_per_address) {}

  // nullopt: refused (full, and every connection in the way is busy).
  std::optional<Handle> admit(const std::string& address, std::function<void()> close) {
    std::lock_guard lock(mutex_);
    int& from_there = per_address_[address];
    if (from_there >= max_per_address_ && !evict_locked(&address)) return refuse(address);
    if (static_cast<int>(open_.size()) - evicted_ >= max_total_ && !evict_locked(nullptr)) {
      return refuse(address);
    }
    ++from_there;
    open_.push_back({address, true, std::chrono::steady_clock::now(), std::move(close)});
    return std::prev(open_.end());
  }

  void set_idle(Handle handle, bool idle) {
    std::lock_guard lock(mutex_);
    handle->idle = idle;
    handle->since = std::chrono::steady_clock::now();
  }

  void leave(Handle handle) {
    std::lock_guard lock(mutex_);
    if (handle->close) {
      --per_address_[handle->address];
    } else {
      --evicted_;  // closed for room: counted out then
    }
    if (auto found = per_address_.find(handle->address);
        found != per_address_.end() && found->second <= 0) {
      per_address_.erase(found);
    }
    open_.erase(handle);
  }

 private:
  std::optional<Handle> refuse(const std::string& address) {
    if (auto found = per_address_.find(address); found != per_address_.end() && found->second <= 0)
      per_address_.erase(found);
    return std::nullopt;
  }

  // Closes the connection idle longest (from `address` if given): it stops
  // counting at once, and leaves the list when its coroutine ends.
  bool evict_locked(const std::string* address) {
    Handle oldest = open_.end();
    for (Handle it = open_.begin(); it != open_.end(); ++it) {
      if (!it->idle || !it->close || (address && it->address != *address)) continue;
      if (oldest == open_.end() || it->since < oldest->since) oldest = it;
    }
    if (oldest == open_.end()) return false;
    std::exchange(oldest->close, nullptr)();
    ++evicted_;
    --per_address_[oldest->address];
    return true;
  }

  const int max_total_;
  const int max_per_address_;
  std::mutex mutex_;
  std::list<Entry> open_;                             // guarded by mutex_
  std::unordered_map<std::string, int> per_address_;  // guarded by mutex_
  int evicted_ = 0;  // guarded by mutex_: closed for room, not yet gone
};

}  // namespace

class HttpServer::Impl {
 public:
  Impl(const Options& options, HttpHandler handler, QuickHandler quick,
       std::vector<std::string> stream_paths, StreamOpener opener)
      : options_(options),
        handler_(std::move(handler)),
        quick_(std::move(quick)),
        stream_paths_(std::move(stream_paths)),
        opener_(std::move(opener)),
        workers_(static_cast<std::size_t>(std::max(1, options.worker_threads))),
        connections_(options.max_connections > 0 ? options.max_connections : half_the_descriptors(),
                     std::max(1, options.max_connections_per_address)),
        acceptor_(io_) {}

  // Half of what this process may open: the rest is for SIP, calls' audio,
  // the database and files.
  static int half_the_descriptors() {
    rlimit files{};
    if (getrlimit(RLIMIT_NOFILE, &files) != 0 || files.rlim_cur == RLIM_INFINITY) return 10'000;
    return static_cast<int>(std::clamp<rlim_t>(files.rlim_cur / 2, 16, 100'000));
  }

  Status listen() {
    if (!options_.tls_certificate.empty() || !options_.tls_key.empty()) {
      if (Status s = load_tls(); !s) return s;
    }
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(options_.host, ec);
    if (ec) return invalid_argument("not an IP address: " + options_.host, "listen");
    const tcp::endpoint endpoint(address, options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return io_error("cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
                      ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(io_, accept_loop(), asio::detached);
    for (int i = 0; i < std::max(1, options_.io_threads); ++i) {
      threads_.emplace_back([this] { io_.run(); });
    }
    return Status::ok();
  }

  std::uint16_t port() const { return port_; }

  Status load_tls() {
    tls_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    tls_->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                      asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                      asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
    // TLS 1.2 with forward secrecy only (ECDHE, AEAD), as ANSSI's TLS guide
    // asks; TLS 1.3's suites all have it.
    if (SSL_CTX_set_cipher_list(tls_->native_handle(),
                                "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                                "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                                "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305") != 1) {
      return io_error("cannot set the TLS cipher suites");
    }
    SSL_CTX_set_options(tls_->native_handle(), SSL_OP_CIPHER_SERVER_PREFERENCE);
    boost::system::error_code ec;
    tls_->use_certificate_chain_file(options_.tls_certificate, ec);
    if (ec)
      return io_error("cannot use the TLS certificate " + options_.tls_certificate + ": " +
                      ec.message());
    tls_->use_private_key_file(options_.tls_key, asio::ssl::context::pem, ec);
    if (ec) return io_error("cannot use the TLS key " + options_.tls_key + ": " + ec.message());
    return Status::ok();
  }

  void stop() {
    if (stopped_.exchange(true)) return;
    asio::post(io_, [this] {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
    });
    // Requests being handled finish and are answered (with Connection: close).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    {
      std::unique_lock lock(in_flight_mutex_);
      in_flight_done_.wait_until(lock, deadline, [this] { return in_flight_ == 0; });
    }
    io_.stop();
    for (std::thread& thread : threads_)
      thread.join();
    workers_.join();
  }

 private:
  awaitable<void> accept_loop() {
    while (!stopped_) {
      // One I/O thread (the default) needs no strand: a connection's
      // handlers cannot run concurrently anyway.
      // (No co_await inside ?: with GCC 12.)
      boost::system::error_code ec;
      tcp::socket socket(io_);
      if (options_.io_threads > 1) {
        auto [error, accepted] = co_await acceptor_.async_accept(asio::make_strand(io_), kAsTuple);
        ec = error;
        socket = tcp::socket(std::move(accepted));
      } else {
        std::tie(ec, socket) = co_await acceptor_.async_accept(kAsTuple);
      }
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
        // E.g. too many open files: keep serving the others, and wait a
        // little before trying again (at once, it would spin a core).
        asio::steady_timer pause(io_, std::chrono::milliseconds(50));
        co_await pause.async_wait(kAsTuple);
        continue;
      }
      auto executor = socket.get_executor();
      asio::co_spawn(executor, serve(std::move(socket)), asio::detached);
    }
  }

  awaitable<void> serve(tcp::socket socket) {
    boost::system::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    const std::string remote_address = ec ? std::string() : remote.address().to_string();
    if (!tls_) {
      beast::tcp_stream stream(std::move(socket));
      Admitted admitted(connections_, remote_address, stream);
      if (!admitted) co_return;  // full: closed
      co_await serve_http(stream, remote_address, *admitted.handle);
      co_return;
    }
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *tls_);
    Admitted admitted(connections_, remote_address, stream);
    if (!admitted) co_return;
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(options_.read_timeout_s));
    auto [handshake_error] =
        co_await stream.async_handshake(asio::ssl::stream_base::server, kAsTuple);
    if (handshake_error) co_return;  // not TLS, or a client that gave up: nothing to answer
    co_await serve_http(stream, remote_address, *admitted.handle);
  }

  // A connection's place among those open, for as long as it lives (on its
  // executor): false when there was no room.
  struct Admitted {
    template <typename Stream>
    Admitted(Connections& connections, const std::string& address, Stream& stream)
        : connections_(connections) {
      auto* socket = &beast::get_lowest_layer(stream);
      handle =
          connections.admit(address, [executor = socket->get_executor(), alive = alive_, socket] {
            asio::post(executor, [alive, socket] {
              if (*alive) socket->close();
            });
          });
      if (!handle) socket->close();
    }
    ~Admitted() {
      *alive_ = false;
      if (handle) connections_.leave(*handle);
    }
    explicit operator bool() const { return handle.has_value(); }

    Connections& connections_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    std::optional<Connections::Handle> handle;
  };

  // Requests on one connection, plain or TLS, until it closes.
  template <typename Stream>
  awaitable<void> serve_http(Stream& stream, const std::string& remote_address,
                             Connections::Handle connection) {
    constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;
    beast::flat_buffer buffer;
    while (true) {
      connections_.set_idle(connection, true);  // room may be made by closing it
      http::request_parser<http::string_body> parser;
      // The head first: where uploads go, the body may be larger. Beast
      // checks a Content-Length against the limit as it reads the head, so
      // the head is read under the largest one, and the path's applied after.
      std::size_t largest = options_.body_limit;
      for (const auto& [prefix, limit] : options_.upload_limits)
        largest = std::max(largest, limit);
      parser.body_limit(largest);
      parser.header_limit(16 * 1024);
      beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(options_.read_timeout_s));
      auto [read_error, bytes] = co_await http::async_read_header(stream, buffer, parser, kAsTuple);
      if (!read_error) {
        std::size_t allowed = options_.body_limit;
        const std::string_view target = parser.get().target();
        for (const auto& [pattern, limit] : options_.upload_limits) {
          if (upload_path_matches(pattern, target)) allowed = limit;
        }
        if (parser.content_length() && *parser.content_length() > allowed) {
          read_error = http::error::body_limit;
        } else {
          parser.body_limit(allowed);
        }
      }
      if (!read_error && !parser.is_done()) {
        std::tie(read_error, bytes) = co_await http::async_read(stream, buffer, parser, kAsTuple);
      }
      (void)bytes;
      if (read_error) {
        // A malformed or oversized request gets an answer; a closed or idle
        // connection just ends.
        const bool too_large = read_error == http::error::body_limit ||
                               read_error == http::error::header_limit ||
                               read_error == http::error::buffer_overflow;
        const bool malformed =
            read_error.category() == http::make_error_code(http::error::bad_target).category() &&
            read_error != http::error::end_of_stream;
        if (too_large || malformed) {
          const HttpResponse response =
              too_large ? error_response(413, "payload_too_large", "the request is too large")
                        : error_response(400, "bad_request", "malformed HTTP request");
          const std::string message = serialize(response, 11, false);
          beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
          co_await asio::async_write(stream, asio::buffer(message), kAsTuple);
        }
        break;
      }
      connections_.set_idle(connection, false);
      auto& request_message = parser.get();
      if (auto refusal = detail::refusal_of(request_message)) {
        const std::string message = serialize(*refusal, 11, false, false, kTls);
        co_await asio::async_write(stream, asio::buffer(message), kAsTuple);
        break;
      }
      HttpRequest request = detail::to_request(request_message, remote_address);
      request.tls = kTls;
      if (opener_ && websocket::is_upgrade(request_message) &&
          std::find(stream_paths_.begin(), stream_paths_.end(), request.path) !=
              stream_paths_.end()) {
        StreamOpening opening = opener_(request);
        if (opening.stream) {
          co_await serve_stream(stream, parser.release(), std::move(opening.stream));
          co_return;
        }
        const std::string refusal = serialize(opening.refusal, request_message.version(), false);
        co_await asio::async_write(stream, asio::buffer(refusal), kAsTuple);
        break;
      }

      begin_request();
      const auto started = std::chrono::steady_clock::now();
      auto answer = std::make_shared<QuickAnswer>(co_await asio::this_coro::executor);
      const bool quickly = handle_quick(request, answer);
      HttpResponse response;
      if (quickly) {
        if (answer->wait_needed()) co_await answer->ready->async_wait(kAsTuple);
        response = answer->take();
      } else {
        response = co_await asio::co_spawn(
            workers_.get_executor(),
            [this, &request]() -> awaitable<HttpResponse> { co_return handle(request); },
            use_awaitable);
      }
      const bool keep_alive = request_message.keep_alive() && !stopped_;
      const bool head = request.method == "HEAD";
      const std::string message =
          serialize(response, request_message.version(), keep_alive, head, kTls);
      beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(options_.read_timeout_s));
      auto [write_error, written] =
          co_await asio::async_write(stream, wire(message, response, head), kAsTuple);
      end_request();
      if (options_.access_log) {
        log_access(request, response.status, written, std::chrono::steady_clock::now() - started,
                   quickly);
      }
      if (write_error || !keep_alive) break;
    }
    boost::system::error_code ignored;
    beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  // What a WebSocket connection shares with the notifications that wake it.
  struct StreamState {
    explicit StreamState(asio::any_io_executor executor)
        : wake(std::move(executor), asio::steady_timer::time_point::max()) {}
    asio::steady_timer wake;
    bool reader_done = false;
  };

  // Pushes the stream's messages to the client until either side closes.
  template <typename Stream>
  awaitable<void> serve_stream(Stream& stream, http::request<http::string_body> request,
                               std::unique_ptr<MessageStream> messages) {
    websocket::stream<Stream&> ws(stream);
    beast::get_lowest_layer(ws).expires_never();
    ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws.read_message_max(64 * 1024);
    auto [accept_error] = co_await ws.async_accept(request, kAsTuple);
    if (accept_error) co_return;
    auto executor = co_await asio::this_coro::executor;
    auto state = std::make_shared<StreamState>(executor);
    std::weak_ptr<StreamState> weak = state;
    messages->on_ready([weak, executor] {
      asio::post(executor, [weak] {
        if (auto alive = weak.lock()) alive->wake.cancel();
      });
    });
    asio::co_spawn(executor, read_stream(ws, *messages, state), asio::detached);
    bool open = true;
    while (open && !state->reader_done && !stopped_) {
      std::vector<std::string> batch = messages->take();
      for (const std::string& message : batch) {
        ws.text(true);
        auto [write_error, written] = co_await ws.async_write(asio::buffer(message), kAsTuple);
        (void)written;
        if (write_error || state->reader_done) {
          open = false;
          break;
        }
      }
      if (!open) break;
      if (messages->ended()) {
        co_await ws.async_close(websocket::close_code::try_again_later, kAsTuple);
        break;
      }
      if (batch.empty()) {
        state->wake.expires_at(asio::steady_timer::time_point::max());
        co_await state->wake.async_wait(kAsTuple);
      }
    }
    // The reader uses `ws` and `messages`: close the socket and wait for it.
    boost::system::error_code ignored;
    beast::get_lowest_layer(ws).socket().close(ignored);
    while (!state->reader_done) {
      state->wake.expires_after(std::chrono::milliseconds(5));
      co_await state->wake.async_wait(kAsTuple);
    }
    messages->on_ready({});
  }

  template <typename WebSocket>
  awaitable<void> read_stream(WebSocket& ws, MessageStream& messages,
                              std::shared_ptr<StreamState> state) {
    beast::flat_buffer buffer;
    while (true) {
      auto [error, bytes] = co_await ws.async_read(buffer, kAsTuple);
      (void)bytes;
      if (error) break;
      messages.on_message(beast::buffers_to_string(buffer.data()));
      buffer.consume(buffer.size());
    }
    state->reader_done = true;
    state->wake.cancel();
  }

  // Runs a handler; an exception it lets escape is logged and gives nothing.
  template <typename Handler>
  static auto guarded(Handler&& handler) -> std::optional<decltype(handler())> {
    try {
      return handler();
    } catch (const std::exception& e) {
      log::error("handler threw", "\"what\":" + json_quote(e.what()));
    } catch (...) {
      log::error("handler threw");
    }
    return std::nullopt;
  }

  HttpResponse handle(const HttpRequest& request) {
    if (auto response = guarded([&] { return handler_(request); })) return std::move(*response);
    return error_response(500, "internal", "internal error");
  }

  // The answer of a quick handler: given at once (on this thread) or later
  // from another thread, which then wakes the connection.
  struct QuickAnswer : std::enable_shared_from_this<QuickAnswer> {
    explicit QuickAnswer(asio::any_io_executor connection) : executor(std::move(connection)) {}

    void give(HttpResponse given) {
      std::lock_guard lock(mutex);
      response = std::move(given);
      // Wakes the wait whether it began or not: an expired timer's wait
      // completes at once.
      if (ready) {
        asio::post(executor, [self = shared_from_this()] { self->ready->expires_at({}); });
      }
    }
    // Whether the connection must wait on `ready` for give(): the timer is
    // made only then (most answers are given at once).
    bool wait_needed() {
      std::lock_guard lock(mutex);
      if (response) return false;
      ready.emplace(executor, asio::steady_timer::time_point::max());
      return true;
    }
    HttpResponse take() {
      std::lock_guard lock(mutex);
      return response ? std::move(*response) : error_response(500, "internal", "internal error");
    }

    asio::any_io_executor executor;  // the connection's
    std::mutex mutex;
    std::optional<asio::steady_timer> ready;  // guarded by mutex until waited on
    std::optional<HttpResponse> response;     // guarded by mutex
  };

  bool handle_quick(const HttpRequest& request, const std::shared_ptr<QuickAnswer>& answer) {
    if (!quick_) return false;
    if (auto taken = guarded([&] {
          return quick_(request,
                        [answer](HttpResponse response) { answer->give(std::move(response)); });
        })) {
      return *taken;
    }
    answer->give(error_response(500, "internal", "internal error"));
    return true;
  }

  // The query is left out: it may name a citizen (a search).
  static void log_access(const HttpRequest& request, int status, std::size_t bytes,
                         std::chrono::steady_clock::duration took, bool quickly) {
    std::string fields;
    fields.reserve(160);
    fields += "\"method\":";
    fields += json_quote(request.method);
    fields += ",\"path\":";
    fields += json_quote(request.path);
    fields += ",\"status\":";
    fields += std::to_string(status);
    fields += ",\"bytes\":";
    fields += std::to_string(bytes);
    fields += ",\"ms\":";
    fields += json_number(std::chrono::duration<double, std::milli>(took).count(), 3);
    fields += ",\"remote\":";
    fields += json_quote(request.remote_address);
    if (quickly) fields += ",\"quick\":true";
    log::access(fields);
  }

  void begin_request() {
    std::lock_guard lock(in_flight_mutex_);
    ++in_flight_;
  }
  void end_request() {
    std::lock_guard lock(in_flight_mutex_);
    if (--in_flight_ == 0) in_flight_done_.notify_all();
  }

  // What a connection's coroutine touches is declared before io_: members
  // go in reverse order, so io_ goes first and destroys the connections it
  // still holds (a WebSocket open at a stop) while these are alive. With
  // io_ first, a SIGTERM with chats open crashed in Connections::leave.
  Options options_;
  HttpHandler handler_;
  QuickHandler quick_;
  std::vector<std::string> stream_paths_;
  StreamOpener opener_;
  std::mutex in_flight_mutex_;
  std::condition_variable in_flight_done_;
  int in_flight_ = 0;  // guarded by in_flight_mutex_
  std::atomic<bool> stopped_{false};
  asio::thread_pool workers_;
  Connections connections_;
  std::unique_ptr<asio::ssl::context> tls_;  // set: every connection is TLS
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
  std::uint16_t port_ = 0;
};

Result<std::unique_ptr<HttpServer>> HttpServer::start(const Options& options, HttpHandler handler,
                                                      QuickHandler quick,
                                                      std::vector<std::string> stream_paths,
                                                      StreamOpener opener) {
  auto impl = std::make_unique<Impl>(options, std::move(handler), std::move(quick),
                                     std::move(stream_paths), std::move(opener));
  if (Status s = impl->listen(); !s) return s.error();
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() {
  stop();
}
std::uint16_t HttpServer::port() const {
  return impl_->port();
}
void HttpServer::stop() {
  impl_->stop();
}

}  // namespace guichet::server
