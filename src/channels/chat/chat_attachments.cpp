// The web chat channel (chat_channel.h): files a citizen sends to the
// advisor. Checked by their content, kept durably under the server's name,
// then shown to both sides.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "channels/chat/attachment.h"
#include "channels/chat/detail/chat_channel_impl.h"
#include "core/json_format.h"

namespace guichet::chat {

using detail::random_hex;

namespace {

// `bytes` into `path`, whole or not at all: a temporary file synced, then
// renamed, then its folder synced (the rename survives a crash).
Status keep_file(const std::filesystem::path& path, std::string_view bytes) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return io_error("cannot make the attachments' folder: " + ec.message());
  const std::string temporary = path.string() + ".part";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return io_error(std::string("cannot keep the file: ") + std::strerror(errno));
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
  const bool synced = written == bytes.size() && ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::filesystem::remove(temporary, ec);
    return io_error("cannot keep the file");
  }
  if (const int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      dir >= 0) {
    (void)::fsync(dir);
    ::close(dir);
  }
  return Status::ok();
}

// "120 Ko", "2,4 Mo": as French people read a size.
std::string size_text(std::size_t bytes) {
  if (bytes < 1024 * 1024) return std::to_string(std::max<std::size_t>(1, bytes / 1024)) + " Ko";
  const std::size_t tenths = bytes * 10 / (1024 * 1024);
  return std::to_string(tenths / 10) + "," + std::to_string(tenths % 10) + " Mo";
}

std::string attachment_json(const ChatAttachment& a) {
  return "{\"id\":" + json_quote(a.id) + ",\"name\":" + json_quote(a.name) +
         ",\"type\":" + json_quote(a.type) + ",\"size\":" + std::to_string(a.size) + "}";
}

}  // namespace

std::string ChatChannel::attachment_path(const std::string& dir, std::uint64_t interaction,
                                         const std::string& id) {
  return (std::filesystem::path(dir) / std::to_string(interaction) / id).string();
}

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
