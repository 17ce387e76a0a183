// Audio for calls: 8 kHz mono 16-bit linear samples, shared read-only
// between the calls that play them. Prompts are French text synthesised by
// espeak-ng and resampled by sox, both run as commands (espeak-ng is GPL:
// not linked), once per text, cached on disk.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace guichet::voice {

using Samples = std::vector<std::int16_t>;
using AudioPtr = std::shared_ptr<const Samples>;

inline constexpr int kSampleRate = 8000;

// `text` spoken in French, from `cache_dir` if it was synthesised before
// (the file is named by a hash of the text and voice). Blocks for the
// synthesis (about 0.1 s per sentence): not on the SIP thread.
Result<AudioPtr> synthesize(const std::string& text, const std::string& cache_dir);

// A WAV file of any rate or format, converted by sox (uploaded prompts).
Result<AudioPtr> read_audio_file(const std::string& path);

// The 44-byte header of a 16-bit 8 kHz WAV file of `channels` channels
// holding `data_bytes` of samples.
std::string wav_header(int channels, std::uint32_t data_bytes);

// Writes a 16-bit mono 8 kHz WAV file (a recording), whole or not at all.
Status write_wav(const std::string& path, const Samples& samples);

AudioPtr music_on_hold();  // generated: a calm arpeggio of about 8 s, looped
AudioPtr beep();           // 1 kHz, 0.3 s, 10 ms ramps: "speak after the tone"

// Whether a recording holds someone speaking (at least 0.2 s louder than a
// quiet line), not silence or line noise: an empty voicemail is not queued.
bool has_speech(const Samples& samples);

}  // namespace guichet::voice
