#include "channels/voice/audio.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <thread>

extern char** environ;

namespace guichet::voice {

namespace fs = std::filesystem;

namespace {

// Runs a command (no shell: arguments are passed as they are); its output
// goes nowhere. True when it exited with 0.
bool run(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (std::string& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return false;
  // A synthesis takes a fraction of a second: one stuck for 20 s is killed
  // (the voice channel's thread waits for it).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (;;) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (done < 0 && errno != EINTR) return false;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      (void)waitpid(pid, &status, 0);
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// FNV-1a: a stable name for a cached prompt (std::hash may change).
std::string hash_name(const std::string& text) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char name[32];
  std::snprintf(name, sizeof name, "%016llx", static_cast<unsigned long long>(h));
  return name;
}

Result<AudioPtr> read_raw(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{ErrorCode::kIo, "cannot read " + path.string(), ""};
  auto samples = std::make_shared<Samples>();
  std::int16_t sample = 0;
  while (in.read(reinterpret_cast<char*>(&sample), sizeof sample))
    samples->push_back(sample);
  return AudioPtr(std::move(samples));
}

std::string temp_name(const fs::path& dir, const std::string& suffix) {
  static std::atomic<unsigned> counter{0};
  return (dir / (".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + suffix))
      .string();
}

// sox: any audio file to 8 kHz mono 16-bit raw, written to `raw` atomically.
bool to_raw(const std::string& input, const fs::path& raw) {
  const std::string temp = temp_name(raw.parent_path(), ".raw");
  if (!run({"sox", input, "-r", "8000", "-c", "1", "-b", "16", "-e", "signed-integer", "-t", "raw",
            temp})) {
    fs::remove(temp);
    return false;
  }
  std::error_code ec;
  fs::rename(temp, raw, ec);
  return !ec;
}

}  // namespace

Result<AudioPtr> synthesize(const std::string& text, const std::string& cache_dir) {
  std::error_code ec;
  fs::create_directories(cache_dir, ec);
  if (ec) return Error{ErrorCode::kIo, "cannot create " + cache_dir, "prompts"};
  const fs::path raw = fs::path(cache_dir) / (hash_name("fr\n" + text) + ".raw");
  if (fs::exists(raw, ec)) return read_raw(raw);
  // The text goes through a file, never the command line: it may start with
  // '-' or hold anything.
  const std::string text_file = temp_name(cache_dir, ".txt");
  const std::string wav = temp_name(cache_dir, ".wav");
  {
    std::ofstream out(text_file, std::ios::binary);
    out << text;
  }
  const bool spoken = run({"espeak-ng", "-v", "fr", "-s", "150", "-w", wav, "-f", text_file});
  fs::remove(text_file, ec);
  const bool converted = spoken && to_raw(wav, raw);
  fs::remove(wav, ec);
  if (!spoken) return Error{ErrorCode::kInternal, "espeak-ng could not say: " + text, "text"};
  if (!converted) return Error{ErrorCode::kInternal, "sox could not convert the prompt", "text"};
  return read_raw(raw);
}

Result<AudioPtr> read_audio_file(const std::string& path) {
  const fs::path raw = fs::path(path).replace_extension(".raw");
  if (!to_raw(path, raw)) {
    return Error{ErrorCode::kInvalidArgument, "not an audio file sox can read", "file"};
  }
  auto audio = read_raw(raw);
  std::error_code ec;
  fs::remove(raw, ec);
  return audio;
}

std::string wav_header(int channels, std::uint32_t data_bytes) {
  auto put32 = [](std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
      out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  auto put16 = [](std::string& out, std::uint16_t v) {
    out.push_back(static_cast<char>(v & 0xff));
    out.push_back(static_cast<char>(v >> 8));
  };
  const auto block = static_cast<std::uint16_t>(channels * 2);  // 16-bit samples
  std::string header = "RIFF";
  put32(header, 36 + data_bytes);
  header += "WAVEfmt ";
  put32(header, 16);
  put16(header, 1);  // PCM
  put16(header, static_cast<std::uint16_t>(channels));
  put32(header, kSampleRate);
  put32(header, kSampleRate * block);
  put16(header, block);
  put16(header, 16);
  header += "data";
  put32(header, data_bytes);
  return header;
}

Status write_wav(const std::string& path, const Samples& samples) {
  const auto bytes = static_cast<std::uint32_t>(samples.size() * 2);
  const std::string header = wav_header(1, bytes);
  const std::string temp = path + ".part";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    out.write(reinterpret_cast<const char*>(samples.data()), bytes);
    out.flush();
    if (!out) {
      std::error_code ec;
      fs::remove(temp, ec);
      return Error{ErrorCode::kIo, "cannot write " + path, ""};
    }
  }
  std::error_code ec;
  fs::rename(temp, path, ec);
  if (ec) return Error{ErrorCode::kIo, "cannot write " + path, ""};
  return Status::ok();
}

AudioPtr music_on_hold() {
  // Four chords, each an arpeggio of soft plucked notes (a decaying sine with
  // its octave): calm, and never mistaken for a ring tone or for silence.
  static const AudioPtr music = [] {
    const double chords[4][3] = {{261.63, 329.63, 392.00},
                                 {220.00, 261.63, 329.63},
                                 {174.61, 220.00, 261.63},
                                 {196.00, 246.94, 293.66}};
    auto samples = std::make_shared<Samples>();
    const int note = kSampleRate / 3;  // a third of a second each
    for (const auto& chord : chords) {
      for (int repeat = 0; repeat < 2; ++repeat) {
        for (double f : chord) {
          for (int i = 0; i < note; ++i) {
            const double t = static_cast<double>(i) / kSampleRate;
            const double envelope = std::exp(-3.0 * t) * std::min(1.0, i / 80.0);
            const double wave = std::sin(2 * std::numbers::pi * f * t) +
                                0.3 * std::sin(4 * std::numbers::pi * f * t);
            samples->push_back(static_cast<std::int16_t>(4500 * envelope * wave));
          }
        }
      }
    }
    return samples;
  }();
  return music;
}

AudioPtr beep() {
  static const AudioPtr tone = [] {
    auto samples = std::make_shared<Samples>();
    const int length = kSampleRate * 3 / 10;
    const int ramp = kSampleRate / 100;  // 10 ms in and out: a step in loudness is a click
    for (int i = 0; i < length; ++i) {
      const double t = static_cast<double>(i) / kSampleRate;
      const int edge = std::min(i, length - 1 - i);
      const double envelope =
          edge >= ramp ? 1.0 : 0.5 - 0.5 * std::cos(std::numbers::pi * edge / ramp);
      samples->push_back(
          static_cast<std::int16_t>(8000 * envelope * std::sin(2 * std::numbers::pi * 1000 * t)));
    }
    return samples;
  }();
  return tone;
}

bool has_speech(const Samples& samples) {
  // Frames of 20 ms louder than a quiet line (RMS 400 of 32767, about
  // -38 dBFS); a fifth of a second of them is someone speaking.
  constexpr std::size_t kFrameSamples = kSampleRate / 50;
  int loud = 0;
  for (std::size_t start = 0; start + kFrameSamples <= samples.size(); start += kFrameSamples) {
    double energy = 0;
    for (std::size_t i = start; i < start + kFrameSamples; ++i)
      energy += static_cast<double>(samples[i]) * samples[i];
    if (std::sqrt(energy / kFrameSamples) > 400 && ++loud >= 10) return true;
  }
  return false;
}

}  // namespace guichet::voice
