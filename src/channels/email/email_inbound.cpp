// The email channel (email_channel.h): a mailbox's reader, and what each
// mail becomes. A mail's outcome (the interaction it made or joined, its
// thread, its acknowledgement to send, or its quarantine) is kept with the
// mailbox's last UID in one write: after a crash it is taken again or not
// at all, never half.
#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <future>

#include "channels/email/detail/email_channel_impl.h"
#include "channels/email/mail_html.h"
#include "channels/files.h"
#include "core/json_body.h"
#include "core/json_format.h"
#include "core/log.h"
#include "core/text.h"

namespace guichet::email {

namespace json = boost::json;
using detail::first_characters;
using detail::MailboxConfig;
using detail::Thread;

namespace {

constexpr std::size_t kShownCharacters = 3800;  // a message holds 4000; the rest goes in a file
constexpr Duration kFloodWindow{3'600'000};

std::string box_key(std::uint64_t mailbox) {
  return "box:" + std::to_string(mailbox);
}

// "123 7" → 123 (an interaction; the agent follows); 0 for anything else.
std::uint64_t leading_id(const std::string& value) {
  std::uint64_t id = 0;
  return std::sscanf(value.c_str(), "%" SCNu64, &id) == 1 ? id : 0;
}

const char* automatic_name(Automatic a) {
  switch (a) {
    case Automatic::kAutoReply:
      return "auto_reply";
    case Automatic::kBounce:
      return "bounce";
    case Automatic::kList:
      return "list";
    case Automatic::kNone:
      break;
  }
  return "none";
}

// What a delivery status notification says went wrong (RFC 3464).
std::string bounce_reason(const Mail& mail) {
  for (const MailFile& file : mail.files) {
    if (file.type != "message/delivery-status") continue;
    std::string status;
    for (std::size_t at = 0; at < file.content.size();) {
      std::size_t end = file.content.find('\n', at);
      if (end == std::string::npos) end = file.content.size();
      std::string line = file.content.substr(at, end - at);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.starts_with("Diagnostic-Code:")) return trimmed(line.substr(16));
      if (line.starts_with("Status:")) status = trimmed(line.substr(7));
      at = end + 1;
    }
    if (!status.empty()) return "status " + status;
  }
  return detail::first_characters(mail.text, 300);
}

}  // namespace

void EmailChannel::Impl::set_state(Reader& reader, const Status& status) {
  std::lock_guard lock(reader.mutex);
  const bool was_up = reader.up;
  reader.up = static_cast<bool>(status);
  if (status) {
    reader.error.clear();
    reader.error_field.clear();
    reader.checked = host_.now();
  } else {
    reader.error = status.error().message;
    reader.error_field = status.error().field;
  }
  if (was_up != reader.up || (!status && reader.error != status.error().message)) {
    log::info(reader.up ? "email: mailbox up" : "email: mailbox down",
              "\"mailbox\":" + std::to_string(reader.config.id) +
                  (reader.up ? std::string() : ",\"error\":" + json_quote(reader.error)));
  }
}

bool EmailChannel::Impl::wait_or_stop(Reader& reader, std::chrono::milliseconds wait) {
  std::unique_lock lock(reader.mutex);
  reader.wake.wait_for(lock, wait, [&reader] { return reader.stop.load(); });
  return !reader.stop;
}

void EmailChannel::Impl::read_loop(Reader& reader) {
  if (!reader.config.imap.user.empty() && reader.config.imap.password.empty()) {
    // Not even tried (a server counts failed sign-ins against the address).
    set_state(reader, failed_precondition("no password is kept for this mailbox", "password"));
    while (wait_or_stop(reader, std::chrono::hours(1))) {
    }
    return;
  }
  ImapClient client(reader.config.imap);
  std::chrono::milliseconds retry = options_.retry_first;
  auto back_off = [&]() {
    client.disconnect();
    const bool go_on = wait_or_stop(reader, retry);
    retry = std::min(retry * 2, options_.retry_max);
    return go_on;
  };
  while (!reader.stop) {
    Status synchronised = synchronise(reader, client);
    set_state(reader, synchronised);
    if (!synchronised) {
      if (!back_off()) return;
      continue;
    }
    retry = options_.retry_first;
    bool idle = false;
    {
      std::lock_guard lock(reader.mutex);
      idle = reader.idle;
    }
    if (!idle) {
      if (!wait_or_stop(reader, options_.poll_every)) return;
      continue;
    }
    auto changed = client.wait_for_mail(options_.idle_wait, reader.stop);
    if (changed) continue;
    if (changed.error().field == "idle") {
      std::lock_guard lock(reader.mutex);
      reader.idle = false;  // polled from now on
      continue;
    }
    set_state(reader, changed.error());
    if (!back_off()) return;
  }
}

Status EmailChannel::Impl::synchronise(Reader& reader, ImapClient& client) {
  auto state = client.state();
  if (!state) return state.error();
  set_state(reader, Status::ok());
  // "<UIDVALIDITY> <last UID looked at>", and while a first pass is under
  // way its mode ("unread" or "all"): a first pass cut short (a timeout, a
  // crash) goes on as it began, never taking the history it left aside.
  std::uint32_t validity = 0;
  std::uint32_t last = 0;
  char mode[8] = {};
  int read = 0;
  if (auto kept = host_.kept("email", box_key(reader.config.id)); kept) {
    read = std::sscanf(kept->c_str(), "%u %u %7s", &validity, &last, mode);
  } else if (kept.error().code != ErrorCode::kNotFound) {
    return kept.error();
  }
  std::string pass = read == 3 ? mode : "";
  if (read < 2) {
    pass = reader.config.import_existing ? "all" : "unread";  // a first connection
    last = 0;
  } else if (validity != state->uidvalidity) {
    log::warning("email: the folder was made anew (UIDVALIDITY changed): its unread mail is taken",
                 "\"mailbox\":" + std::to_string(reader.config.id));
    pass = "unread";
    last = 0;
  }
  const std::uint32_t newest = state->uidnext > 0 ? state->uidnext - 1 : 0;
  std::vector<MessageInfo> todo;
  if (newest > last && state->messages > 0) {
    auto listed = client.messages(last + 1, newest, *state, reader.stop);
    if (!listed) return listed.error();
    // A mail is marked read when fetched: one that failed here, or the one
    // in hand when a crash came (the first after the place kept, on
    // resuming a pass), is taken whatever its flag says.
    const bool resuming = read == 3 && !reader.resumed;
    reader.resumed = true;
    for (const MessageInfo& m : *listed) {
      const bool in_hand = resuming && todo.empty() && m.uid == listed->front().uid;
      if (pass != "unread" || !m.seen || reader.failures.count(m.uid) || in_hand) todo.push_back(m);
    }
  }
  const std::string suffix = pass.empty() ? "" : " " + pass;
  for (const MessageInfo& m : todo) {
    if (reader.stop) return Status::ok();
    const std::string position =
        std::to_string(state->uidvalidity) + " " + std::to_string(m.uid) + suffix;
    Status taken = take(reader, client, m, state->uidvalidity, position);
    if (!taken) {
      // The server's faults pass; a mail that fails three times for a
      // reason of its own is set aside, and the mailbox flows on.
      // Only what the mail itself causes counts (unreadable, refused by the
      // domain): a server, the store or a queue gone is retried until mended.
      const bool its_own = taken.error().code == ErrorCode::kInvalidArgument;
      if (++reader.failures[m.uid] < 3 || !its_own) return taken;
      std::vector<store::ChannelEntry> entries{{box_key(reader.config.id), position}};
      const std::string where = std::to_string(reader.config.id) + ":" +
                                std::to_string(state->uidvalidity) + ":" + std::to_string(m.uid);
      if (Status s = quarantine(reader, where, {}, "could not be taken: " + taken.error().message,
                                nullptr, m.size, entries);
          !s)
        return s;
      if (Status s = host_.keep("email", entries); !s) return s;
    }
    reader.failures.erase(m.uid);
    last = std::max(last, m.uid);
  }
  // Stopped (the listing may be cut short too): the place stays where the
  // last mail taken left it.
  if (reader.stop) return Status::ok();
  // Everything the folder held when it was listed was looked at.
  if (!pass.empty() || newest > last) {
    if (Status s = host_.keep(
            "email", {{box_key(reader.config.id), std::to_string(state->uidvalidity) + " " +
                                                      std::to_string(std::max(last, newest))}});
        !s)
      return s;
  }
  return Status::ok();
}

Status EmailChannel::Impl::quarantine(Reader& reader, const std::string& where,
                                      std::string_view raw, const std::string& reason,
                                      const Mail* mail, std::size_t size,
                                      std::vector<store::ChannelEntry>& entries) {
  std::string file;
  if (!raw.empty() && !options_.quarantine_dir.empty()) {
    std::string name = where;
    std::replace(name.begin(), name.end(), ':', '-');
    file = name + ".eml";
    if (Status s = channels::keep_file(options_.quarantine_dir + "/" + file, raw); !s) return s;
  }
  const Time now = host_.now();
  json::object what{{"at", iso8601(now)},
                    {"mailbox", reader.config.id},
                    {"reason", reason},
                    {"size", size},
                    {"file", file}};
  if (mail) {
    what["from"] = mail->from ? mail->from->address : "";
    what["subject"] = first_characters(mail->subject, 200);
  }
  char at[24];
  std::snprintf(at, sizeof at, "%013" PRId64, to_ms(now));
  entries.push_back({"quarantine:" + std::string(at) + ":" + where, json::serialize(what)});
  // The newest 1,000 are kept, and their files: a mail bomb fills neither
  // the store nor the disk, nor slows the figures that list them. (An
  // older file goes first: a write that then fails leaves an entry
  // without its file, never a file without its entry.)
  if (quarantined_.fetch_add(1, std::memory_order_relaxed) % 100 == 99) {
    if (auto all = host_.kept_from("email", "quarantine:"); all && all->size() > 1000) {
      for (std::size_t i = 0; i + 1000 < all->size(); ++i) {
        boost::system::error_code ec;
        const json::value old = json::parse((*all)[i].value, ec);
        if (!ec && old.is_object()) {
          const std::string old_file = json_body::string_or(old.as_object(), "file", "");
          // Only a name this channel writes ("1-412-7.eml"): never a path.
          const bool ours = old_file.size() > 4 && old_file.ends_with(".eml") &&
                            std::all_of(old_file.begin(), old_file.end() - 4, [](unsigned char c) {
                              return std::isalnum(c) || c == '-';
                            });
          if (ours && !options_.quarantine_dir.empty()) {
            std::error_code removed;
            std::filesystem::remove(options_.quarantine_dir + "/" + old_file, removed);
          }
        }
        entries.push_back({(*all)[i].key, ""});
      }
    }
  }
  {
    std::lock_guard lock(reader.mutex);
    ++reader.quarantined;
  }
  log::warning("email: a mail quarantined", "\"mailbox\":" + std::to_string(reader.config.id) +
                                                ",\"reason\":" + json_quote(reason));
  return Status::ok();
}

std::uint64_t EmailChannel::Impl::thread_of(const Mail& mail) {
  std::vector<std::string> ids;
  if (!mail.in_reply_to.empty()) ids.push_back(mail.in_reply_to);
  // The newest references first, 20 at most: a mail naming thousands
  // costs no more.
  for (auto r = mail.references.rbegin(); r != mail.references.rend() && ids.size() < 21; ++r)
    ids.push_back(*r);
  for (const std::string& id : ids) {
    for (const char* prefix : {"out:", "in:"}) {
      if (auto kept = host_.kept("email", detail::message_key(prefix, id)); kept) {
        if (const std::uint64_t interaction = leading_id(*kept)) return followed(interaction);
      }
    }
  }
  // A client that dropped the headers kept the subject's reference: one
  // of this channel's threads only.
  if (auto reference = reference_in(mail.subject)) {
    if (host_.kept("email", "thread:" + std::to_string(*reference))) return followed(*reference);
  }
  return 0;
}

Status EmailChannel::Impl::bounced(const Mail& mail, std::string_view raw) {
  const std::string reason = bounce_reason(mail);
  for (const std::string& id : guichet_ids_in(raw)) {
    auto kept = host_.kept("email", detail::message_key("out:", id));
    if (!kept) continue;
    std::uint64_t interaction = 0;
    std::uint64_t agent = 0;
    if (std::sscanf(kept->c_str(), "%" SCNu64 " %" SCNu64, &interaction, &agent) < 1) continue;
    host_.note_delivery({interaction, agent, ""}, channels::Delivery::kFailed,
                        reason.empty() ? "the mail came back undelivered" : reason);
  }
  return Status::ok();
}

Result<std::uint64_t> EmailChannel::Impl::arrive(const Reader& reader, const Mail& mail,
                                                 const MailAddress& citizen,
                                                 const std::string& where, std::uint64_t claims,
                                                 const detail::AnswerDeadline& deadline) {
  channels::Arrival arrival;
  arrival.channel = routing::Channel::kEmail;
  arrival.queue_id = reader.config.queue_id;
  arrival.from = {"email", citizen.address};
  arrival.attributes["subject"] =
      first_characters(mail.subject.empty() ? "(sans objet)" : mail.subject, 200);
  arrival.attributes["mailbox"] = first_characters(reader.config.name, 200);
  arrival.attributes["mail"] = where;
  if (!citizen.name.empty()) arrival.attributes["name"] = first_characters(citizen.name, 200);
  // A mail answering another citizen's thread: never joined without an
  // agent's word; the agent sees which.
  if (claims) arrival.attributes["claims_thread"] = std::to_string(claims);
  arrival.hold = true;
  arrival.answer_due = deadline.due;
  std::promise<Result<std::uint64_t>> made;
  auto answer = made.get_future();
  host_.arrive(std::move(arrival),
               [&made](Result<std::uint64_t> id) { made.set_value(std::move(id)); });
  return answer.get();
}

std::vector<std::string> EmailChannel::Impl::keep_files(std::uint64_t interaction, const Mail& mail,
                                                        const std::string& full_text,
                                                        bool text_was_cut) {
  std::vector<std::string> refused;
  auto keep_one = [&](const std::string& name, const std::string& type, std::string_view bytes,
                      json::object more = {}) {
    const std::string id = random_hex(8);
    const std::string path = channels::attachment_path(options_.attachments_dir, interaction, id);
    if (!channels::keep_file(path, bytes)) return false;
    more["id"] = id;
    more["name"] = name;
    more["type"] = type;
    more["size"] = bytes.size();
    // In the timeline before the mail is marked taken: a crash between
    // them leaves no file without its event.
    return host_.note_durably(interaction, "attachment", json::serialize(more)).is_ok();
  };
  if (text_was_cut && !options_.attachments_dir.empty())
    keep_one("message complet.txt", "text/plain; charset=utf-8", full_text);
  // The mail as its sender formatted it: shown on the desk made safe
  // (mail_html.h), its remote images counted for the agent to ask for.
  if (!mail.html.empty() && !options_.attachments_dir.empty())
    keep_one("message.html", "text/html; charset=utf-8", mail.html,
             json::object{{"html", true}, {"remote_images", safe_html(mail.html).remote_images}});
  for (const MailFile& file : mail.files) {
    if (file.type == "message/delivery-status") continue;
    const std::string name = channels::clean_file_name(file.name);
    std::string type;
    if (const auto sniffed = channels::attachment_type(file.content)) {
      type = sniffed->mime;
    } else if (file.type == "message/rfc822") {
      type = "message/rfc822";  // a mail forwarded whole: downloaded, never shown inline
    }
    if (type.empty()) {
      // A logo in a signature is no request's file: left without a word.
      if (!file.inline_part) refused.push_back(name + " (type non accepté : PDF, JPEG ou PNG)");
      continue;
    }
    if (file.content.size() > options_.max_file_bytes) {
      refused.push_back(name + " (plus de " +
                        std::to_string(options_.max_file_bytes / (1024 * 1024)) + " Mo)");
      continue;
    }
    json::object more;
    if (!file.content_id.empty()) more["cid"] = first_characters(file.content_id, 200);
    if (options_.attachments_dir.empty() || !keep_one(name, type, file.content, std::move(more)))
      refused.push_back(name + " (non enregistré)");
  }
  return refused;
}

Status EmailChannel::Impl::take(Reader& reader, ImapClient& client, const MessageInfo& message,
                                std::uint32_t validity, const std::string& position) {
  const MailboxConfig& config = reader.config;
  const std::string where = std::to_string(config.id) + ":" + std::to_string(validity) + ":" +
                            std::to_string(message.uid);
  std::vector<store::ChannelEntry> entries{{box_key(config.id), position}};
  auto finish = [&]() { return host_.keep("email", entries); };
  if (message.size > options_.max_mail_bytes) {
    if (Status s = quarantine(reader, where, {}, "too large: " + channels::size_text(message.size),
                              nullptr, message.size, entries);
        !s)
      return s;
    return finish();
  }
  auto raw = client.fetch(message.uid, options_.max_mail_bytes);
  if (!raw) {
    if (raw.error().field != "message") return raw.error();
    if (Status s = quarantine(reader, where, {}, "too large", nullptr, message.size, entries); !s)
      return s;
    return finish();
  }
  return take_raw(reader, where, *raw, std::move(entries));
}

Status EmailChannel::Impl::take_raw(Reader& reader, const std::string& where,
                                    const std::string& raw,
                                    std::vector<store::ChannelEntry> entries) {
  const MailboxConfig& config = reader.config;
  auto finish = [&]() { return host_.keep("email", entries); };
  auto parsed = parse_mail(raw);
  if (!parsed || !parsed->from) {
    const std::string why = parsed ? "no sender (From)" : "unreadable: " + parsed.error().message;
    if (Status s =
            quarantine(reader, where, raw, why, parsed ? &*parsed : nullptr, raw.size(), entries);
        !s)
      return s;
    return finish();
  }
  const Mail& mail = *parsed;
  // The citizen: the Reply-To a contact form sets, else the sender.
  const MailAddress& citizen = mail.reply_to && detail::plausible_address(mail.reply_to->address)
                                   ? *mail.reply_to
                                   : *mail.from;
  const std::string mailbox = std::to_string(config.id);
  const std::string key = detail::message_key(
      "in:", mail.message_id.empty() ? where + "@guichet.invalid" : mail.message_id);
  // The same mail again in this mailbox (a copy in the folder, or read
  // before a crash), by a key of the mailbox's own: the same mail sent to
  // two services is each one's. (`key`, one for all, finds its thread.)
  const std::string seen_key =
      detail::message_key("seen:" + mailbox + ":",
                          mail.message_id.empty() ? where + "@guichet.invalid" : mail.message_id);
  if (auto seen = host_.kept("email", seen_key); seen) {
    return finish();
  } else if (seen.error().code != ErrorCode::kNotFound) {
    return seen.error();
  }
  entries.push_back({seen_key, "1"});
  received_.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard lock(reader.mutex);
    ++reader.received;
  }
  auto outcome = [&](const std::string& what) { entries.push_back({key, what + " " + mailbox}); };
  if (mail.automatic == Automatic::kBounce) {
    bounces_.fetch_add(1, std::memory_order_relaxed);
    if (Status s = bounced(mail, raw); !s) return s;
    outcome("bounce");
    return finish();
  }
  // A loop: a mailbox of ours writing to another (or to itself).
  bool ours = false;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, c] : configs_)
      ours = ours || c.address == citizen.address;  // a form may send From the service
  }
  const Time now = host_.now();
  std::string refusal;
  if (ours) {
    refusal = "a loop: sent from a mailbox Guichet reads";
  } else if (!detail::plausible_address(citizen.address)) {
    refusal = "no valid sender address";
  } else if (!reader.made.count(where)) {  // a retry is not counted again
    std::lock_guard lock(reader.mutex);
    // Senders quiet for an hour are forgotten: 10,000 senders a day
    // otherwise stay in memory for good.
    if (reader.recent_by_sender.size() > 10'000) {
      std::erase_if(reader.recent_by_sender, [&](const auto& sender) {
        return sender.second.empty() || sender.second.back() <= now - kFloodWindow;
      });
    }
    auto& recent = reader.recent_by_sender[citizen.address];
    while (!recent.empty() && recent.front() <= now - kFloodWindow)
      recent.pop_front();
    if (options_.mails_per_sender_per_hour > 0 &&
        recent.size() >= static_cast<std::size_t>(options_.mails_per_sender_per_hour)) {
      refusal = "a flood: more than " + std::to_string(options_.mails_per_sender_per_hour) +
                " mails in an hour from this sender";
    } else {
      recent.push_back(now);
    }
  }
  // Set aside without their bytes: a flood or a loop does not fill the disk.
  if (!refusal.empty()) {
    if (Status s = quarantine(reader, where, {}, refusal, &mail, raw.size(), entries); !s) return s;
    outcome("quarantined");
    return finish();
  }
  const std::uint64_t thread = thread_of(mail);
  std::optional<Thread> kept_thread;
  if (thread) {
    if (auto kept = host_.kept("email", "thread:" + std::to_string(thread)))
      kept_thread = Thread::parse(*kept);
  }
  const bool same_sender = kept_thread && kept_thread->from(citizen.address);
  // Another sender quoting a request of this mailbox's: the agent may join
  // it there. Another mailbox's (another service's): never named to them.
  const std::uint64_t claims =
      thread && !same_sender && kept_thread && kept_thread->mailbox == config.id ? thread : 0;
  if (mail.automatic != Automatic::kNone) {
    // Never answered; shown in its conversation when it has one.
    automatic_.fetch_add(1, std::memory_order_relaxed);
    if (same_sender) {
      host_.note(thread, "automatic_mail",
                 json::serialize(json::object{{"kind", automatic_name(mail.automatic)},
                                              {"subject", first_characters(mail.subject, 200)},
                                              {"text", first_characters(mail.text, 500)}}));
      outcome(std::to_string(thread));
      return finish();
    }
    if (Status s =
            quarantine(reader, where, {},
                       std::string("automatic mail (") + automatic_name(mail.automatic) + ")",
                       &mail, raw.size(), entries);
        !s)
      return s;
    outcome("automatic");
    return finish();
  }

  // The citizen's new text first; the quoted history, and what is too
  // long for a message, in a file.
  const std::string full = !mail.text.empty() ? mail.text : detail::text_of_html(mail.html);
  const detail::FreshText fresh = detail::fresh_text(full);
  std::string shown = fresh.text;
  const bool cut = utf8_length(shown) > kShownCharacters;
  if (cut) shown = first_characters(shown, kShownCharacters) + "\n[…]";
  if (trimmed(shown).empty()) shown = "(message sans texte)";

  // What a first try of this mail made before it failed (a retry neither
  // makes nor posts it again).
  const auto made_before = reader.made.find(where);
  std::uint64_t interaction = 0;
  bool is_new = true;
  // A retry trusts what the first try did: the thread the mail names may
  // have been joined elsewhere meanwhile.
  if (made_before != reader.made.end() && made_before->second.joined) {
    interaction = made_before->second.interaction;
    is_new = false;
  } else if (same_sender && made_before == reader.made.end()) {
    auto written = host_.receive(thread, shown);
    if (written) {
      interaction = thread;
      is_new = false;
      reader.made[where] = {thread, true, {}, {}, true};
      joined_.fetch_add(1, std::memory_order_relaxed);
    } else if (written.error().code != ErrorCode::kFailedPrecondition) {
      return written.error();
    }
    // Its conversation had ended: a new request, which follows it.
  }
  std::vector<std::string> refused;
  // One date for the routing and the acknowledgement (a retry keeps the
  // first one's).
  detail::AnswerDeadline deadline = answer_deadline(config.queue_id, host_.now());
  if (is_new) {
    if (made_before == reader.made.end() && !reader.recovered) {
      // The mail being read when a crash came may have made its interaction:
      // routed, its text and files were kept; held, they may not all be
      // (kept again: a line twice rather than none).
      reader.recovered = true;
      if (auto open = host_.open_interactions(routing::Channel::kEmail); open) {
        for (const channels::OpenInteraction& o : *open) {
          auto mail_attribute = o.attributes.find("mail");
          if (mail_attribute == o.attributes.end() || mail_attribute->second != where) continue;
          Reader::Made found{o.id, !o.phase.empty(), {}, {}, false};
          // The date it was given, for its acknowledgement too.
          if (o.answer_due) {
            found.deadline = deadline;
            found.deadline->due = *o.answer_due;
            found.deadline->day = std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(
                deadline.calendar->zone().to_local(*o.answer_due)));
          }
          reader.made[where] = std::move(found);
        }
      }
    }
    Reader::Made& made = reader.made[where];
    if (made.deadline) {
      deadline = *made.deadline;
    } else {
      made.deadline = deadline;
    }
    if (!made.interaction) {
      // Held until its text and files are kept, then routed: the agent it is
      // offered to reads it whole, and a queue that ends it keeps it.
      auto arrived = arrive(reader, mail, citizen, where, claims, deadline);
      if (!arrived) {
        reader.made.erase(where);
        return arrived.error();
      }
      made.interaction = *arrived;
    }
    interaction = made.interaction;
    if (!made.kept) {
      const std::string opening =
          "Objet : " + (mail.subject.empty() ? std::string("(sans objet)") : mail.subject) +
          "\n\n" + shown;
      auto written = host_.record_message(interaction, false, first_characters(opening, 4000));
      if (!written) return written.error();
      made.refused = keep_files(interaction, mail, full, cut || fresh.quoted);
      made.kept = true;
    }
    refused = made.refused;
    // Routed now, or it was before the crash (then refused).
    (void)host_.route(interaction);
  } else if (made_before == reader.made.end()) {
    refused = keep_files(interaction, mail, full, cut || fresh.quoted);
  }

  // The thread, read again and written with the outcome under one lock: a
  // reply sent meanwhile keeps its place in it.
  std::lock_guard threads(threads_mutex_);
  std::optional<Thread> current;
  if (!is_new) {
    if (auto kept = host_.kept("email", "thread:" + std::to_string(interaction)))
      current = Thread::parse(*kept);
  }
  Thread t = current ? *current : Thread{};
  if (is_new || !current) {
    // A new request (even one following an ended conversation) starts its
    // own thread, in this mailbox.
    t = Thread{};
    t.mailbox = config.id;
    t.address = citizen.address;
    t.name = citizen.name;
    t.subject = mail.subject;
    t.claims = claims;
  }
  if (!mail.message_id.empty()) {
    t.references.push_back(mail.message_id);
    if (t.references.size() > 20) t.references.erase(t.references.begin());
  }
  t.last_id = mail.message_id;
  t.last_text = first_characters(fresh.text, 2000);
  t.last_date = mail.date;
  entries.push_back({"thread:" + std::to_string(interaction), t.json()});
  outcome(std::to_string(interaction));
  std::optional<detail::Outgoing> ack;
  if (is_new && config.acknowledge) {
    ack = acknowledgement(config, interaction, mail, citizen, refused, deadline);
    if (ack) {
      entries.push_back({ack->key, ack->json()});
      entries.push_back(
          {detail::message_key("out:", ack->message_id), std::to_string(interaction) + " 0"});
    }
  }
  if (Status s = finish(); !s) return s;
  reader.made.erase(where);
  if (ack) queue_for_sending(std::move(*ack));
  return Status::ok();
}

// A conversation an agent joined to another: mails answering it go there.
std::uint64_t EmailChannel::Impl::followed(std::uint64_t interaction) {
  for (int hops = 0; hops < 3; ++hops) {
    auto t = thread(interaction);
    if (!t || !t->joined_to) break;
    interaction = t->joined_to;
  }
  return interaction;
}

Result<Thread> EmailChannel::Impl::thread(std::uint64_t interaction, const char* field) {
  auto kept = host_.kept("email", "thread:" + std::to_string(interaction));
  if (!kept) {
    if (kept.error().code == ErrorCode::kNotFound)
      return not_found("not an email conversation", field);
    return kept.error();
  }
  auto thread = Thread::parse(*kept);
  if (!thread) return internal_error("an email thread unreadable");
  return *thread;
}

// The request `target` a mail's conversation claims, as the agent may see
// and join it: there, and of the same mailbox (one service's requests:
// never across services).
Result<Thread> EmailChannel::Impl::claimed(const Thread& claiming, std::uint64_t target) {
  auto found = thread(target);
  if (!found) {
    if (found.error().code == ErrorCode::kNotFound)
      return failed_precondition("the request it names is gone", "claims_thread");
    return found.error();
  }
  if (found->mailbox != claiming.mailbox)
    return failed_precondition("that request is another mailbox's", "claims_thread");
  return found;
}

Result<EmailChannel::ClaimedThread> EmailChannel::Impl::claimed_thread(std::uint64_t interaction) {
  std::lock_guard threads(threads_mutex_);
  auto claiming = thread(interaction);
  if (!claiming) return claiming.error();
  const std::uint64_t target = claiming->joined_to ? claiming->joined_to : claiming->claims;
  if (!target) return failed_precondition("this mail claims no other request", "claims_thread");
  auto claimed = this->claimed(*claiming, target);
  if (!claimed) return claimed.error();
  return EmailChannel::ClaimedThread{target, claimed->name, claimed->address, claimed->subject,
                                     claiming->joined_to != 0};
}

Result<std::uint64_t> EmailChannel::Impl::join_claimed_thread(std::uint64_t interaction) {
  std::lock_guard threads(threads_mutex_);
  auto claiming = thread(interaction);
  if (!claiming) return claiming.error();
  if (claiming->joined_to) return claiming->joined_to;  // joined already: the same answer
  if (!claiming->claims)
    return failed_precondition("this mail claims no other request", "claims_thread");
  // Where that request leads now (it may have been joined itself).
  const std::uint64_t target = followed(claiming->claims);
  auto claimed = this->claimed(*claiming, target);
  if (!claimed) return claimed.error();
  // The citizen's message there, saying who wrote it: refused once that
  // conversation has ended (then this mail is a request of its own).
  const std::string sender =
      claiming->name.empty() ? claiming->address : claiming->name + " <" + claiming->address + ">";
  auto written = host_.receive(
      target, first_characters("De : " + sender + "\nObjet : " +
                                   (claiming->subject.empty() ? std::string("(sans objet)")
                                                              : claiming->subject) +
                                   "\n\n" + claiming->last_text,
                               4000));
  if (!written) {
    if (written.error().code == ErrorCode::kFailedPrecondition)
      return failed_precondition("that request has ended: answer this mail as its own",
                                 "claims_thread");
    return written.error();
  }
  // The sender's later mails join there; the mail's own ids lead there.
  if (!claimed->from(claiming->address)) claimed->joined.push_back(claiming->address);
  std::vector<store::ChannelEntry> entries;
  for (const std::string& id : claiming->references) {
    if (std::find(claimed->references.begin(), claimed->references.end(), id) ==
        claimed->references.end())
      claimed->references.push_back(id);
    entries.push_back({detail::message_key("in:", id),
                       std::to_string(target) + " " + std::to_string(claiming->mailbox)});
  }
  while (claimed->references.size() > 20)
    claimed->references.erase(claimed->references.begin());
  claiming->claims = 0;
  claiming->joined_to = target;
  entries.push_back({"thread:" + std::to_string(target), claimed->json()});
  entries.push_back({"thread:" + std::to_string(interaction), claiming->json()});
  if (Status s = host_.keep("email", entries); !s) return s.error();
  return target;
}

}  // namespace guichet::email
