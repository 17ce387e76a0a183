// A mail as the email channel reads it (issue 14's first piece): parsed
// with GMime from the bytes an IMAP server gives, into what the channel
// needs — who wrote, what thread it belongs to, its text, its files, and
// whether a machine sent it (an auto-reply, a bounce, a list: never
// acknowledged or answered automatically).
//
// Pure and thread-safe: no I/O, no clock. Bad input (not a mail, charsets
// that lie, truncated MIME) gives what could be read, or kInvalidArgument;
// never a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace guichet::email {

struct MailAddress {
  std::string address;  // lower case, as sent ("lucie.martin@exemple.fr")
  std::string name;     // decoded (RFC 2047), may be empty
};

struct MailFile {
  std::string name;  // decoded (RFC 2231 / 2047), as the sender named it
  std::string type;  // "application/pdf", as the sender declared it
  std::string content;
  bool inline_part = false;  // an image shown in the HTML (Content-ID)
  std::string content_id;    // without angle brackets: what "cid:" names in the HTML
};

// Why a machine, not a person, sent it (empty: a person).
enum class Automatic {
  kNone,
  kAutoReply,  // Auto-Submitted, X-Autoreply, an out-of-office
  kBounce,     // a delivery status notification, MAILER-DAEMON, an empty Return-Path
  kList,       // List-Id, Precedence: list / bulk / junk
};

struct Mail {
  std::string message_id;               // without angle brackets
  std::string in_reply_to;              // idem
  std::vector<std::string> references;  // oldest first, idem
  std::optional<MailAddress> from;
  std::vector<MailAddress> to;
  std::vector<MailAddress> cc;
  std::optional<MailAddress> reply_to;
  std::string subject;  // decoded
  std::string date;     // as sent (RFC 5322), empty when none
  std::string text;     // the text/plain part, UTF-8 (whatever charset it came in), \n line ends
  std::string html;     // the text/html part, UTF-8, not sanitised (the desk does that)
  std::vector<MailFile> files;
  Automatic automatic = Automatic::kNone;
};

// The mail in `raw` (RFC 5322 with MIME, CRLF or LF line ends).
Result<Mail> parse_mail(std::string_view raw);

// A mail Guichet writes: an agent's reply, an acknowledgement.
struct OutgoingMail {
  MailAddress from;
  MailAddress to;
  std::string subject;
  std::string message_id;  // without angle brackets
  std::string in_reply_to;
  std::vector<std::string> references;  // oldest first
  std::string date;                     // RFC 5322 (mail_date)
  std::string text;                     // UTF-8
  std::vector<MailFile> files;
  // Sent by a machine (an acknowledgement): "Auto-Submitted: auto-replied",
  // so that the citizen's own auto-reply does not answer it (RFC 3834).
  bool automatic = false;
};

// The mail as sent (RFC 5322, MIME, CRLF line ends, 7-bit: UTF-8 text
// quoted-printable, files base64, names RFC 2047).
std::string compose_mail(const OutgoingMail& mail);

// "Mon, 07 Dec 2026 06:41:41 +0000": a Date header for `unix_ms`.
std::string mail_date(std::int64_t unix_ms);

// The Message-IDs of Guichet's own mails a bounce returns ("gu.…@…"): which
// of its mails did not reach its citizen. The returned mail's Message-ID
// header, found in the bounce's bytes (the original is quoted whole or as
// headers only); its References (earlier mails, delivered) are not.
std::vector<std::string> guichet_ids_in(std::string_view raw);

// The reference Guichet puts in the subjects of its replies ("[GU-1234]"):
// the interaction's id, when `subject` holds one (a client that drops the
// threading headers keeps the subject).
std::optional<std::uint64_t> reference_in(std::string_view subject);

}  // namespace guichet::email
