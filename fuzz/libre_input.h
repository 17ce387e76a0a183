// The fuzzer's input as libre reads what arrives from the network: an mbuf
// positioned at its start (libre's headers, with the settings they need).
#pragma once

#define HAVE_INTTYPES_H 1
#define HAVE_STDBOOL_H 1
#define HAVE_INET6 1
#include <re.h>

#include <cstdint>

// Owned by the caller (mem_deref); null when out of memory.
inline mbuf* libre_input(const std::uint8_t* data, std::size_t size) {
  mbuf* mb = mbuf_alloc(size + 1);
  if (!mb) return nullptr;
  (void)mbuf_write_mem(mb, data, size);
  mb->pos = 0;
  return mb;
}
