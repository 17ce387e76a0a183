// One web chat conversation as the chat channel keeps it: its citizen's
// token, its phase, its bot, the events its citizen's stream replays, the
// streams connected now, and its jobs (durable writes, one at a time).
// Private to the chat channel; guarded by ChatChannel::Impl's mutex.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "channels/chat/chat_bot.h"
#include "channels/chat/chat_channel.h"
#include "core/time.h"

namespace guichet::chat::detail {

class Stream;

enum class Phase { kBot, kWaiting, kWithAgent, kEnded };
const char* to_string(Phase phase);

struct Conversation {
  std::string id;     // public, in the transcript's name
  std::string token;  // the citizen's, for this conversation only
  std::uint64_t queue = 0;
  std::uint64_t interaction = 0;
  std::string service;  // the queue's name, as the bot says it
  Language language = Language::kFrench;
  Phase phase = Phase::kBot;
  std::optional<ChatBot> bot;
  bool bot_asked = false;  // it asked "did that answer?", and waits
  std::uint64_t agent = 0;
  Time routed_at{};  // when it entered its queue (position among the waiting)

  // The events its citizen's stream replays (seq = index + 1).
  std::vector<std::string> log;
  std::uint64_t last_citizen_seq = 0;  // what "read" marks up to
  std::string last_status;             // the last status sent: never twice the same
  std::set<std::string> client_ids;    // messages taken (a resend is not another)
  std::deque<Time> recent;             // the citizen's last messages (rate)
  Time last_activity{};
  bool warned = false;  // of closing for inactivity
  // Real-time text (a chat queue with "chat_rtt"): what each side is typing
  // now, shown to the other as it is typed.
  bool rtt = false;
  std::string citizen_draft;
  std::string agent_draft;
  std::string agent_sent;      // the agent's last message (a late draft of it is dropped)
  bool draft_pending = false;  // a job will pass the citizen's draft on
  std::map<std::string, ChatAttachment> attachments;  // the citizen's files, by id
  Time ended_at{};
  std::set<Stream*> streams;

  std::deque<std::function<void()>> jobs;
  bool running = false;           // a worker has its next job, or a write it waits for
  std::uint64_t suspensions = 0;  // jobs that went on after a write (resume)
};

}  // namespace guichet::chat::detail
