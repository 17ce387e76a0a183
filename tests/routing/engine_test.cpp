// Properties of the engine under random commands: the same commands give the
// same events, and no interaction waits while an eligible agent is ready.
#include "routing/engine.h"

#include <gtest/gtest.h>

#include <random>

namespace guichet::routing {
namespace {

constexpr int kSkills = 4;
constexpr int kAgents = 12;
constexpr int kQueues = 5;

struct World {
  std::vector<QueueConfig> queues;
  std::vector<AgentConfig> agents;
};

World make_world(std::mt19937& random) {
  World world;
  for (int q = 0; q < kQueues; ++q) {
    QueueConfig config;
    config.id = static_cast<QueueId>(q + 1);
    config.channel = q % 2 == 0 ? Channel::kVoice : Channel::kChat;
    config.requirements.push_back(
        {static_cast<SkillId>(random() % kSkills + 1), static_cast<int>(random() % 3 + 1)});
    config.priority = static_cast<int>(random() % 3);
    config.sl_threshold = Duration(static_cast<int>(random() % 60 + 10) * 1000);
    config.strategy = static_cast<Strategy>(random() % 4);
    world.queues.push_back(config);
  }
  for (int a = 0; a < kAgents; ++a) {
    AgentConfig config;
    config.id = static_cast<AgentId>(a + 1);
    for (SkillId s = 1; s <= kSkills; ++s) {
      if (random() % 2) config.skills.push_back({s, static_cast<int>(random() % 5 + 1)});
    }
    config.capacity[static_cast<int>(Channel::kVoice)] = 1;
    config.capacity[static_cast<int>(Channel::kChat)] = static_cast<int>(random() % 3);
    world.agents.push_back(config);
  }
  return world;
}

bool eligible(const AgentConfig& agent, const QueueConfig& queue) {
  for (const Requirement& r : queue.requirements) {
    bool found = false;
    for (const SkillLevel& s : agent.skills)
      found |= s.skill == r.skill && s.level >= r.min_level;
    if (!found) return false;
  }
  return true;
}

// The engine's promise: no waiting interaction while an eligible agent is ready.
void expect_no_idle_match(const Engine& engine, const World& world,
                          const std::vector<InteractionId>& live) {
  for (InteractionId id : live) {
    auto it = engine.interaction(id);
    if (!it || it->phase != InteractionPhase::kWaiting) continue;
    const QueueConfig& queue = world.queues[it->queue - 1];
    for (const AgentConfig& config : world.agents) {
      // Waiting personally (status agent set): only that agent may take it, whatever its skills.
      const bool personal = it->agent != 0;
      if (personal && it->agent != config.id) continue;
      auto agent = engine.agent(config.id);
      const int c = static_cast<int>(queue.channel);
      int calls = agent->load[0] + agent->load[1];
      int others = 0;
      for (int k = 2; k < kChannelCount; ++k)
        others += agent->load[k];
      const bool ready = agent->state == AgentState::kAvailable &&
                         agent->load[c] < config.capacity[c] &&
                         (is_call(queue.channel) ? calls + others == 0 : calls == 0);
      EXPECT_FALSE(ready && (personal || eligible(config, queue)))
          << "interaction " << id << " waits while agent " << config.id << " is ready";
    }
  }
}

std::vector<Event> run_random_day(std::uint32_t seed, bool check_invariant) {
  std::mt19937 random(seed);
  World world = make_world(random);
  EngineConfig engine_config;
  engine_config.retry_after_reject = Duration(0);  // no exclusion window: the invariant is strict
  Engine engine(engine_config);
  Time now = Time(Duration(1'700'000'000'000));
  for (const QueueConfig& q : world.queues)
    EXPECT_TRUE(engine.upsert_queue(now, q).is_ok());
  for (const AgentConfig& a : world.agents)
    EXPECT_TRUE(engine.upsert_agent(now, a).is_ok());
  std::vector<Event> all;
  std::vector<InteractionId> live;
  InteractionId next_id = 1;
  for (int step = 0; step < 3000; ++step) {
    now += Duration(static_cast<int>(random() % 4000));
    const int op = static_cast<int>(random() % 10);
    const AgentId agent = random() % kAgents + 1;
    const InteractionId some = live.empty() ? 0 : live[random() % live.size()];
    EXPECT_TRUE(engine.advance(now).is_ok());  // timers first, so `status` is current
    auto status = engine.interaction(some);
    switch (op) {
      case 0:
      case 1: {
        const QueueConfig& q = world.queues[random() % kQueues];
        InteractionSpec spec;
        spec.id = next_id++;
        spec.queue = q.id;
        spec.channel = q.channel;
        if (random() % 5 == 0) {
          spec.preferred_agent = agent;
          spec.preferred_timeout = Duration(10'000);
        }
        EXPECT_TRUE(engine.arrive(now, spec).is_ok());
        live.push_back(spec.id);
        break;
      }
      case 2:
        (void)engine.set_agent_state(now, agent,
                                     random() % 4 ? AgentState::kAvailable : AgentState::kPaused);
        break;
      case 3:
        if (status && status->phase == InteractionPhase::kOffered) {
          EXPECT_TRUE(
              (random() % 3 ? engine.accept(now, status->offer) : engine.reject(now, status->offer))
                  .is_ok());
        }
        break;
      case 4:
        if (status && status->phase == InteractionPhase::kActive) {
          EXPECT_TRUE(engine.complete(now, some, "done").is_ok());
        }
        break;
      case 5:
        if (status && (status->phase == InteractionPhase::kWaiting ||
                       status->phase == InteractionPhase::kOffered)) {
          EXPECT_TRUE(engine.abandon(now, some).is_ok());
        }
        break;
      case 6: {
        std::vector<SkillLevel> skills;
        for (SkillId s = 1; s <= kSkills; ++s) {
          if (random() % 2) skills.push_back({s, static_cast<int>(random() % 5 + 1)});
        }
        world.agents[agent - 1].skills = skills;
        EXPECT_TRUE(engine.set_agent_skills(now, agent, skills).is_ok());
        break;
      }
      case 7:
        if (status && status->phase == InteractionPhase::kActive) {
          const QueueConfig& q = world.queues[status->queue - 1];
          for (const QueueConfig& other : world.queues) {
            if (other.channel == q.channel && other.id != q.id) {
              EXPECT_TRUE(engine.transfer_to_queue(now, some, other.id).is_ok());
              break;
            }
          }
        }
        break;
      case 8: {
        QueueConfig& q = world.queues[random() % kQueues];
        q.requirements[0].min_level = static_cast<int>(random() % 5 + 1);
        EXPECT_TRUE(engine.upsert_queue(now, q).is_ok());
        break;
      }
      default:
        EXPECT_TRUE(engine.advance(now).is_ok());
        break;
    }
    engine.drain_events_into(all);
    if (check_invariant) expect_no_idle_match(engine, world, live);
    if (::testing::Test::HasFailure()) break;
  }
  return all;
}

TEST(Engine, SameCommandsGiveSameEvents) {
  const std::vector<Event> first = run_random_day(11, false);
  const std::vector<Event> second = run_random_day(11, false);
  ASSERT_EQ(first.size(), second.size());
  ASSERT_GT(first.size(), 1000u);
  for (std::size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].type, second[i].type) << i;
    EXPECT_EQ(first[i].interaction, second[i].interaction) << i;
    EXPECT_EQ(first[i].agent, second[i].agent) << i;
    EXPECT_EQ(first[i].at, second[i].at) << i;
  }
}

TEST(Engine, NoInteractionWaitsWhileAnEligibleAgentIsReady) {
  for (std::uint32_t seed = 1; seed <= 5; ++seed) {
    run_random_day(seed, true);
    if (HasFailure()) break;
  }
}

TEST(Engine, NextDeadlineIsTheEarliestTimer) {
  Engine engine;
  const Time t0 = Time(Duration(1'000'000));
  QueueConfig queue;
  queue.id = 1;
  queue.channel = Channel::kVoice;
  ASSERT_TRUE(engine.upsert_queue(t0, queue).is_ok());
  AgentConfig agent;
  agent.id = 1;
  agent.capacity[0] = 1;
  ASSERT_TRUE(engine.upsert_agent(t0, agent).is_ok());
  ASSERT_TRUE(engine.set_agent_state(t0, 1, AgentState::kAvailable).is_ok());
  EXPECT_FALSE(engine.next_deadline().has_value());
  InteractionSpec call;
  call.id = 7;
  call.queue = 1;
  ASSERT_TRUE(engine.arrive(t0, call).is_ok());
  ASSERT_EQ(engine.next_deadline(), t0 + Duration(20'000));  // the voice offer timeout
  ASSERT_TRUE(engine.advance(t0 + Duration(20'000)).is_ok());
  bool timed_out = false;
  for (const Event& e : engine.drain_events())
    timed_out |= e.type == EventType::kOfferTimeout;
  EXPECT_TRUE(timed_out);
  EXPECT_FALSE(engine.advance(t0).is_ok()) << "time never goes back";
}

}  // namespace
}  // namespace guichet::routing
