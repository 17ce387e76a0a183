// IMAP and SMTP over libcurl (mail_servers.h). libcurl 7.88 has no IDLE:
// wait_for_mail() opens a connection of its own with CURLOPT_CONNECT_ONLY
// (curl does the greeting, TLS and sign-in) and speaks IMAP on it with
// curl_easy_send/recv. A FETCH given as a custom request loses its
// literals, so a message's body is fetched with the URL form (;UID=).
#include "channels/email/mail_servers.h"

#include <curl/curl.h>
#include <poll.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <mutex>
#include <optional>

namespace guichet::email {

namespace {

void initialise_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Handle {
  CURL* curl = nullptr;
  Handle() : curl(curl_easy_init()) {}
  ~Handle() {
    if (curl) curl_easy_cleanup(curl);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
};

// "imaps://host:993/Dossier" → "imaps://host:993/", "Dossier" (INBOX when none).
struct Where {
  std::string server;
  std::string folder;  // the name below, percent-encoded for curl's URL
  std::string name;    // as IMAP names it (modified UTF-7), for our own commands
};

}  // namespace

std::optional<std::string> imap_folder_name(std::string_view utf8) {
  // The code points, as UTF-16 units.
  std::vector<std::uint16_t> units;
  std::string out;
  static constexpr char kBase64[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
  auto flush = [&] {
    if (units.empty()) return;
    out += '&';
    std::uint32_t bits = 0;
    int count = 0;
    for (std::uint16_t u : units) {
      bits = (bits << 16) | u;
      count += 16;
      while (count >= 6) {
        count -= 6;
        out += kBase64[(bits >> count) & 0x3F];
      }
      bits &= (1u << count) - 1;
    }
    if (count > 0) out += kBase64[(bits << (6 - count)) & 0x3F];
    out += '-';
    units.clear();
  };
  for (std::size_t i = 0; i < utf8.size();) {
    const unsigned char c = static_cast<unsigned char>(utf8[i]);
    if (c >= 0x20 && c < 0x7F) {
      flush();
      out += c == '&' ? std::string("&-") : std::string(1, static_cast<char>(c));
      ++i;
      continue;
    }
    const int width = c >= 0xF0 && c < 0xF5   ? 4
                      : c >= 0xE0 && c < 0xF0 ? 3
                      : c >= 0xC2 && c < 0xE0 ? 2
                                              : 0;
    if (width == 0 || i + width > utf8.size()) return std::nullopt;
    std::uint32_t point = c & (0x7F >> width);
    for (int k = 1; k < width; ++k) {
      const unsigned char next = static_cast<unsigned char>(utf8[i + k]);
      if ((next >> 6) != 0x2) return std::nullopt;
      point = (point << 6) | (next & 0x3F);
    }
    if ((width == 3 && point < 0x800) || (width == 4 && (point < 0x10000 || point > 0x10FFFF)) ||
        (point >= 0xD800 && point <= 0xDFFF))
      return std::nullopt;
    if (point >= 0x10000) {
      point -= 0x10000;
      units.push_back(static_cast<std::uint16_t>(0xD800 + (point >> 10)));
      units.push_back(static_cast<std::uint16_t>(0xDC00 + (point & 0x3FF)));
    } else {
      units.push_back(static_cast<std::uint16_t>(point));
    }
    i += width;
  }
  flush();
  return out;
}

namespace {

Result<Where> where(const std::string& url, bool imap) {
  const auto scheme_end = url.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  const bool known =
      imap ? (scheme == "imap" || scheme == "imaps") : (scheme == "smtp" || scheme == "smtps");
  if (!known) {
    return invalid_argument(
        imap ? "an imaps:// or imap:// address" : "an smtps:// or smtp:// address", "url");
  }
  if (url.find_first_of(" \"\\") != std::string::npos ||
      std::any_of(url.begin(), url.end(), [](unsigned char c) { return c < 0x20 || c == 0x7F; }))
    return invalid_argument("no spaces, quotes nor backslashes in an address", "url");
  const auto path = url.find('/', scheme_end + 3);
  Where w;
  w.server = path == std::string::npos ? url + "/" : url.substr(0, path + 1);
  if (w.server.size() <= scheme.size() + 4) return invalid_argument("a server is needed", "url");
  w.folder = path == std::string::npos ? "" : url.substr(path + 1);
  while (!w.folder.empty() && w.folder.back() == '/')
    w.folder.pop_back();
  if (w.folder.empty()) w.folder = "INBOX";
  for (std::size_t i = 0; i < w.folder.size(); ++i) {
    const auto hex = [](char c) {
      return std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
             : std::isxdigit(static_cast<unsigned char>(c))
                 ? (std::tolower(static_cast<unsigned char>(c)) - 'a' + 10)
                 : -1;
    };
    if (w.folder[i] == '%' && i + 2 < w.folder.size() + 0 && hex(w.folder[i + 1]) >= 0 &&
        hex(w.folder[i + 2]) >= 0) {
      w.name += static_cast<char>(hex(w.folder[i + 1]) * 16 + hex(w.folder[i + 2]));
      i += 2;
    } else {
      w.name += w.folder[i];
    }
  }
  if (std::any_of(w.name.begin(), w.name.end(),
                  [](unsigned char c) { return c < 0x20 || c == 0x7F || c == '"' || c == '\\'; }))
    return invalid_argument("no quotes, backslashes nor control characters in a folder", "url");
  // As the server names it ("Réclamations" → "R&AOk-clamations"), and so
  // in the URL curl sends. A name already written so (ASCII, its "&…-"
  // runs well formed) is kept: it worked before.
  const bool encoded_already =
      std::all_of(w.name.begin(), w.name.end(), [](unsigned char c) { return c < 0x80; }) && [&] {
        for (std::size_t at = w.name.find('&'); at != std::string::npos;
             at = w.name.find('&', at + 1)) {
          const std::size_t end = w.name.find('-', at);
          if (end == std::string::npos) return false;
          for (std::size_t k = at + 1; k < end; ++k)
            if (!std::isalnum(static_cast<unsigned char>(w.name[k])) && w.name[k] != '+' &&
                w.name[k] != ',')
              return false;
          at = end;
        }
        return true;
      }();
  auto named = encoded_already ? std::optional<std::string>(w.name) : imap_folder_name(w.name);
  if (!named) return invalid_argument("a folder's name in UTF-8", "url");
  w.name = std::move(*named);
  w.folder.clear();
  for (unsigned char c : w.name) {
    if (std::isalnum(c) || std::strchr("-._~&,/+", c)) {
      w.folder += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      w.folder += '%';
      w.folder += kHex[c >> 4];
      w.folder += kHex[c & 0xF];
    }
  }
  return w;
}

Error server_error(ErrorCode code, std::string message, std::string field) {
  return Error{code, std::move(message), std::move(field)};
}

// What a failed transfer means, in the terms of mail_servers.h.
Error curl_error(CURLcode rc, const char* detail, long response) {
  const std::string said = detail && *detail ? std::string(detail) : curl_easy_strerror(rc);
  switch (rc) {
    case CURLE_LOGIN_DENIED:
      if (std::strstr(said.c_str(), "Select failed"))
        return server_error(ErrorCode::kNotFound, "no such folder on the server", "mailbox");
      return server_error(ErrorCode::kFailedPrecondition,
                          "the server refused this user or password", "password");
    case CURLE_USE_SSL_FAILED:
      return server_error(ErrorCode::kFailedPrecondition, "the server offers no TLS", "tls");
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CONNECT_ERROR:
      return server_error(ErrorCode::kFailedPrecondition,
                          "TLS failed (is the certificate trusted?): " + said, "tls");
    default:
      break;
  }
  if (response >= 500 && response < 600) {
    // For good, for this mail only: its address refused, or the mail itself
    // after its data. At MAIL FROM (553), the sign-in (530) or a 554
    // greeting: the mailbox's settings, retried until they are mended.
    if (said.find("RCPT") != std::string::npos) {
      return server_error(ErrorCode::kInvalidArgument,
                          "the server refused the address (" + std::to_string(response) + ")",
                          "recipient");
    }
    // At MAIL FROM, the sign-in or the greeting: the mailbox's settings.
    if (said.find("MAIL") != std::string::npos || said.find("AUTH") != std::string::npos ||
        said.find("unexpected") != std::string::npos) {
      return server_error(ErrorCode::kFailedPrecondition,
                          "the server refused to send from this mailbox (" +
                              std::to_string(response) + "): " + said,
                          "sender");
    }
    // After the mail's data (552 too large, 554 refused as spam): this mail.
    return server_error(ErrorCode::kInvalidArgument,
                        "the server refused the mail (" + std::to_string(response) + ")",
                        "message");
  }
  return server_error(ErrorCode::kIo, "the server cannot be reached: " + said, "server");
}

struct Capped {
  std::string* out;
  std::size_t limit;
};

std::size_t append_capped(char* data, std::size_t size, std::size_t count, void* capped) {
  auto* c = static_cast<Capped*>(capped);
  if (c->out->size() + size * count > c->limit) return 0;  // aborts the transfer
  c->out->append(data, size * count);
  return size * count;
}

void set_account(CURL* curl, const ServerAccount& account, char* error_buffer) {
  curl_easy_setopt(curl, CURLOPT_USERNAME, account.user.c_str());
  curl_easy_setopt(curl, CURLOPT_PASSWORD, account.password.c_str());
  if (!account.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, account.ca_file.c_str());
  // A password never goes in clear; a relay without sign-in may lack TLS.
  const bool secret = !account.user.empty() || !account.password.empty();
  curl_easy_setopt(curl, CURLOPT_USE_SSL,
                   static_cast<long>(secret ? CURLUSESSL_ALL : CURLUSESSL_TRY));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, static_cast<long>(account.timeout.count()));
  // A large mail may take long: what is bounded is a stalled transfer.
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(account.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  error_buffer[0] = 0;
}

// The number after `name ` in an IMAP response line ("UIDNEXT 42").
std::optional<std::uint64_t> number_after(std::string_view line, std::string_view name) {
  for (std::size_t at = line.find(name); at != std::string_view::npos;
       at = line.find(name, at + 1)) {
    const bool starts = at == 0 || line[at - 1] == ' ' || line[at - 1] == '(';
    const std::size_t value = at + name.size();
    if (!starts || value >= line.size() || line[value] != ' ') continue;
    std::uint64_t n = 0;
    const char* first = line.data() + value + 1;
    auto [end, ec] = std::from_chars(first, line.data() + line.size(), n);
    if (ec == std::errc() && end != first) return n;
  }
  return std::nullopt;
}

std::string quoted(const std::string& folder) {
  return "\"" + folder + "\"";  // quotes and backslashes refused by where()
}

}  // namespace

// One connection for the commands, kept between them (one sign-in, the
// folder selected once) in a connection cache each command's new handle
// shares: a handle carries what its transfers counted (see messages()).
struct Share {
  CURLSH* share = curl_share_init();
  Share() {
    if (share) curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
  }
  ~Share() {
    if (share) curl_share_cleanup(share);
  }
  Share(const Share&) = delete;
  Share& operator=(const Share&) = delete;
};

struct ImapClient::Impl {
  ServerAccount account;
  Result<Where> place;
  std::unique_ptr<Share> connection = std::make_unique<Share>();
  std::unique_ptr<Handle> idle;  // the IDLE connection, when open
  std::string idle_pending;      // read, not yet taken as lines
  int tag = 0;
  char error[CURL_ERROR_SIZE] = {};

  explicit Impl(ServerAccount a) : account(std::move(a)), place(where(account.url, true)) {}

  // One command on the reused connection: its untagged lines, or the body.
  Result<std::string> run(const std::string& url, const char* custom, std::size_t limit) {
    if (!place) return place.error();
    Handle command;
    CURL* curl = command.curl;
    if (!curl || !connection->share) return internal_error("no curl handle");
    curl_easy_setopt(curl, CURLOPT_SHARE, connection->share);
    set_account(curl, account, error);
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, custom);
    std::string out;
    Capped capped{&out, limit};
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_capped);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &capped);
    const CURLcode rc = curl_easy_perform(curl);
    if (rc == CURLE_WRITE_ERROR)
      return server_error(ErrorCode::kInvalidArgument, "the message is too large", "message");
    if (rc != CURLE_OK) return curl_error(rc, error, 0);
    return out;
  }

  void close_idle() {
    idle.reset();
    idle_pending.clear();
  }

  Status idle_send(const std::string& line) {
    std::size_t sent_total = 0;
    while (sent_total < line.size()) {
      std::size_t sent = 0;
      const CURLcode rc =
          curl_easy_send(idle->curl, line.data() + sent_total, line.size() - sent_total, &sent);
      if (rc == CURLE_AGAIN) {
        if (Status s = idle_poll(POLLOUT, std::chrono::milliseconds(1000)); !s) return s;
        continue;
      }
      if (rc != CURLE_OK) return curl_error(rc, nullptr, 0);
      sent_total += sent;
    }
    return Status::ok();
  }

  Status idle_poll(short events, std::chrono::milliseconds wait) {
    curl_socket_t socket = CURL_SOCKET_BAD;
    curl_easy_getinfo(idle->curl, CURLINFO_ACTIVESOCKET, &socket);
    if (socket == CURL_SOCKET_BAD)
      return server_error(ErrorCode::kIo, "the connection was closed", "server");
    pollfd p{socket, events, 0};
    if (::poll(&p, 1, static_cast<int>(wait.count())) < 0 && errno != EINTR)
      return server_error(ErrorCode::kIo, "poll failed", "server");
    return Status::ok();
  }

  // The next line from the IDLE connection (without CRLF); an empty
  // optional when `deadline` passed or `stop` was set first.
  Result<std::optional<std::string>> idle_line(std::chrono::steady_clock::time_point deadline,
                                               const std::atomic<bool>* stop) {
    for (;;) {
      if (auto end = idle_pending.find('\n'); end != std::string::npos) {
        std::string line = idle_pending.substr(0, end);
        idle_pending.erase(0, end + 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return std::optional<std::string>(std::move(line));
      }
      if (idle_pending.size() > 64 * 1024)
        return server_error(ErrorCode::kIo, "the server sent a line too long", "server");
      char buffer[4096];
      std::size_t got = 0;
      const CURLcode rc = curl_easy_recv(idle->curl, buffer, sizeof buffer, &got);
      if (rc == CURLE_OK) {
        if (got == 0)
          return server_error(ErrorCode::kIo, "the server closed the connection", "server");
        idle_pending.append(buffer, got);
        continue;
      }
      if (rc != CURLE_AGAIN) return curl_error(rc, nullptr, 0);
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline || (stop && stop->load())) return std::optional<std::string>();
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
      if (Status s = idle_poll(POLLIN, std::min(left, std::chrono::milliseconds(200))); !s)
        return s.error();
    }
  }

  // Reads to the tagged answer of `tag`: ok for OK.
  Status idle_until_tagged(const std::string& tag_text, bool* changed) {
    const auto deadline = std::chrono::steady_clock::now() + account.timeout;
    for (;;) {
      auto line = idle_line(deadline, nullptr);
      if (!line) return line.error();
      if (!*line) return server_error(ErrorCode::kIo, "the server did not answer", "server");
      const std::string& l = **line;
      if (changed && l.starts_with("* ") && (l.ends_with(" EXISTS") || l.ends_with(" RECENT")))
        *changed = true;
      if (l.starts_with("* BYE"))
        return server_error(ErrorCode::kIo, "the server ended the connection", "server");
      if (l.starts_with(tag_text + " ")) {
        if (l.compare(tag_text.size() + 1, 2, "OK") == 0) return Status::ok();
        if (l.find("IDLE") != std::string::npos || l.compare(tag_text.size() + 1, 3, "BAD") == 0)
          return server_error(ErrorCode::kFailedPrecondition, "the server cannot IDLE", "idle");
        return server_error(ErrorCode::kNotFound, "no such folder on the server: " + l, "mailbox");
      }
    }
  }

  Status open_idle() {
    if (!place) return place.error();
    idle = std::make_unique<Handle>();
    CURL* curl = idle->curl;
    set_account(curl, account, error);
    curl_easy_setopt(curl, CURLOPT_URL, place->server.c_str());
    curl_easy_setopt(curl, CURLOPT_CONNECT_ONLY, 1L);
    if (const CURLcode rc = curl_easy_perform(curl); rc != CURLE_OK) {
      Error e = curl_error(rc, error, 0);
      close_idle();
      return e;
    }
    const std::string t = "g" + std::to_string(++tag);
    if (Status s = idle_send(t + " SELECT " + quoted(place->name) + "\r\n"); !s) return s;
    return idle_until_tagged(t, nullptr);
  }
};

ImapClient::ImapClient(ServerAccount account) {
  initialise_once();
  impl_ = std::make_unique<Impl>(std::move(account));
}

ImapClient::~ImapClient() = default;

Result<MailboxState> ImapClient::state() {
  if (!impl_->place) return impl_->place.error();
  // The folder stays selected on this connection, and a server answers
  // STATUS on it from the session's view: NOOP brings the view up to date
  // first (and selects it the first time: a folder that is not there says so).
  if (auto noop = impl_->run(impl_->place->server + impl_->place->folder, "NOOP", 64 * 1024); !noop)
    return noop.error();
  const std::string command =
      "STATUS " + quoted(impl_->place->name) + " (UIDVALIDITY UIDNEXT MESSAGES)";
  auto lines = impl_->run(impl_->place->server, command.c_str(), 64 * 1024);
  if (!lines) return lines.error();
  MailboxState state;
  const auto validity = number_after(*lines, "UIDVALIDITY");
  const auto next = number_after(*lines, "UIDNEXT");
  const auto messages = number_after(*lines, "MESSAGES");
  if (!validity || !next)
    return server_error(ErrorCode::kNotFound, "no such folder on the server", "mailbox");
  state.uidvalidity = static_cast<std::uint32_t>(*validity);
  state.uidnext = static_cast<std::uint32_t>(*next);
  state.messages = static_cast<std::uint32_t>(messages.value_or(0));
  return state;
}

Result<std::vector<MessageInfo>> ImapClient::messages(std::uint32_t first, std::uint32_t last,
                                                      const MailboxState& folder,
                                                      const std::atomic<bool>& stop) {
  if (!impl_->place) return impl_->place.error();
  std::vector<MessageInfo> out;
  first = std::max<std::uint32_t>(first, 1);
  if (last < first) return out;
  // Sparse UIDs (a range ten times the folder's count): by position, every
  // message, those in the range kept.
  const std::uint64_t range = std::uint64_t{last} - first + 1;
  const bool by_position = range > 10 * std::max<std::uint64_t>(folder.messages, 250);
  const std::uint64_t from_first = by_position ? 1 : first;
  const std::uint64_t through = by_position ? folder.messages : last;
  // libcurl counts a command's untagged lines as response headers, and
  // refuses a command past 300 KB of them. It counts more than their bytes,
  // and how much more depends on how the answer is cut into reads: 1,000
  // messages' 50 KB counted 310 KB; slices of 250 (12 KB) passed two
  // 10,000-mail runs and failed the third. 50 at a time (about 5 KB).
  constexpr std::uint32_t kSlice = 50;
  for (std::uint64_t from = from_first; from <= through; from += kSlice) {
    if (stop) break;
    const std::uint64_t to = std::min<std::uint64_t>(through, from + kSlice - 1);
    // By position, the last slice runs to the folder's end ("*"): a mail
    // come since the count is listed too (kept if in the range).
    const bool last_slice = by_position && to == through;
    const std::string command =
        std::string(by_position ? "FETCH " : "UID FETCH ") + std::to_string(from) + ":" +
        (last_slice ? std::string("*") : std::to_string(to)) + " (UID RFC822.SIZE FLAGS)";
    auto lines = impl_->run(impl_->place->server + impl_->place->folder, command.c_str(),
                            std::size_t{1} << 20);
    if (!lines) return lines.error();
    std::string_view rest = *lines;
    while (!rest.empty()) {
      const auto end = rest.find('\n');
      const std::string_view line = rest.substr(0, end);
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
      if (!line.starts_with("* ") || line.find(" FETCH ") == std::string_view::npos) continue;
      const auto uid = number_after(line, "UID");
      const auto size = number_after(line, "RFC822.SIZE");
      if (!uid || *uid < first || *uid > last) continue;
      out.push_back({static_cast<std::uint32_t>(*uid), static_cast<std::size_t>(size.value_or(0)),
                     line.find("\\Seen") != std::string_view::npos});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const MessageInfo& a, const MessageInfo& b) { return a.uid < b.uid; });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const MessageInfo& a, const MessageInfo& b) { return a.uid == b.uid; }),
            out.end());
  return out;
}

Result<std::string> ImapClient::fetch(std::uint32_t uid, std::size_t limit) {
  if (!impl_->place) return impl_->place.error();
  return impl_->run(impl_->place->server + impl_->place->folder + "/;UID=" + std::to_string(uid),
                    nullptr, limit);
}

Result<bool> ImapClient::wait_for_mail(std::chrono::milliseconds wait,
                                       const std::atomic<bool>& stop) {
  Impl& i = *impl_;
  if (!i.idle) {
    if (Status s = i.open_idle(); !s) {
      i.close_idle();
      return s.error();
    }
  }
  const std::string t = "g" + std::to_string(++i.tag);
  bool changed = false;
  auto fail = [&i](Error e) -> Result<bool> {
    i.close_idle();
    return e;
  };
  if (Status s = i.idle_send(t + " IDLE\r\n"); !s) return fail(s.error());
  // "+ idling", after any news the server had first.
  const auto answer_by = std::chrono::steady_clock::now() + i.account.timeout;
  for (;;) {
    auto line = i.idle_line(answer_by, nullptr);
    if (!line) return fail(line.error());
    if (!*line) return fail(server_error(ErrorCode::kIo, "the server did not answer", "server"));
    const std::string& l = **line;
    if (l.starts_with("+")) break;
    if (l.starts_with("* ") && (l.ends_with(" EXISTS") || l.ends_with(" RECENT"))) changed = true;
    if (l.starts_with(t + " "))
      return fail(server_error(ErrorCode::kFailedPrecondition, "the server cannot IDLE", "idle"));
  }
  const auto until = std::chrono::steady_clock::now() + wait;
  while (!changed) {
    auto line = i.idle_line(until, &stop);
    if (!line) return fail(line.error());
    if (!*line) break;
    const std::string& l = **line;
    if (l.starts_with("* BYE"))
      return fail(server_error(ErrorCode::kIo, "the server ended the connection", "server"));
    if (l.starts_with("* ") && (l.ends_with(" EXISTS") || l.ends_with(" RECENT"))) changed = true;
  }
  if (Status s = i.idle_send("DONE\r\n"); !s) return fail(s.error());
  if (Status s = i.idle_until_tagged(t, &changed); !s) return fail(s.error());
  return changed;
}

void ImapClient::disconnect() {
  impl_->close_idle();
  impl_->connection = std::make_unique<Share>();
}

namespace {

struct Upload {
  std::string_view rest;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* upload) {
  auto* u = static_cast<Upload*>(upload);
  const std::size_t n = std::min(size * count, u->rest.size());
  std::memcpy(buffer, u->rest.data(), n);
  u->rest.remove_prefix(n);
  return n;
}

}  // namespace

struct SmtpClient::Impl {
  ServerAccount account;
  std::unique_ptr<Share> connection = std::make_unique<Share>();
};

SmtpClient::SmtpClient(ServerAccount account) : impl_(std::make_unique<Impl>()) {
  initialise_once();
  impl_->account = std::move(account);
}

SmtpClient::~SmtpClient() = default;

const ServerAccount& SmtpClient::account() const {
  return impl_->account;
}

Status SmtpClient::send(const std::string& from, const std::vector<std::string>& recipients,
                        std::string_view message) {
  const ServerAccount& account = impl_->account;
  auto place = where(account.url, false);
  if (!place) return place.error();
  if (recipients.empty()) return invalid_argument("nobody to send to", "recipient");
  Handle handle;
  CURL* curl = handle.curl;
  if (!curl || !impl_->connection->share) return internal_error("no curl handle");
  curl_easy_setopt(curl, CURLOPT_SHARE, impl_->connection->share);
  char error[CURL_ERROR_SIZE] = {};
  set_account(curl, account, error);
  curl_easy_setopt(curl, CURLOPT_URL, place->server.c_str());
  const std::string envelope_from = "<" + from + ">";
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, envelope_from.c_str());
  curl_slist* rcpt = nullptr;
  for (const std::string& r : recipients)
    rcpt = curl_slist_append(rcpt, ("<" + r + ">").c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
  Upload upload{message};
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  const CURLcode rc = curl_easy_perform(curl);
  long response = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response);
  curl_slist_free_all(rcpt);
  if (rc != CURLE_OK) {
    impl_->connection = std::make_unique<Share>();  // a fresh connection next time
    return curl_error(rc, error, response);
  }
  return Status::ok();
}

Status try_imap(const ServerAccount& account) {
  ImapClient client(account);
  auto state = client.state();
  if (!state) return state.error();
  return Status::ok();
}

Status try_smtp(const ServerAccount& account) {
  initialise_once();
  auto place = where(account.url, false);
  if (!place) return place.error();
  Handle handle;
  char error[CURL_ERROR_SIZE] = {};
  set_account(handle.curl, account, error);
  curl_easy_setopt(handle.curl, CURLOPT_URL, place->server.c_str());
  // Up to the greeting, TLS and the sign-in.
  curl_easy_setopt(handle.curl, CURLOPT_CONNECT_ONLY, 1L);
  const CURLcode rc = curl_easy_perform(handle.curl);
  if (rc != CURLE_OK) return curl_error(rc, error, 0);
  return Status::ok();
}

}  // namespace guichet::email
