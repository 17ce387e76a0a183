#include "server/server.h"

#include <pthread.h>
#include <sys/resource.h>
#include <algorithm>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "channels/channels.h"
#include "channels/chat/chat_channel.h"
#include "channels/contact_center_host.h"
#include "channels/email/email_channel.h"
#include "channels/messages/messages_channel.h"
#include "channels/voice/voice_channel.h"
#include "conversations/contact_center.h"
#include "conversations/knowledge_base.h"
#include "core/json_format.h"
#include "core/log.h"
#include "core/network.h"
#include "core/text.h"
#include "server/api.h"
#include "server/auth.h"
#include "server/demo.h"
#include "server/event_hub.h"
#include "server/http_server.h"
#include "server/metrics.h"
#include "store/sqlite_store.h"

namespace guichet::server {

namespace {

Result<std::unique_ptr<store::SqliteStore>> open_store(const std::string& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return io_error("cannot create " + data_dir + ": " + ec.message());
  return store::SqliteStore::open((std::filesystem::path(data_dir) / "guichet.db").string());
}

// A config file's whole number in [min, max], or why not (naming `key`).
Result<int> whole_number(const std::string& value, int min, int max, const std::string& key) {
  int number = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (value.empty() || error != std::errc() || end != value.data() + value.size() || number < min ||
      number > max) {
    return invalid_argument(
        "a whole number from " + std::to_string(min) + " to " + std::to_string(max), key);
  }
  return number;
}

}  // namespace

Status read_config_file(const std::string& path, const std::vector<std::string>& already_set,
                        ServeOptions& options) {
  std::ifstream file(path);
  if (!file) return io_error("cannot read the config file " + path);
  std::string line;
  int number = 0;
  while (std::getline(file, line)) {
    ++number;
    if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    auto trim = [](std::string text) {
      const auto first = text.find_first_not_of(" \t\r");
      if (first == std::string::npos) return std::string();
      return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
    };
    line = trim(line);
    if (line.empty()) continue;
    const auto equals = line.find('=');
    if (equals == std::string::npos) {
      return invalid_argument(path + ":" + std::to_string(number) + ": expected key = value",
                              "config");
    }
    const std::string key = trim(line.substr(0, equals));
    std::string value = trim(line.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (std::find(already_set.begin(), already_set.end(), key) != already_set.end()) continue;
    if (key == "data") {
      options.data_dir = value;
    } else if (key == "listen") {
      options.listen = value;
    } else if (key == "workers") {
      auto workers = whole_number(value, 0, 999, key);
      if (!workers) return workers.error();
      options.worker_threads = *workers;
    } else if (key == "tls_cert") {
      options.tls_certificate = value;
    } else if (key == "tls_key") {
      options.tls_key = value;
    } else if (key == "demo") {
      if (value != "true" && value != "false") return invalid_argument("true or false", "demo");
      options.demo = value == "true";
    } else if (key == "sip_listen") {
      options.sip_listen = value;
    } else if (key == "rtp_ports") {
      options.rtp_ports = value;
    } else if (key == "sip_trunk") {
      options.sip_trunk = value;
    } else if (key == "sip_trunk_user") {
      options.sip_trunk_user = value;
    } else if (key == "sip_trunk_password") {
      options.sip_trunk_password = value;
    } else if (key == "sip_callers") {
      options.sip_callers = value;
    } else if (key == "media_timeout" || key == "sip_session_expires" || key == "sip_tcp_idle") {
      // Seconds, as the flags take them (0: never, but for the idle limit).
      auto seconds = whole_number(value, key == "sip_tcp_idle" ? 1 : 0, 86'400, key);
      if (!seconds) return seconds.error();
      (key == "media_timeout"         ? options.media_timeout_s
       : key == "sip_session_expires" ? options.sip_session_expires_s
                                      : options.sip_tcp_idle_s) = *seconds;
    } else if (key == "connections_per_address") {
      auto connections = whole_number(value, 1, 1'000'000, key);
      if (!connections) return connections.error();
      options.connections_per_address = *connections;
    } else if (key == "chat_starts_per_address") {
      auto starts = whole_number(value, 0, 1'000'000, key);
      if (!starts) return starts.error();
      options.chat_starts_per_address = *starts;
    } else if (key == "mail_ca") {
      options.mail_ca = value;
    } else if (key == "sip_phone_networks") {
      options.sip_phone_networks = value;
    } else if (key == "metrics_token") {
      options.metrics_token = value;
    } else if (key == "access_log") {
      if (value != "true" && value != "false")
        return invalid_argument("true or false", "access_log");
      options.access_log = value == "true";
    } else {
      return invalid_argument(path + ":" + std::to_string(number) + ": unknown setting", key);
    }
  }
  return Status::ok();
}

Result<std::pair<std::string, std::uint16_t>> parse_listen(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size()) {
    return invalid_argument("expected HOST:PORT", "listen");
  }
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty()) return invalid_argument("expected HOST:PORT", "listen");
  const std::string port_text = text.substr(colon + 1);
  if (port_text.size() > 5 || port_text.find_first_not_of("0123456789") != std::string::npos) {
    return invalid_argument("the port must be a number 0..65535", "listen");
  }
  const int port = std::stoi(port_text);
  if (port > 65535) return invalid_argument("the port must be a number 0..65535", "listen");
  return std::make_pair(host, static_cast<std::uint16_t>(port));
}

Status serve(const ServeOptions& options) {
  auto address = parse_listen(options.listen);
  if (!address) return address.status();
  if (options.worker_threads < 1 || options.worker_threads > 256) {
    return invalid_argument("workers must be 1..256", "workers");
  }
  // Block the stop signals in every thread; this one waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Each call holds sockets (two RTP ports when bridged), each client a
  // connection: take all the descriptors the system allows, not the shell's
  // customary 1024.
  if (rlimit files{}; getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    (void)setrlimit(RLIMIT_NOFILE, &files);
  }

  auto store = open_store(options.data_dir);
  if (!store) return store.status();
  // The service in a scope of its own: the engine's timers and the events
  // they write stop before the store closes.
  Status served = [&]() -> Status {
    EventHub hub;
    Metrics metrics;
    ContactCenter center(
        **store, hub,
        [] { return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now()); },
        [&metrics](std::chrono::nanoseconds took) {
          metrics.observe_routing(std::chrono::duration<double>(took).count());
        });
    // IVR flows are the voice channel's, editable with or without SIP on.
    center.check_documents("ivr_flow", voice::VoiceChannel::flow_problems);
    center.check_documents("mailbox", email::EmailChannel::mailbox_problems);
    if (Status s = center.load(); !s) return s;
    conversations::PhonePolicy phones;
    phones.trunk = !options.sip_trunk.empty();
    std::string bad;
    auto phone_networks = parse_networks(options.sip_phone_networks, &bad);
    if (!phone_networks) return invalid_argument("not a network: " + bad, "sip-phone-networks");
    phones.sip_networks = std::move(*phone_networks);
    center.set_phone_policy(std::move(phones));
    auto knowledge = KnowledgeBase::open(**store, [&center] { return center.now(); });
    if (!knowledge) return knowledge.status();
    if (Status s = (*knowledge)->load(); !s) return s;
    // The channels, registered here and nowhere else; each follows the
    // engine and the configuration.
    channels::Channels channels;
    channels::ContactCenterHost host(center, knowledge->get(), store->get());
    // The messages API first: a channel of their own, added later, takes
    // its media's replies from it.
    channels.add(std::make_unique<channels::MessagesChannel>(host));
    // The web chat: chats of its own conversations are its to deliver.
    chat::ChatOptions chat_options;
    chat_options.starts_per_address = options.chat_starts_per_address;
    chat_options.attachments_dir = options.data_dir + "/attachments";
    auto chat = chat::ChatChannel::start(chat_options, host);
    if (!chat) return chat.status();
    channels.add(std::move(*chat));
    // Email: each mailbox read over IMAP, replies sent over SMTP.
    email::EmailOptions email_options;
    email_options.attachments_dir = options.data_dir + "/attachments";
    email_options.quarantine_dir = options.data_dir + "/quarantine";
    email_options.ca_file = options.mail_ca;
    auto email = email::EmailChannel::start(email_options, host);
    if (!email) return email.status();
    channels.add(std::move(*email));
    center.observe(
        [&channels](const std::vector<routing::Event>& events) { channels.on_events(events); },
        [&channels](const std::string& kind) { channels.on_config(kind); });
    struct Unobserve {  // before `channels` goes: the engine's thread stops calling it
      ContactCenter& center;
      ~Unobserve() { center.observe({}, {}); }
    } unobserve{center};
    if (options.demo) {
      auto accounts = seed_demo(**store, center, **knowledge);
      if (!accounts) return accounts.status();
      std::fprintf(stderr, "%s", accounts->c_str());
      // Its mail, once (the email channel keeps its threads).
      auto threads = (*store)->channel_entries("email", "thread:");
      auto documents = (*store)->documents("mailbox");
      if (threads && threads->empty() && documents) {
        for (const store::Document& d : *documents) {
          if (d.body_json.find(kDemoMailbox) == std::string::npos) continue;
          Status seeded = channels.with("email", [&](channels::Channel* channel) {
            auto* mail = dynamic_cast<email::EmailChannel*>(channel);
            return mail ? seed_demo_mail(*mail, d.id, kDemoMailbox) : Status::ok();
          });
          if (!seeded) return seeded;
        }
      }
    }
    if (options.load_test_agents > 0) {
      auto seeded =
          seed_load_test(**store, center, options.load_test_agents, options.load_test_queues);
      if (!seeded) return seeded.status();
      std::fprintf(stderr, "%s", seeded->c_str());
    }
    ApiOptions api_options;
    api_options.data_dir = options.data_dir;
    api_options.metrics_token = options.metrics_token;
    Api api(**store, center, **knowledge, hub, metrics, channels, api_options);
    HttpServer::Options http;
    http.host = address->first;
    http.port = address->second;
    http.worker_threads = options.worker_threads;
    http.max_connections_per_address = options.connections_per_address;
    // A citizen's file, an agent's for a mail (5 MB each), and its request.
    http.upload_limits = {{"/chat/v1/attachments", (5u << 20) + 4096},
                          {"/api/v1/interactions/*/attachments", (5u << 20) + 4096}};
    if (options.tls_certificate.empty() != options.tls_key.empty()) {
      return invalid_argument("TLS needs both a certificate and a key", "tls-cert");
    }
    http.tls_certificate = options.tls_certificate;
    http.tls_key = options.tls_key;
    http.access_log = options.access_log;
    auto server = HttpServer::start(
        http, [&api](const HttpRequest& request) { return api.handle(request); },
        [&api](const HttpRequest& request, Responder respond) {
          return api.handle_quick(request, respond);
        },
        std::vector<std::string>{"/api/v1/events", "/chat/v1/stream"},
        [&api](const HttpRequest& request) { return api.open_events(request); });
    if (!server) return server.status();
    if (!options.sip_listen.empty()) {
      auto sip_address = parse_listen(options.sip_listen);
      if (!sip_address) return sip_address.status();
      voice::VoiceChannel::Options voice_options;
      voice_options.sip_host = sip_address->first;
      voice_options.sip_port = sip_address->second;
      unsigned low = 0, high = 0;
      char extra = 0;
      if (std::sscanf(options.rtp_ports.c_str(), "%u-%u%c", &low, &high, &extra) != 2 ||
          low < 1024 || high > 65535 || low > high) {
        return invalid_argument("MIN-MAX, from 1024 to 65535", "rtp-ports");
      }
      voice_options.rtp_min = static_cast<std::uint16_t>(low);
      voice_options.rtp_max = static_cast<std::uint16_t>(high);
      voice_options.trunk = options.sip_trunk;
      voice_options.trunk_user = options.sip_trunk_user;
      voice_options.trunk_password = options.sip_trunk_password;
      voice_options.data_dir = options.data_dir;
      voice_options.media_timeout_s = options.media_timeout_s;
      voice_options.session_expires_s = options.sip_session_expires_s;
      voice_options.tcp_idle_s = options.sip_tcp_idle_s;
      auto callers = parse_networks(options.sip_callers, &bad);
      if (!callers) return invalid_argument("not a network: " + bad, "sip-callers");
      voice_options.callers = std::move(*callers);
      auto started = voice::VoiceChannel::start(voice_options, host);
      if (!started) return started.status();
      channels.add(std::move(*started));
      // The API answers from before: a flow saved while the channel started
      // reached no channel (a test's flow never loaded). Read them again.
      channels.with("voice", [](channels::Channel* voice) {
        if (voice) voice->on_config("ivr_flow");
        return 0;
      });
      log::info("sip listening", "\"address\":" + json_quote(sip_address->first) +
                                     ",\"port\":" + std::to_string(sip_address->second));
    }
    log::info("listening", "\"address\":" + json_quote(http.host) +
                               ",\"port\":" + std::to_string((*server)->port()) +
                               ",\"tls\":" + (options.tls_certificate.empty() ? "false" : "true"));

    int signal = 0;
    sigwait(&signals, &signal);
    log::info("stopping", "\"signal\":" + std::to_string(signal));
    (*server)->stop();  // in-flight requests are answered
    // Its connections go now, with the streams they hold: a citizen's chat
    // stream points into the chat channel, which goes next (a SIGTERM with
    // 5,000 chats open freed the channel first: a double free).
    server->reset();
    center.drain();         // …and creates still being stored (a slow disk)
    channels.remove_all();  // calls hung up, the waiting ones abandoned
    return Status::ok();
  }();
  store->reset();  // commits what was acknowledged and closes the database
  if (!served) return served;
  log::info("stopped");
  return Status::ok();
}

Result<int> migrate(const std::string& data_dir) {
  auto store = open_store(data_dir);
  if (!store) return store.error();
  return (*store)->schema_version();
}

Status add_user(const std::string& data_dir, const std::string& username, const std::string& role,
                const std::string& password) {
  auto parsed_role = store::role_from_string(role);
  if (!parsed_role) return invalid_argument("agent, supervisor or admin", "role");
  if (username.empty() || username.size() > 64)
    return invalid_argument("1 to 64 characters", "name");
  if (!valid_username(username)) {
    return invalid_argument("1 to 64 of a-z, 0-9, '.', '_', '-' (lower case)", "name");
  }
  auto hash = hash_new_password(password, username);  // checked before the store is created
  if (!hash) return hash.status();
  auto store = open_store(data_dir);
  if (!store) return store.status();
  store::User user;
  user.username = username;
  user.display_name = username;
  user.role = *parsed_role;
  user.password_hash = *hash;
  user.created_at = std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
  return (*store)->create_user(user).status();
}

}  // namespace guichet::server
