// What an RTP packet's payload carries, read defensively: the payload
// without its padding (RFC 3550 5.1) and telephone events (RFC 4733). Pure;
// thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace guichet::voice {

// The payload's length once its padding is taken off (its last byte counts
// the padding); nullopt when that count is 0 or more than the payload.
std::optional<std::size_t> unpadded_size(const std::uint8_t* payload, std::size_t size);

// An RFC 4733 event: the key ('0'-'9', '*', '#', 'A'-'D'; 0 for other
// events), whether it ended, its duration in samples. nullopt: shorter than
// the 4 bytes an event takes.
struct KeyEvent {
  char key = 0;
  bool end = false;
  std::uint16_t duration = 0;
};
std::optional<KeyEvent> read_key_event(const std::uint8_t* payload, std::size_t size);

}  // namespace guichet::voice
