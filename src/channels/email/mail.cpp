// Reading a mail with GMime 3 (mail.h). GMime's getters are borrowed, what
// it makes (*_new, construct_message, get_text, get_mime_type) is owned:
// owned objects go in Owned<>, owned strings in Text.
#include "channels/email/mail.h"

#include <gmime/gmime.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>

#include "core/text.h"

namespace guichet::email {

namespace {

template <typename T>
using Owned = std::unique_ptr<T, decltype(&g_object_unref)>;

template <typename T>
Owned<T> own(T* object) {
  return Owned<T>(object, &g_object_unref);
}

// A string GMime made for us.
struct Text {
  char* value = nullptr;
  explicit Text(char* v) : value(v) {}
  ~Text() { g_free(value); }
  Text(const Text&) = delete;
  Text& operator=(const Text&) = delete;
  std::string str() const { return value ? std::string(value) : std::string(); }
};

void initialise_once() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

std::string header(GMimeObject* object, const char* name) {
  const char* value = g_mime_object_get_header(object, name);
  return value ? std::string(value) : std::string();
}

// Outlook labels Windows-1252 text "iso-8859-1": its dashes, quotes and €
// (0x80-0x9F) come out as C1 controls, which no one writes. Read as
// browsers read that label (WHATWG Encoding: windows-1252).
void windows_1252_controls(std::string& text) {
  static const char* const kAs1252[32] = {
      "€", "\xC2\x81", "‚",        "ƒ", "„",        "…",        "†", "‡",        "ˆ", "‰", "Š",
      "‹", "Œ",        "\xC2\x8D", "Ž", "\xC2\x8F", "\xC2\x90", "‘", "’",        "“", "”", "•",
      "–", "—",        "˜",        "™", "š",        "›",        "œ", "\xC2\x9D", "ž", "Ÿ"};
  if (text.find('\xC2') == std::string::npos) return;
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const unsigned char next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    if (c == 0xC2 && next >= 0x80 && next <= 0x9F) {
      out += kAs1252[next - 0x80];
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  text = std::move(out);
}

// The length of the well-formed UTF-8 sequence starting at `i` (no
// overlong form, no surrogate, nothing past U+10FFFF), 0 when it is not one.
std::size_t utf8_sequence(std::string_view text, std::size_t i) {
  const unsigned char c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) return 1;
  const std::size_t width = c >= 0xC2 && c < 0xE0   ? 2
                            : c >= 0xE0 && c < 0xF0 ? 3
                            : c >= 0xF0 && c < 0xF5 ? 4
                                                    : 0;
  if (width == 0 || i + width > text.size()) return 0;
  for (std::size_t k = 1; k < width; ++k)
    if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return 0;
  const unsigned char second = static_cast<unsigned char>(text[i + 1]);
  if ((c == 0xE0 && second < 0xA0) || (c == 0xED && second > 0x9F) ||
      (c == 0xF0 && second < 0x90) || (c == 0xF4 && second > 0x8F))
    return 0;
  return width;
}

bool valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t width = utf8_sequence(text, i);
    if (width == 0) return false;
    i += width;
  }
  return true;
}

// Text GMime could not convert (no charset, or one it does not know), read
// as Windows-1252, what such mail almost always is. Mostly UTF-8 with a
// few stray bytes (a line pasted from elsewhere): its UTF-8 kept, only
// those bytes read so. Mostly stray bytes: all of it read so, since French
// Windows-1252 makes a valid pair now and then ("É" then a no-break
// space). Everything Guichet keeps is UTF-8.
void make_utf8(std::string& text) {
  if (valid_utf8(text)) return;
  std::size_t sequences = 0;
  std::size_t stray = 0;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t width = utf8_sequence(text, i);
    if (width > 1) ++sequences;
    if (width == 0) ++stray;
    i += width ? width : 1;
  }
  const bool keep_utf8 = sequences > stray;
  std::string out;
  out.reserve(text.size() * 2);
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t width = keep_utf8 ? utf8_sequence(text, i) : (text[i] & 0x80 ? 0 : 1);
    if (width) {
      out.append(text, i, width);
      i += width;
      continue;
    }
    const unsigned char c = static_cast<unsigned char>(text[i++]);
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  text = std::move(out);
  windows_1252_controls(text);  // 0x80-0x9F, now C1 controls, as Windows-1252
}

void add_addresses(InternetAddressList* list, std::vector<MailAddress>& out) {
  if (!list) return;
  const int count = internet_address_list_length(list);
  for (int i = 0; i < count; ++i) {
    InternetAddress* address = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_GROUP(address)) {
      add_addresses(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(address)), out);
      continue;
    }
    if (!INTERNET_ADDRESS_IS_MAILBOX(address)) continue;
    const char* addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(address));
    if (!addr || !*addr) continue;
    const char* name = internet_address_get_name(address);
    out.push_back({lower_ascii(addr), name ? std::string(name) : std::string()});
  }
}

std::optional<MailAddress> first_address(InternetAddressList* list) {
  std::vector<MailAddress> all;
  add_addresses(list, all);
  if (all.empty()) return std::nullopt;
  return all.front();
}

std::string message_id_in(const std::string& value) {
  if (value.empty()) return {};
  Text decoded(g_mime_utils_decode_message_id(value.c_str()));
  return decoded.str();
}

// The bytes of a part, decoded (base64, quoted-printable).
std::string content_of(GMimePart* part) {
  GMimeDataWrapper* wrapper = g_mime_part_get_content(part);
  if (!wrapper) return {};
  auto memory = own(g_mime_stream_mem_new());
  if (g_mime_data_wrapper_write_to_stream(wrapper, memory.get()) < 0) return {};
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(memory.get()));
  return bytes ? std::string(reinterpret_cast<const char*>(bytes->data), bytes->len)
               : std::string();
}

struct Walk {
  Mail* mail;
};

void visit(GMimeObject* /*parent*/, GMimeObject* object, gpointer data) {
  Mail& mail = *static_cast<Walk*>(data)->mail;
  // A mail forwarded as an attachment (or the original in a bounce): kept
  // whole, as a file.
  if (GMIME_IS_MESSAGE_PART(object)) {
    GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
    if (!inner) return;
    auto memory = own(g_mime_stream_mem_new());
    if (g_mime_object_write_to_stream(GMIME_OBJECT(inner), nullptr, memory.get()) < 0) return;
    GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(memory.get()));
    MailFile file;
    const char* subject = g_mime_message_get_subject(inner);
    file.name = std::string(subject && *subject ? subject : "message") + ".eml";
    file.type = "message/rfc822";
    if (bytes) file.content.assign(reinterpret_cast<const char*>(bytes->data), bytes->len);
    mail.files.push_back(std::move(file));
    return;
  }
  if (!GMIME_IS_PART(object)) return;  // containers: their parts come one by one
  GMimePart* part = GMIME_PART(object);
  GMimeContentType* type = g_mime_object_get_content_type(object);
  Text mime(type ? g_mime_content_type_get_mime_type(type) : nullptr);
  const std::string mime_type = lower_ascii(mime.str());
  const char* disposition = g_mime_object_get_disposition(object);
  const bool attached = disposition && lower_ascii(disposition) == "attachment";
  const char* filename = g_mime_part_get_filename(part);
  // The text the sender wrote: the first plain and the first HTML part
  // that are not files (GMime converts their charset to UTF-8).
  if (GMIME_IS_TEXT_PART(object) && !attached && !filename) {
    if (mime_type == "text/plain" && mail.text.empty()) {
      Text text(g_mime_text_part_get_text(GMIME_TEXT_PART(object)));
      mail.text = text.str();
      return;
    }
    if (mime_type == "text/html" && mail.html.empty()) {
      Text text(g_mime_text_part_get_text(GMIME_TEXT_PART(object)));
      mail.html = text.str();
      return;
    }
  }
  MailFile file;
  file.name = filename ? std::string(filename) : std::string();
  file.type = mime_type.empty() ? "application/octet-stream" : mime_type;
  const char* content_id = g_mime_object_get_content_id(object);
  file.inline_part = !attached && content_id != nullptr;
  if (content_id) file.content_id = content_id;
  file.content = content_of(part);
  mail.files.push_back(std::move(file));
}

Automatic automatic_of(GMimeMessage* message, const Mail& mail) {
  GMimeObject* object = GMIME_OBJECT(message);
  const std::string auto_submitted = lower_ascii(trimmed(header(object, "Auto-Submitted")));
  const std::string precedence = lower_ascii(trimmed(header(object, "Precedence")));
  const std::string return_path = trimmed(header(object, "Return-Path"));
  const std::string from = mail.from ? mail.from->address : std::string();
  const std::string local = from.substr(0, from.find('@'));
  GMimeObject* body = g_mime_message_get_mime_part(message);
  GMimeContentType* type = body ? g_mime_object_get_content_type(body) : nullptr;
  // A delivery status notification (RFC 3464); a read receipt is a report
  // too, of another type (disposition-notification): an auto-reply.
  const char* report_type = type && g_mime_content_type_is_type(type, "multipart", "report")
                                ? g_mime_content_type_get_parameter(type, "report-type")
                                : nullptr;
  if ((report_type && lower_ascii(report_type) == "delivery-status") || local == "mailer-daemon" ||
      local == "postmaster") {
    return Automatic::kBounce;
  }
  // Auto-Submitted's first word ("no; comment" is a person's mail).
  const std::string submitted = auto_submitted.substr(0, auto_submitted.find_first_of("; \t("));
  if ((!submitted.empty() && submitted != "no") || report_type || precedence == "auto_reply" ||
      !header(object, "X-Autoreply").empty() || !header(object, "X-Autorespond").empty() ||
      !header(object, "X-Auto-Response-Suppress").empty()) {
    return Automatic::kAutoReply;  // out-of-office replies are sent from <> too (RFC 3834)
  }
  if (return_path == "<>") return Automatic::kBounce;
  if (precedence == "bulk" || precedence == "list" || precedence == "junk" ||
      !header(object, "List-Id").empty() || !header(object, "List-Unsubscribe").empty()) {
    return Automatic::kList;
  }
  return Automatic::kNone;
}

}  // namespace

Result<Mail> parse_mail(std::string_view raw) {
  initialise_once();
  if (raw.empty()) return invalid_argument("an empty mail", "mail");
  // GMime reads from a stream of its own: a copy of the bytes.
  auto stream = own(g_mime_stream_mem_new_with_buffer(raw.data(), static_cast<gsize>(raw.size())));
  auto parser = own(g_mime_parser_new_with_stream(stream.get()));
  GMimeMessage* parsed = g_mime_parser_construct_message(parser.get(), nullptr);
  if (!parsed) return invalid_argument("not a mail (RFC 5322)", "mail");
  auto message = own(parsed);
  GMimeObject* object = GMIME_OBJECT(message.get());

  Mail mail;
  if (const char* id = g_mime_message_get_message_id(message.get())) mail.message_id = id;
  mail.in_reply_to = message_id_in(header(object, "In-Reply-To"));
  if (const std::string references = header(object, "References"); !references.empty()) {
    GMimeReferences* list = g_mime_references_parse(nullptr, references.c_str());
    if (list) {
      const int count = g_mime_references_length(list);
      for (int i = 0; i < count; ++i) {
        if (const char* id = g_mime_references_get_message_id(list, i))
          mail.references.emplace_back(id);
      }
      g_mime_references_free(list);
    }
  }
  mail.from = first_address(g_mime_message_get_from(message.get()));
  add_addresses(g_mime_message_get_to(message.get()), mail.to);
  add_addresses(g_mime_message_get_cc(message.get()), mail.cc);
  mail.reply_to = first_address(g_mime_message_get_reply_to(message.get()));
  if (const char* subject = g_mime_message_get_subject(message.get())) mail.subject = subject;
  mail.date = trimmed(header(object, "Date"));
  // Nothing a mail has: not a mail (a text file, noise).
  if (!mail.from && mail.message_id.empty() && mail.date.empty() && mail.subject.empty())
    return invalid_argument("not a mail: no From, Message-ID, Date or Subject", "mail");

  Walk walk{&mail};
  g_mime_message_foreach(message.get(), &visit, &walk);
  // Lines end as they do everywhere else in Guichet (a mail's are CRLF).
  std::erase(mail.text, '\r');
  std::erase(mail.html, '\r');
  for (std::string* text : {&mail.subject, &mail.text, &mail.html}) {
    make_utf8(*text);
    windows_1252_controls(*text);
  }
  for (auto* list : {&mail.to, &mail.cc})
    for (MailAddress& a : *list) {
      make_utf8(a.name);
      make_utf8(a.address);
    }
  for (auto* one : {&mail.from, &mail.reply_to})
    if (*one) {
      make_utf8((*one)->name);
      make_utf8((*one)->address);
      windows_1252_controls((*one)->name);
    }
  for (MailFile& f : mail.files)
    make_utf8(f.name);
  mail.automatic = automatic_of(message.get(), mail);
  return mail;
}

std::optional<std::uint64_t> reference_in(std::string_view subject) {
  for (std::size_t at = subject.find("[GU-"); at != std::string_view::npos;
       at = subject.find("[GU-", at + 1)) {
    std::size_t end = at + 4;
    std::uint64_t id = 0;
    while (end < subject.size() && std::isdigit(static_cast<unsigned char>(subject[end])) &&
           end - at - 4 < 18) {
      id = id * 10 + static_cast<std::uint64_t>(subject[end] - '0');
      ++end;
    }
    if (end > at + 4 && end < subject.size() && subject[end] == ']' && id > 0) return id;
  }
  return std::nullopt;
}

namespace {

std::string bracketed(const std::string& id) {
  return "<" + id + ">";
}

// "application/pdf" → a part of that type (octet-stream when unreadable).
GMimePart* file_part(const MailFile& file) {
  const auto slash = file.type.find('/');
  const bool typed = slash != std::string::npos && slash > 0 && slash + 1 < file.type.size();
  GMimePart* part =
      g_mime_part_new_with_type(typed ? file.type.substr(0, slash).c_str() : "application",
                                typed ? file.type.substr(slash + 1).c_str() : "octet-stream");
  if (!file.name.empty()) g_mime_part_set_filename(part, file.name.c_str());
  auto stream = own(g_mime_stream_mem_new_with_buffer(file.content.data(),
                                                      static_cast<gsize>(file.content.size())));
  auto content =
      own(g_mime_data_wrapper_new_with_stream(stream.get(), GMIME_CONTENT_ENCODING_DEFAULT));
  g_mime_part_set_content(part, content.get());
  g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_BASE64);
  return part;
}

}  // namespace

std::string compose_mail(const OutgoingMail& mail) {
  initialise_once();
  auto message = own(g_mime_message_new(TRUE));
  GMimeObject* object = GMIME_OBJECT(message.get());
  g_mime_message_add_mailbox(message.get(), GMIME_ADDRESS_TYPE_FROM, mail.from.name.c_str(),
                             mail.from.address.c_str());
  g_mime_message_add_mailbox(message.get(), GMIME_ADDRESS_TYPE_TO, mail.to.name.c_str(),
                             mail.to.address.c_str());
  g_mime_message_set_subject(message.get(), mail.subject.c_str(), "utf-8");
  if (!mail.date.empty()) g_mime_object_set_header(object, "Date", mail.date.c_str(), nullptr);
  if (!mail.message_id.empty())
    g_mime_message_set_message_id(message.get(), mail.message_id.c_str());
  if (!mail.in_reply_to.empty())
    g_mime_object_set_header(object, "In-Reply-To", bracketed(mail.in_reply_to).c_str(), nullptr);
  if (!mail.references.empty()) {
    std::string references;
    for (const std::string& id : mail.references)
      references += (references.empty() ? "" : " ") + bracketed(id);
    g_mime_object_set_header(object, "References", references.c_str(), nullptr);
  }
  if (mail.automatic) g_mime_object_set_header(object, "Auto-Submitted", "auto-replied", nullptr);

  auto text = own(g_mime_text_part_new_with_subtype("plain"));
  g_mime_text_part_set_text(text.get(), mail.text.c_str());
  if (mail.files.empty()) {
    g_mime_message_set_mime_part(message.get(), GMIME_OBJECT(text.get()));
  } else {
    auto mixed = own(g_mime_multipart_new_with_subtype("mixed"));
    g_mime_multipart_add(mixed.get(), GMIME_OBJECT(text.get()));
    for (const MailFile& file : mail.files) {
      auto part = own(file_part(file));
      g_mime_multipart_add(mixed.get(), GMIME_OBJECT(part.get()));
    }
    g_mime_message_set_mime_part(message.get(), GMIME_OBJECT(mixed.get()));
  }
  // 7-bit all through: any relay takes it as it is.
  g_mime_object_encode(object, GMIME_ENCODING_CONSTRAINT_7BIT);
  GMimeFormatOptions* options = g_mime_format_options_clone(nullptr);
  g_mime_format_options_set_newline_format(options, GMIME_NEWLINE_FORMAT_DOS);
  Text written(g_mime_object_to_string(object, options));
  g_mime_format_options_free(options);
  return written.str();
}

std::string mail_date(std::int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char out[64];
  std::snprintf(out, sizeof out, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[utc.tm_wday % 7],
                utc.tm_mday, kMonths[utc.tm_mon % 12], utc.tm_year + 1900, utc.tm_hour, utc.tm_min,
                utc.tm_sec);
  return out;
}

std::vector<std::string> guichet_ids_in(std::string_view raw) {
  // The returned mail's own Message-ID header (whole, or as headers only):
  // never its References, which name earlier mails that did arrive.
  // "gu." then the interaction's digits, a dot, letters and digits, "@",
  // then a domain: as message_id_for() in the channel writes them.
  std::vector<std::string> out;
  std::string lowered(raw.size(), '\0');
  std::transform(raw.begin(), raw.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (std::size_t at = lowered.find("message-id:"); at != std::string::npos;
       at = lowered.find("message-id:", at + 1)) {
    if (at > 0 && raw[at - 1] != '\n') continue;  // a header starts a line
    std::size_t open = at + 11;
    while (open < raw.size() &&
           (raw[open] == ' ' || raw[open] == '\t' || raw[open] == '\r' || raw[open] == '\n'))
      ++open;
    if (raw.substr(open, 4) != "<gu.") continue;
    const std::size_t end = raw.find('>', open);
    if (end == std::string_view::npos || end - open > 200) continue;
    const std::string_view id = raw.substr(open + 1, end - open - 1);
    const bool plain = std::all_of(id.begin(), id.end(), [](unsigned char c) {
      return std::isalnum(c) || c == '.' || c == '@' || c == '-' || c == '_';
    });
    if (!plain || id.find('@') == std::string_view::npos) continue;
    if (std::find(out.begin(), out.end(), id) == out.end()) out.emplace_back(id);
  }
  return out;
}

}  // namespace guichet::email
