#include <utility>  // before Boost with GCC 12 in C++20 mode

#include <boost/asio/buffer.hpp>

#include "server/detail/http_message.h"
#include "server/http_server.h"

namespace guichet::server {

namespace http = boost::beast::http;

namespace detail {

HttpRequest to_request(http::request<http::string_body>& message, const std::string& remote) {
  HttpRequest request;
  request.method = std::string(message.method_string());
  const std::string_view target = message.target();
  const auto question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers[name] = std::string(field.value());
  }
  request.body = std::move(message.body());
  request.remote_address = remote;
  return request;
}

std::optional<HttpResponse> refusal_of(const http::request<http::string_body>& message) {
  const auto hosts = message.count(http::field::host);
  const std::string_view target = message.target();
  const bool origin_form = !target.empty() && target.front() == '/';
  if ((message.version() >= 11 && hosts != 1) || hosts > 1 || !origin_form) {
    return error_response(400, "bad_request",
                          origin_form ? "one Host header is needed" : "the target must be a path",
                          origin_form ? "host" : "target");
  }
  return std::nullopt;
}

}  // namespace detail

std::variant<HttpRequest, HttpResponse> read_request(std::string_view bytes,
                                                     std::size_t body_limit) {
  http::request_parser<http::string_body> parser;
  parser.body_limit(body_limit);
  parser.header_limit(16 * 1024);
  parser.eager(true);
  boost::system::error_code ec;
  std::size_t used = 0;
  while (!ec && used < bytes.size() && !parser.is_done()) {
    const std::size_t took =
        parser.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    if (took == 0 && !ec) break;
    used += took;
  }
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  if (ec == http::error::body_limit || ec == http::error::header_limit ||
      ec == http::error::buffer_overflow) {
    return error_response(413, "payload_too_large", "the request is too large");
  }
  if (ec || !parser.is_done()) return error_response(400, "bad_request", "malformed HTTP request");
  auto& message = parser.get();
  if (auto refusal = detail::refusal_of(message)) return *refusal;
  return detail::to_request(message, "127.0.0.1");
}

}  // namespace guichet::server
