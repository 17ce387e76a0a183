// The `guichet` command. Each subcommand parses its flags here and calls one
// component; errors are printed as one line on stderr with exit status 2
// (bad usage or input) or 1 (failure while running).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "core/json_format.h"
#include "server/server.h"
#include "sim/erlang.h"
#include "sim/simulator.h"

namespace {

using guichet::Status;

int report_error(const guichet::Error& error) {
  std::cerr << "guichet: " << Status(error).to_string() << "\n";
  return error.code == guichet::ErrorCode::kInvalidArgument ? 2 : 1;
}

struct SimulateFlags {
  std::string scenario_file;
  std::string csv_file;
  std::uint64_t seed = 1;
  guichet::sim::SingleQueue single;
  std::optional<double> patience;
};

int run_simulate(const SimulateFlags& flags) {
  guichet::Result<guichet::sim::Scenario> scenario = guichet::invalid_argument("unset");
  if (!flags.scenario_file.empty()) {
    std::ifstream file(flags.scenario_file);
    if (!file) return report_error(guichet::io_error("cannot read " + flags.scenario_file));
    std::ostringstream text;
    text << file.rdbuf();
    scenario = guichet::sim::parse_scenario(text.str());
  } else if (flags.single.agents > 0) {
    guichet::sim::SingleQueue single = flags.single;
    single.patience_s = flags.patience;
    scenario = guichet::sim::single_queue_scenario(single);
  } else {
    return report_error(guichet::invalid_argument(
        "give --scenario FILE, or --agents with --arrivals-per-hour and --aht", "scenario"));
  }
  if (!scenario) return report_error(scenario.error());
  guichet::sim::Options options;
  options.seed = flags.seed;
  auto report = guichet::sim::simulate(*scenario, options);
  if (!report) return report_error(report.error());
  if (!flags.csv_file.empty()) {
    std::ofstream csv(flags.csv_file);
    csv << guichet::sim::report_csv(*report);
    if (!csv.flush()) return report_error(guichet::io_error("cannot write " + flags.csv_file));
  }
  std::cout << guichet::sim::report_json(*report) << "\n";
  return 0;
}

int run_erlang(const guichet::sim::StaffingQuestion& question, std::optional<double> target) {
  using guichet::json_number;
  auto answer = guichet::sim::erlang(question);
  std::string out = std::string("{\"model\":\"") + (question.patience_s ? "erlang_a" : "erlang_c") +
                    "\",\"agents\":" + std::to_string(question.agents);
  if (answer) {
    out += ",\"p_wait\":" + json_number(answer->p_wait, 4) +
           ",\"asa_s\":" + json_number(answer->asa_s, 2) +
           ",\"service_level\":" + json_number(answer->service_level, 4) +
           ",\"occupancy\":" + json_number(answer->occupancy, 4);
    if (answer->abandon_rate) out += ",\"abandon_rate\":" + json_number(*answer->abandon_rate, 4);
  } else if (!target) {
    return report_error(answer.error());
  } else {
    // Too few agents for a steady state: the agents needed are still worth printing.
    out += ",\"error\":" + guichet::json_quote(answer.error().message);
  }
  if (target) {
    auto needed = guichet::sim::agents_needed(question, *target);
    if (!needed) return report_error(needed.error());
    out +=
        ",\"target\":" + json_number(*target, 4) + ",\"agents_needed\":" + std::to_string(*needed);
  }
  std::cout << out << "}\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Guichet — omnichannel contact center for public services"};
  app.require_subcommand(1);

  SimulateFlags sim;
  CLI::App* simulate = app.add_subcommand(
      "simulate", "Simulate a contact-center day through the routing engine; prints JSON");
  simulate->add_option("--scenario", sim.scenario_file, "Scenario file (JSON)")
      ->check(CLI::ExistingFile);
  simulate->add_option("--seed", sim.seed, "Random seed");
  simulate->add_option("--csv", sim.csv_file, "Write per-interval figures to this CSV file");
  simulate->add_option("--agents", sim.single.agents, "One queue: number of agents")
      ->check(CLI::Range(1, 100000));
  simulate->add_option("--arrivals-per-hour", sim.single.arrivals_per_hour,
                       "One queue: Poisson arrivals per hour");
  simulate->add_option("--aht", sim.single.aht_s, "One queue: mean handle time (s), exponential");
  simulate->add_option("--patience", sim.patience, "One queue: mean patience (s), exponential");
  simulate->add_option("--threshold", sim.single.threshold_s, "Service-level threshold (s)");
  simulate->add_option("--hours", sim.single.hours, "One queue: hours of arrivals");

  guichet::sim::StaffingQuestion staffing;
  std::optional<double> patience;
  std::optional<double> target;
  CLI::App* erlang = app.add_subcommand(
      "erlang", "Erlang C (Erlang A with --patience) staffing figures; prints JSON");
  erlang->add_option("--agents", staffing.agents, "Number of agents")->required();
  erlang->add_option("--arrivals-per-hour", staffing.arrivals_per_hour, "Arrivals per hour")
      ->required();
  erlang->add_option("--aht", staffing.aht_s, "Mean handle time (s)")->required();
  erlang->add_option("--threshold", staffing.threshold_s, "Service-level threshold (s)")
      ->required();
  erlang->add_option("--patience", patience, "Mean patience (s): Erlang A");
  erlang->add_option("--target", target, "Service-level target: also print agents needed")
      ->check(CLI::Range(0.0, 1.0));

  guichet::server::ServeOptions serve_options;
  CLI::App* serve = app.add_subcommand("serve", "Run the Guichet service (HTTP API)");
  // Every setting: a flag, an environment variable (GUICHET_…), or a line of
  // the config file (`listen = "0.0.0.0:8080"`); flags and environment win.
  std::string config_file;
  serve->add_option("--tls-cert", serve_options.tls_certificate, "TLS certificate chain (PEM)")
      ->envname("GUICHET_TLS_CERT");
  serve->add_option("--tls-key", serve_options.tls_key, "TLS private key (PEM)")
      ->envname("GUICHET_TLS_KEY");
  serve
      ->add_option(
          "--config", config_file,
          "Config file: data, listen, workers, demo, tls_cert, tls_key, access_log, sip_listen, "
          "rtp_ports, sip_trunk, sip_trunk_user, sip_trunk_password, sip_phone_networks, "
          "metrics_token")
      ->envname("GUICHET_CONFIG");
  serve->add_option("--data", serve_options.data_dir, "Data directory (holds guichet.db)")
      ->envname("GUICHET_DATA");
  serve->add_option("--listen", serve_options.listen, "HOST:PORT to listen on (port 0: any free)")
      ->envname("GUICHET_LISTEN");
  serve
      ->add_flag("--demo", serve_options.demo,
                 "Seed the demo town hall (Mairie de Saint-Exemple) into an empty database")
      ->envname("GUICHET_DEMO");
  serve->add_option("--workers", serve_options.worker_threads, "Request worker threads")
      ->check(CLI::Range(1, 256))
      ->envname("GUICHET_WORKERS");
  serve
      ->add_option("--sip-listen", serve_options.sip_listen,
                   "HOST:PORT for SIP over UDP and TCP (voice; off when not given)")
      ->envname("GUICHET_SIP_LISTEN");
  serve
      ->add_option("--rtp-ports", serve_options.rtp_ports,
                   "MIN-MAX: the UDP ports for the calls' audio (two per call)")
      ->envname("GUICHET_RTP_PORTS");
  serve
      ->add_option("--sip-trunk", serve_options.sip_trunk,
                   "HOST:PORT where agents' phone numbers are called (SIP URIs go direct)")
      ->envname("GUICHET_SIP_TRUNK");
  serve->add_option("--sip-trunk-user", serve_options.sip_trunk_user, "Trunk digest user name")
      ->envname("GUICHET_SIP_TRUNK_USER");
  serve
      ->add_option("--sip-trunk-password", serve_options.sip_trunk_password,
                   "Trunk digest password (better in the config file or environment)")
      ->envname("GUICHET_SIP_TRUNK_PASSWORD");
  serve
      ->add_option("--sip-callers", serve_options.sip_callers,
                   "CIDR,... — where calls may come from (trunks, PBX); default: anyone, "
                   "10 new calls a second per source")
      ->envname("GUICHET_SIP_CALLERS");
  serve
      ->add_option("--connections-per-address", serve_options.connections_per_address,
                   "N connections open at once from one address (default 256; each web chat "
                   "holds one: raise it behind a reverse proxy)")
      ->check(CLI::Range(1, 1000000))
      ->envname("GUICHET_CONNECTIONS_PER_ADDRESS");
  serve
      ->add_option("--chat-starts-per-address", serve_options.chat_starts_per_address,
                   "N web chat conversations (or messages left) per citizen address in 10 "
                   "minutes (default 20; 0: no limit, e.g. behind a reverse proxy)")
      ->check(CLI::Range(0, 1000000))
      ->envname("GUICHET_CHAT_STARTS_PER_ADDRESS");
  serve
      ->add_option("--mail-ca", serve_options.mail_ca,
                   "FILE: a certificate authority (PEM) the mail servers' certificates are "
                   "checked against (default: the system's)")
      ->check(CLI::ExistingFile)
      ->envname("GUICHET_MAIL_CA");
  serve
      ->add_option("--media-timeout", serve_options.media_timeout_s,
                   "SECONDS without audio from a caller or a phone before its call ends "
                   "(default 30; 0: never)")
      ->check(CLI::Range(0, 86400))
      ->envname("GUICHET_MEDIA_TIMEOUT");
  serve
      ->add_option("--sip-session-expires", serve_options.sip_session_expires_s,
                   "SECONDS: each call leg is refreshed (re-INVITE, RFC 4028) every half of "
                   "this, and ends when a refresh finds no call (default 1800; 0: never)")
      ->check(CLI::Range(0, 86400))
      ->envname("GUICHET_SIP_SESSION_EXPIRES");
  serve
      ->add_option("--sip-tcp-idle", serve_options.sip_tcp_idle_s,
                   "SECONDS a SIP-over-TCP connection may stay without a request (keepalives "
                   "are not requests) and no call before it is closed (default 120)")
      ->check(CLI::Range(1, 86400))
      ->envname("GUICHET_SIP_TCP_IDLE");
  serve
      ->add_option("--sip-phone-networks", serve_options.sip_phone_networks,
                   "CIDR,... — the networks agents' sip: phones may be in (default: any)")
      ->envname("GUICHET_SIP_PHONE_NETWORKS");
  serve
      ->add_option("--metrics-token", serve_options.metrics_token,
                   "/metrics to requests with this Bearer token (default: from this machine only)")
      ->envname("GUICHET_METRICS_TOKEN");
  std::string load_test;
  serve
      ->add_option("--load-test", load_test,
                   "AGENTS:QUEUES — seed that many agents and queues into an empty store "
                   "(load tests; password charge-de-test)")
      ->envname("GUICHET_LOAD_TEST");
  serve
      ->add_option("--access-log", serve_options.access_log,
                   "A JSON line per HTTP request on stdout (true or false)")
      ->envname("GUICHET_ACCESS_LOG");

  std::string migrate_data = "data";
  CLI::App* migrate =
      app.add_subcommand("migrate", "Bring the database to the latest schema (serve does it too)");
  migrate->add_option("--data", migrate_data, "Data directory")->envname("GUICHET_DATA");

  std::string user_name;
  std::string user_role;
  std::string user_data = "data";
  CLI::App* user = app.add_subcommand("user", "Manage user accounts");
  user->require_subcommand(1);
  CLI::App* user_add =
      user->add_subcommand("add", "Add a user; the password is read from standard input");
  user_add->add_option("--name", user_name, "User name")->required();
  user_add->add_option("--role", user_role, "agent, supervisor or admin")->required();
  user_add->add_option("--data", user_data, "Data directory")->envname("GUICHET_DATA");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (simulate->parsed()) return run_simulate(sim);
  if (serve->parsed()) {
    if (!config_file.empty()) {
      std::vector<std::string> already_set;
      for (const char* key :
           {"data", "listen", "workers", "demo", "tls_cert", "tls_key", "access_log", "sip_listen",
            "rtp_ports", "sip_trunk", "sip_trunk_user", "sip_trunk_password", "sip_phone_networks",
            "metrics_token"}) {
        std::string flag = std::string("--") + key;
        std::replace(flag.begin(), flag.end(), '_', '-');
        if (serve->get_option(flag)->count() > 0) already_set.push_back(key);
      }
      if (Status s = guichet::server::read_config_file(config_file, already_set, serve_options);
          !s) {
        return report_error(s.error());
      }
    }
    if (!load_test.empty()) {
      int agents = 0, queues = 0;
      char extra = 0;
      if (std::sscanf(load_test.c_str(), "%d:%d%c", &agents, &queues, &extra) != 2) {
        return report_error(guichet::Error{guichet::ErrorCode::kInvalidArgument,
                                           "expected AGENTS:QUEUES, e.g. 2000:200", "load-test"});
      }
      serve_options.load_test_agents = agents;
      serve_options.load_test_queues = queues;
    }
    Status status = guichet::server::serve(serve_options);
    return status ? 0 : report_error(status.error());
  }
  if (migrate->parsed()) {
    auto version = guichet::server::migrate(migrate_data);
    if (!version) return report_error(version.error());
    std::cout << "schema version " << *version << "\n";
    return 0;
  }
  if (user_add->parsed()) {
    std::string password;
    std::getline(std::cin, password);
    Status status = guichet::server::add_user(user_data, user_name, user_role, password);
    if (!status) return report_error(status.error());
    std::cout << "user " << user_name << " added (" << user_role << ")\n";
    return 0;
  }
  if (erlang->parsed()) {
    staffing.patience_s = patience;
    return run_erlang(staffing, target);
  }
  return 2;
}
