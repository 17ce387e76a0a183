#include "channels/voice/audio.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <numbers>

namespace guichet::voice {
namespace {

Samples tone(double seconds, double amplitude) {
  Samples out;
  for (int i = 0; i < static_cast<int>(seconds * kSampleRate); ++i) {
    out.push_back(static_cast<std::int16_t>(
        amplitude * std::sin(2 * std::numbers::pi * 300 * i / kSampleRate)));
  }
  return out;
}

TEST(Audio, TheBeepRisesAndFallsWithoutAClick) {
  const Samples& b = *beep();
  ASSERT_EQ(b.size(), static_cast<std::size_t>(kSampleRate * 3 / 10));
  // No step in loudness at either end: the first and last 8 samples are soft.
  for (int i = 0; i < 8; ++i) {
    EXPECT_LT(std::abs(b[static_cast<std::size_t>(i)]), 600) << i;
    EXPECT_LT(std::abs(b[b.size() - 1 - static_cast<std::size_t>(i)]), 600) << i;
  }
  int loudest = 0;
  for (std::int16_t s : b)
    loudest = std::max(loudest, std::abs(static_cast<int>(s)));
  EXPECT_GT(loudest, 7000);
}

TEST(Audio, AnEmptyVoicemailHasNoSpeech) {
  EXPECT_FALSE(has_speech(Samples(5 * kSampleRate, 0))) << "silence";
  Samples noise;
  std::srand(1);
  for (int i = 0; i < 5 * kSampleRate; ++i)
    noise.push_back(static_cast<std::int16_t>(std::rand() % 200 - 100));
  EXPECT_FALSE(has_speech(noise)) << "a quiet line";
  EXPECT_FALSE(has_speech(tone(0.1, 8000))) << "a click, a breath";
  EXPECT_TRUE(has_speech(tone(1.0, 4000))) << "someone speaking";
}

}  // namespace
}  // namespace guichet::voice
