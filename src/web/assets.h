// The built web interface (web/, built by Vite), embedded in the binary so
// that one file is the whole product. The table is generated at build time by
// cmake/embed_web.cmake; a build configured with -DGUICHET_WEB=OFF has none.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace guichet::web {

struct Asset {
  std::string_view path;          // "/index.html", "/assets/index-B8L9e1h0.js", …
  std::string_view content_type;  // from the extension
  std::string_view digest;        // MD5 of the body, hex: the ETag
  std::string_view body;          // static storage: valid for the whole run
};

// The file at `path` (starting with '/'), if the interface has one.
std::optional<Asset> find_asset(std::string_view path);
std::size_t asset_count();

}  // namespace guichet::web
