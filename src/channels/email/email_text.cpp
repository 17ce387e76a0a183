// The email channel's values (detail/email_channel_impl.h): a mailbox
// document read, what is kept of a thread and of a mail to send, and the
// text helpers. Pure.
#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

#include "channels/email/detail/email_channel_impl.h"
#include "core/json_body.h"
#include "core/text.h"

namespace guichet::email::detail {

namespace json = boost::json;

namespace {}  // namespace

std::string message_key(const std::string& prefix, const std::string& message_id) {
  return prefix + (message_id.size() <= 250 ? message_id : "#" + fnv1a(message_id));
}

bool plausible_address(const std::string& address) {
  const auto at = address.find('@');
  return at != std::string::npos && at > 0 && at + 3 < address.size() &&
         address.find('@', at + 1) == std::string::npos &&
         address.find('.', at) != std::string::npos &&
         address.find_first_of(" \t\r\n<>\",;()[]\\") == std::string::npos && address.size() <= 254;
}

namespace {

std::string string_at(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

bool bool_at(const json::object& o, const char* key, bool otherwise) {
  const json::value* v = o.if_contains(key);
  return v && v->is_bool() ? v->as_bool() : otherwise;
}

std::uint64_t id_at(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  if (v && v->is_int64() && v->as_int64() > 0) return static_cast<std::uint64_t>(v->as_int64());
  if (v && v->is_uint64()) return v->as_uint64();
  return 0;
}

}  // namespace

bool MailboxConfig::operator==(const MailboxConfig& o) const {
  auto same = [](const ServerAccount& a, const ServerAccount& b) {
    return a.url == b.url && a.user == b.user && a.password == b.password &&
           a.ca_file == b.ca_file && a.timeout == b.timeout;
  };
  return id == o.id && name == o.name && address == o.address && display_name == o.display_name &&
         queue_id == o.queue_id && same(imap, o.imap) && same(smtp, o.smtp) &&
         signature == o.signature && acknowledge == o.acknowledge &&
         import_existing == o.import_existing && enabled == o.enabled;
}

Result<MailboxConfig> read_mailbox(const std::string& body_json, std::uint64_t id,
                                   const std::string& name) {
  boost::system::error_code ec;
  json::value parsed = json::parse(body_json, ec);
  if (ec || !parsed.is_object()) return invalid_argument("a JSON object", "body");
  const json::object& o = parsed.as_object();
  // Each field of its type; none other (a typo is said, not ignored).
  static constexpr std::pair<const char*, json::kind> kFields[] = {
      {"name", json::kind::string},           {"address", json::kind::string},
      {"display_name", json::kind::string},   {"queue_id", json::kind::int64},
      {"imap_url", json::kind::string},       {"imap_user", json::kind::string},
      {"smtp_url", json::kind::string},       {"smtp_user", json::kind::string},
      {"signature", json::kind::string},      {"acknowledge", json::kind::bool_},
      {"import_existing", json::kind::bool_}, {"enabled", json::kind::bool_},
      {"version", json::kind::int64}};
  for (const auto& [key, value] : o) {
    const auto known = std::find_if(std::begin(kFields), std::end(kFields),
                                    [&](const auto& f) { return key == f.first; });
    if (known == std::end(kFields))
      return invalid_argument("not a mailbox's field", std::string(key));
    const bool fits =
        value.kind() == known->second || (known->second == json::kind::int64 && value.is_uint64());
    if (!fits) {
      return invalid_argument(known->second == json::kind::string  ? "a string"
                              : known->second == json::kind::bool_ ? "true or false"
                                                                   : "a whole number",
                              std::string(key));
    }
  }
  for (const char* key : {"display_name", "imap_user", "smtp_user"}) {
    if (string_at(o, key).size() > 200) return invalid_argument("at most 200 characters", key);
  }
  if (string_at(o, "signature").size() > 2000)
    return invalid_argument("at most 2000 characters", "signature");
  MailboxConfig c;
  c.id = id;
  c.name = name;
  c.address = lower_ascii(string_at(o, "address"));
  if (!plausible_address(c.address)) return invalid_argument("an email address", "address");
  c.display_name = string_at(o, "display_name");
  c.queue_id = id_at(o, "queue_id");
  if (c.queue_id == 0) return invalid_argument("the queue its mail goes to", "queue_id");
  c.imap.url = string_at(o, "imap_url");
  c.imap.user = string_at(o, "imap_user");
  c.smtp.url = string_at(o, "smtp_url");
  c.smtp.user = string_at(o, "smtp_user");
  if (!c.imap.url.starts_with("imaps://") && !c.imap.url.starts_with("imap://"))
    return invalid_argument("an imaps:// or imap:// address", "imap_url");
  if (!c.smtp.url.starts_with("smtps://") && !c.smtp.url.starts_with("smtp://"))
    return invalid_argument("an smtps:// or smtp:// address", "smtp_url");
  c.signature = string_at(o, "signature");
  c.acknowledge = bool_at(o, "acknowledge", true);
  c.import_existing = bool_at(o, "import_existing", false);
  c.enabled = bool_at(o, "enabled", true);
  return c;
}

std::string Thread::json() const {
  json::array refs;
  for (const std::string& r : references)
    refs.emplace_back(r);
  return json::serialize(json::object{{"mailbox", mailbox},
                                      {"address", address},
                                      {"name", name},
                                      {"subject", subject},
                                      {"references", std::move(refs)},
                                      {"last_id", last_id},
                                      {"last_text", last_text},
                                      {"last_date", last_date},
                                      {"claims", claims},
                                      {"joined_to", joined_to},
                                      {"joined", json::value_from(joined)}});
}

bool Thread::from(const std::string& sender) const {
  return sender == address || std::find(joined.begin(), joined.end(), sender) != joined.end();
}

std::optional<Thread> Thread::parse(std::string_view text) {
  boost::system::error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  const json::object& o = parsed.as_object();
  Thread t;
  t.mailbox = id_at(o, "mailbox");
  t.address = string_at(o, "address");
  t.name = string_at(o, "name");
  t.subject = string_at(o, "subject");
  if (const json::value* refs = o.if_contains("references"); refs && refs->is_array()) {
    for (const json::value& r : refs->as_array())
      if (r.is_string()) t.references.emplace_back(r.as_string());
  }
  t.last_id = string_at(o, "last_id");
  t.last_text = string_at(o, "last_text");
  t.last_date = string_at(o, "last_date");
  t.claims = id_at(o, "claims");
  t.joined_to = id_at(o, "joined_to");
  if (const json::value* joined = o.if_contains("joined"); joined && joined->is_array()) {
    for (const json::value& a : joined->as_array())
      if (a.is_string()) t.joined.emplace_back(a.as_string());
  }
  return t;
}

std::string Outgoing::json() const {
  return json::serialize(json::object{{"mailbox", mailbox},
                                      {"interaction", interaction},
                                      {"agent", agent},
                                      {"to", to},
                                      {"message_id", message_id},
                                      {"raw", raw}});
}

std::optional<Outgoing> Outgoing::parse(std::string key, std::string_view text) {
  boost::system::error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  const json::object& o = parsed.as_object();
  Outgoing out;
  out.key = std::move(key);
  out.mailbox = id_at(o, "mailbox");
  out.interaction = id_at(o, "interaction");
  out.agent = id_at(o, "agent");
  out.to = string_at(o, "to");
  out.message_id = string_at(o, "message_id");
  out.raw = string_at(o, "raw");
  if (out.mailbox == 0 || out.to.empty() || out.raw.empty()) return std::nullopt;
  return out;
}

FreshText fresh_text(std::string_view text) {
  FreshText out;
  std::size_t at = 0;
  std::vector<std::string_view> lines;
  while (at <= text.size()) {
    const std::size_t end = text.find('\n', at);
    std::string_view line = text.substr(at, end == std::string_view::npos ? text.npos : end - at);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  std::size_t keep = lines.size();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view l = lines[i];
    const bool quote = l.starts_with(">");
    // "Le lun. 7 déc. 2026 à 10:02, Lucie <…> a écrit :" (may wrap once);
    // "On Mon, … wrote:"; Outlook's separator.
    const std::string joined =
        std::string(l) + (i + 1 < lines.size() ? " " + std::string(lines[i + 1]) : "");
    const bool header_fr =
        l.starts_with("Le ") && (l.find("a écrit") != std::string_view::npos ||
                                 (joined.find("a écrit") != std::string::npos &&
                                  i + 2 < lines.size() && lines[i + 2].starts_with(">")));
    const bool header_en = l.starts_with("On ") && l.find("wrote:") != std::string_view::npos;
    const bool outlook = l.find("-----Original Message-----") != std::string_view::npos ||
                         l.find("-----Message d'origine-----") != std::string_view::npos ||
                         (l.starts_with("De :") && i + 1 < lines.size() &&
                          (lines[i + 1].starts_with("Envoy") || lines[i + 1].starts_with("Date")));
    if (quote || header_fr || header_en || outlook) {
      keep = i;
      break;
    }
  }
  out.quoted = keep < lines.size();
  for (std::size_t i = 0; i < keep; ++i) {
    out.text += lines[i];
    if (i + 1 < keep) out.text += '\n';
  }
  while (!out.text.empty() && (out.text.back() == '\n' || out.text.back() == ' '))
    out.text.pop_back();
  if (out.text.empty()) {  // only a quote (a forward without a word): all of it
    out.text = std::string(text);
    out.quoted = false;
  }
  return out;
}

std::string text_of_html(std::string_view html) {
  std::string out;
  std::size_t i = 0;
  auto block_tag = [](std::string_view tag) {
    static constexpr std::string_view kBlocks[] = {
        "br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "blockquote", "table", "ul", "ol"};
    return std::find(std::begin(kBlocks), std::end(kBlocks), tag) != std::end(kBlocks);
  };
  while (i < html.size()) {
    const char c = html[i];
    if (c == '<') {
      const std::size_t end = html.find('>', i);
      if (end == std::string_view::npos) break;
      std::string_view tag = html.substr(i + 1, end - i - 1);
      const bool closing = tag.starts_with("/");
      if (closing) tag.remove_prefix(1);
      std::string name;
      for (char t : tag) {
        if (!std::isalnum(static_cast<unsigned char>(t))) break;
        name += static_cast<char>(std::tolower(static_cast<unsigned char>(t)));
      }
      // Scripts and styles say nothing to a reader.
      if (!closing && (name == "script" || name == "style" || name == "head")) {
        const std::string close = "</" + name;
        std::size_t after = i;
        for (;;) {
          after = html.find('<', after + 1);
          if (after == std::string_view::npos) break;
          std::string lowered;
          for (std::size_t k = after; k < std::min(html.size(), after + close.size()); ++k)
            lowered += static_cast<char>(std::tolower(static_cast<unsigned char>(html[k])));
          if (lowered == close) break;
        }
        i = after == std::string_view::npos ? html.size() : html.find('>', after);
        i = i == std::string_view::npos ? html.size() : i + 1;
        continue;
      }
      if (block_tag(name) && !out.empty() && out.back() != '\n') out += '\n';
      i = end + 1;
      continue;
    }
    if (c == '&') {
      static constexpr std::pair<std::string_view, std::string_view> kEntities[] = {
          {"&amp;", "&"},    {"&lt;", "<"},     {"&gt;", ">"},     {"&quot;", "\""},
          {"&#39;", "'"},    {"&apos;", "'"},   {"&nbsp;", " "},   {"&eacute;", "é"},
          {"&egrave;", "è"}, {"&agrave;", "à"}, {"&ccedil;", "ç"}, {"&ecirc;", "ê"}};
      bool replaced = false;
      for (const auto& [entity, value] : kEntities) {
        if (html.substr(i).starts_with(entity)) {
          out += value;
          i += entity.size();
          replaced = true;
          break;
        }
      }
      if (replaced) continue;
    }
    if (c == '\r' || c == '\n' || c == '\t') {
      if (!out.empty() && out.back() != ' ' && out.back() != '\n') out += ' ';
      ++i;
      continue;
    }
    out += c;
    ++i;
  }
  // No run of blank lines, no spaces at a line's ends.
  std::string tidy;
  std::size_t blank = 0;
  std::size_t at = 0;
  while (at <= out.size()) {
    std::size_t end = out.find('\n', at);
    if (end == std::string::npos) end = out.size();
    std::string line = out.substr(at, end - at);
    while (!line.empty() && line.front() == ' ')
      line.erase(line.begin());
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    if (line.empty()) {
      if (++blank == 1 && !tidy.empty()) tidy += '\n';
    } else {
      blank = 0;
      tidy += line + '\n';
    }
    at = end + 1;
  }
  while (!tidy.empty() && tidy.back() == '\n')
    tidy.pop_back();
  return tidy;
}

std::string quoted_lines(std::string_view text) {
  std::string out = "> ";
  for (char c : text) {
    if (c == '\r') continue;
    out += c;
    if (c == '\n') out += "> ";
  }
  return out;
}

std::string first_characters(std::string_view text, std::size_t characters) {
  std::size_t at = 0;
  for (std::size_t n = 0; at < text.size() && n < characters; ++n) {
    const unsigned char c = static_cast<unsigned char>(text[at]);
    const std::size_t width = c < 0x80         ? 1
                              : (c >> 5) == 6  ? 2
                              : (c >> 4) == 14 ? 3
                              : (c >> 3) == 30 ? 4
                                               : 1;
    at = std::min(text.size(), at + width);
  }
  return std::string(text.substr(0, at));
}

}  // namespace guichet::email::detail
