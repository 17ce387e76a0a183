// Files citizens send on the written channels (files.h).
#include "channels/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace guichet::channels {

std::optional<AttachmentType> attachment_type(std::string_view bytes) {
  // Magic numbers: PDF (ISO 32000 §7.5.2), JPEG's SOI and a marker, PNG's
  // signature (RFC 2083 §3.1).
  if (bytes.starts_with("%PDF-")) return AttachmentType{"application/pdf", "pdf", "PDF"};
  if (bytes.starts_with("\xFF\xD8\xFF")) return AttachmentType{"image/jpeg", "jpg", "JPEG"};
  if (bytes.starts_with("\x89PNG\r\n\x1A\n")) return AttachmentType{"image/png", "png", "PNG"};
  return std::nullopt;
}

std::string clean_file_name(std::string_view name) {
  // What follows the last folder separator, either way it is written.
  if (const auto slash = name.find_last_of("/\\"); slash != std::string_view::npos)
    name.remove_prefix(slash + 1);
  std::string out;
  std::size_t letters = 0;
  for (std::size_t i = 0; i < name.size() && letters < 100;) {
    const auto c = static_cast<unsigned char>(name[i]);
    std::size_t length = c < 0x80           ? 1
                         : (c >> 5) == 0x6  ? 2
                         : (c >> 4) == 0xE  ? 3
                         : (c >> 3) == 0x1E ? 4
                                            : 0;
    bool continued = length > 0 && i + length <= name.size();
    for (std::size_t j = 1; continued && j < length; ++j)
      continued = (static_cast<unsigned char>(name[i + j]) & 0xC0) == 0x80;
    if (!continued) {
      ++i;  // not UTF-8: the byte is dropped, what follows read again
      continue;
    }
    const std::string_view letter = name.substr(i, length);
    i += length;
    if (length == 1 && (c < 0x20 || c == 0x7F || c == '"' || c == '<' || c == '>')) continue;
    // Direction overrides (U+202A–202E, U+2066–2069) would show
    // "facture<U+202E>fdp.exe" as "factureexe.pdf": dropped.
    if (letter.size() == 3 && letter[0] == '\xE2' &&
        ((letter[1] == '\x80' && letter[2] >= '\xAA' && letter[2] <= '\xAE') ||
         (letter[1] == '\x81' && letter[2] >= '\xA6' && letter[2] <= '\xA9')))
      continue;
    out += letter;
    ++letters;
  }
  while (!out.empty() && (out.front() == '.' || out.front() == ' '))
    out.erase(out.begin());  // no hidden file, no name of dots
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out.empty() ? "fichier" : out;
}

std::string attachment_path(const std::string& dir, std::uint64_t interaction,
                            const std::string& id) {
  return (std::filesystem::path(dir) / std::to_string(interaction) / id).string();
}

Status keep_file(const std::string& file, std::string_view bytes) {
  const std::filesystem::path path(file);
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

std::string size_text(std::size_t bytes) {
  if (bytes < 1024 * 1024) return std::to_string(std::max<std::size_t>(1, bytes / 1024)) + " Ko";
  const std::size_t tenths = bytes * 10 / (1024 * 1024);
  return std::to_string(tenths / 10) + "," + std::to_string(tenths % 10) + " Mo";
}

}  // namespace guichet::channels
