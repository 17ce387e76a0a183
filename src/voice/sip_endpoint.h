// The SIP endpoint that trunks and PBXs send the service's calls to (RFC 3261
// over UDP and TCP). libre does the SIP work on a thread of its own (its
// event loop, re_main, must own one); nothing of libre shows here.
//
// What it does now (step 1 of docs/voice-plan.md): answers OPTIONS (trunks'
// keep-alives), refuses an INVITE for a number without an IVR flow with 404
// — every number, until flows exist —, other requests outside a dialog with
// 405, and drops what does not parse.
//
// Thread-safety: start and the destructor from any one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/result.h"

namespace guichet::voice {

class SipEndpoint {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 5060;  // UDP and TCP
  };

  // Binds UDP and TCP and starts the SIP thread; fails (kIo) when the port
  // is taken, kInvalidArgument when the host is not an address.
  static Result<std::unique_ptr<SipEndpoint>> start(Options options);
  ~SipEndpoint();  // stops the SIP thread; pending transactions are dropped

  SipEndpoint(const SipEndpoint&) = delete;
  SipEndpoint& operator=(const SipEndpoint&) = delete;

  class Impl;

 private:
  explicit SipEndpoint(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace guichet::voice
