// The email channel (issue 14). Each mailbox (a "mailbox" document: its
// address, its queue, its IMAP and SMTP servers) is read on a thread of its
// own: new mail is noticed at once (IDLE; polled when the server cannot),
// nothing is missed or imported twice across restarts (UIDVALIDITY and the
// last UID read are kept with what each mail became, in one write). A mail
// becomes an interaction of the mailbox's queue, acknowledged with its
// reference and the deadline for an answer — or joins its conversation (by
// Message-ID, In-Reply-To and References, else by the [GU-n] reference in
// its subject, and only from the same address). What a machine sent is
// never acknowledged; a bounce marks the reply it bounces as failed; what
// cannot be taken (unreadable, too large, a loop, a flood) is quarantined
// with its reason. Agents' replies and acknowledgements go through an
// outbox kept durably, sent over SMTP on a thread of their own, retried
// with backoff while the server is down.
//
// Passwords are not in the documents (they are audited and shown): the
// API keeps them as the channel's entries, under secret_key().
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "channels/channel.h"
#include "conversations/document_check.h"
#include "core/result.h"

namespace guichet::email {

struct EmailOptions {
  std::string attachments_dir;  // citizens' files (channels/files.h)
  std::string quarantine_dir;   // mails not taken, kept whole for an administrator
  std::string ca_file;  // the servers' certificates checked against it (empty: the system's)
  std::size_t max_mail_bytes = std::size_t{25} << 20;  // larger: quarantined, not downloaded
  std::size_t max_file_bytes = std::size_t{10}
                               << 20;  // a larger file is refused (the sender is told)
  int mails_per_sender_per_hour = 30;  // more: quarantined (a mail bomb, a loop)
  std::chrono::milliseconds idle_wait{
      std::chrono::minutes(5)};  // IDLE renewed (RFC 9051: < 29 min)
  std::chrono::milliseconds poll_every{std::chrono::seconds(30)};  // without IDLE
  std::chrono::milliseconds retry_first{std::chrono::seconds(1)};  // backoff, doubled
  std::chrono::milliseconds retry_max{std::chrono::minutes(5)};
};

// What the administration's connection test found, per server.
struct ConnectionTest {
  Status imap;
  Status smtp;
};

class EmailChannel final : public channels::Channel {
 public:
  static Result<std::unique_ptr<EmailChannel>> start(EmailOptions options, channels::Host& host);
  ~EmailChannel() override;  // stops the readers and the sender (the outbox stays kept)

  std::string_view name() const override { return "email"; }
  bool carries(routing::Channel channel) const override {
    return channel == routing::Channel::kEmail;
  }
  void on_events(const std::vector<routing::Event>& events) override;
  void on_config(const std::string& kind) override;
  Status control(std::uint64_t interaction, const std::string& action, std::uint64_t agent,
                 bool manager) override;
  Status deliver(const channels::Reply& reply) override;
  std::string metrics() const override;
  std::string stats_json() const override;

  // A mail given whole (an .eml file; the demo's), taken as mailbox
  // `mailbox`'s new mail is: an interaction or its thread, its files.
  Status take_mail(std::uint64_t mailbox, std::string_view raw);

  // A mail quoting another sender's thread (its interaction's attribute
  // claims_thread) joins that thread once an agent checked it is the same
  // case: its text goes there as the citizen's message, its sender's later
  // mails join there, replies there thread with it. Gives the thread's
  // interaction; kFailedPrecondition when it claims none or that
  // conversation has ended (field "claims_thread").
  Result<std::uint64_t> join_claimed_thread(std::uint64_t interaction);
  // What the agent checks before joining: the request a mail claims (or
  // joined), whose it is and what about.
  struct ClaimedThread {
    std::uint64_t interaction = 0;
    std::string name;
    std::string address;
    std::string subject;
    bool joined = false;
  };
  Result<ClaimedThread> claimed_thread(std::uint64_t interaction);

  // Signs in to both servers of a mailbox document (passwords given, or
  // kept for mailbox `id`), as the administration's form asks.
  ConnectionTest test_connection(const std::string& body_json, std::uint64_t id);

  // The problems of a mailbox document (conversations::DocumentCheck).
  static std::vector<conversations::DocumentProblem> mailbox_problems(
      const std::string& body_json, std::uint64_t id, conversations::DocumentLookup& lookup);
  // The channel entry keeping mailbox `id`'s password for "imap" or "smtp".
  static std::string secret_key(std::uint64_t id, std::string_view server);

  class Impl;

 private:
  explicit EmailChannel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace guichet::email
