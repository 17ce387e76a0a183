#include "core/json_body.h"

namespace guichet::json_body {

namespace json = boost::json;

namespace {

bool kind_matches(const json::value& value, json::kind wanted) {
  if (value.kind() == wanted) return true;
  if (wanted == json::kind::int64) return value.is_uint64() && value.as_uint64() <= INT64_MAX;
  if (wanted == json::kind::double_) return value.is_int64() || value.is_uint64();
  return false;
}

std::string path(const std::string& where, std::string_view key) {
  return where.empty() ? std::string(key) : where + "." + std::string(key);
}

}  // namespace

Status check_fields(const json::object& object, std::initializer_list<Field> fields,
                    const std::string& where) {
  for (const auto& [key, item] : object) {
    const Field* field = nullptr;
    for (const Field& f : fields) {
      if (key == f.name) field = &f;
    }
    if (!field) return invalid_argument("unknown field", path(where, key));
    if (!kind_matches(item, field->kind)) return invalid_argument("wrong type", path(where, key));
  }
  for (const Field& f : fields) {
    if (f.required && !object.contains(f.name))
      return invalid_argument("missing", path(where, f.name));
  }
  return Status::ok();
}

Result<json::object> parse_object(std::string_view text, std::initializer_list<Field> fields,
                                  const std::string& where) {
  boost::system::error_code ec;
  json::parse_options limits;
  limits.max_depth = 8;
  json::value value = json::parse(text, ec, {}, limits);
  if (ec) return invalid_argument("malformed JSON: " + ec.message(), "body");
  if (!value.is_object()) return invalid_argument("the body must be a JSON object", "body");
  if (Status s = check_fields(value.as_object(), fields, where); !s) return s.error();
  return std::move(value.as_object());
}

std::string string_or(const json::object& object, const char* key, std::string fallback) {
  const json::value* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : fallback;
}

std::int64_t int_or(const json::object& object, const char* key, std::int64_t fallback) {
  const json::value* value = object.if_contains(key);
  if (!value) return fallback;
  if (value->is_int64()) return value->as_int64();
  if (value->is_uint64()) return static_cast<std::int64_t>(value->as_uint64());
  return fallback;
}

double number_or(const json::object& object, const char* key, double fallback) {
  const json::value* value = object.if_contains(key);
  return value && value->is_number() ? value->to_number<double>() : fallback;
}

bool bool_or(const json::object& object, const char* key, bool fallback) {
  const json::value* value = object.if_contains(key);
  return value && value->is_bool() ? value->as_bool() : fallback;
}

std::uint64_t id_in(std::string_view document) {
  boost::system::error_code ec;
  json::value parsed = json::parse(document, ec);
  if (ec || !parsed.is_object()) return 0;
  const json::value* id = parsed.as_object().if_contains("id");
  return id && id->is_int64() && id->as_int64() > 0 ? static_cast<std::uint64_t>(id->as_int64())
                                                    : 0;
}

}  // namespace guichet::json_body
