// The web chat channel (chat_channel.h): files a citizen sends to the
// advisor. Checked by their content, kept durably under the server's name,
// then shown to both sides.
#include "channels/chat/detail/chat_channel_impl.h"
#include "channels/files.h"
#include "core/json_format.h"
#include "core/text.h"

namespace guichet::chat {

using channels::attachment_path;
using channels::attachment_type;
using channels::clean_file_name;
using channels::keep_file;
using channels::size_text;

namespace {

std::string attachment_json(const ChatAttachment& a) {
  return "{\"id\":" + json_quote(a.id) + ",\"name\":" + json_quote(a.name) +
         ",\"type\":" + json_quote(a.type) + ",\"size\":" + std::to_string(a.size) + "}";
}

}  // namespace

Result<ChatAttachment> ChatChannel::Impl::attach(const std::string& token, const std::string& name,
                                                 std::string_view bytes) {
  if (options_.attachments_dir.empty())
    return failed_precondition("this service takes no files", "file");
  std::shared_ptr<Conversation> conversation;
  std::uint64_t interaction = 0;
  {
    std::lock_guard lock(mutex_);
    auto found = by_token_.find(token);
    if (found == by_token_.end()) return not_found("no such conversation (now)", "token");
    conversation = found->second;
    Conversation& c = *conversation;
    if (c.phase == Phase::kEnded) return failed_precondition("the conversation has ended", "token");
    if (c.phase == Phase::kBot)
      return failed_precondition("a file goes to an advisor: ask for one first", "phase");
    const Time now = host_.now();
    if (!detail::take_from_window(c.recent, now, detail::kMessagesWindow,
                                  options_.messages_per_minute))
      return failed_precondition("too many messages: wait a moment", "rate");
    c.last_activity = now;
    interaction = c.interaction;
  }
  if (bytes.empty()) return invalid_argument("an empty file", "size");
  if (bytes.size() > options_.max_attachment_bytes) {
    return invalid_argument(
        "at most " + std::to_string(options_.max_attachment_bytes / (1024 * 1024)) + " MB", "size");
  }
  const auto type = attachment_type(bytes);
  if (!type) return invalid_argument("PDF, JPEG or PNG only", "type");
  ChatAttachment kept{random_hex(8), clean_file_name(name), type->mime, bytes.size()};
  if (Status s = keep_file(attachment_path(options_.attachments_dir, interaction, kept.id), bytes);
      !s)
    return s.error();
  // The timeline's event for the agents' side (the file's name and type),
  // then a message naming it, durable (after the event, on the same writer).
  const std::string json = attachment_json(kept);
  host_.note(interaction, "attachment", json);
  // Said in the conversation's language (the agent reads it as it is).
  const std::string said =
      (conversation->language == Language::kFrench ? "Pièce jointe : " : "Attachment: ") +
      kept.name + " (" + type->label + ", " + size_text(kept.size) + ")";
  Result<Time> written = host_.receive(interaction, said);
  if (!written) return written.error();
  host_.tell_agent(interaction, "citizen_attachment", json);
  received_.fetch_add(1, std::memory_order_relaxed);
  Wakes wakes;
  {
    std::lock_guard lock(mutex_);
    Conversation& c = *conversation;
    c.attachments[kept.id] = kept;
    append(c,
           "\"type\":\"message\",\"from\":\"citizen\",\"at\":" + json_quote(iso8601(*written)) +
               ",\"text\":" + json_quote(said) + ",\"attachment\":" + json,
           wakes);
    c.last_citizen_seq = c.log.size();
  }
  for (auto& wake : wakes)
    wake();
  return kept;
}

Result<std::pair<ChatAttachment, std::string>> ChatChannel::Impl::attachment(
    const std::string& token, const std::string& id) {
  std::lock_guard lock(mutex_);
  auto found = by_token_.find(token);
  if (found == by_token_.end()) return not_found("no such conversation (now)", "token");
  const Conversation& c = *found->second;
  auto file = c.attachments.find(id);
  if (file == c.attachments.end()) return not_found("no such file in this conversation", "id");
  return std::pair{file->second, attachment_path(options_.attachments_dir, c.interaction, id)};
}

}  // namespace guichet::chat
