// Reading JSON request bodies strictly: an object, only the fields named,
// each of the kind wanted, required ones present, nesting at most 8 deep.
// Errors name the field at fault.
#pragma once

#include <boost/json.hpp>
#include <initializer_list>
#include <string>
#include <string_view>

#include "core/result.h"

namespace guichet::json_body {

struct Field {
  const char* name;
  boost::json::kind kind;  // int64 also accepts uint64; double accepts integers
  bool required = false;
};

Result<boost::json::object> parse_object(std::string_view text, std::initializer_list<Field> fields,
                                         const std::string& where = {});
// Checks an already parsed object the same way.
Status check_fields(const boost::json::object& object, std::initializer_list<Field> fields,
                    const std::string& where = {});

std::string string_or(const boost::json::object& object, const char* key, std::string fallback);
std::int64_t int_or(const boost::json::object& object, const char* key, std::int64_t fallback);
double number_or(const boost::json::object& object, const char* key, double fallback);
bool bool_or(const boost::json::object& object, const char* key, bool fallback);
// The positive "id" of a JSON object (a document as the API gives it); 0
// when it is not one or has none.
std::uint64_t id_in(std::string_view document);

}  // namespace guichet::json_body
