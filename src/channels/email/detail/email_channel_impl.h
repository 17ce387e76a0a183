// EmailChannel's private parts, shared by its files: email_channel.cpp
// (mailboxes, configuration, figures), email_inbound.cpp (a mailbox's
// reader: what each mail becomes), email_outbox.cpp (replies,
// acknowledgements, the sender) and email_text.cpp (pure text helpers).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "channels/email/email_channel.h"
#include "channels/email/mail.h"
#include "channels/email/mail_servers.h"
#include "core/calendar.h"
#include "core/time.h"

namespace guichet::email {

namespace detail {

// A mailbox document, read.
struct MailboxConfig {
  std::uint64_t id = 0;
  std::string name;
  std::string address;       // lower case
  std::string display_name;  // "Mairie de Villeneuve": the sender's name
  std::uint64_t queue_id = 0;
  ServerAccount imap;
  ServerAccount smtp;
  std::string signature;
  bool acknowledge = true;
  bool import_existing = false;  // a first connection takes every mail, read or not
  bool enabled = true;
  bool operator==(const MailboxConfig&) const;
};

// `body_json` read (no secrets: they are kept apart); errors name the field.
Result<MailboxConfig> read_mailbox(const std::string& body_json, std::uint64_t id,
                                   const std::string& name);

// What the channel keeps of a conversation ("thread:<interaction>").
struct Thread {
  std::uint64_t mailbox = 0;
  std::string address;  // the citizen's, lower case
  std::string name;
  std::string subject;
  std::vector<std::string> references;  // the thread's Message-IDs, oldest first (the last 20)
  std::string last_id;                  // the citizen's last mail
  std::string last_text;                // its new text, for the reply to quote
  std::string last_date;
  // A new request quoting another sender's thread: that thread's
  // interaction, until an agent joins it there.
  std::uint64_t claims = 0;
  // Other addresses an agent confirmed as this citizen's: their mails join.
  std::vector<std::string> joined;
  // This mail's conversation joined another's (an agent's word): mails
  // answering it go there.
  std::uint64_t joined_to = 0;
  bool from(const std::string& sender) const;
  std::string json() const;
  static std::optional<Thread> parse(std::string_view json);
};

// The answer's deadline a queue announces for a new request: a day, in
// working days of the queue's calendar, told in the acknowledgement; the
// end of that day, the interaction's due time in routing.
struct AnswerDeadline {
  std::shared_ptr<const BusinessCalendar> calendar;
  std::chrono::year_month_day day{};
  Time due{};
};

// A mail to send, kept in the outbox until the server took it.
struct Outgoing {
  std::string key;  // "outbox:<sequence>"
  std::uint64_t mailbox = 0;
  std::uint64_t interaction = 0;
  std::uint64_t agent = 0;  // 0: an acknowledgement
  std::string to;
  std::string message_id;
  std::string raw;
  std::string json() const;
  static std::optional<Outgoing> parse(std::string key, std::string_view json);
};

// The text a citizen wrote above the history their client quoted, and
// whether there was any ("> …", "Le … a écrit :", "-----Original Message-----").
struct FreshText {
  std::string text;
  bool quoted = false;
};
FreshText fresh_text(std::string_view text);
// HTML as text: tags dropped, blocks as lines, entities read.
std::string text_of_html(std::string_view html);
// "> " before each line.
std::string quoted_lines(std::string_view text);
// The key of a Message-ID kept under `prefix` ("in:", "out:"…): long ones
// (up to 998 bytes are legal) by digest.
std::string message_key(const std::string& prefix, const std::string& message_id);
// An address mail can be sent to: a local part, "@", a domain with a dot.
bool plausible_address(const std::string& address);
// At most `characters` characters of UTF-8 text, cut at a character.
std::string first_characters(std::string_view text, std::size_t characters);

}  // namespace detail

class EmailChannel::Impl {
 public:
  Impl(EmailOptions options, channels::Host& host);
  ~Impl();

  void load();  // mailboxes and the outbox; starts the threads
  void reload_mailboxes();
  Status deliver(const channels::Reply& reply);
  Result<std::uint64_t> join_claimed_thread(std::uint64_t interaction);
  Result<EmailChannel::ClaimedThread> claimed_thread(std::uint64_t interaction);
  // Its "thread:" entry; kNotFound naming `field` when it has none.
  Result<detail::Thread> thread(std::uint64_t interaction, const char* field = "id");
  std::uint64_t followed(std::uint64_t interaction);  // through joined_to
  Result<detail::Thread> claimed(const detail::Thread& claiming, std::uint64_t target);
  std::string metrics() const;
  std::string stats_json() const;
  ConnectionTest test_connection(const std::string& body_json, std::uint64_t id);
  Status take_mail(std::uint64_t mailbox, std::string_view raw);

 private:
  // A mailbox's reader: its thread and what the supervisor sees of it.
  struct Reader {
    detail::MailboxConfig config;
    std::atomic<bool> stop{false};
    std::thread thread;
    std::mutex mutex;  // guards what follows, and wakes a backoff
    std::condition_variable wake;
    bool up = false;
    std::string error;  // why it is down
    std::string error_field;
    Time checked{};    // the last time the server answered
    bool idle = true;  // false: the server cannot IDLE, polled
    std::uint64_t received = 0;
    std::uint64_t quarantined = 0;
    bool recovered = false;  // the mail read when a crash came was looked for
    std::map<std::string, std::deque<Time>> recent_by_sender;
    // The reader's own (its thread's): failures of a mail by UID, and the
    // interaction a mail made or joined before its outcome could be kept
    // (taken again, it does not make or post it twice, nor route it
    // without its text and files).
    std::map<std::uint32_t, int> failures;
    bool resumed = false;  // a pass kept as under way was looked at once
    struct Made {
      std::uint64_t interaction = 0;
      bool kept = false;  // its text and files are in it
      // The files it could not keep, for its acknowledgement (while this
      // process runs: after a crash, the acknowledgement names none).
      std::vector<std::string> refused;
      std::optional<detail::AnswerDeadline> deadline;  // the one its interaction was given
      bool joined = false;  // it joined an existing conversation (not a new request)
    };
    std::map<std::string, Made> made;
  };

  void stop_reader(Reader& reader);
  // What a mailbox no longer there left: its place in its folder, its
  // mail not sent (failed, said in each interaction).
  void forget_removed(const std::set<std::uint64_t>& present);

  // email_inbound.cpp
  void read_loop(Reader& reader);
  Status synchronise(Reader& reader, ImapClient& client);
  // One mail: what it becomes, kept with the mailbox's last UID in one write.
  // `position`: the mailbox's as kept with the mail's outcome.
  Status take(Reader& reader, ImapClient& client, const MessageInfo& message,
              std::uint32_t validity, const std::string& position);
  // The same for a mail given whole (fetched, or imported); `entries`
  // (the mailbox's last UID) kept with its outcome.
  Status take_raw(Reader& reader, const std::string& where, const std::string& raw,
                  std::vector<store::ChannelEntry> entries);
  Status quarantine(Reader& reader, const std::string& where, std::string_view raw,
                    const std::string& reason, const Mail* mail, std::size_t size,
                    std::vector<store::ChannelEntry>& entries);
  // The interaction a mail answers (its thread's), 0 for none.
  std::uint64_t thread_of(const Mail& mail);
  Status bounced(const Mail& mail, std::string_view raw);
  // Files of a mail kept for interaction `interaction`; the refused ones described.
  std::vector<std::string> keep_files(std::uint64_t interaction, const Mail& mail,
                                      const std::string& full_text, bool text_was_cut);
  Result<std::uint64_t> arrive(const Reader& reader, const Mail& mail, const MailAddress& citizen,
                               const std::string& where, std::uint64_t claims,
                               const detail::AnswerDeadline& deadline);
  bool wait_or_stop(Reader& reader, std::chrono::milliseconds wait);
  void set_state(Reader& reader, const Status& status);

  // email_outbox.cpp
  // The answer's deadline queue `queue` announces for a mail received now.
  detail::AnswerDeadline answer_deadline(std::uint64_t queue, Time received);
  // The acknowledgement of a new request, to keep in the outbox with it.
  std::optional<detail::Outgoing> acknowledgement(const detail::MailboxConfig& mailbox,
                                                  std::uint64_t interaction, const Mail& mail,
                                                  const MailAddress& citizen,
                                                  const std::vector<std::string>& refused,
                                                  const detail::AnswerDeadline& deadline);
  std::string next_outbox_key();
  std::string message_id_for(std::uint64_t interaction, const std::string& address);
  void queue_for_sending(detail::Outgoing outgoing);
  void send_loop();
  std::optional<detail::MailboxConfig> mailbox(std::uint64_t id) const;
  // Mailbox `id`'s password for "imap" or "smtp" (empty: none kept).
  std::string secret(std::uint64_t id, std::string_view server);

  EmailOptions options_;
  channels::Host& host_;

  std::mutex reload_mutex_;   // one reload at a time (the API's and the domain's)
  std::mutex threads_mutex_;  // a thread's entry read and written again at once
  mutable std::mutex mutex_;  // guards readers_ and configs_
  std::map<std::uint64_t, std::unique_ptr<Reader>> readers_;
  std::map<std::uint64_t, detail::MailboxConfig> configs_;  // every mailbox, enabled or not

  // The outbox and the sender.
  mutable std::mutex outbox_mutex_;  // guards what follows
  std::condition_variable outbox_ready_;
  std::deque<detail::Outgoing> outbox_;
  struct Sending {
    bool up = true;
    std::string error;
    std::chrono::milliseconds retry{0};
    std::chrono::steady_clock::time_point next{};
  };
  std::map<std::uint64_t, Sending> sending_;  // by mailbox
  bool stopping_ = false;
  std::int64_t last_outbox_ms_ = 0;    // the newest key's time, written or kept
  std::uint64_t outbox_sequence_ = 0;  // and its counter
  std::thread sender_;

  std::atomic<std::uint64_t> received_{0};
  std::atomic<std::uint64_t> joined_{0};
  std::atomic<std::uint64_t> quarantined_{0};
  std::atomic<std::uint64_t> automatic_{0};
  std::atomic<std::uint64_t> bounces_{0};
  std::atomic<std::uint64_t> sent_{0};
  std::atomic<std::uint64_t> acknowledged_{0};
  std::atomic<std::uint64_t> failed_{0};
};

}  // namespace guichet::email
