// The email channel (email_channel.h): what it writes — agents' replies and
// acknowledgements — kept in the outbox with what they change (the thread,
// the Message-ID a bounce or a reply will name) in one write, then sent
// over SMTP by one thread, retried with backoff while a server is down.
// A mail the server took is removed from the outbox; a crash between the
// two sends it again with the same Message-ID (clients show it once).
#include <boost/json.hpp>

#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>

#include "channels/email/detail/email_channel_impl.h"
#include "core/calendar.h"
#include "core/json_format.h"
#include "core/log.h"
#include "core/text.h"

namespace guichet::email {

namespace json = boost::json;
using detail::AnswerDeadline;
using detail::first_characters;
using detail::MailboxConfig;
using detail::Outgoing;
using detail::Thread;

namespace {

constexpr int kDefaultAnswerDays = 5;  // when the queue announces none

// "Re: Demande d'acte de naissance [GU-42]".
std::string reply_subject(const std::string& subject, std::uint64_t interaction) {
  std::string out = subject.empty() ? std::string("Votre demande") : subject;
  const bool re = out.size() >= 3 && (out[0] == 'R' || out[0] == 'r') &&
                  (out[1] == 'E' || out[1] == 'e') && out[2] == ':';
  if (!re) out = "Re: " + out;
  const std::string reference = "[GU-" + std::to_string(interaction) + "]";
  if (out.find(reference) == std::string::npos) out += " " + reference;
  return out;
}

std::string signature_block(const MailboxConfig& mailbox) {
  std::string out = "-- \n";
  if (!mailbox.display_name.empty()) out += mailbox.display_name + "\n";
  if (!mailbox.signature.empty()) out += mailbox.signature + "\n";
  out += mailbox.address;
  return out;
}

// "lundi 7 décembre 2026 à 10 h 02", in `zone`.
std::string french_moment(Time at, const TimeZone& zone) {
  const LocalTime local = zone.to_local(at);
  const auto day = std::chrono::floor<std::chrono::days>(local);
  const auto since = std::chrono::duration_cast<std::chrono::minutes>(local - day).count();
  char hour[48];
  std::snprintf(hour, sizeof hour, "%lld h %02lld", static_cast<long long>(since / 60),
                static_cast<long long>(since % 60));
  return french_date(std::chrono::year_month_day(day)) + " à " + hour;
}

}  // namespace

std::string EmailChannel::Impl::next_outbox_key() {
  std::lock_guard lock(outbox_mutex_);
  // In the order written: the time, then a counter within the same
  // millisecond; never at or below a key already kept (a clock set back
  // after a restart keeps counting from the newest).
  const std::int64_t now = to_ms(host_.now());
  if (now > last_outbox_ms_) {
    last_outbox_ms_ = now;
    outbox_sequence_ = 0;
  } else {
    ++outbox_sequence_;
  }
  char key[64];
  std::snprintf(key, sizeof key, "outbox:%013" PRId64 "-%09" PRIu64, last_outbox_ms_,
                outbox_sequence_);
  return key;
}

std::string EmailChannel::Impl::message_id_for(std::uint64_t interaction,
                                               const std::string& address) {
  const auto at = address.find('@');
  const std::string domain = at == std::string::npos ? "guichet.invalid" : address.substr(at + 1);
  return "gu." + std::to_string(interaction) + "." + random_hex(8) + "@" + domain;
}

AnswerDeadline EmailChannel::Impl::answer_deadline(std::uint64_t queue_id, Time received) {
  int days = kDefaultAnswerDays;
  if (auto queue = host_.document("queue", queue_id); queue) {
    boost::system::error_code ec;
    json::value body = json::parse(queue->body_json, ec);
    if (!ec && body.is_object()) {
      if (const json::value* d = body.as_object().if_contains("answer_within_days");
          d && d->is_int64())
        days = static_cast<int>(std::clamp<std::int64_t>(d->as_int64(), 0, 365));
    }
  }
  // Its working days: the queue's hours (a queue open all hours counts
  // Monday to Friday, French holidays aside).
  std::shared_ptr<const BusinessCalendar> calendar = host_.queue_hours(queue_id);
  if (!calendar) calendar = std::make_shared<const BusinessCalendar>();
  AnswerDeadline deadline;
  deadline.day = working_days_after(*calendar, received, days);
  // The end of that day where the service is: "at the latest on Tuesday".
  const std::chrono::local_days next = std::chrono::local_days(deadline.day) + std::chrono::days(1);
  deadline.due = calendar->zone().to_utc(LocalTime(next)) - std::chrono::seconds(1);
  deadline.calendar = std::move(calendar);
  return deadline;
}

std::optional<Outgoing> EmailChannel::Impl::acknowledgement(const MailboxConfig& mailbox,
                                                            std::uint64_t interaction,
                                                            const Mail& mail,
                                                            const MailAddress& citizen,
                                                            const std::vector<std::string>& refused,
                                                            const AnswerDeadline& deadline) {
  const Time now = host_.now();
  const auto& calendar = deadline.calendar;
  const auto due = deadline.day;
  const std::string reference = "GU-" + std::to_string(interaction);
  const std::string subject = mail.subject.empty() ? std::string("(sans objet)") : mail.subject;

  std::string text = "Bonjour" + (citizen.name.empty() ? std::string() : " " + citizen.name) +
                     ",\n\nNous avons bien reçu votre message du " +
                     french_moment(now, calendar->zone()) + " (objet : « " + subject + " »).\n\n" +
                     "Sa référence est " + reference +
                     " : rappelez-la dans vos échanges avec nous.\n" +
                     "Nous vous répondrons au plus tard le " + french_date(due) + ".\n";
  if (!refused.empty()) {
    text += "\nCes pièces jointes n'ont pas pu être reçues :\n";
    for (const std::string& r : refused)
      text += "- " + r + "\n";
    text += "Vous pouvez nous les renvoyer en répondant à ce message.\n";
  }
  text +=
      "\nCe message est envoyé automatiquement. Pour compléter votre demande, répondez-y "
      "simplement.\n\n" +
      signature_block(mailbox) + "\n\n---\nWe have received your message. Its reference is " +
      reference + "; we will answer by " + date_text(due) + ".\n";

  OutgoingMail out;
  out.from = {mailbox.address, mailbox.display_name};
  out.to = {citizen.address, citizen.name};
  out.subject = "Accusé de réception : " + subject + " [" + reference + "]";
  out.message_id = message_id_for(interaction, mailbox.address);
  out.in_reply_to = mail.message_id;
  if (!mail.message_id.empty()) {
    out.references = mail.references;
    out.references.push_back(mail.message_id);
  }
  out.date = mail_date(to_ms(now));
  out.text = std::move(text);
  out.automatic = true;
  Outgoing o;
  o.key = next_outbox_key();
  o.mailbox = mailbox.id;
  o.interaction = interaction;
  o.to = citizen.address;
  o.message_id = out.message_id;
  o.raw = compose_mail(out);
  return o;
}

Status EmailChannel::Impl::deliver(const channels::Reply& reply) {
  // The files read first: the threads' lock is not held over the disk.
  std::vector<MailFile> files;
  for (const channels::ReplyFile& file : reply.files) {
    std::ifstream in(file.path, std::ios::binary);
    if (!in) return failed_precondition("the file is gone: " + file.name, "files");
    MailFile attached;
    attached.name = file.name;
    attached.type = file.type;
    attached.content.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad() || attached.content.empty())
      return failed_precondition("the file could not be read: " + file.name, "files");
    files.push_back(std::move(attached));
  }
  const std::string thread_key = "thread:" + std::to_string(reply.interaction);
  // The thread read and written again at once (a mail read meanwhile, or
  // another reply, keeps its place in it).
  std::lock_guard threads(threads_mutex_);
  auto thread = this->thread(reply.interaction, "interaction");
  if (!thread) return thread.error();
  auto mailbox_config = mailbox(thread->mailbox);
  if (!mailbox_config) return failed_precondition("its mailbox is no longer set up", "mailbox");
  const MailboxConfig& box = *mailbox_config;
  OutgoingMail out;
  out.from = {box.address, box.display_name};
  out.to = {thread->address, thread->name};
  out.subject = reply_subject(thread->subject, reply.interaction);
  out.message_id = message_id_for(reply.interaction, box.address);
  out.in_reply_to = thread->last_id;
  out.references = thread->references;
  out.date = mail_date(to_ms(host_.now()));
  out.text = reply.text + "\n\n" + signature_block(box);
  out.files = std::move(files);
  if (!thread->last_text.empty()) {
    out.text += "\n\n" +
                (thread->last_date.empty() ? std::string("Le") : "Le " + thread->last_date + ",") +
                " " + (thread->name.empty() ? thread->address : thread->name) + " a écrit :\n" +
                detail::quoted_lines(thread->last_text) + "\n";
  }
  Outgoing o;
  o.key = next_outbox_key();
  o.mailbox = box.id;
  o.interaction = reply.interaction;
  o.agent = reply.agent;
  o.to = thread->address;
  o.message_id = out.message_id;
  o.raw = compose_mail(out);
  thread->references.push_back(out.message_id);
  if (thread->references.size() > 20) thread->references.erase(thread->references.begin());
  if (Status s = host_.keep(
          "email", {{o.key, o.json()},
                    {detail::message_key("out:", o.message_id),
                     std::to_string(reply.interaction) + " " + std::to_string(reply.agent)},
                    {thread_key, thread->json()}});
      !s)
    return s;
  queue_for_sending(std::move(o));
  return Status::ok();
}

void EmailChannel::Impl::queue_for_sending(Outgoing outgoing) {
  {
    std::lock_guard lock(outbox_mutex_);
    outbox_.push_back(std::move(outgoing));
  }
  outbox_ready_.notify_all();
}

void EmailChannel::Impl::send_loop() {
  // Each mailbox's SMTP connection, kept between mails (made again when
  // its account changes).
  std::map<std::uint64_t, std::unique_ptr<SmtpClient>> clients;
  auto client_for = [&clients](const MailboxConfig& box) -> SmtpClient& {
    auto& client = clients[box.id];
    const ServerAccount* had = client ? &client->account() : nullptr;
    if (!had || had->url != box.smtp.url || had->user != box.smtp.user ||
        had->password != box.smtp.password || had->ca_file != box.smtp.ca_file)
      client = std::make_unique<SmtpClient>(box.smtp);
    return *client;
  };
  std::unique_lock lock(outbox_mutex_);
  while (!stopping_) {
    const auto now = std::chrono::steady_clock::now();
    auto next_try = std::chrono::steady_clock::time_point::max();
    auto ready = outbox_.end();
    for (auto it = outbox_.begin(); it != outbox_.end(); ++it) {
      const Sending& s = sending_[it->mailbox];
      if (s.next <= now) {
        ready = it;
        break;
      }
      next_try = std::min(next_try, s.next);
    }
    if (ready == outbox_.end()) {
      if (next_try == std::chrono::steady_clock::time_point::max()) {
        outbox_ready_.wait(lock);
      } else {
        outbox_ready_.wait_until(lock, next_try);
      }
      continue;
    }
    const Outgoing o = *ready;
    lock.unlock();
    const auto box = mailbox(o.mailbox);
    // A mailbox not (yet) set up, or turned off, keeps its mail: it may come back.
    Status sent = !box ? Status(failed_precondition("its mailbox is not set up", "mailbox"))
                  : !box->enabled
                      ? Status(failed_precondition("its mailbox is turned off", "mailbox"))
                      : client_for(*box).send(box->address, {o.to}, o.raw);
    const bool for_good =
        static_cast<bool>(sent) || sent.error().code == ErrorCode::kInvalidArgument;
    if (for_good) {
      Status removed = host_.keep("email", {{o.key, ""}});
      if (!removed) {
        log::warning("email: a sent mail stays in the outbox",
                     "\"error\":" + json_quote(removed.error().message));
      }
      if (o.agent == 0) {
        host_.note(o.interaction, sent ? "acknowledged" : "acknowledgement_failed",
                   json::serialize(json::object{
                       {"to", o.to}, {"detail", sent ? std::string() : sent.error().message}}));
        (sent ? acknowledged_ : failed_).fetch_add(1, std::memory_order_relaxed);
      } else {
        host_.note_delivery({o.interaction, o.agent, ""},
                            sent ? channels::Delivery::kSent : channels::Delivery::kFailed,
                            sent ? std::string() : sent.error().message);
        (sent ? sent_ : failed_).fetch_add(1, std::memory_order_relaxed);
      }
    }
    lock.lock();
    Sending& s = sending_[o.mailbox];
    if (for_good) {
      for (auto it = outbox_.begin(); it != outbox_.end(); ++it) {
        if (it->key == o.key) {
          outbox_.erase(it);
          break;
        }
      }
      if (!s.up) log::info("email: sending again", "\"mailbox\":" + std::to_string(o.mailbox));
      s = Sending{};
    } else {
      if (s.up) {
        log::warning("email: mail waits to be sent",
                     "\"mailbox\":" + std::to_string(o.mailbox) +
                         ",\"error\":" + json_quote(sent.error().message));
      }
      s.up = false;
      s.error = sent.error().message;
      s.retry =
          s.retry.count() == 0 ? options_.retry_first : std::min(s.retry * 2, options_.retry_max);
      s.next = std::chrono::steady_clock::now() + s.retry;
    }
  }
}

}  // namespace guichet::email
