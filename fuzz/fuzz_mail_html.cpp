// A mail's HTML (anyone can send one) made safe for the desk: never a
// crash, and its body always reads as the writer writes it — tags of
// `name="escaped value"` attributes, text with '<' escaped — with no
// element that runs, embeds or submits, no event handler, images of its
// own only (data:; remote ones were not asked for), links to http(s),
// mailto or tel only.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "channels/email/mail_html.h"
#include "core/text.h"

namespace {

bool starts_with_any(std::string_view value, std::initializer_list<std::string_view> prefixes) {
  for (std::string_view p : prefixes)
    if (value.starts_with(p)) return true;
  return false;
}

// The value as a browser reads its scheme: spaces and control characters dropped.
std::string compact(std::string_view value) {
  std::string out;
  for (char c : value)
    if (static_cast<unsigned char>(c) > ' ') out += c;
  return out;
}

bool remote = false;  // the options of the input at hand

void check_tag(std::string_view html, std::size_t& at) {
  ++at;  // '<'
  if (at < html.size() && html[at] == '/') ++at;
  const std::size_t name_end = html.find_first_of(" >", at);
  if (name_end == std::string_view::npos) std::abort();
  const std::string_view name = html.substr(at, name_end - at);
  for (std::string_view never : {"script", "iframe", "object", "embed", "svg", "math", "form",
                                 "input", "meta", "base", "link", "frame", "template", "style"})
    if (name == never) std::abort();
  at = name_end;
  while (html[at] == ' ') {
    const std::size_t equals = html.find("=\"", at);
    if (equals == std::string_view::npos) std::abort();
    const std::string_view attribute = html.substr(at + 1, equals - at - 1);
    const std::size_t close = html.find('"', equals + 2);
    if (close == std::string_view::npos) std::abort();
    const std::string_view value = html.substr(equals + 2, close - equals - 2);
    if (attribute.find_first_of(" <>\"") != std::string_view::npos || attribute.starts_with("on"))
      std::abort();
    if ((attribute == "src" || attribute == "background") &&
        !starts_with_any(value, {"data:image/png;", "data:image/jpeg;", "data:image/gif;"}) &&
        !(remote && starts_with_any(compact(value), {"http:", "https:"})))
      std::abort();
    // Inline styles as the style element's: no escape, no fetch unless asked.
    if (attribute == "style" && (value.find('\\') != std::string_view::npos ||
                                 value.find("@import") != std::string_view::npos ||
                                 value.find("expression") != std::string_view::npos ||
                                 (!remote && value.find("url('http") != std::string_view::npos)))
      std::abort();
    if (attribute == "href" &&
        !starts_with_any(compact(value), {"http:", "https:", "mailto:", "tel:"}))
      std::abort();
    at = close + 1;
  }
  if (html[at] != '>') std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte chooses the options: remote images asked for, inline
  // images shown.
  remote = data[0] & 1;
  guichet::email::HtmlOptions options;
  options.remote_images = remote;
  if (data[0] & 2)
    options.inline_image = [](std::string_view) {
      return std::string("data:image/png;base64,AA==");
    };
  const std::string_view html(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto safe = guichet::email::safe_html(html, options);
  // The mail's styles (the head's second style element): raw text, so no
  // '<' to end it early and no escapes to hide a fetch.
  const std::size_t head_end = safe.html.find("</head>");
  const std::size_t own_style_end = safe.html.find("</style>");
  if (head_end == std::string::npos || own_style_end == std::string::npos) std::abort();
  const std::string_view styles =
      std::string_view(safe.html).substr(own_style_end + 8, head_end - own_style_end - 8);
  if (styles.starts_with("<style>")) {
    const std::string_view inside = styles.substr(7, styles.size() - 7 - 8);
    if (inside.find_first_of("<\\") != std::string_view::npos) std::abort();
    if (!remote && guichet::lower_ascii(std::string(inside)).find("url('http") != std::string::npos)
      std::abort();
  }
  // The mail's part: the head is Guichet's own (its charset, its style).
  const std::size_t body = safe.html.find("</head><body>");
  if (body == std::string::npos) std::abort();
  const std::string lowered = guichet::lower_ascii(safe.html.substr(body + 7));
  for (std::size_t at = lowered.find('<'); at != std::string::npos; at = lowered.find('<', at))
    check_tag(lowered, at);
  return 0;
}
