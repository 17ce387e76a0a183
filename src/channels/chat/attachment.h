// Files a citizen sends in a web chat: what a file is, read from its first
// bytes (never from its name or the browser's word), and its name made
// safe to show and to offer for download. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace guichet::chat {

struct AttachmentType {
  const char* mime;       // "application/pdf", "image/jpeg", "image/png"
  const char* extension;  // "pdf", "jpg", "png"
  const char* label;      // "PDF", "JPEG", "PNG"
};

// The type of `bytes` when it is one a chat takes (PDF, JPEG, PNG); none
// for anything else (an executable, an office document, HTML, SVG…).
std::optional<AttachmentType> attachment_type(std::string_view bytes);

// The name as given, without a path, control characters, quotes or
// direction overrides, at most 100 characters (UTF-8 kept whole, invalid
// bytes dropped); "fichier" when nothing is left.
std::string clean_file_name(std::string_view name);

}  // namespace guichet::chat
