// The chat channel's inside (chat_channel.h), shared by its three files:
// chat_channel.cpp (the queue's face, starting, the citizen's streams),
// chat_citizen.cpp (the citizen's actions and the bot's turns) and
// chat_agent.cpp (the engine's events, the agent's replies, what the
// streams get, the workers and the timer). Private to the chat channel.
#pragma once

#include <boost/json.hpp>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "channels/chat/chat_channel.h"
#include "channels/chat/detail/chat_conversation.h"

namespace guichet::chat {

using Wakes = std::vector<std::function<void()>>;

namespace detail {

// A citizen's connection: what is ready for it, and its actions to the channel.
class Stream final : public CitizenStream {
 public:
  Stream(ChatChannel::Impl& impl, std::shared_ptr<Conversation> conversation)
      : impl_(impl), conversation_(std::move(conversation)) {}
  ~Stream() override;
  std::vector<std::string> take() override;
  void on_ready(std::function<void()> notify) override;
  void on_message(const std::string& text) override;
  bool ended() const override;

  // Under the channel's mutex.
  std::deque<std::string> queued;
  std::function<void()> wake;
  bool closed = false;

 private:
  ChatChannel::Impl& impl_;
  std::shared_ptr<Conversation> conversation_;
};

// The chat's limits are sliding windows: starts per address (10 minutes),
// a conversation's messages (a minute).
inline constexpr Duration kStartsWindow{10LL * 60 * 1000};
inline constexpr Duration kMessagesWindow{60'000};
// Whether one more event fits in `recent` (its times, oldest first) within
// `limit` over the last `window` (limit 0: no limit); recorded when it does.
bool take_from_window(std::deque<Time>& recent, Time now, Duration window, int limit);

}  // namespace detail

namespace json = boost::json;
using detail::Conversation;
using detail::Phase;
using detail::Stream;

class ChatChannel::Impl {
 public:
  Impl(ChatOptions options, channels::Host& host);
  ~Impl();

  // ---- the queue's face -------------------------------------------------

  struct QueueSettings {
    std::string name;
    bool bot = true;
    std::vector<std::string> origins;
    std::uint64_t calendar = 0;
    std::string hours;
    std::uint64_t messages = 0;   // the queue that keeps messages left
    bool rtt = false;             // real-time text (and no bot)
    std::uint64_t rtt_queue = 0;  // the real-time text service offered from here
  };

  Result<QueueSettings> settings(std::uint64_t queue);
  Result<ChatService> service(std::uint64_t queue);
  bool origin_allowed(std::uint64_t queue, const std::string& origin);

  // ---- starting ----------------------------------------------------------

  Result<ChatStarted> start_conversation(std::uint64_t queue, const std::string& name,
                                         const std::string& language, const std::string& address);
  Result<std::uint64_t> leave_message(std::uint64_t queue, const std::string& name,
                                      const std::string& contact, const std::string& text,
                                      const std::string& address);

  // ---- the citizen's stream ----------------------------------------------

  Result<std::unique_ptr<CitizenStream>> open_stream(const std::string& token, std::uint64_t after,
                                                     const std::string& origin);
  void forget(Stream* stream, Conversation& conversation);
  std::vector<std::string> take(Stream& stream);
  void on_ready(Stream& stream, std::function<void()> notify);
  bool ended(const Stream& stream);

  // A citizen's action, on the connection's thread: checked here, written
  // on a worker.
  void from_citizen(const std::shared_ptr<Conversation>& conversation, const std::string& text);

  // Under mutex_.
  void take_message(const std::shared_ptr<Conversation>& conversation, const json::object& action,
                    Time now, Wakes& wakes);

  // On a worker: the citizen's message made durable, then acknowledged
  // (its echo is the "delivered" mark), then the bot's turn.
  void citizen_writes(const std::shared_ptr<Conversation>& conversation,
                      const std::string& client_id, std::string text);

  // In a job: the bot's words recorded without waiting, shown once
  // durable (with its articles, and "did that answer?" when it asks); then
  // `then`, as the conversation's next job.
  void bot_says(const std::shared_ptr<Conversation>& conversation, const std::string& recorded_text,
                const std::vector<knowledge::Hit>& articles, bool asks,
                const std::string& shown_text = {}, std::function<void()> then = {});
  // On a worker, after the bot said it connects: to the queue.
  void route_after_words(const std::shared_ptr<Conversation>& conversation);
  void feedback(const std::shared_ptr<Conversation>& conversation, bool answered);

  // On a worker: to a person, the bot saying `connecting` first. The
  // conversation so far is in its timeline. Closed: nobody to hand over to;
  // the citizen is told so, and may leave a message instead.
  void hand_over(const std::shared_ptr<Conversation>& conversation, const std::string& connecting);
  void end_by_citizen(const std::shared_ptr<Conversation>& conversation);

  // ---- the agent's side and the engine -----------------------------------

  void on_events(const std::vector<routing::Event>& events);
  Status control(std::uint64_t interaction, const std::string& action);
  Status deliver(const channels::Reply& reply);
  Result<std::string> transcript(const std::string& token);
  Status agent_draft(std::uint64_t interaction, const std::string& text);
  Result<ChatAttachment> attach(const std::string& token, const std::string& name,
                                std::string_view bytes);
  Result<std::pair<ChatAttachment, std::string>> attachment(const std::string& token,
                                                            const std::string& id);
  // On a worker: the citizen's draft, as it is now, to the agent.
  void pass_draft(const std::shared_ptr<Conversation>& conversation);
  // On a worker: the bot answers the citizen's message `text`.
  void bot_turn(const std::shared_ptr<Conversation>& conversation, const std::string& text);
  std::string metrics() const;
  std::string stats_json() const;

 private:
  friend class detail::Stream;

  // ---- what the citizen's stream gets (under mutex_) ---------------------

  // An event kept in the conversation's log (replayed on reconnect): "seq" first.
  void append(Conversation& c, const std::string& fields, Wakes& wakes);

  // A passing event (typing, errors): to the streams connected now only.
  void tell(Conversation& c, const std::string& event, Wakes& wakes);
  void emit_message(Conversation& c, const char* from, const std::string& text, Time at,
                    const std::string& client_id, const std::string& articles, Wakes& wakes,
                    bool asks = false);
  void emit_status(Conversation& c, Wakes& wakes, const char* by = nullptr);
  void end(Conversation& c, const char* by, Wakes& wakes);

  // ---- workers: a conversation's jobs one at a time, in order ------------

  // Under mutex_.
  void submit(const std::shared_ptr<Conversation>& conversation, std::function<void()> job);
  // Under mutex_, in a job: it goes on after a write; the write's
  // continuation calls resume(), which runs `next` (if any) before the
  // conversation's other jobs.
  void suspend(Conversation& conversation);
  // Under mutex_: the agent's draft gone from the citizen's screen.
  void clear_agent_draft(Conversation& c, Wakes& wakes);
  // Under mutex_: the conversation's next job to a worker, or it rests.
  void schedule_next(Conversation& c, const std::shared_ptr<Conversation>& self);
  void resume(const std::shared_ptr<Conversation>& conversation, std::function<void()> next = {});
  void work();

  // ---- the timer: inactivity, positions, forgetting ----------------------

  void watch();
  const ChatOptions options_;
  channels::Host& host_;

  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<Conversation>> by_token_;
  std::unordered_map<std::uint64_t, std::shared_ptr<Conversation>> by_interaction_;
  std::unordered_map<std::string, std::deque<Time>> starts_;  // by address
  std::map<std::uint64_t, double> expected_wait_;             // by queue
  std::size_t open_ = 0;
  bool stopping_ = false;
  std::deque<std::shared_ptr<Conversation>> ready_;
  std::condition_variable ready_cv_;
  std::condition_variable timer_cv_;
  std::vector<std::thread> workers_;
  std::size_t suspended_ = 0;  // writes whose continuation has not run yet
  std::condition_variable resumed_cv_;
  std::thread timer_;

  std::atomic<std::uint64_t> started_{0};
  std::atomic<std::uint64_t> connected_{0};
  std::atomic<std::uint64_t> received_{0};
  std::atomic<std::uint64_t> sent_{0};
  std::atomic<std::uint64_t> handovers_{0};
  std::atomic<std::uint64_t> bot_answered_{0};
  std::atomic<std::uint64_t> messages_left_{0};
};

}  // namespace guichet::chat
