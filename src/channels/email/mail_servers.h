// The service's mail servers, over libcurl: a mailbox read over IMAP (its
// state, its messages, new mail noticed with IDLE) and mail sent over SMTP.
//
// TLS is required whenever a password is sent: imaps:// and smtps:// from
// the first byte, imap:// and smtp:// with STARTTLS (a server without it is
// refused, never spoken to in clear). Errors are values, each naming what
// failed so the administration can say it in French:
//   field "server"    kIo: unreachable, timed out, cut (temporary);
//   field "tls"       kFailedPrecondition: no TLS, or a certificate not trusted;
//   field "password"  kFailedPrecondition: the user or password was refused;
//   field "mailbox"   kNotFound: no such folder on the server;
//   field "recipient" kInvalidArgument: the server refused the address (for good);
//   field "message"   kInvalidArgument: the server refused the mail (for good);
//   field "sender"    kFailedPrecondition: the server refused to send from this
//                     address (the mailbox's settings: retried until mended).
//
// Not thread-safe: an ImapClient belongs to one thread (its mailbox's).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace guichet::email {

// Where a server is and how to sign in.
struct ServerAccount {
  // "imaps://imap.exemple.fr/INBOX" (the folder read; INBOX when none),
  // "smtps://smtp.exemple.fr" or "smtp://smtp.exemple.fr:587".
  std::string url;
  std::string user;
  std::string password;  // or an application password
  std::string ca_file;   // a certificate authority trusted besides the system's
  std::chrono::seconds timeout{30};
};

// A mailbox's state: UIDVALIDITY changes when the folder is made anew (its
// UIDs then name other messages); UIDNEXT is the UID the next mail will get.
struct MailboxState {
  std::uint32_t uidvalidity = 0;
  std::uint32_t uidnext = 0;
  std::uint32_t messages = 0;
};

struct MessageInfo {
  std::uint32_t uid = 0;
  std::size_t size = 0;
  bool seen = false;
};

class ImapClient {
 public:
  explicit ImapClient(ServerAccount account);
  ~ImapClient();
  ImapClient(const ImapClient&) = delete;
  ImapClient& operator=(const ImapClient&) = delete;

  // Signs in (again) and reads the folder's state.
  Result<MailboxState> state();
  // The messages of `folder` whose UID is from `first` through `last`, by
  // UID, with their size and whether they were read: asked in slices (a
  // folder of 100,000 mails is listed in small answers), by UID or, where
  // UIDs are sparse (Gmail's), by position; stopped when `stop` is set.
  Result<std::vector<MessageInfo>> messages(std::uint32_t first, std::uint32_t last,
                                            const MailboxState& folder,
                                            const std::atomic<bool>& stop);
  // The whole message (it is then marked read on the server); larger than
  // `limit`: kInvalidArgument, field "message".
  Result<std::string> fetch(std::uint32_t uid, std::size_t limit);
  // Waits on a connection of its own (IMAP IDLE) until the folder changes,
  // `wait` passes or `stop` is set (looked at every 200 ms). True: it
  // changed. kFailedPrecondition, field "idle": the server cannot (poll).
  Result<bool> wait_for_mail(std::chrono::milliseconds wait, const std::atomic<bool>& stop);
  // Closes both connections (the next call opens them again).
  void disconnect();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Sends mail over SMTP, keeping its connection between mails (one sign-in
// for many: 10 times the mails a second). Belongs to one thread.
class SmtpClient {
 public:
  explicit SmtpClient(ServerAccount account);
  ~SmtpClient();
  SmtpClient(const SmtpClient&) = delete;
  SmtpClient& operator=(const SmtpClient&) = delete;

  // Sends `message` (RFC 5322, CRLF) from `from` to `recipients` (the
  // envelope's addresses). Returns once the server took it.
  Status send(const std::string& from, const std::vector<std::string>& recipients,
              std::string_view message);
  const ServerAccount& account() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// What a server answers a sign-in, for the administration's connection
// test: ok, or the error as above.
Status try_imap(const ServerAccount& account);
// A folder's name as IMAP writes it (RFC 3501's modified UTF-7:
// "Réclamations" → "R&AOk-clamations"); none when `utf8` is not UTF-8.
std::optional<std::string> imap_folder_name(std::string_view utf8);
Status try_smtp(const ServerAccount& account);

}  // namespace guichet::email
