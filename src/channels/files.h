// Files citizens send on the written channels (a chat's, a mail's): what a
// file is, read from its first bytes (never from its name or the sender's
// word), its name made safe to show and to offer for download, and where
// and how it is kept (attachments/<interaction>/<id>, named by the
// timeline's "attachment" event).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace guichet::channels {

struct AttachmentType {
  const char* mime;       // "application/pdf", "image/jpeg", "image/png"
  const char* extension;  // "pdf", "jpg", "png"
  const char* label;      // "PDF", "JPEG", "PNG"
};

// The type of `bytes` when it is one Guichet takes (PDF, JPEG, PNG); none
// for anything else (an executable, an office document, HTML, SVG…).
std::optional<AttachmentType> attachment_type(std::string_view bytes);

// The name as given, without a path, control characters, quotes or
// direction overrides, at most 100 characters (UTF-8 kept whole, invalid
// bytes dropped); "fichier" when nothing is left.
std::string clean_file_name(std::string_view name);

// Where the file `id` of `interaction` is kept under `dir`.
std::string attachment_path(const std::string& dir, std::uint64_t interaction,
                            const std::string& id);

// `bytes` into `path`, whole or not at all: a temporary file synced, then
// renamed, then its folder synced (the rename survives a crash).
Status keep_file(const std::string& path, std::string_view bytes);

// "120 Ko", "2,4 Mo": as French people read a size.
std::string size_text(std::size_t bytes);

}  // namespace guichet::channels
