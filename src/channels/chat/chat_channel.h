// Web chat on the service's website: the citizen's side of a conversation
// (its own token, its stream of events, its limits), the bot that answers
// first from the knowledge base, and the hand-over to a person, who then
// writes from the agent's desk.
//
// A conversation starts held (Arrival::hold): stored from the first
// message, its messages to and from the bot recorded for the agent who may
// take it later. Asking for a person, the bot not being sure, or two
// unhelpful answers route it to its queue (the bot off for the queue: at
// once). Then the agent's replies (deliver) and typing (control "typing")
// reach the citizen's stream; the citizen's messages reach the agent
// (Host::receive). Every citizen message is durable before it is
// acknowledged ("delivered"), and a client_id makes a resend after a
// reconnect harmless.
//
// The citizen's token names one conversation, nothing else: it is checked
// here, never by the API's sessions. It lasts while the conversation is
// open and an hour after (the transcript), and idles out with it.
//
// A chat queue's settings (its document): "chat_bot" (default true),
// "chat_origins" (the websites that may embed the chat: ["https://…"];
// empty: any), "chat_message_queue_id" (the queue that keeps the messages
// left when nobody can chat), its calendar (opening hours).
//
// Accessible reception (décret 2017-875): a chat queue with "chat_rtt" is
// real-time text for deaf and hard-of-hearing citizens. Each side sees
// what the other is typing as it is typed, corrections included (in the
// spirit of RFC 4103: a draft, sent whole at most every 300 ms by the
// clients, so that a reconnect needs no repair), until Enter makes it a
// message. It has no bot (its citizens asked for a person); its
// "chat_hours_queue_id" names the phone line whose hours it keeps; its
// skills route it to the agents who can take it, with its own service
// level. An ordinary chat queue's "chat_rtt_queue_id" offers it from its
// widget.
//
// Threads: the server's I/O threads call the streams and the API's workers
// the rest; citizen messages are written on the channel's own workers
// (one per conversation at a time, in order); a timer thread watches
// inactivity and waiting positions.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "channels/channel.h"

namespace guichet::chat {

// A citizen's connection to their conversation: events out (JSON texts),
// their actions in (JSON texts). As server::MessageStream, which the server
// wraps around it.
class CitizenStream {
 public:
  virtual ~CitizenStream() = default;
  virtual std::vector<std::string> take() = 0;
  virtual void on_ready(std::function<void()> notify) = 0;
  virtual void on_message(const std::string& text) = 0;
  virtual bool ended() const = 0;
};

struct ChatOptions {
  std::size_t max_conversations = 20'000;  // open at once
  std::size_t max_message_chars = 2'000;
  int messages_per_minute = 30;  // per conversation; 0: no limit
  int starts_per_address = 20;   // per 10 minutes; 0: no limit
  // RGAA 13.1: the citizen silent this long is warned; closed after
  // `idle_grace` more unless they extend (any action extends).
  Duration idle_warning = Duration(10LL * 60 * 1000);
  Duration idle_grace = Duration(2LL * 60 * 1000);
  Duration token_after_end = Duration(60LL * 60 * 1000);
  // Files from citizens: kept in this folder (one folder per interaction,
  // named by the server); empty: none taken.
  std::string attachments_dir;
  std::size_t max_attachment_bytes = 5 << 20;
};

// A file a citizen sent: named by the server, its type read from it.
struct ChatAttachment {
  std::string id;    // 16 hex digits: its file in its interaction's folder
  std::string name;  // as the citizen named it, cleaned (attachment.h)
  std::string type;  // application/pdf, image/jpeg or image/png
  std::size_t size = 0;
};

// A chat service (a chat queue) as its widget shows it before a conversation.
struct ChatService {
  std::uint64_t queue = 0;
  std::string name;
  bool open = false;  // its calendar says so now
  std::optional<Time> opens_at;
  std::size_t agents_ready = 0;
  double expected_wait_s = 0;
  bool bot = true;
  // A message may be left instead (closed, nobody there): its queue keeps
  // them (the chat queue's "chat_message_queue_id").
  bool messages = false;
  bool rtt = false;             // real-time text
  std::uint64_t rtt_queue = 0;  // the real-time text service offered from this one
};

struct ChatStarted {
  std::string conversation;  // public id
  std::string token;
  std::uint64_t interaction = 0;
};

class ChatChannel final : public channels::Channel {
 public:
  static Result<std::unique_ptr<ChatChannel>> start(ChatOptions options, channels::Host& host);
  ~ChatChannel() override;

  // A chat queue's face (kNotFound when it is not a chat queue).
  Result<ChatService> service(std::uint64_t queue);
  // Whether a page at `origin` ("https://www.ville.fr"; empty: not a
  // browser's cross-site request) may use the queue's chat.
  bool origin_allowed(std::uint64_t queue, const std::string& origin);
  // A new conversation, from `address` (limits), in `language` ("fr", "en"),
  // the citizen's name if given. kFailedPrecondition when full or closed.
  Result<ChatStarted> start_conversation(std::uint64_t queue, const std::string& name,
                                         const std::string& language, const std::string& address);
  // A message left when nobody can chat (closed, or no advisor there): a
  // written request in the queue that keeps them, its citizen found by the
  // contact given (an email address or a phone number, however typed) so
  // that the service can answer. Durable when it returns: its id.
  Result<std::uint64_t> leave_message(std::uint64_t queue, const std::string& name,
                                      const std::string& contact, const std::string& text,
                                      const std::string& address);
  // The citizen's stream, by their token, after event `after` (a
  // reconnect); kNotFound for a token that names nothing (now);
  // kFailedPrecondition (field "origin") from a page the queue does not
  // allow (`origin`: the page's, empty when it is Guichet's own).
  Result<std::unique_ptr<CitizenStream>> open_stream(const std::string& token, std::uint64_t after,
                                                     const std::string& origin = {});
  // The conversation as text, for the citizen to keep (by their token).
  Result<std::string> transcript(const std::string& token);
  // A file from the citizen (their token) for the advisor, once one is
  // waited for or writing (kFailedPrecondition with the bot: it reads no
  // files). Its type from its content: PDF, JPEG or PNG, else
  // kInvalidArgument field "type"; at most max_attachment_bytes, else field
  // "size". Durable when it returns (the file synced, then the timeline's
  // "attachment" event and a message naming it), then shown to both.
  Result<ChatAttachment> attach(const std::string& token, const std::string& name,
                                std::string_view bytes);
  // One of the conversation's files, for its citizen (their token), and
  // where it is kept.
  Result<std::pair<ChatAttachment, std::string>> attachment(const std::string& token,
                                                            const std::string& id);
  // What the agent of a real-time text conversation is typing now (the
  // whole draft), shown to the citizen as it is. kFailedPrecondition when
  // the conversation is not real-time text or nobody writes with the
  // citizen; kInvalidArgument past the message limit.
  Status agent_draft(std::uint64_t interaction, const std::string& text);

  std::string_view name() const override { return "chat"; }
  bool carries(routing::Channel channel) const override;
  void on_events(const std::vector<routing::Event>& events) override;
  void on_config(const std::string& kind) override;
  // "typing": the agent is writing (shown to the citizen a few seconds);
  // "read": the agent read the citizen's messages.
  Status control(std::uint64_t interaction, const std::string& action, std::uint64_t agent,
                 bool manager) override;
  Status deliver(const channels::Reply& reply) override;
  std::string metrics() const override;
  std::string stats_json() const override;

  class Impl;

 private:
  explicit ChatChannel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace guichet::chat
