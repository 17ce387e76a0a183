// `guichet serve`: the running service — the store, the HTTP API — until
// SIGTERM or SIGINT, then a graceful stop (stop accepting, finish requests in
// progress, flush the store).
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace guichet::server {

struct ServeOptions {
  std::string data_dir = "data";          // holds guichet.db
  std::string listen = "127.0.0.1:8080";  // HOST:PORT; port 0 takes a free one
  int worker_threads = 8;
  bool demo = false;            // seed the demo town hall into an empty store, print its accounts
  std::string tls_certificate;  // both set: HTTPS and WSS only (PEM files)
  std::string tls_key;
  bool access_log = true;  // a JSON line per HTTP request on stdout
  std::string sip_listen;  // HOST:PORT for SIP (UDP and TCP); empty: no SIP
  // Where agents' numbers (not sip: URIs) are called: "host:port", with
  // digest credentials when it challenges.
  std::string rtp_ports = "20000-29999";  // MIN-MAX: the UDP ports calls' audio uses
  std::string sip_trunk;
  std::string sip_trunk_user;
  std::string sip_trunk_password;
  // Where calls come from (the operator's trunks, the PBX), comma-separated
  // CIDRs: INVITEs from elsewhere get 403. Empty: anyone, each source at most
  // 10 new calls a second (bursts of 30), beyond which INVITEs go unanswered.
  std::string sip_callers;
  // A call whose audio (RTP) stops this long is hung up: a caller gone
  // without BYE. 0: never.
  int media_timeout_s = 30;
  int sip_session_expires_s = 1800;
  int sip_tcp_idle_s = 120;
  // Networks agents' sip: phones may be in, comma-separated CIDRs
  // ("192.0.2.0/24,127.0.0.1"); empty: any address (agent_phone.h).
  std::string sip_phone_networks;
  // /metrics: with a token, to requests carrying "Authorization: Bearer
  // TOKEN" from anywhere; without, to requests from this machine only.
  std::string metrics_token;
  // Web chat: conversations started (and messages left) per citizen address
  // in 10 minutes; 0: no limit (behind a reverse proxy every citizen has
  // the proxy's address).
  int chat_starts_per_address = 20;
  // Email: a certificate authority (PEM file) the mail servers' certificates
  // are checked against, besides none (empty: the system's).
  std::string mail_ca;
  // Connections open at once from one address (each chat's citizen holds
  // one); behind a reverse proxy, every citizen comes from its address.
  int connections_per_address = 256;
  // Load tests: seed this many agents and queues into an empty store (0: no).
  int load_test_agents = 0;
  int load_test_queues = 0;
};

// Reads a config file of `key = value` lines (TOML's simple form: strings in
// quotes, numbers, true/false; `#` comments): data, listen, workers, demo,
// tls_cert, tls_key, access_log, sip_listen, rtp_ports, sip_trunk, sip_trunk_user,
// sip_trunk_password, sip_phone_networks, metrics_token, media_timeout, sip_callers,
// sip_session_expires, sip_tcp_idle, mail_ca.
// Keys in `already_set` (given by a flag or the environment) are left alone.
// Unknown keys and bad values are refused, naming the key.
Status read_config_file(const std::string& path, const std::vector<std::string>& already_set,
                        ServeOptions& options);

// Parses "HOST:PORT" ("[::1]:8080" for IPv6).
Result<std::pair<std::string, std::uint16_t>> parse_listen(const std::string& text);

// Blocks until a stop signal. Prints one JSON line when listening:
// {"level":"info","msg":"listening","address":…,"port":…}.
Status serve(const ServeOptions& options);

// Opens the store of `data_dir`, applying the migrations it lacks (the
// `guichet migrate` command); returns the schema version reached.
Result<int> migrate(const std::string& data_dir);

// Adds a user to the store of `data_dir` (the `guichet user add` command).
Status add_user(const std::string& data_dir, const std::string& username, const std::string& role,
                const std::string& password);

}  // namespace guichet::server
