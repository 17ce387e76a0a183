// Files in an interaction: the citizen's (a chat's upload, a mail's
// attachments), for the agents it was offered to, and the agent's own,
// uploaded from the desk to go with a reply by email. Each is kept under
// DATA/attachments/<interaction>/<id> and named by an "attachment" event
// of the interaction's timeline: the server names the paths, never a client.
#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

#include "channels/email/mail_html.h"
#include "channels/files.h"
#include "conversations/contact_center.h"
#include "core/json_body.h"
#include "core/json_format.h"
#include "core/text.h"
#include "server/routes/routes.h"

namespace guichet::server::routes {

namespace json = boost::json;

namespace {

constexpr std::size_t kAgentFileBytes = 5u << 20;  // one file of the agent's
// All the files of one reply: 7 MB, 9.5 MB once in base64 — under the
// 10 MB most mail servers take (Postfix's message_size_limit).
constexpr std::size_t kReplyFileBytes = 7u << 20;
constexpr std::size_t kReplyFiles = 5;
constexpr std::size_t kFilesPerInteraction = 50;
constexpr std::size_t kInlinedBytes = 10u << 20;  // a mail's own images in its page

// The interaction's "attachment" events, each with its id checked (hex:
// it makes a path).
std::vector<json::object> attachments_of(const conversations::InteractionRecord& record) {
  std::vector<json::object> out;
  for (const store::InteractionEvent& event : record.timeline) {
    if (event.type != "attachment") continue;
    boost::system::error_code ec;
    json::value data = json::parse(event.data_json, ec);
    if (ec || !data.is_object()) continue;
    const std::string id = json_body::string_or(data.as_object(), "id", "");
    if (id.empty() || id.find_first_not_of("0123456789abcdef") != std::string::npos) continue;
    out.push_back(std::move(data.as_object()));
  }
  return out;
}

// GET /api/v1/interactions/{id}/attachment?file=…: a file of the
// interaction (a citizen's, or an agent's for a reply), for supervisors and
// the agents it was offered to. Named by an "attachment" event, which only
// the server writes; kept where it put it.
HttpResponse agent_file(ApiContext& api, const Call& call) {
  if (!call.manager() && !api.center.agent_involved(call.id, call.me())) return not_yours();
  auto record = api.center.interaction(call.id);
  if (!record) return from_error(record.error());
  const std::string wanted = call.request.query_param("file").value_or("");
  for (const json::object& a : attachments_of(*record)) {
    const std::string id = json_body::string_or(a, "id", "");
    if (id != wanted) continue;
    return file_response(
        channels::attachment_path(api.options.data_dir + "/attachments", call.id, id),
        json_body::string_or(a, "type", "application/octet-stream"),
        json_body::string_or(a, "name", "fichier"));
  }
  return error_response(404, "not_found", "no such file in this interaction", "file");
}

// GET /api/v1/interactions/{id}/mail?file=…&remote=1: a mail's HTML (its
// "attachment" event marked "html") made safe (mail_html.h), for the
// desk's frame: its own images inline, remote ones only when asked. Sent
// with a policy that lets nothing run, fetch or submit, sandboxed.
HttpResponse mail_html(ApiContext& api, const Call& call) {
  if (!call.manager() && !api.center.agent_involved(call.id, call.me())) return not_yours();
  auto record = api.center.interaction(call.id);
  if (!record) return from_error(record.error());
  const std::string wanted = call.request.query_param("file").value_or("");
  const bool remote = call.request.query_param("remote").value_or("") == "1";
  const std::string dir = api.options.data_dir + "/attachments";
  const auto files = attachments_of(*record);
  for (const json::object& a : files) {
    const json::value* html = a.if_contains("html");
    if (json_body::string_or(a, "id", "") != wanted || !html || !html->is_bool() ||
        !html->as_bool())
      continue;
    std::ifstream in(channels::attachment_path(dir, call.id, wanted), std::ios::binary);
    if (!in) return error_response(404, "not_found", "the file is gone", "file");
    const std::string source((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
    email::HtmlOptions options;
    options.remote_images = remote;
    // The mail's own images (cid:), as data: the frame, sandboxed, has no
    // session to fetch them with. Each read and encoded once, 10 MB of them
    // in the page at most (one image named a thousand times is not a gigabyte).
    std::map<std::string, std::string, std::less<>> encoded_images;
    std::size_t inlined = 0;
    options.inline_image = [&](std::string_view content_id) -> std::string {
      auto found = encoded_images.find(content_id);
      if (found == encoded_images.end()) {
        std::string data_url;
        for (const json::object& f : files) {
          if (json_body::string_or(f, "cid", "") != content_id) continue;
          const std::string type = json_body::string_or(f, "type", "");
          if (type != "image/png" && type != "image/jpeg") break;
          std::ifstream image(
              channels::attachment_path(dir, call.id, json_body::string_or(f, "id", "")),
              std::ios::binary);
          const std::string bytes((std::istreambuf_iterator<char>(image)),
                                  std::istreambuf_iterator<char>());
          if (bytes.empty()) break;
          std::string encoded(
              sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
          sodium_bin2base64(encoded.data(), encoded.size(),
                            reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                            sodium_base64_VARIANT_ORIGINAL);
          encoded.resize(std::strlen(encoded.c_str()));
          data_url = "data:" + type + ";base64," + encoded;
          break;
        }
        found = encoded_images.emplace(std::string(content_id), std::move(data_url)).first;
      }
      if (found->second.size() > kInlinedBytes - std::min(inlined, kInlinedBytes)) return {};
      inlined += found->second.size();
      return found->second;
    };
    HttpResponse response;
    response.content_type = "text/html; charset=utf-8";
    response.body = email::safe_html(source, options).html;
    response.headers.emplace_back(
        "Content-Security-Policy",
        std::string("default-src 'none'; img-src data:") + (remote ? " https: http:" : "") +
            "; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
            "frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox");
    response.headers.emplace_back("Referrer-Policy", "no-referrer");
    response.headers.emplace_back("Cache-Control", "private, no-store");
    return response;
  }
  return error_response(404, "not_found", "no such mail in this interaction", "file");
}

// POST /api/v1/interactions/{id}/attachments?name=…, the file as the body
// (the agent holding an email conversation, or a supervisor) → 201
// {"id","name","type","size"}: kept, in the timeline, ready to go with a
// reply. PDF, JPEG or PNG (read from its bytes), 5 MB at most.
HttpResponse agent_attach(ApiContext& api, const Call& call) {
  if (!holds_interaction(api, call)) return not_yours();
  auto record = api.center.interaction(call.id);
  if (!record) return from_error(record.error());
  if (record->view.stored.channel != "email")
    return from_error(failed_precondition("files go out with email replies only", "channel"));
  const std::string& bytes = call.request.body;
  if (bytes.empty()) return from_error(invalid_argument("the file is empty", "file"));
  if (bytes.size() > kAgentFileBytes)
    return error_response(413, "payload_too_large", "5 MB at most", "file");
  const auto type = channels::attachment_type(bytes);
  if (!type) return from_error(invalid_argument("PDF, JPEG or PNG only", "file"));
  // A conversation's files are bounded (the disk), and each one's name
  // ends as what it is ("devis.exe" holding a PDF reaches the citizen as
  // "devis.exe.pdf").
  if (attachments_of(*record).size() >= kFilesPerInteraction)
    return from_error(failed_precondition("50 files in this conversation already", "file"));
  std::string name = channels::clean_file_name(call.request.query_param("name").value_or(""));
  const std::string lowered = lower_ascii(name);
  const std::string extension = std::string(".") + type->extension;
  if (!lowered.ends_with(extension) && !(extension == ".jpg" && lowered.ends_with(".jpeg")))
    name += extension;
  const std::string id = random_hex(8);
  if (Status kept = channels::keep_file(
          channels::attachment_path(api.options.data_dir + "/attachments", call.id, id), bytes);
      !kept)
    return from_error(kept.error());
  const std::string data = json::serialize(json::object{{"id", id},
                                                        {"name", name},
                                                        {"type", type->mime},
                                                        {"size", bytes.size()},
                                                        {"from", "agent"},
                                                        {"agent_id", call.me()}});
  if (Status noted = api.center.note_durably(call.id, "attachment", data); !noted)
    return from_error(noted.error());
  return json_response(201, data);
}

}  // namespace

bool holds_interaction(ApiContext& api, const Call& call) {
  if (call.manager()) return true;
  auto held = api.center.agent_interactions(call.me());
  return held && std::any_of(held->begin(), held->end(),
                             [&](const auto& view) { return view.stored.id == call.id; });
}

HttpResponse file_response(const std::string& path, const std::string& type,
                           const std::string& name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return error_response(404, "not_found", "the file is gone", "id");
  HttpResponse response;
  response.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  response.content_type = type;
  std::string encoded;
  for (unsigned char c : name) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 0xF];
    }
  }
  response.headers.emplace_back("Content-Disposition",
                                "attachment; filename=\"fichier\"; filename*=UTF-8''" + encoded);
  response.headers.emplace_back("Cache-Control", "private, no-store");
  return response;
}

Result<std::vector<channels::ReplyFile>> reply_files(ApiContext& api, std::uint64_t interaction,
                                                     const std::vector<std::string>& ids) {
  std::vector<channels::ReplyFile> files;
  if (ids.empty()) return files;
  if (ids.size() > kReplyFiles) return invalid_argument("at most 5 files", "files");
  auto record = api.center.interaction(interaction);
  if (!record) return record.error();
  if (record->view.stored.channel != "email")
    return failed_precondition("files go out with email replies only", "files");
  const auto kept = attachments_of(*record);
  std::size_t total = 0;
  std::set<std::string> taken;
  for (const std::string& wanted : ids) {
    if (!taken.insert(wanted).second) continue;  // named twice: sent once
    auto found = std::find_if(kept.begin(), kept.end(), [&](const json::object& a) {
      return json_body::string_or(a, "id", "") == wanted;
    });
    if (found == kept.end()) return not_found("no such file in this interaction", "files");
    const std::string path =
        channels::attachment_path(api.options.data_dir + "/attachments", interaction, wanted);
    // Checked here, before the message is kept: a reply goes with its
    // files or not at all.
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec || size == 0)
      return failed_precondition("the file is gone: " + json_body::string_or(*found, "name", ""),
                                 "files");
    total += size;
    if (total > kReplyFileBytes) return invalid_argument("7 MB of files at most", "files");
    files.push_back({json_body::string_or(*found, "name", "fichier"),
                     json_body::string_or(*found, "type", "application/octet-stream"), path});
  }
  return files;
}

Status copy_attachments(ApiContext& api, std::uint64_t from, std::uint64_t to) {
  auto record = api.center.interaction(from);
  if (!record) return record.error();
  auto target = api.center.interaction(to);
  if (!target) return target.error();
  // Each copied once, a retry after a failure copying the rest.
  std::set<std::string> copied;
  for (const json::object& a : attachments_of(*target))
    copied.insert(json_body::string_or(a, "copied_from", ""));
  const std::string dir = api.options.data_dir + "/attachments";
  for (json::object a : attachments_of(*record)) {
    const std::string source = std::to_string(from) + ":" + json_body::string_or(a, "id", "");
    if (copied.count(source)) continue;
    std::ifstream in(channels::attachment_path(dir, from, json_body::string_or(a, "id", "")),
                     std::ios::binary);
    if (!in) continue;  // gone: nothing to copy
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string id = random_hex(8);
    if (Status kept = channels::keep_file(channels::attachment_path(dir, to, id), bytes); !kept)
      return kept;
    a["id"] = id;
    a["copied_from"] = source;
    if (Status noted = api.center.note_durably(to, "attachment", json::serialize(a)); !noted)
      return noted;
  }
  return Status::ok();
}

std::vector<Route> attachments() {
  Route upload{"POST", "/api/v1/interactions/{id}/attachments", Access::kSignedIn, agent_attach};
  upload.raw_body = true;  // the file itself
  return {
      {"GET", "/api/v1/interactions/{id}/attachment", Access::kSignedIn, agent_file},
      {"GET", "/api/v1/interactions/{id}/mail", Access::kSignedIn, mail_html},
      std::move(upload),
  };
}

}  // namespace guichet::server::routes
