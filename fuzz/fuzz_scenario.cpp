// A simulator scenario file (guichet simulate --scenario, the what-if).
#include <cstdint>
#include <string_view>

#include "sim/simulator.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)guichet::sim::parse_scenario(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
