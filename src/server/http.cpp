#include "server/http.h"

#include <algorithm>

#include "core/json_format.h"

namespace guichet::server {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Without the spaces and tabs around (HTTP's optional white space).
std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

}  // namespace

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
        hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else if (text[i] == '+') {
      out += ' ';
    } else {
      out += text[i];
    }
  }
  return out;
}

std::optional<std::string> HttpRequest::cookie(std::string_view name) const {
  const std::string* header_value = header("cookie");
  if (!header_value) return std::nullopt;
  std::string_view rest = *header_value;
  while (!rest.empty()) {
    const auto semicolon = rest.find(';');
    const std::string_view pair = trim(rest.substr(0, semicolon));
    const auto equals = pair.find('=');
    if (equals != std::string_view::npos && pair.substr(0, equals) == name) {
      return std::string(pair.substr(equals + 1));
    }
    if (semicolon == std::string_view::npos) break;
    rest.remove_prefix(semicolon + 1);
  }
  return std::nullopt;
}

bool HttpRequest::accepts_encoding(std::string_view coding) const {
  const std::string* header_value = header("accept-encoding");
  if (!header_value) return false;
  bool star = false;
  std::string_view rest = *header_value;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    std::string_view weight;
    if (const auto semicolon = item.find(';'); semicolon != std::string_view::npos) {
      weight = trim(item.substr(semicolon + 1));
      item = item.substr(0, semicolon);
    }
    item = trim(item);
    // "q=0", "q=0.0", "q=0.000": refused.
    const bool refused = weight.size() >= 3 && (weight[0] == 'q' || weight[0] == 'Q') &&
                         weight[1] == '=' &&
                         weight.substr(2).find_first_not_of("0.") == std::string_view::npos;
    if (item.size() == coding.size() &&
        std::equal(item.begin(), item.end(), coding.begin(),
                   [](char a, char b) { return (a | 0x20) == (b | 0x20); })) {
      return !refused;
    }
    if (item == "*") star = !refused;
  }
  return star;
}

std::optional<std::string> HttpRequest::query_param(std::string_view name) const {
  std::string_view rest = query;
  while (!rest.empty()) {
    const auto ampersand = rest.find('&');
    const std::string_view pair = rest.substr(0, ampersand);
    const auto equals = pair.find('=');
    const std::string key = percent_decode(pair.substr(0, equals));
    if (key == name) {
      return equals == std::string_view::npos ? std::string()
                                              : percent_decode(pair.substr(equals + 1));
    }
    if (ampersand == std::string_view::npos) break;
    rest.remove_prefix(ampersand + 1);
  }
  return std::nullopt;
}

HttpResponse json_response(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

HttpResponse error_response(int status, std::string_view code, std::string_view message,
                            std::string_view field) {
  std::string body =
      "{\"error\":{\"code\":" + json_quote(code) + ",\"message\":" + json_quote(message);
  if (!field.empty()) body += ",\"field\":" + json_quote(field);
  body += "}}";
  return json_response(status, std::move(body));
}

}  // namespace guichet::server
