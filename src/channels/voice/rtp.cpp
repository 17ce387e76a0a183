#include "channels/voice/rtp.h"

namespace guichet::voice {

std::optional<std::size_t> unpadded_size(const std::uint8_t* payload, std::size_t size) {
  if (size == 0) return std::nullopt;
  const std::size_t padding = payload[size - 1];
  if (padding == 0 || padding > size) return std::nullopt;
  return size - padding;
}

std::optional<KeyEvent> read_key_event(const std::uint8_t* payload, std::size_t size) {
  if (size < 4) return std::nullopt;
  static constexpr char kKeys[] = "0123456789*#ABCD";
  KeyEvent event;
  event.key = payload[0] < 16 ? kKeys[payload[0]] : 0;
  event.end = (payload[1] & 0x80) != 0;
  event.duration = static_cast<std::uint16_t>((payload[2] << 8) | payload[3]);
  return event;
}

}  // namespace guichet::voice
