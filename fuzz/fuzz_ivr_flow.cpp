// An IVR flow document, as an administrator's editor sends it.
#include <cstdint>
#include <string>
#include <vector>

#include "channels/voice/ivr.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<guichet::voice::IvrProblem> problems;
  (void)guichet::voice::parse_ivr_flow(std::string(reinterpret_cast<const char*>(data), size),
                                       problems);
  return 0;
}
