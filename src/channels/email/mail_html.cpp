#include "channels/email/mail_html.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <array>
#include <memory>
#include <mutex>

#include "core/text.h"

namespace guichet::email {

namespace {

// Kept as they are (their attributes filtered).
constexpr std::array<std::string_view, 52> kAllowed = {
    "a",    "abbr",  "address", "b",        "big",    "blockquote", "br",  "caption", "center",
    "cite", "code",  "col",     "colgroup", "dd",     "del",        "div", "dl",      "dt",
    "em",   "font",  "h1",      "h2",       "h3",     "h4",         "h5",  "h6",      "hr",
    "i",    "img",   "ins",     "kbd",      "li",     "ol",         "p",   "pre",     "q",
    "s",    "small", "span",    "strike",   "strong", "sub",        "sup", "table",   "tbody",
    "td",   "tfoot", "th",      "thead",    "tr",     "u",          "ul"};
// Left out with all they hold.
constexpr std::array<std::string_view, 26> kDropped = {
    "script", "noscript", "template", "iframe", "frame", "frameset", "object", "embed",    "applet",
    "svg",    "math",     "title",    "form",   "input", "button",   "select", "textarea", "option",
    "link",   "meta",     "base",     "audio",  "video", "source",   "canvas", "xml"};
constexpr std::array<std::string_view, 4> kVoid = {"br", "hr", "img", "col"};
// Attributes any kept element may have (presentation only: no id, no event).
constexpr std::array<std::string_view, 18> kAttributes = {
    "align", "alt",     "bgcolor", "border", "cellpadding", "cellspacing",
    "class", "color",   "colspan", "dir",    "face",        "height",
    "lang",  "rowspan", "size",    "title",  "valign",      "width"};

template <std::size_t N>
bool among(const std::array<std::string_view, N>& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

std::string escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string name_of(const xmlNode* node) {
  return lower_ascii(reinterpret_cast<const char*>(node->name));
}

std::string value_of(xmlDoc* doc, const xmlAttr* attribute) {
  xmlChar* value = xmlNodeListGetString(doc, attribute->children, 1);
  if (!value) return {};
  std::string out(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return out;
}

// The scheme of a URL as a browser reads it: spaces and control
// characters inside it ignored ("java\tscript:").
std::string scheme_of(std::string_view url) {
  std::string compact;
  for (char c : url) {
    if (c == ':') return lower_ascii(compact);
    if (static_cast<unsigned char>(c) > ' ') compact += c;
    if (compact.size() > 16) break;
  }
  return {};
}

class Writer {
 public:
  Writer(xmlDoc* doc, const HtmlOptions& options) : doc_(doc), options_(options) {}

  void children(const xmlNode* node) {
    for (const xmlNode* child = node->children; child; child = child->next)
      this->node(child);
  }

  std::string body;
  std::string styles;
  std::size_t remote = 0;

 private:
  void node(const xmlNode* n) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      if (n->content) body += escaped(reinterpret_cast<const char*>(n->content));
      return;
    }
    if (n->type != XML_ELEMENT_NODE) return;  // comments, instructions
    const std::string name = name_of(n);
    if (among(kDropped, name)) return;
    if (name == "style") {
      if (n->children && n->children->content)
        styles += safe_css(reinterpret_cast<const char*>(n->children->content)) + "\n";
      return;
    }
    if (!among(kAllowed, name)) {  // html, head, body, an unknown tag: what it holds
      children(n);
      return;
    }
    body += "<" + name;
    attributes(n, name);
    body += ">";
    if (among(kVoid, name)) return;
    children(n);
    body += "</" + name + ">";
  }

  void attributes(const xmlNode* n, const std::string& element) {
    for (const xmlAttr* a = n->properties; a; a = a->next) {
      const std::string name = lower_ascii(reinterpret_cast<const char*>(a->name));
      const std::string value = value_of(doc_, a);
      if (name == "href" && element == "a") {
        const std::string scheme = scheme_of(value);
        if (scheme == "http" || scheme == "https" || scheme == "mailto" || scheme == "tel")
          body += " href=\"" + escaped(value) + "\" target=\"_blank\" rel=\"noopener noreferrer\"";
      } else if (name == "src" && element == "img") {
        const std::string src = image(value);
        if (!src.empty()) body += " src=\"" + escaped(src) + "\"";
      } else if (name == "background") {
        const std::string src = image(value);
        if (!src.empty()) body += " background=\"" + escaped(src) + "\"";
      } else if (name == "style") {
        const std::string css = safe_css(value);
        if (!css.empty()) body += " style=\"" + escaped(css) + "\"";
      } else if (among(kAttributes, name)) {
        body += " " + name + "=\"" + escaped(value) + "\"";
      }
    }
  }

  // An image's address as shown, or empty to leave it out.
  std::string image(const std::string& src) {
    const std::string scheme = scheme_of(src);
    if (scheme == "cid") {
      if (!options_.inline_image) return {};
      std::string_view id = std::string_view(src).substr(src.find(':') + 1);
      if (id.size() >= 2 && id.front() == '<' && id.back() == '>') id = id.substr(1, id.size() - 2);
      return options_.inline_image(id);
    }
    if (scheme == "data") {
      const std::string head = lower_ascii(src.substr(0, 24));
      for (const char* type : {"data:image/png;", "data:image/jpeg;", "data:image/gif;"}) {
        if (head.starts_with(type)) return src;
      }
      return {};
    }
    if (scheme == "http" || scheme == "https") {
      ++remote;
      return options_.remote_images ? src : std::string();
    }
    return {};
  }

  // CSS without what could run or fetch: no script-like constructs at all;
  // url(…) only for remote images the agent asked for (and counted).
  std::string safe_css(const std::string& css) {
    const std::string lowered = lower_ascii(css);
    // No '<' at all: a style element ends at the first "</style", and CSS
    // needs none. No '\\' either: CSS escapes would hide "url(" or
    // "@import" from the checks below (the CSP blocks what they fetch,
    // but the remote images would go uncounted).
    if (css.find_first_of("<\\") != std::string::npos) return {};
    for (const char* bad : {"expression", "javascript:", "vbscript:", "behavior", "-moz-binding",
                            "@import", "@charset", "@font-face", "image-set", "image("}) {
      if (lowered.find(bad) != std::string::npos) return {};
    }
    std::string out;
    std::size_t at = 0;
    while (true) {
      const std::size_t url = lowered.find("url(", at);
      if (url == std::string::npos) break;
      const std::size_t end = lowered.find(')', url);
      if (end == std::string::npos) return {};
      out += css.substr(at, url - at);
      std::string inside = trimmed(css.substr(url + 4, end - url - 4));
      if (inside.size() >= 2 && (inside.front() == '"' || inside.front() == '\'') &&
          inside.back() == inside.front())
        inside = inside.substr(1, inside.size() - 2);
      const std::string shown = image(inside);
      out += shown.empty() || shown.find_first_of("\"'()\\") != std::string::npos
                 ? std::string("none")
                 : "url('" + shown + "')";
      at = end + 1;
    }
    return out + css.substr(at);
  }

  xmlDoc* doc_;
  const HtmlOptions& options_;
};

}  // namespace

SafeHtml safe_html(std::string_view html, const HtmlOptions& options) {
  static std::once_flag initialised;
  std::call_once(initialised, [] { xmlInitParser(); });
  SafeHtml out;
  std::string body;
  std::string styles;
  if (!html.empty() && html.size() < static_cast<std::size_t>(INT32_MAX)) {
    std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc(
        htmlReadMemory(
            html.data(), static_cast<int>(html.size()), nullptr, "UTF-8",
            HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET),
        &xmlFreeDoc);
    if (doc) {
      Writer writer(doc.get(), options);
      writer.children(reinterpret_cast<xmlNode*>(doc.get()));
      body = std::move(writer.body);
      styles = std::move(writer.styles);
      out.remote_images = writer.remote;
    }
  }
  out.html =
      "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
      "<style>body{font-family:system-ui,sans-serif;font-size:15px;line-height:1.5;margin:8px;"
      "overflow-wrap:anywhere}img{max-width:100%;height:auto}</style>";
  if (!styles.empty()) out.html += "<style>" + styles + "</style>";
  out.html += "</head><body>" + body + "</body></html>";
  return out;
}

}  // namespace guichet::email
