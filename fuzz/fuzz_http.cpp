// An HTTP request off the wire, as the server reads it: Beast's parser with
// the server's limits, the Host and target checks, then what handlers read
// (headers, cookies, query parameters).
#include <cstdint>
#include <string_view>
#include <variant>

#include "server/http_server.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace guichet::server;
  auto read = read_request(std::string_view(reinterpret_cast<const char*>(data), size), 4096);
  if (auto* request = std::get_if<HttpRequest>(&read)) {
    (void)request->header("authorization");
    (void)request->cookie("guichet_session");
    (void)request->query_param("q");
    (void)request->query_param("last_event_id");
  }
  return 0;
}
