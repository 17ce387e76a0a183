// The only translation unit that includes libre. Its headers need these
// definitions (libre's own build passes them; its .pc file does not).
#define HAVE_INTTYPES_H 1
#define HAVE_STDBOOL_H 1
#define HAVE_INET6 1

#include "voice/sip_endpoint.h"

#include <future>
#include <string>
#include <thread>

extern "C" {
#include <re.h>
}

namespace guichet::voice {

namespace {

std::string_view view(const pl& text) {
  return text.p ? std::string_view(text.p, text.l) : std::string_view();
}

// Commands to the SIP thread (mqueue ids).
constexpr int kStop = 1;

Error internal_error(std::string message) {
  return Error{ErrorCode::kInternal, std::move(message), {}};
}

}  // namespace

class SipEndpoint::Impl {
 public:
  explicit Impl(Options options) : options_(std::move(options)) {}

  // Runs the SIP thread; returns once it is listening (or failed to).
  Status start() {
    std::promise<Status> started;
    auto ready = started.get_future();
    thread_ = std::thread([this, &started] { run(started); });
    Status status = ready.get();
    if (!status) thread_.join();
    return status;
  }

  ~Impl() {
    if (!thread_.joinable()) return;
    mqueue_push(queue_, kStop, nullptr);  // thread-safe: a pipe
    thread_.join();
  }

 private:
  void run(std::promise<Status>& started) {
    if (libre_init() != 0) {
      started.set_value(internal_error("libre could not start"));
      return;
    }
    Status status = listen();
    const bool listening = status.is_ok();
    started.set_value(std::move(status));  // `started` is gone after this
    if (listening) (void)re_main(nullptr);
    close();
    libre_close();
  }

  Status listen() {
    sa address{};
    if (sa_set_str(&address, options_.host.c_str(), options_.port) != 0) {
      return invalid_argument("not an IP address: " + options_.host, "sip-listen");
    }
    if (mqueue_alloc(&queue_, &Impl::on_command, this) != 0) {
      return internal_error("no SIP command queue");
    }
    if (sip_alloc(&sip_, nullptr, 32, 32, 32, "Guichet", nullptr, nullptr) != 0) {
      return internal_error("no SIP stack");
    }
    if (sip_transp_add(sip_, SIP_TRANSP_UDP, &address) != 0 ||
        sip_transp_add(sip_, SIP_TRANSP_TCP, &address) != 0) {
      return io_error("cannot listen for SIP on " + options_.host + ":" +
                      std::to_string(options_.port));
    }
    if (sip_listen(&listener_, sip_, true, &Impl::on_request, this) != 0) {
      return internal_error("no SIP listener");
    }
    return Status::ok();
  }

  void close() {
    listener_ = static_cast<sip_lsnr*>(mem_deref(listener_));
    if (sip_) sip_close(sip_, true);
    sip_ = static_cast<sip*>(mem_deref(sip_));
    queue_ = static_cast<mqueue*>(mem_deref(queue_));
  }

  static void on_command(int id, void*, void* arg) {
    (void)arg;
    if (id == kStop) re_cancel();
  }

  // Requests outside a dialog (libre matches the ones inside). Returns true:
  // every request gets its answer here.
  static bool on_request(const sip_msg* msg, void* arg) {
    auto* self = static_cast<Impl*>(arg);
    const std::string_view method = view(msg->met);
    if (method == "OPTIONS") {
      (void)sip_treplyf(nullptr, nullptr, self->sip_, msg, false, 200, "OK",
                        "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS\r\n"
                        "Accept: application/sdp\r\n"
                        "Content-Length: 0\r\n\r\n");
      return true;
    }
    if (method == "INVITE") {
      // A service number is one with an IVR flow; flows come with the IVR
      // (docs/voice-plan.md, step 3): until then no number is one.
      (void)sip_treply(nullptr, self->sip_, msg, 404, "Not Found");
      return true;
    }
    if (method == "ACK") return true;  // for a final answer: nothing to do
    (void)sip_treplyf(nullptr, nullptr, self->sip_, msg, false, 405, "Method Not Allowed",
                      "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS\r\n"
                      "Content-Length: 0\r\n\r\n");
    return true;
  }

  Options options_;
  std::thread thread_;
  // The SIP thread's (created and freed there).
  mqueue* queue_ = nullptr;
  sip* sip_ = nullptr;
  sip_lsnr* listener_ = nullptr;
};

Result<std::unique_ptr<SipEndpoint>> SipEndpoint::start(Options options) {
  auto impl = std::make_unique<Impl>(std::move(options));
  if (Status s = impl->start(); !s) return s.error();
  return std::unique_ptr<SipEndpoint>(new SipEndpoint(std::move(impl)));
}

SipEndpoint::SipEndpoint(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SipEndpoint::~SipEndpoint() = default;

}  // namespace guichet::voice
