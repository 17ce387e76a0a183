// A JSON request body, read strictly as the API reads every body.
#include <cstdint>
#include <string_view>

#include "core/json_body.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace guichet::json_body;
  namespace json = boost::json;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto object = parse_object(text, {{"channel", json::kind::string, true},
                                    {"queue_id", json::kind::int64, true},
                                    {"priority", json::kind::int64, false},
                                    {"timeout_s", json::kind::double_, false},
                                    {"attributes", json::kind::object, false},
                                    {"contacts", json::kind::array, false}});
  if (object) {
    (void)string_or(*object, "channel", "");
    (void)int_or(*object, "queue_id", 0);
    (void)number_or(*object, "timeout_s", 0);
    (void)bool_or(*object, "x", false);
  }
  return 0;
}
