// The API's OpenAPI 3.1 document (docs/openapi.json, compiled in).
#pragma once

namespace guichet::server {

const char* openapi_json();

}  // namespace guichet::server
