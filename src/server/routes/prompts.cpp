// /api/v1/prompts: recordings uploaded for IVR steps ("audio_id"). The
// document keeps the name and length; the file sits where the voice channel
// reads it, named by the id (never by the client).
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "channels/voice/audio.h"
#include "channels/voice/voice_channel.h"
#include "conversations/contact_center.h"
#include "server/routes/routes.h"

namespace guichet::server::routes {

namespace json = boost::json;

namespace {

std::string prompt_file(const ApiContext& api, std::uint64_t id) {
  return voice::VoiceChannel::uploaded_recording(api.options.data_dir, id);
}

// POST /api/v1/prompts?name=NAME with the audio file as the body (WAV, or
// anything sox reads): checked by converting it, then kept.
HttpResponse upload(ApiContext& api, const Call& call) {
  const HttpRequest& request = call.request;
  const std::string name = request.query_param("name").value_or("");
  if (name.empty() || name.size() > 100) {
    return error_response(400, "invalid_argument", "?name=, 1 to 100 characters", "name");
  }
  if (request.body.empty()) return error_response(400, "invalid_argument", "no audio", "body");
  const std::string folder = std::filesystem::path(prompt_file(api, 0)).parent_path().string();
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  static std::atomic<unsigned> uploads{0};
  const std::string temp = folder + "/.upload-" + std::to_string(++uploads) + ".wav";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(request.body.data(), static_cast<std::streamsize>(request.body.size()));
    if (!out) return error_response(500, "internal", "cannot keep the upload", "body");
  }
  auto audio = voice::read_audio_file(temp);
  if (!audio || (*audio)->empty()) {
    std::filesystem::remove(temp, ec);
    return error_response(400, "invalid_argument", "not an audio file (WAV expected)", "body");
  }
  const double seconds = static_cast<double>((*audio)->size()) / voice::kSampleRate;
  if (seconds > 600) {
    std::filesystem::remove(temp, ec);
    return error_response(400, "invalid_argument", "at most 10 minutes", "body");
  }
  json::object body{{"name", name}, {"seconds", std::round(seconds * 10) / 10}};
  auto created = api.center.create("prompt", json::serialize(body), call.me());
  if (!created) {
    std::filesystem::remove(temp, ec);
    return from_error(created.error());
  }
  boost::system::error_code parse_ec;
  json::value view = json::parse(*created, parse_ec);
  const std::uint64_t id = parse_ec ? 0 : static_cast<std::uint64_t>(view.at("id").as_int64());
  std::filesystem::rename(temp, prompt_file(api, id), ec);
  if (ec) {
    (void)api.center.remove("prompt", id, call.me());
    return error_response(500, "internal", "cannot keep the upload", "body");
  }
  return json_response(201, *created);
}

HttpResponse remove(ApiContext& api, const Call& call) {
  if (Status s = api.center.remove("prompt", call.id, call.me()); !s) return from_error(s.error());
  std::error_code ec;
  std::filesystem::remove(prompt_file(api, call.id), ec);
  return no_content();
}

HttpResponse audio(ApiContext& api, const Call& call) {
  if (!api.center.get("prompt", call.id)) {
    return error_response(404, "not_found", "no such recording", "id");
  }
  return wav_file(prompt_file(api, call.id), "the recording's file is gone");
}

}  // namespace

HttpResponse wav_file(const std::string& path, const char* gone) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return error_response(404, "not_found", gone, "id");
  HttpResponse response;
  response.content_type = "audio/wav";
  response.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return response;
}

std::vector<Route> prompts() {
  Route upload_route{"POST", "/api/v1/prompts", Access::kManager, upload};
  upload_route.raw_body = true;
  return {
      list_documents("prompts", "prompt"),
      std::move(upload_route),
      get_document("prompts", "prompt"),
      // A new recording is a new upload: no PUT.
      {"DELETE", "/api/v1/prompts/{id}", Access::kManager, remove},
      {"GET", "/api/v1/prompts/{id}/audio", Access::kManager, audio},
  };
}

}  // namespace guichet::server::routes
