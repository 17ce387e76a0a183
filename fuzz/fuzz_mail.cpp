// Mails as IMAP servers give them (anyone can send one): parsed, never a
// crash; what is read back is within what came in.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "channels/email/mail.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  auto mail = guichet::email::parse_mail(raw);
  if (mail) {
    // A part's decoded bytes never exceed what came in (base64 and QP shrink).
    for (const auto& file : mail->files)
      if (file.content.size() > size) std::abort();
  }
  (void)guichet::email::reference_in(raw);
  return 0;
}
