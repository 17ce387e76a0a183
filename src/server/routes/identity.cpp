// /api/v1/identity: who runs this Guichet, as its pages show it. The
// "République française" block is for State services; a town hall or a
// benefits fund shows its own name and logo, and links its accessibility
// statement, legal notice and personal-data page from the footer. Read by
// anyone (the login page shows it); changed by admins. Kept as a
// configuration document (audited), the logo in a second one (base64).
#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <functional>

#include "core/json_format.h"
#include "core/text.h"
#include "server/routes/routes.h"

namespace guichet::server::routes {

namespace json = boost::json;

namespace {

constexpr const char* kIdentity = kIdentityKind;
constexpr const char* kLogo = "identity_logo";
constexpr std::uint64_t kOnly = 1;              // one identity per service
constexpr std::size_t kMaxLogoBytes = 100'000;  // a logo, not a photograph

const char* const kAccessibility[] = {"non compliant", "partially compliant", "fully compliant"};

// A link the footer shows: a web address or a path on this server ("//x"
// and "/\\x" are other sites to a browser).
bool is_link(const std::string& link) {
  return link.empty() || link.rfind("https://", 0) == 0 || link.rfind("http://", 0) == 0 ||
         (link.size() > 1 && link[0] == '/' && link[1] != '/' && link[1] != '\\');
}

// The image's type by its first bytes (never by what the client says).
const char* image_type(const std::string& bytes) {
  if (bytes.rfind("\x89PNG\r\n\x1a\n", 0) == 0) return "image/png";
  if (bytes.rfind("\xff\xd8\xff", 0) == 0) return "image/jpeg";
  if (bytes.size() > 12 && bytes.compare(0, 4, "RIFF") == 0 && bytes.compare(8, 4, "WEBP") == 0)
    return "image/webp";
  return nullptr;
}

// {"name","state_service","accessibility","accessibility_url",
//  "legal_notice_url","personal_data_url","logo_url"?}: the defaults until
// an admin says otherwise (a State service, "partially compliant").
HttpResponse read(ApiContext& api, const Call&) {
  json::object out{{"name", ""},
                   {"state_service", true},
                   {"accessibility", "partially compliant"},
                   {"accessibility_url", ""},
                   {"legal_notice_url", ""},
                   {"personal_data_url", ""}};
  if (auto stored = api.store.document(kIdentity, kOnly)) {
    boost::system::error_code ec;
    json::value body = json::parse(stored->body_json, ec);
    if (!ec && body.is_object()) {
      for (const auto& [key, value] : body.as_object())
        out[key] = value;
    }
  }
  if (auto logo = api.store.document(kLogo, kOnly)) {
    // Its version in the address: cached for good, a new logo a new address.
    out["logo_url"] =
        "/api/v1/identity/logo?v=" + std::to_string(std::hash<std::string>{}(logo->body_json));
  }
  return json_response(200, json_text(out));
}

HttpResponse write(ApiContext& api, const Call& call) {
  auto body = json_body::parse_object(call.request.body,
                                      {{"name", json::kind::string, true},
                                       {"state_service", json::kind::bool_, true},
                                       {"accessibility", json::kind::string, false},
                                       {"accessibility_url", json::kind::string, false},
                                       {"legal_notice_url", json::kind::string, false},
                                       {"personal_data_url", json::kind::string, false}});
  if (!body) return from_error(body.error());
  const std::string name = json_body::string_or(*body, "name", "");
  if (name.empty() || utf8_length(name) > 100) {
    return from_error(invalid_argument("1 to 100 characters", "name"));
  }
  const std::string accessibility =
      json_body::string_or(*body, "accessibility", "partially compliant");
  if (std::find(std::begin(kAccessibility), std::end(kAccessibility), accessibility) ==
      std::end(kAccessibility)) {
    return from_error(
        invalid_argument("non compliant, partially compliant or fully compliant", "accessibility"));
  }
  (*body)["accessibility"] = accessibility;
  for (const char* field : {"accessibility_url", "legal_notice_url", "personal_data_url"}) {
    const std::string link = json_body::string_or(*body, field, "");
    if (link.size() > 500 || !is_link(link)) {
      return from_error(invalid_argument("a web address (https://…) or a path (/…)", field));
    }
    (*body)[field] = link;
  }
  store::Document document{kIdentity, kOnly, kIdentity, json_text(*body)};
  auto stored = api.store.put_document(std::move(document), call.me(), api.now());
  if (!stored) return from_error(stored.error());
  return read(api, call);
}

// The image as the body (PNG, JPEG or WebP, up to 100 KB).
HttpResponse upload_logo(ApiContext& api, const Call& call) {
  const std::string& bytes = call.request.body;
  if (bytes.empty() || bytes.size() > kMaxLogoBytes) {
    return error_response(400, "invalid_argument", "an image of 1 byte to 100 KB", "body");
  }
  const char* type = image_type(bytes);
  if (!type) return error_response(400, "invalid_argument", "PNG, JPEG or WebP expected", "body");
  std::string encoded(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL),
                      '\0');
  sodium_bin2base64(encoded.data(), encoded.size(),
                    reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  encoded.resize(std::strlen(encoded.c_str()));
  json::object body{{"type", type}, {"data", encoded}};
  auto stored =
      api.store.put_document({kLogo, kOnly, kLogo, json_text(body)}, call.me(), api.now());
  if (!stored) return from_error(stored.error());
  return read(api, call);
}

HttpResponse logo(ApiContext& api, const Call& call) {
  auto stored = api.store.document(kLogo, kOnly);
  if (!stored) return error_response(404, "not_found", "no logo", "path");
  boost::system::error_code ec;
  json::value body = json::parse(stored->body_json, ec);
  if (ec || !body.is_object())
    return error_response(500, "internal", "the logo is unreadable", "path");
  const std::string encoded = json_body::string_or(body.as_object(), "data", "");
  std::string bytes(encoded.size(), '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(),
                        encoded.c_str(), encoded.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return error_response(500, "internal", "the logo is unreadable", "path");
  }
  bytes.resize(length);
  HttpResponse response;
  response.content_type = json_body::string_or(body.as_object(), "type", "image/png");
  response.body = std::move(bytes);
  // Its address carries its version (?v=): kept by browsers for a year.
  // Without one, asked again each time (the server's default no-store).
  if (call.request.query_param("v")) {
    response.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
  }
  return response;
}

}  // namespace

std::vector<Route> identity() {
  Route upload{"PUT", "/api/v1/identity/logo", Access::kAdmin, upload_logo};
  upload.raw_body = true;
  return {
      {"GET", "/api/v1/identity", Access::kAnyone, read},
      {"PUT", "/api/v1/identity", Access::kAdmin, write},
      {"GET", "/api/v1/identity/logo", Access::kAnyone, logo},
      std::move(upload),
      {"DELETE", "/api/v1/identity/logo", Access::kAdmin,
       [](ApiContext& api, const Call& call) {
         Status s = api.store.delete_document(kLogo, kOnly, call.me(), api.now());
         if (!s && s.error().code != ErrorCode::kNotFound) return from_error(s.error());
         return no_content();
       }},
  };
}

}  // namespace guichet::server::routes
