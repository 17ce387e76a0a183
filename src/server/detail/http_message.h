// Beast's request as the API's HttpRequest, shared by the server (which
// reads from sockets) and read_request (tests and fuzzing). Includes Beast's
// HTTP parser only: no Asio, no coroutines.
#pragma once

#include <boost/beast/http.hpp>
#include <optional>
#include <string>

#include "server/http.h"

namespace guichet::server::detail {

// Moves the body out of `message`.
HttpRequest to_request(boost::beast::http::request<boost::beast::http::string_body>& message,
                       const std::string& remote);

// HTTP/1.1 asks for one Host exactly; an origin server serves paths ("GET
// http://elsewhere/…" is a proxy's request). The answer when it is not so.
std::optional<HttpResponse> refusal_of(
    const boost::beast::http::request<boost::beast::http::string_body>& message);

}  // namespace guichet::server::detail
