// Text people type: phone numbers (citizens', agents'), user names,
// lengths, the telework phone setting.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "conversations/agent_phone.h"
#include "core/network.h"
#include "core/text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (auto number = guichet::e164(text)) {
    // A normalised number normalises to itself.
    if (guichet::e164(*number) != number) std::abort();
  }
  (void)guichet::utf8_length(text);
  (void)guichet::valid_username(text);
  guichet::conversations::PhonePolicy policy;
  policy.trunk = true;
  policy.sip_networks = *guichet::parse_networks("192.0.2.0/24, 2001:db8::/32");
  auto phone = guichet::conversations::agent_phone(text, policy);
  if (phone) {  // a setting kept is accepted again as it is
    auto again = guichet::conversations::agent_phone(*phone, policy);
    if (!again || *again != *phone) std::abort();
  }
  return 0;
}
