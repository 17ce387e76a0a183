#include "server/api.h"

#include "conversations/contact_center.h"

#include <chrono>
#include <set>

#include "server/event_hub.h"
#include "server/metrics.h"
#include "server/routes/routes.h"
#include "web/assets.h"

namespace guichet::server {

namespace json = boost::json;
// Not `routes`: inside Api, that names Api::routes().
namespace api_routes = guichet::server::routes;
using api_routes::Access;
using api_routes::Route;

namespace {

// The web interface: its files from the binary, and index.html for the
// paths of its pages (/agent, /supervision…); nothing for the API's paths.
// Each text file has its Brotli and gzip forms beside it (made at build
// time: web/scripts/compress-dist.mjs), sent to a browser that takes them.
std::optional<HttpResponse> web_file(const HttpRequest& request) {
  const std::string& path = request.path;
  if ((request.method != "GET" && request.method != "HEAD") || path.rfind("/api/", 0) == 0 ||
      path.rfind("/chat/v1/", 0) == 0 || path == "/healthz" || path == "/readyz" ||
      path == "/metrics") {
    return std::nullopt;
  }
  std::optional<web::Asset> asset = web::find_asset(path == "/" ? "/index.html" : path);
  const std::string_view last = std::string_view(path).substr(path.rfind('/') + 1);
  // A page of its own at a path without ".html" (/demo/site): not the app.
  if (!asset && last.find('.') == std::string_view::npos) asset = web::find_asset(path + ".html");
  if (!asset) {
    if (last.find('.') != std::string_view::npos) {
      return error_response(404, "not_found", "no such file", "path");
    }
    asset = web::find_asset("/index.html");
    if (!asset) {
      return error_response(404, "not_found",
                            "this build has no web interface (configured with GUICHET_WEB=OFF)",
                            "path");
    }
  }
  HttpResponse response;
  std::string_view encoding;
  web::Asset sent = *asset;
  for (const std::string_view coding : {std::string_view("br"), std::string_view("gzip")}) {
    if (!request.accepts_encoding(coding)) continue;
    const std::string variant = std::string(asset->path) + (coding == "br" ? ".br" : ".gz");
    if (auto compressed = web::find_asset(variant)) {
      sent = *compressed;
      encoding = coding;
      break;
    }
  }
  const std::string etag = "\"" + std::string(sent.digest) + "\"";
  // Vite names assets by their content, and index.html links DSFR's files
  // with their version (?v=, ?hash=): cached for good. The rest is
  // revalidated (ETag) so that an upgrade shows at once.
  const bool immutable =
      asset->path.rfind("/assets/", 0) == 0 ||
      (asset->path.rfind("/dsfr/", 0) == 0 &&
       (request.query.rfind("v=", 0) == 0 || request.query.rfind("hash=", 0) == 0));
  response.headers = {
      {"Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache"},
      {"ETag", etag},
  };
  if (web::find_asset(std::string(asset->path) + ".gz")) {
    response.headers.emplace_back("Vary", "Accept-Encoding");
  }
  if (!encoding.empty()) response.headers.emplace_back("Content-Encoding", std::string(encoding));
  if (asset->content_type.rfind("text/html", 0) == 0) {
    response.headers.emplace_back(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'");
    response.headers.emplace_back("Referrer-Policy", "same-origin");
  }
  if (const std::string* match = request.header("if-none-match"); match && *match == etag) {
    response.status = 304;
    return response;
  }
  response.content_type = std::string(asset->content_type);
  response.static_body = sent.body;
  return response;
}

// "/api/v1/queues/12/state" -> {"api", "v1", "queues", "12", "state"}.
std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    const auto slash = path.find('/');
    if (slash != 0) out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

// The table's paths split into segments once; a request's path is split once.
struct CompiledRoute {
  const Route* route;
  std::vector<std::string_view> segments;
};

const std::vector<CompiledRoute>& compiled_routes() {
  static const std::vector<CompiledRoute> compiled = [] {
    std::vector<CompiledRoute> out;
    for (const Route& route : api_routes::all())
      out.push_back({&route, segments(route.path)});
    return out;
  }();
  return compiled;
}

struct Match {
  int status = 404;              // 200: matched; 405: the path is served, not with this method
  const Route* route = nullptr;  // with 200 and 405 (one of the path's)
  std::uint64_t id = 0;          // the path's {id}
};

Match match(const std::string& method, const std::string& path) {
  const std::vector<std::string_view> got = segments(path);
  Match found;
  for (const CompiledRoute& compiled : compiled_routes()) {
    if (compiled.segments.size() != got.size()) continue;
    bool same = true;
    std::uint64_t id = 0;
    for (std::size_t i = 0; i < got.size() && same; ++i) {
      if (compiled.segments[i] == "{id}") {
        auto parsed = api_routes::parse_id(got[i]);
        same = parsed.has_value();
        id = parsed.value_or(0);
      } else {
        same = compiled.segments[i] == got[i];
      }
    }
    if (!same) continue;
    found.route = compiled.route;
    found.id = id;
    if (compiled.route->method == method) {
      found.status = 200;
      return found;
    }
    found.status = 405;
  }
  return found;
}

// A subscription as a WebSocket stream; the client may send
// {"queues":[ids]} to watch only those queues (supervisors).
class EventStream final : public MessageStream {
 public:
  explicit EventStream(std::unique_ptr<Subscription> subscription)
      : subscription_(std::move(subscription)) {}
  std::vector<std::string> take() override { return subscription_->take(); }
  void on_ready(std::function<void()> notify) override {
    subscription_->on_ready(std::move(notify));
  }
  bool ended() const override { return subscription_->ended(); }
  void on_message(const std::string& text) override {
    auto object = json_body::parse_object(text, {{"queues", json::kind::array, true}});
    if (!object) return;  // not a command we know: ignored
    std::set<std::uint64_t> queues;
    for (const json::value& id : object->at("queues").as_array()) {
      if (id.is_int64() && id.as_int64() > 0)
        queues.insert(static_cast<std::uint64_t>(id.as_int64()));
    }
    subscription_->set_queues(std::move(queues));
  }

 private:
  std::unique_ptr<Subscription> subscription_;
};

// Browsers send Origin on a WebSocket upgrade: a page of another site must
// not ride on the session cookie.
bool same_origin(const HttpRequest& request) {
  const std::string* origin = request.header("origin");
  if (!origin) return true;  // not a browser
  const std::string* host = request.header("host");
  const auto scheme = origin->find("://");
  return host && scheme != std::string::npos && origin->substr(scheme + 3) == *host;
}

double seconds_since(std::chrono::steady_clock::time_point started) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

}  // namespace

// The citizen's chat frame, which services' websites embed.
constexpr const char* kChatFrame = "/chat/frame.html";

class Api::Impl {
 public:
  // The chat frame may be embedded by the websites its queue lists
  // (chat_origins; none: any site), and by Guichet's own pages (/demo/site).
  void allow_framing(const HttpRequest& request, HttpResponse& page) {
    std::string ancestors = "'self'";
    auto service = api_routes::parse_id(request.query_param("service").value_or(""));
    std::vector<std::string> origins;
    if (service) {
      if (auto queue = api_.center.document("queue", *service)) {
        boost::system::error_code ec;
        json::value body = json::parse(queue->body_json, ec);
        const json::value* listed =
            !ec && body.is_object() ? body.as_object().if_contains("chat_origins") : nullptr;
        if (listed && listed->is_array()) {
          for (const json::value& origin : listed->as_array())
            if (origin.is_string()) origins.emplace_back(origin.as_string());
        }
        if (!listed || origins.empty()) ancestors = "*";
      }
    }
    for (const std::string& origin : origins)
      ancestors += " " + origin;
    for (auto& [name, value] : page.headers) {
      if (name != "Content-Security-Policy") continue;
      const auto at = value.find("frame-ancestors 'none'");
      if (at != std::string::npos)
        value.replace(at, std::string_view("frame-ancestors 'none'").size(),
                      "frame-ancestors " + ancestors);
    }
  }

  Impl(store::Store& store, ContactCenter& center, KnowledgeBase& knowledge, EventHub& hub,
       Metrics& metrics, channels::Channels& channels, ApiOptions options)
      : api_(store, center, knowledge, hub, metrics, channels, std::move(options)) {}

  HttpResponse handle(const HttpRequest& request) {
    if (auto page = web_file(request)) {
      if (request.path == kChatFrame) allow_framing(request, *page);
      return *page;
    }
    return answer_timed(match(request.method, request.path), request);
  }

  bool handle_quick(const HttpRequest& request, const Responder& respond) {
    if (request.path == kChatFrame) return false;  // its framing policy reads the queue
    if (auto page = web_file(request)) {
      respond(std::move(*page));
      return true;
    }
    const Match found = match(request.method, request.path);
    if (found.status != 200) return false;
    const Route& route = *found.route;
    if (!route.quick && !route.quick_async) return false;
    if (route.access != Access::kAnyone && !api_.sessions.in_memory(request)) return false;
    if (!route.quick_async) {
      respond(answer_timed(found, request));
      return true;
    }
    const auto started = std::chrono::steady_clock::now();
    auto finish = [this, started, respond, &route](HttpResponse response) {
      api_.metrics.observe_http(route.path, response.status, seconds_since(started));
      respond(std::move(response));
    };
    api_routes::Caller caller;
    if (auto refusal = admit(route, found.id, request, caller)) {
      finish(std::move(*refusal));
      return true;
    }
    route.quick_async(api_, api_routes::Call{request, found.id, &caller}, finish);
    return true;
  }

  StreamOpening open_events(const HttpRequest& request) {
    if (request.path == "/chat/v1/stream") return api_routes::open_chat_stream(api_, request);
    StreamOpening opening;
    if (!same_origin(request)) {
      opening.refusal = error_response(403, "forbidden", "cross-site WebSocket", "origin");
      return opening;
    }
    auto caller = api_.sessions.authenticate(request);
    if (!caller) {
      opening.refusal = api_routes::refused(caller.error());
      return opening;
    }
    std::uint64_t last_seen = 0;
    if (auto last = request.query_param("last_event_id")) {
      auto parsed = api_routes::parse_id(*last);
      if (!parsed && *last != "0") {
        opening.refusal =
            error_response(400, "invalid_argument", "not an event id", "last_event_id");
        return opening;
      }
      last_seen = parsed.value_or(0);
    }
    opening.stream = std::make_unique<EventStream>(
        api_.hub.subscribe(caller->user.id, caller->manager(), last_seen));
    return opening;
  }

 private:
  // The answer to a request matched (or not), timed for the route's figures.
  HttpResponse answer_timed(const Match& found, const HttpRequest& request) {
    const auto started = std::chrono::steady_clock::now();
    HttpResponse response = found.status == 200   ? answer(*found.route, found.id, request)
                            : found.status == 405 ? api_routes::not_allowed()
                                                  : api_routes::no_route();
    api_.metrics.observe_http(found.status == 404 ? "unknown" : found.route->path, response.status,
                              seconds_since(started));
    return response;
  }

  // Whether the caller may call the route: authenticated, a JSON body (when
  // it sends one and the route takes JSON), the route's role. Fills
  // `caller`; the refusal to send otherwise.
  std::optional<HttpResponse> admit(const Route& route, std::uint64_t id,
                                    const HttpRequest& request, api_routes::Caller& caller) {
    if (route.access == Access::kAnyone) return std::nullopt;
    auto authenticated = api_.sessions.authenticate(request);
    if (!authenticated) return api_routes::refused(authenticated.error());
    caller = std::move(*authenticated);
    const bool has_body = request.method == "POST" || request.method == "PUT";
    if (has_body && !route.raw_body && !request.body.empty() && !api_routes::is_json(request)) {
      return error_response(400, "invalid_argument", "the body must be application/json",
                            "content-type");
    }
    bool allowed = true;
    switch (route.access) {
      case Access::kAnyone:
      case Access::kSignedIn:
        break;
      case Access::kSelfOrManager:
        allowed = caller.user.id == id || caller.manager();
        break;
      case Access::kManager:
        allowed = caller.manager();
        break;
      case Access::kAdmin:
        allowed = caller.user.role == store::Role::kAdmin;
        break;
    }
    if (!allowed) return api_routes::forbidden();
    return std::nullopt;
  }

  HttpResponse answer(const Route& route, std::uint64_t id, const HttpRequest& request) {
    api_routes::Caller caller;
    if (auto refusal = admit(route, id, request, caller)) return std::move(*refusal);
    const api_routes::Call call{request, id, route.access == Access::kAnyone ? nullptr : &caller};
    return route.handler(api_, call);
  }

  api_routes::ApiContext api_;
};

Api::Api(store::Store& store, ContactCenter& center, KnowledgeBase& knowledge, EventHub& hub,
         Metrics& metrics, channels::Channels& channels, ApiOptions options)
    : impl_(std::make_unique<Impl>(store, center, knowledge, hub, metrics, channels,
                                   std::move(options))) {}

Api::~Api() = default;

const std::vector<std::pair<std::string, std::string>>& Api::routes() {
  static const std::vector<std::pair<std::string, std::string>> kRoutes = [] {
    std::vector<std::pair<std::string, std::string>> out;
    for (const Route& route : api_routes::all())
      out.emplace_back(route.method, route.path);
    return out;
  }();
  return kRoutes;
}

StreamOpening Api::open_events(const HttpRequest& request) {
  return impl_->open_events(request);
}
HttpResponse Api::handle(const HttpRequest& request) {
  return impl_->handle(request);
}
bool Api::handle_quick(const HttpRequest& request, const Responder& respond) {
  return impl_->handle_quick(request, respond);
}

}  // namespace guichet::server
