// The email channel (email_channel.h): its mailboxes and their readers,
// the configuration, the figures.
#include "channels/email/email_channel.h"

#include <boost/json.hpp>

#include <cinttypes>
#include <cstdio>
#include <set>

#include "channels/email/detail/email_channel_impl.h"
#include "core/json_format.h"
#include "core/log.h"
#include "core/text.h"

namespace guichet::email {

namespace json = boost::json;
using detail::MailboxConfig;

EmailChannel::Impl::Impl(EmailOptions options, channels::Host& host)
    : options_(std::move(options)), host_(host) {}

EmailChannel::Impl::~Impl() {
  std::map<std::uint64_t, std::unique_ptr<Reader>> readers;
  {
    std::lock_guard lock(mutex_);
    readers.swap(readers_);
  }
  for (auto& [id, reader] : readers)
    stop_reader(*reader);
  for (auto& [id, reader] : readers)
    if (reader->thread.joinable()) reader->thread.join();
  {
    std::lock_guard lock(outbox_mutex_);
    stopping_ = true;
  }
  outbox_ready_.notify_all();
  if (sender_.joinable()) sender_.join();
}

void EmailChannel::Impl::load() {
  // The outbox first: what was accepted before a stop is sent.
  if (auto kept = host_.kept_from("email", "outbox:"); kept) {
    std::lock_guard lock(outbox_mutex_);
    for (const store::ChannelEntry& e : *kept) {
      std::int64_t ms = 0;
      std::uint64_t sequence = 0;
      if (std::sscanf(e.key.c_str(), "outbox:%" SCNd64 "-%" SCNu64, &ms, &sequence) == 2 &&
          (ms > last_outbox_ms_ || (ms == last_outbox_ms_ && sequence > outbox_sequence_))) {
        last_outbox_ms_ = ms;
        outbox_sequence_ = sequence;
      }
      if (auto outgoing = detail::Outgoing::parse(e.key, e.value)) {
        outbox_.push_back(std::move(*outgoing));
      } else {
        log::warning("email: an outbox entry unreadable, left", "\"key\":" + json_quote(e.key));
      }
    }
  }
  reload_mailboxes();
  sender_ = std::thread([this] { send_loop(); });  // once the mailboxes are known
}

void EmailChannel::Impl::stop_reader(Reader& reader) {
  {
    // Under its mutex: a reader between its wait's check and its sleep
    // would otherwise miss the wake and sleep its whole wait.
    std::lock_guard lock(reader.mutex);
    reader.stop = true;
  }
  reader.wake.notify_all();
}

void EmailChannel::Impl::reload_mailboxes() {
  // One at a time: the domain's (a document saved) and the API's (its
  // passwords kept) could otherwise start two readers on one mailbox.
  std::lock_guard reloading(reload_mutex_);
  auto documents = host_.documents("mailbox");
  if (!documents) {
    log::warning("email: mailboxes unreadable",
                 "\"error\":" + json_quote(documents.error().message));
    return;
  }
  std::map<std::uint64_t, MailboxConfig> configs;
  std::set<std::uint64_t> present;  // readable or not: only a removed one is forgotten
  for (const store::Document& d : *documents) {
    present.insert(d.id);
    auto config = detail::read_mailbox(d.body_json, d.id, d.name);
    if (!config) {
      log::warning("email: a mailbox unreadable", "\"id\":" + std::to_string(d.id) + ",\"error\":" +
                                                      json_quote(config.error().message));
      continue;
    }
    config->imap.password = secret(d.id, "imap");
    config->smtp.password = secret(d.id, "smtp");
    config->imap.ca_file = config->smtp.ca_file = options_.ca_file;
    configs[d.id] = std::move(*config);
  }
  // Readers whose mailbox changed or went stop; new ones start.
  std::vector<std::unique_ptr<Reader>> stopped;
  {
    std::lock_guard lock(mutex_);
    configs_ = configs;
    for (auto it = readers_.begin(); it != readers_.end();) {
      auto wanted = configs.find(it->first);
      if (wanted == configs.end() || !wanted->second.enabled ||
          !(wanted->second == it->second->config)) {
        stopped.push_back(std::move(it->second));
        it = readers_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& reader : stopped)
    stop_reader(*reader);
  for (auto& reader : stopped)
    if (reader->thread.joinable()) reader->thread.join();
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, config] : configs) {
      if (!config.enabled || readers_.count(id)) continue;
      auto reader = std::make_unique<Reader>();
      reader->config = config;
      Reader* r = reader.get();
      readers_[id] = std::move(reader);
      r->thread = std::thread([this, r] { read_loop(*r); });
    }
  }
  {
    std::lock_guard outbox(outbox_mutex_);
    sending_.clear();  // a mailbox's SMTP may have been mended: tried again now
  }
  forget_removed(present);
  outbox_ready_.notify_all();
}

Status EmailChannel::Impl::take_mail(std::uint64_t id, std::string_view raw) {
  auto config = mailbox(id);
  if (!config) return not_found("no such mailbox", "mailbox");
  Reader reader;  // not read over IMAP: its counters only
  reader.config = std::move(*config);
  reader.recovered = true;
  Status taken =
      take_raw(reader, std::to_string(id) + ":import:" + random_hex(6), std::string(raw), {});
  return taken;
}

std::string EmailChannel::Impl::secret(std::uint64_t id, std::string_view server) {
  auto kept = host_.kept("email", EmailChannel::secret_key(id, server));
  return kept ? *kept : std::string();
}

void EmailChannel::Impl::forget_removed(const std::set<std::uint64_t>& present) {
  std::vector<store::ChannelEntry> forget;
  if (auto boxes = host_.kept_from("email", "box:"); boxes) {
    for (const store::ChannelEntry& e : *boxes) {
      const std::uint64_t id = std::strtoull(e.key.c_str() + 4, nullptr, 10);
      if (!present.count(id)) forget.push_back({e.key, ""});
    }
  }
  std::vector<detail::Outgoing> failed;
  {
    std::lock_guard lock(outbox_mutex_);
    for (auto it = outbox_.begin(); it != outbox_.end();) {
      if (present.count(it->mailbox)) {
        ++it;
        continue;
      }
      forget.push_back({it->key, ""});
      failed.push_back(std::move(*it));
      it = outbox_.erase(it);
    }
  }
  if (forget.empty()) return;
  if (Status s = host_.keep("email", forget); !s) {
    log::warning("email: a removed mailbox's entries stay",
                 "\"error\":" + json_quote(s.error().message));
    return;
  }
  for (const detail::Outgoing& o : failed) {
    if (o.agent != 0) {
      host_.note_delivery({o.interaction, o.agent, ""}, channels::Delivery::kFailed,
                          "its mailbox was removed");
    } else {
      host_.note(o.interaction, "acknowledgement_failed",
                 "{\"to\":" + json_quote(o.to) + ",\"detail\":\"its mailbox was removed\"}");
    }
  }
}

std::optional<MailboxConfig> EmailChannel::Impl::mailbox(std::uint64_t id) const {
  std::lock_guard lock(mutex_);
  auto found = configs_.find(id);
  if (found == configs_.end()) return std::nullopt;
  return found->second;
}

std::string EmailChannel::Impl::metrics() const {
  std::string out;
  auto counter = [&out](const char* name, const char* help, std::uint64_t value) {
    out += std::string("# HELP guichet_email_") + name + " " + help + "\n# TYPE guichet_email_" +
           name + " counter\nguichet_email_" + name + " " + std::to_string(value) + "\n";
  };
  counter("received_total", "Mails taken from the mailboxes (new requests and replies).",
          received_.load());
  counter("joined_total", "Mails that joined their conversation.", joined_.load());
  counter("quarantined_total", "Mails not taken (unreadable, too large, a loop, a flood).",
          quarantined_.load());
  counter("automatic_total", "Mails a machine sent (auto-replies, lists), never answered.",
          automatic_.load());
  counter("bounces_total", "Bounces of mails Guichet sent.", bounces_.load());
  counter("sent_total", "Agents' replies the SMTP server took.", sent_.load());
  counter("acknowledged_total", "Acknowledgements the SMTP server took.", acknowledged_.load());
  counter("failed_total", "Mails the SMTP server refused for good.", failed_.load());
  out +=
      "# HELP guichet_email_mailbox_up Whether the mailbox's IMAP server answers (1) or not.\n"
      "# TYPE guichet_email_mailbox_up gauge\n";
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, reader] : readers_) {
      std::lock_guard state(reader->mutex);
      out += "guichet_email_mailbox_up{mailbox=\"" + std::to_string(id) + "\"} " +
             (reader->up ? "1" : "0") + "\n";
    }
  }
  std::lock_guard lock(outbox_mutex_);
  out +=
      "# HELP guichet_email_smtp_up Whether the mailbox's SMTP server takes mail (1) or not.\n"
      "# TYPE guichet_email_smtp_up gauge\n";
  for (const auto& [id, s] : sending_)
    out += "guichet_email_smtp_up{mailbox=\"" + std::to_string(id) + "\"} " + (s.up ? "1" : "0") +
           "\n";
  out +=
      "# HELP guichet_email_outbox Mails waiting to be sent.\n# TYPE guichet_email_outbox gauge\n"
      "guichet_email_outbox " +
      std::to_string(outbox_.size()) + "\n";
  return out;
}

std::string EmailChannel::Impl::stats_json() const {
  json::array mailboxes;
  std::map<std::uint64_t, Sending> sending;
  std::size_t waiting = 0;
  {
    std::lock_guard lock(outbox_mutex_);
    sending = sending_;
    waiting = outbox_.size();
  }
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, config] : configs_) {
      json::object m{{"id", id},
                     {"name", config.name},
                     {"address", config.address},
                     {"queue_id", config.queue_id},
                     {"enabled", config.enabled}};
      if (auto r = readers_.find(id); r != readers_.end()) {
        Reader& reader = *r->second;
        std::lock_guard state(reader.mutex);
        m["imap"] = json::object{
            {"up", reader.up},
            {"error", reader.error},
            {"field", reader.error_field},
            {"idle", reader.idle},
            {"checked_at", reader.checked == Time{} ? json::value(nullptr)
                                                    : json::value(iso8601(reader.checked))},
            {"received", reader.received},
            {"quarantined", reader.quarantined}};
      }
      const auto s = sending.find(id);
      m["smtp"] = json::object{{"up", s == sending.end() || s->second.up},
                               {"error", s == sending.end() ? "" : s->second.error}};
      mailboxes.push_back(std::move(m));
    }
  }
  json::array quarantine;
  if (auto kept = host_.kept_from("email", "quarantine:"); kept) {
    // The newest 50 (keys hold the time they were set aside).
    const std::size_t from = kept->size() > 50 ? kept->size() - 50 : 0;
    for (std::size_t i = kept->size(); i-- > from;) {
      boost::system::error_code ec;
      json::value v = json::parse((*kept)[i].value, ec);
      if (!ec) quarantine.push_back(std::move(v));
    }
  }
  return json::serialize(json::object{{"mailboxes", std::move(mailboxes)},
                                      {"outbox", waiting},
                                      {"received", received_.load()},
                                      {"joined", joined_.load()},
                                      {"quarantined", quarantined_.load()},
                                      {"automatic", automatic_.load()},
                                      {"bounces", bounces_.load()},
                                      {"sent", sent_.load()},
                                      {"acknowledged", acknowledged_.load()},
                                      {"failed", failed_.load()},
                                      {"quarantine", std::move(quarantine)}});
}

ConnectionTest EmailChannel::Impl::test_connection(const std::string& body_json, std::uint64_t id) {
  boost::system::error_code ec;
  json::value parsed = json::parse(body_json, ec);
  ConnectionTest out{Status::ok(), Status::ok()};
  if (ec || !parsed.is_object()) {
    out.imap = out.smtp = invalid_argument("a JSON object", "body");
    return out;
  }
  const json::object& o = parsed.as_object();
  auto text = [&o](const char* key) {
    const json::value* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  const std::optional<MailboxConfig> saved = id != 0 ? mailbox(id) : std::nullopt;
  auto account = [&](const char* server) {
    ServerAccount a;
    a.url = text((std::string(server) + "_url").c_str());
    a.user = text((std::string(server) + "_user").c_str());
    a.password = text((std::string(server) + "_password").c_str());
    // A password kept is tried on its own server and user only, never sent
    // to an address typed in the form.
    const ServerAccount* kept = !saved                               ? nullptr
                                : std::string_view(server) == "imap" ? &saved->imap
                                                                     : &saved->smtp;
    if (a.password.empty() && kept && kept->url == a.url && kept->user == a.user)
      a.password = secret(id, server);
    a.ca_file = options_.ca_file;
    a.timeout = std::chrono::seconds(10);
    return a;
  };
  out.imap = try_imap(account("imap"));
  out.smtp = try_smtp(account("smtp"));
  return out;
}

// EmailChannel.

Result<std::unique_ptr<EmailChannel>> EmailChannel::start(EmailOptions options,
                                                          channels::Host& host) {
  auto impl = std::make_unique<Impl>(std::move(options), host);
  impl->load();
  return std::unique_ptr<EmailChannel>(new EmailChannel(std::move(impl)));
}

EmailChannel::EmailChannel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EmailChannel::~EmailChannel() = default;

void EmailChannel::on_events(const std::vector<routing::Event>& /*events*/) {
  // An offer of a mail is shown on the desk; nothing rings.
}

void EmailChannel::on_config(const std::string& kind) {
  if (kind == "mailbox") impl_->reload_mailboxes();
}

Status EmailChannel::control(std::uint64_t, const std::string&, std::uint64_t, bool) {
  return failed_precondition("a mail has nothing to hold or hang up", "action");
}

Status EmailChannel::deliver(const channels::Reply& reply) {
  return impl_->deliver(reply);
}

std::string EmailChannel::metrics() const {
  return impl_->metrics();
}
std::string EmailChannel::stats_json() const {
  return impl_->stats_json();
}

Status EmailChannel::take_mail(std::uint64_t mailbox, std::string_view raw) {
  return impl_->take_mail(mailbox, raw);
}

Result<std::uint64_t> EmailChannel::join_claimed_thread(std::uint64_t interaction) {
  return impl_->join_claimed_thread(interaction);
}
Result<EmailChannel::ClaimedThread> EmailChannel::claimed_thread(std::uint64_t interaction) {
  return impl_->claimed_thread(interaction);
}

ConnectionTest EmailChannel::test_connection(const std::string& body_json, std::uint64_t id) {
  return impl_->test_connection(body_json, id);
}

std::string EmailChannel::secret_key(std::uint64_t id, std::string_view server) {
  return "secret:" + std::to_string(id) + ":" + std::string(server);
}

std::vector<conversations::DocumentProblem> EmailChannel::mailbox_problems(
    const std::string& body_json, std::uint64_t id, conversations::DocumentLookup& lookup) {
  std::vector<conversations::DocumentProblem> problems;
  auto config = detail::read_mailbox(body_json, id, "");
  if (!config) {
    problems.push_back({"", config.error().field, config.error().message});
    return problems;
  }
  bool queue_found = false;
  for (const auto& queue : lookup.all("queue")) {
    if (queue.id != config->queue_id) continue;
    queue_found = true;
    boost::system::error_code ec;
    json::value body = json::parse(queue.body_json, ec);
    const json::value* channel =
        !ec && body.is_object() ? body.as_object().if_contains("channel") : nullptr;
    if (!channel || !channel->is_string() || channel->as_string() != "email") {
      problems.push_back({"", "queue_id", "an email queue"});
    } else if (const json::object& q = body.as_object();
               (q.contains("hours") || q.contains("calendar_id")) &&
               !(q.contains("accept_when_closed") && q.at("accept_when_closed").is_bool() &&
                 q.at("accept_when_closed").as_bool())) {
      // A mail is acknowledged whenever it comes: its queue keeps it.
      problems.push_back(
          {"", "queue_id", "a queue that keeps mail outside its hours (accept_when_closed)"});
    }
  }
  if (!queue_found) problems.push_back({"", "queue_id", "no such queue"});
  for (const auto& other : lookup.all("mailbox")) {
    if (other.id == id) continue;
    auto theirs = detail::read_mailbox(other.body_json, other.id, other.name);
    if (theirs && theirs->address == config->address)
      problems.push_back({"", "address", "another mailbox reads this address"});
  }
  return problems;
}

}  // namespace guichet::email
