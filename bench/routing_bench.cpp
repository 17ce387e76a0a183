// routing_bench: how fast the routing engine decides, and what a waiting
// interaction costs in memory.
//
// Prints one JSON line per scenario on stdout:
//   {"scenario","agents","queues","interactions","decisions_per_sec","p50_ns","p99_ns",
//    "bytes_per_waiting"}
// then {"scenario":"ratio","steady_vs_baseline":X}. Details (calls by kind,
// queue lengths, wall time) go to stderr.
//
// A decision is one interaction matched to one agent: one `offered` event,
// with every index update it causes.
//
// decisions_per_sec = decisions / (sum of the time spent inside the measured
// engine calls): the engine's own cost, without the simulation around it.
// An engine call is one command (arrive, accept, complete, advance,
// set_agent_state) together with the drain_events_into that collects its
// events; each is timed with std::chrono::steady_clock, so every duration
// also holds about one clock read (its cost is printed on stderr).
// p50_ns / p99_ns are over every measured call.
//
// Scenarios:
//   steady       — 10,000 agents, 200 voice queues, 1,000,000 Poisson arrivals
//                  at ~85 % occupancy, exponential service; the first 5 % of
//                  arrivals warm up and are not measured.
//   burst        — 200,000 arrivals while 5,000 agents are offline (this is
//                  where bytes_per_waiting is measured), then each agent becomes
//                  available, one timed call each.
//   baseline     — a smaller steady scenario through NaiveRouter (scans);
//   steady_small — the same smaller scenario, same arrivals, through the engine.
//   ratio        — decisions/s of steady_small over baseline (like for like).
//
// Flags: --quick (small sizes, a CI smoke test), --seed N.
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <new>
#include <numeric>
#include <optional>
#include <queue>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "naive_router.h"
#include "routing/engine.h"

// ---- heap accounting ----------------------------------------------------------
//
// Every allocation of the program goes through these replacements, so the live
// heap can be read before and after the burst's arrivals. The benchmark is
// single-threaded: a plain counter does.

namespace {
std::int64_t g_live_bytes = 0;

void* tracked_allocate(std::size_t size) {
  void* block = std::malloc(size == 0 ? 1 : size);
  if (block == nullptr) throw std::bad_alloc();
  g_live_bytes += static_cast<std::int64_t>(malloc_usable_size(block));
  return block;
}

void tracked_free(void* block) noexcept {
  if (block == nullptr) return;
  g_live_bytes -= static_cast<std::int64_t>(malloc_usable_size(block));
  std::free(block);
}
}  // namespace

void* operator new(std::size_t size) {
  return tracked_allocate(size);
}
void* operator new[](std::size_t size) {
  return tracked_allocate(size);
}
void operator delete(void* block) noexcept {
  tracked_free(block);
}
void operator delete[](void* block) noexcept {
  tracked_free(block);
}
void operator delete(void* block, std::size_t) noexcept {
  tracked_free(block);
}
void operator delete[](void* block, std::size_t) noexcept {
  tracked_free(block);
}

namespace guichet::bench {
namespace {

using routing::AgentConfig;
using routing::AgentId;
using routing::Channel;
using routing::InteractionId;
using routing::OfferId;
using routing::QueueConfig;
using routing::QueueId;
using Clock = std::chrono::steady_clock;

constexpr int kSkillCount = 50;
constexpr double kOccupancy = 0.85;
constexpr double kMeanServiceS = 300.0;
constexpr std::int64_t kStartMs = 1'700'000'000'000;  // any instant: the engine only compares
constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

// A failed command means the benchmark drives the router wrongly: stop, since
// any figure after it would be meaningless.
void check(const Status& status, const char* what) {
  if (status) return;
  std::fprintf(stderr, "routing_bench: %s failed: %s\n", what, status.to_string().c_str());
  std::exit(1);
}

// ---- workload -------------------------------------------------------------------

struct Workload {
  std::vector<AgentConfig> agents;
  std::vector<QueueConfig> queues;
  // Per queue: the sum, over its eligible agents, of 1 / the number of queues
  // that agent is eligible for. Arrivals split in these proportions leave
  // every agent the same share of work, so the load is feasible.
  std::vector<double> fair_share;
  std::size_t serving_agents = 0;  // eligible for at least one queue
  std::size_t eligible_pairs = 0;  // (agent, queue) pairs: the ready-index entries per agent
};

AgentConfig make_agent(AgentId id, std::mt19937_64& random) {
  std::vector<routing::SkillId> skills(kSkillCount);
  std::iota(skills.begin(), skills.end(), routing::SkillId{1});
  std::shuffle(skills.begin(), skills.end(), random);
  std::uniform_int_distribution<int> count(3, 8);
  std::uniform_int_distribution<int> level(routing::kMinLevel, routing::kMaxLevel);
  AgentConfig agent;
  agent.id = id;
  skills.resize(static_cast<std::size_t>(count(random)));
  for (routing::SkillId skill : skills)
    agent.skills.push_back({skill, level(random)});
  agent.capacity[static_cast<int>(Channel::kVoice)] = 1;
  return agent;
}

// Built from a randomly picked agent's skills so that the queue has at least
// that agent eligible.
QueueConfig make_queue(QueueId id, const std::vector<AgentConfig>& agents,
                       std::mt19937_64& random) {
  std::uniform_int_distribution<std::size_t> pick(0, agents.size() - 1);
  std::vector<routing::SkillLevel> skills = agents[pick(random)].skills;
  std::shuffle(skills.begin(), skills.end(), random);
  std::uniform_int_distribution<std::size_t> count(1, std::min<std::size_t>(3, skills.size()));
  std::uniform_int_distribution<int> min_level(1, 2);
  QueueConfig queue;
  queue.id = id;
  queue.channel = Channel::kVoice;
  skills.resize(count(random));
  for (const routing::SkillLevel& held : skills)
    queue.requirements.push_back({held.skill, std::min(held.level, min_level(random))});
  return queue;
}

Workload make_workload(std::size_t agent_count, std::size_t queue_count, std::mt19937_64& random) {
  Workload workload;
  for (std::size_t a = 0; a < agent_count; ++a)
    workload.agents.push_back(make_agent(a + 1, random));
  for (std::size_t q = 0; q < queue_count; ++q)
    workload.queues.push_back(make_queue(q + 1, workload.agents, random));
  workload.fair_share.assign(queue_count, 0.0);
  std::vector<std::size_t> eligible;
  for (const AgentConfig& agent : workload.agents) {
    eligible.clear();
    for (std::size_t q = 0; q < queue_count; ++q) {
      if (meets(agent.skills, workload.queues[q].requirements)) eligible.push_back(q);
    }
    if (eligible.empty()) continue;
    ++workload.serving_agents;
    workload.eligible_pairs += eligible.size();
    for (std::size_t q : eligible)
      workload.fair_share[q] += 1.0 / static_cast<double>(eligible.size());
  }
  return workload;
}

struct Arrival {
  std::int64_t at_ms = 0;
  QueueId queue = 0;
  std::int64_t service_ms = 0;
};

// Poisson arrivals sized for kOccupancy of the agents who can serve anything,
// exponential service times; interaction i + 1 is arrivals[i].
std::vector<Arrival> make_arrivals(const Workload& workload, std::size_t count,
                                   std::mt19937_64& random) {
  const double rate = kOccupancy * static_cast<double>(workload.serving_agents) / kMeanServiceS;
  std::exponential_distribution<double> gap_s(rate);
  std::exponential_distribution<double> service_s(1.0 / kMeanServiceS);
  std::discrete_distribution<std::size_t> queue(workload.fair_share.begin(),
                                                workload.fair_share.end());
  std::vector<Arrival> arrivals;
  arrivals.reserve(count);
  double clock_s = 0;
  for (std::size_t i = 0; i < count; ++i) {
    clock_s += gap_s(random);
    Arrival arrival;
    arrival.at_ms = kStartMs + std::llround(clock_s * 1000.0);
    arrival.queue = queue(random) + 1;
    arrival.service_ms = std::max<std::int64_t>(1, std::llround(service_s(random) * 1000.0));
    arrivals.push_back(arrival);
  }
  return arrivals;
}

// ---- timing -----------------------------------------------------------------------

enum class Call : std::uint8_t { kArrive, kAccept, kComplete, kAdvance, kSetState };
constexpr int kCallKinds = 5;
const char* to_string(Call call) {
  switch (call) {
    case Call::kArrive:
      return "arrive";
    case Call::kAccept:
      return "accept";
    case Call::kComplete:
      return "complete";
    case Call::kAdvance:
      return "advance";
    case Call::kSetState:
      return "set_agent_state";
  }
  return "?";
}

// The duration of every measured router call, in nanoseconds.
class CallLog {
 public:
  // Reserved up front so that recording never allocates while the heap is
  // being measured, nor inside a timed region.
  explicit CallLog(std::size_t expected_calls) {
    durations_.reserve(expected_calls);
    kinds_.reserve(expected_calls);
  }

  void start_recording() { recording_ = true; }
  bool recording() const { return recording_; }

  template <typename Command>
  auto time(Call kind, Command&& command) {
    const Clock::time_point start = Clock::now();
    auto result = command();
    const Clock::time_point end = Clock::now();
    if (recording_) {
      durations_.push_back(
          std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count());
      kinds_.push_back(kind);
    }
    return result;
  }

  const std::vector<std::int64_t>& durations() const { return durations_; }
  const std::vector<Call>& kinds() const { return kinds_; }

 private:
  std::vector<std::int64_t> durations_;
  std::vector<Call> kinds_;
  bool recording_ = false;
};

std::int64_t percentile(std::vector<std::int64_t> values, double p) {
  if (values.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())));
  const std::size_t index = std::min(values.size() - 1, rank == 0 ? 0 : rank - 1);
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(index),
                   values.end());
  return values[index];
}

// ---- routers under test -------------------------------------------------------------
//
// Two adapters with one shape, so that one driver runs both. Each times the
// router call only; turning events into decisions happens outside the clock.

struct Decision {
  OfferId offer = 0;
  InteractionId interaction = 0;
  AgentId agent = 0;
};

class EngineUnderTest {
 public:
  explicit EngineUnderTest(CallLog& log) : log_(log) { events_.reserve(64); }

  // Queues and agents; the agents start offline.
  void configure(const Workload& workload, Time now) {
    for (const QueueConfig& queue : workload.queues)
      check(engine_.upsert_queue(now, queue), "upsert_queue");
    for (const AgentConfig& agent : workload.agents)
      check(engine_.upsert_agent(now, agent), "upsert_agent");
    engine_.drain_events_into(events_);
    events_.clear();
  }

  void set_available(Time now, AgentId agent, std::vector<Decision>& decisions) {
    run(Call::kSetState, decisions, "set_agent_state",
        [&] { return engine_.set_agent_state(now, agent, routing::AgentState::kAvailable); });
  }
  void arrive(Time now, InteractionId id, QueueId queue, std::vector<Decision>& decisions) {
    run(Call::kArrive, decisions, "arrive", [&] {
      routing::InteractionSpec spec;
      spec.id = id;
      spec.queue = queue;
      return engine_.arrive(now, std::move(spec));
    });
  }
  void accept(Time now, OfferId offer, std::vector<Decision>& decisions) {
    run(Call::kAccept, decisions, "accept", [&] { return engine_.accept(now, offer); });
  }
  void complete(Time now, InteractionId id, std::vector<Decision>& decisions) {
    run(Call::kComplete, decisions, "complete", [&] { return engine_.complete(now, id); });
  }
  void advance(Time now, std::vector<Decision>& decisions) {
    run(Call::kAdvance, decisions, "advance", [&] { return engine_.advance(now); });
  }
  std::optional<Time> next_deadline() const { return engine_.next_deadline(); }
  std::size_t waiting_count() const { return engine_.waiting_count(); }

 private:
  // Times the command with the drain of its events (they are part of its
  // cost), then picks out the offers.
  template <typename Command>
  void run(Call kind, std::vector<Decision>& decisions, const char* what, Command&& command) {
    const Status status = log_.time(kind, [&] {
      Status s = command();
      engine_.drain_events_into(events_);
      return s;
    });
    check(status, what);
    for (const routing::Event& event : events_) {
      if (event.type == routing::EventType::kOffered) {
        decisions.push_back({event.offer, event.interaction, event.agent});
      }
    }
    events_.clear();  // keeps its capacity: the next drain swaps it in
  }

  routing::Engine engine_;
  std::vector<routing::Event> events_;
  CallLog& log_;
};

class NaiveUnderTest {
 public:
  explicit NaiveUnderTest(CallLog& log) : log_(log) {}

  void configure(const Workload& workload, Time /*now*/) {
    for (const QueueConfig& queue : workload.queues)
      check(router_.add_queue(queue), "add_queue");
    for (const AgentConfig& agent : workload.agents)
      check(router_.add_agent(agent), "add_agent");
  }

  void set_available(Time now, AgentId agent, std::vector<Decision>& decisions) {
    run(Call::kSetState, decisions, "set_available",
        [&] { return router_.set_available(now, agent); });
  }
  void arrive(Time now, InteractionId id, QueueId queue, std::vector<Decision>& decisions) {
    run(Call::kArrive, decisions, "arrive", [&] { return router_.arrive(now, id, queue); });
  }
  void accept(Time now, OfferId offer, std::vector<Decision>& /*decisions*/) {
    check(log_.time(Call::kAccept, [&] { return router_.accept(now, offer); }), "accept");
  }
  void complete(Time now, InteractionId id, std::vector<Decision>& decisions) {
    run(Call::kComplete, decisions, "complete", [&] { return router_.complete(now, id); });
  }
  // Offers are accepted at once, so the naive router keeps no timers.
  void advance(Time /*now*/, std::vector<Decision>& /*decisions*/) {}
  std::optional<Time> next_deadline() const { return std::nullopt; }
  std::size_t waiting_count() const { return router_.waiting_count(); }

 private:
  template <typename Command>
  void run(Call kind, std::vector<Decision>& decisions, const char* what, Command&& command) {
    Result<std::optional<NaiveRouter::Offer>> result = log_.time(kind, command);
    check(result.status(), what);
    if (*result) decisions.push_back({(*result)->offer, (*result)->interaction, (*result)->agent});
  }

  NaiveRouter router_;
  CallLog& log_;
};

// ---- scenarios ------------------------------------------------------------------------

struct Figures {
  std::string scenario;
  std::size_t agents = 0;
  std::size_t queues = 0;
  std::size_t interactions = 0;
  std::uint64_t decisions = 0;
  std::int64_t engine_ns = 0;  // inside measured calls
  std::int64_t p50_ns = 0;
  std::int64_t p99_ns = 0;
  std::optional<double> bytes_per_waiting;
  std::uint64_t decision_digest = 0;  // compares the decisions of two routers

  static Figures of(std::string scenario, const Workload& workload, std::size_t interactions) {
    Figures figures;
    figures.scenario = std::move(scenario);
    figures.agents = workload.agents.size();
    figures.queues = workload.queues.size();
    figures.interactions = interactions;
    return figures;
  }
  double decisions_per_sec() const {
    return engine_ns == 0 ? 0.0
                          : static_cast<double>(decisions) * 1e9 / static_cast<double>(engine_ns);
  }
};

// Fills the timing figures from the log; prints the calls by kind on stderr.
void summarize(const CallLog& log, Figures& figures) {
  const std::vector<std::int64_t>& durations = log.durations();
  figures.engine_ns = std::accumulate(durations.begin(), durations.end(), std::int64_t{0});
  figures.p50_ns = percentile(durations, 0.50);
  figures.p99_ns = percentile(durations, 0.99);
  for (int k = 0; k < kCallKinds; ++k) {
    std::vector<std::int64_t> of_kind;
    for (std::size_t i = 0; i < durations.size(); ++i) {
      if (static_cast<int>(log.kinds()[i]) == k) of_kind.push_back(durations[i]);
    }
    if (of_kind.empty()) continue;
    const std::int64_t total = std::accumulate(of_kind.begin(), of_kind.end(), std::int64_t{0});
    std::fprintf(stderr,
                 "  %-16s calls %9zu  mean %7lld ns  p50 %7lld ns  p99 %7lld ns  max %9lld ns\n",
                 to_string(static_cast<Call>(k)), of_kind.size(),
                 static_cast<long long>(total / static_cast<std::int64_t>(of_kind.size())),
                 static_cast<long long>(percentile(of_kind, 0.50)),
                 static_cast<long long>(percentile(of_kind, 0.99)),
                 static_cast<long long>(*std::max_element(of_kind.begin(), of_kind.end())));
  }
}

std::uint64_t mix(std::uint64_t digest, const Decision& decision) {
  // FNV-style folding: order-sensitive, enough to tell two decision streams apart.
  for (std::uint64_t value : {decision.interaction, decision.agent})
    digest = (digest ^ value) * 0x100000001b3ULL;
  return digest;
}

struct Completion {
  std::int64_t at_ms = 0;
  InteractionId interaction = 0;
  bool operator>(const Completion& other) const {
    return at_ms != other.at_ms ? at_ms > other.at_ms : interaction > other.interaction;
  }
};

// Discrete-event loop: the next of {arrival, end of a call, the router's
// timer} happens next. Every offer is accepted at once and its call ends after
// the interaction's service time. Measurement starts at the first arrival
// after the warm-up and stops after the last arrival.
template <typename Router>
Figures run_steady(std::string scenario, const Workload& workload,
                   const std::vector<Arrival>& arrivals) {
  CallLog log(arrivals.size() * 5);
  Router router(log);
  Figures figures = Figures::of(std::move(scenario), workload, arrivals.size());
  std::vector<Decision> decisions;
  decisions.reserve(16);
  std::vector<Decision> accepting;
  accepting.reserve(16);
  std::priority_queue<Completion, std::vector<Completion>, std::greater<>> completions;

  const Time start = time_from_ms(kStartMs);
  router.configure(workload, start);
  for (const AgentConfig& agent : workload.agents)
    router.set_available(start, agent.id, decisions);

  const std::size_t warmup = arrivals.size() / 20;
  std::size_t next = 0;
  double waiting_sum = 0;
  std::size_t waiting_max = 0;
  while (next < arrivals.size()) {
    const std::int64_t arrival_ms = arrivals[next].at_ms;
    const std::int64_t completion_ms = completions.empty() ? kNever : completions.top().at_ms;
    const std::optional<Time> deadline = router.next_deadline();
    const std::int64_t deadline_ms = deadline ? to_ms(*deadline) : kNever;
    std::int64_t now_ms;
    // A timer due with or before another command fires inside that command.
    if (deadline_ms < std::min(arrival_ms, completion_ms)) {
      now_ms = deadline_ms;
      router.advance(time_from_ms(now_ms), decisions);
    } else if (completion_ms <= arrival_ms) {
      now_ms = completion_ms;
      const InteractionId id = completions.top().interaction;
      completions.pop();
      router.complete(time_from_ms(now_ms), id, decisions);
    } else {
      now_ms = arrival_ms;
      if (next == warmup) log.start_recording();
      if (log.recording()) {
        const std::size_t waiting = router.waiting_count();
        waiting_sum += static_cast<double>(waiting);
        waiting_max = std::max(waiting_max, waiting);
      }
      router.arrive(time_from_ms(now_ms), next + 1, arrivals[next].queue, decisions);
      ++next;
    }
    // Accepting could in principle offer more; it does not here, but loop anyway.
    while (!decisions.empty()) {
      accepting.swap(decisions);
      for (const Decision& decision : accepting) {
        if (log.recording()) {
          ++figures.decisions;
          figures.decision_digest = mix(figures.decision_digest, decision);
        }
        router.accept(time_from_ms(now_ms), decision.offer, decisions);
        completions.push(
            {now_ms + arrivals[decision.interaction - 1].service_ms, decision.interaction});
      }
      accepting.clear();
    }
  }
  summarize(log, figures);
  const std::size_t measured = arrivals.size() - warmup;
  std::fprintf(stderr,
               "  waiting at arrival: mean %.2f, max %zu; serving agents %zu of %zu, "
               "eligible for %.1f queues each on average\n",
               waiting_sum / static_cast<double>(measured), waiting_max, workload.serving_agents,
               workload.agents.size(),
               static_cast<double>(workload.eligible_pairs) /
                   static_cast<double>(std::max<std::size_t>(1, workload.serving_agents)));
  return figures;
}

// Every interaction arrives while all agents are offline; then each agent
// becomes available with one call, which takes the best work it is eligible for.
Figures run_burst(const Workload& workload, const std::vector<Arrival>& arrivals) {
  CallLog log(workload.agents.size());
  EngineUnderTest router(log);
  Figures figures = Figures::of("burst", workload, arrivals.size());
  std::vector<Decision> decisions;
  decisions.reserve(16);
  router.configure(workload, time_from_ms(kStartMs));

  const std::int64_t live_before = g_live_bytes;
  for (std::size_t i = 0; i < arrivals.size(); ++i)
    router.arrive(time_from_ms(arrivals[i].at_ms), i + 1, arrivals[i].queue, decisions);
  const std::int64_t live_after = g_live_bytes;
  const std::size_t waiting = router.waiting_count();
  if (!decisions.empty() || waiting != arrivals.size()) {
    std::fprintf(stderr, "routing_bench: burst: %zu waiting of %zu, %zu offers while offline\n",
                 waiting, arrivals.size(), decisions.size());
  }
  figures.bytes_per_waiting =
      static_cast<double>(live_after - live_before) / static_cast<double>(waiting);

  log.start_recording();
  const Time now = time_from_ms(arrivals.back().at_ms + 1000);
  for (const AgentConfig& agent : workload.agents) {
    router.set_available(now, agent.id, decisions);
    figures.decisions += decisions.size();
    decisions.clear();
  }
  summarize(log, figures);
  std::fprintf(stderr, "  heap: +%lld bytes for %zu waiting; %zu still waiting after\n",
               static_cast<long long>(live_after - live_before), waiting, router.waiting_count());
  return figures;
}

// ---- output -----------------------------------------------------------------------------

void print(const Figures& figures) {
  char bytes[32] = "null";  // measured in the burst only
  if (figures.bytes_per_waiting) {
    std::snprintf(bytes, sizeof bytes, "%.1f", *figures.bytes_per_waiting);
  }
  std::printf(
      "{\"scenario\":\"%s\",\"agents\":%zu,\"queues\":%zu,\"interactions\":%zu,"
      "\"decisions_per_sec\":%.0f,\"p50_ns\":%lld,\"p99_ns\":%lld,\"bytes_per_waiting\":%s}\n",
      figures.scenario.c_str(), figures.agents, figures.queues, figures.interactions,
      figures.decisions_per_sec(), static_cast<long long>(figures.p50_ns),
      static_cast<long long>(figures.p99_ns), bytes);
  std::fflush(stdout);
}

// The cost of one steady_clock read, which every measured duration includes.
std::int64_t clock_read_ns() {
  constexpr int kReads = 100'000;
  const Clock::time_point start = Clock::now();
  for (int i = 0; i < kReads; ++i)
    static_cast<void>(Clock::now());
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count() /
         kReads;
}

struct Size {
  std::size_t agents;
  std::size_t queues;
  std::size_t interactions;
};
struct Plan {
  Size steady;
  Size burst;
  Size small;  // baseline and steady_small
};
constexpr Plan kFullPlan{{10'000, 200, 1'000'000}, {5'000, 200, 200'000}, {2'000, 50, 100'000}};
constexpr Plan kQuickPlan{{2'000, 50, 50'000}, {1'000, 50, 20'000}, {500, 20, 20'000}};

template <typename Run>
Figures timed_scenario(const char* name, Run&& run) {
  std::fprintf(stderr, "%s\n", name);
  const Clock::time_point start = Clock::now();
  Figures figures = run();
  std::fprintf(stderr, "  decisions %llu, wall %.2f s\n",
               static_cast<unsigned long long>(figures.decisions),
               std::chrono::duration<double>(Clock::now() - start).count());
  print(figures);
  return figures;
}

int run(const Plan& plan, std::uint64_t seed) {
  std::fprintf(stderr, "seed %llu; one steady_clock read costs ~%lld ns\n",
               static_cast<unsigned long long>(seed), static_cast<long long>(clock_read_ns()));
  // One random stream per scenario, so resizing one leaves the others alone.
  {
    std::mt19937_64 random(seed);
    const Workload workload = make_workload(plan.steady.agents, plan.steady.queues, random);
    const std::vector<Arrival> arrivals = make_arrivals(workload, plan.steady.interactions, random);
    timed_scenario("steady",
                   [&] { return run_steady<EngineUnderTest>("steady", workload, arrivals); });
  }
  {
    std::mt19937_64 random(seed + 1);
    const Workload workload = make_workload(plan.burst.agents, plan.burst.queues, random);
    const std::vector<Arrival> arrivals = make_arrivals(workload, plan.burst.interactions, random);
    timed_scenario("burst", [&] { return run_burst(workload, arrivals); });
  }
  std::mt19937_64 random(seed + 2);
  const Workload workload = make_workload(plan.small.agents, plan.small.queues, random);
  const std::vector<Arrival> arrivals = make_arrivals(workload, plan.small.interactions, random);
  const Figures baseline = timed_scenario(
      "baseline", [&] { return run_steady<NaiveUnderTest>("baseline", workload, arrivals); });
  const Figures small = timed_scenario("steady_small", [&] {
    return run_steady<EngineUnderTest>("steady_small", workload, arrivals);
  });
  // Same arrivals and same rules: the two routers should decide alike.
  const double gap =
      std::abs(static_cast<double>(small.decisions) - static_cast<double>(baseline.decisions)) /
      static_cast<double>(std::max<std::uint64_t>(1, baseline.decisions));
  if (gap > 0.01) {
    std::fprintf(stderr, "warning: baseline made %llu decisions, steady_small %llu\n",
                 static_cast<unsigned long long>(baseline.decisions),
                 static_cast<unsigned long long>(small.decisions));
  } else if (small.decision_digest != baseline.decision_digest) {
    std::fprintf(stderr, "note: baseline and steady_small decided alike in number, not in order\n");
  } else {
    std::fprintf(stderr, "baseline and steady_small made the same %llu decisions\n",
                 static_cast<unsigned long long>(small.decisions));
  }
  const double ratio = baseline.decisions_per_sec() == 0
                           ? 0.0
                           : small.decisions_per_sec() / baseline.decisions_per_sec();
  std::printf("{\"scenario\":\"ratio\",\"steady_vs_baseline\":%.2f}\n", ratio);
  return 0;
}

int usage() {
  std::fprintf(stderr, "usage: routing_bench [--quick] [--seed N]\n");
  return 2;
}

}  // namespace
}  // namespace guichet::bench

int main(int argc, char** argv) {
  using namespace guichet::bench;
  const Plan* plan = &kFullPlan;
  std::uint64_t seed = 42;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--quick") {
      plan = &kQuickPlan;
    } else if (arg == "--seed" && i + 1 < argc) {
      char* end = nullptr;
      seed = std::strtoull(argv[++i], &end, 10);
      if (end == argv[i] || *end != '\0') return usage();
    } else {
      return usage();
    }
  }
  return run(*plan, seed);
}
