// A mail's HTML made safe to show on the agent's desk. The mail is read
// with libxml2's HTML parser (it takes what real clients write, broken or
// not) and written again from an allowlist: formatting elements and
// attributes only; no script, form, frame, object, SVG or event handler;
// links to http(s), mailto and tel only, opened elsewhere. Images are the
// mail's own (cid:, data:) unless the agent asks for remote ones: a remote
// image tells the sender the mail was read, and when. The server also
// sends it with a Content-Security-Policy and a sandbox (defence in depth):
// the CSS is filtered too (no escapes, no imports, no url() unless asked)
// but the policy is what guarantees it fetches nothing.
// Pure: any thread may call it at once (libxml2 is set up once).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace guichet::email {

struct SafeHtml {
  std::string html;               // a whole document, UTF-8
  std::size_t remote_images = 0;  // left out (or kept, when asked)
};

struct HtmlOptions {
  bool remote_images = false;
  // The address an inline image ("cid:…") is shown from; empty: none shown.
  // Called for each "cid:" in the mail, with its id as written.
  std::function<std::string(std::string_view content_id)> inline_image;
};

SafeHtml safe_html(std::string_view html, const HtmlOptions& options = {});

}  // namespace guichet::email
