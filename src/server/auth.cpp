#include "server/auth.h"

#include <sodium.h>

#include <set>

#include "core/text.h"

namespace guichet::server {

namespace {

// sodium_init is thread-safe and idempotent; call it before any use.
bool sodium_ready() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

std::string to_hex(const unsigned char* bytes, std::size_t size) {
  std::string hex(size * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, size);
  hex.pop_back();
  return hex;
}

}  // namespace

Result<std::string> hash_password(std::string_view password) {
  if (!sodium_ready()) return Error{ErrorCode::kInternal, "libsodium failed to start", {}};
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Error{ErrorCode::kInternal, "out of memory while hashing a password", {}};
  }
  return std::string(hash);
}

Result<std::string> hash_new_password(std::string_view password, std::string_view username) {
  if (utf8_length(password) < 12) return invalid_argument("at least 12 characters", "password");
  if (password.find_first_not_of(" \t") == std::string_view::npos) {
    return invalid_argument("not spaces alone", "password");
  }
  std::set<char> different(password.begin(), password.end());
  if (different.size() < 5) return invalid_argument("at least 5 different characters", "password");
  std::string lower(password);
  for (char& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // The user name does not count: "jdupont" + five characters is too little.
  if (!username.empty()) {
    for (auto at = lower.find(username); at != std::string::npos; at = lower.find(username)) {
      lower.erase(at, username.size());
    }
    if (utf8_length(lower) < 8) {
      return invalid_argument("at least 8 characters besides the user name", "password");
    }
  }
  return hash_password(password);
}

bool HashGate::enter() {
  std::unique_lock lock(mutex_);
  if (inside_ < concurrent_) {
    ++inside_;
    return true;
  }
  if (queued_ >= waiting_) return false;
  ++queued_;
  // Bounded: a worker thread never waits long for a slot.
  const bool got =
      free_.wait_for(lock, std::chrono::seconds(2), [this] { return inside_ < concurrent_; });
  --queued_;
  if (got) ++inside_;
  return got;
}

void HashGate::leave() {
  {
    std::lock_guard lock(mutex_);
    --inside_;
  }
  free_.notify_one();
}

bool verify_password(const std::string& hash, std::string_view password) {
  if (!sodium_ready() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string new_session_token() {
  sodium_ready();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  return to_hex(bytes, sizeof bytes);
}

std::string hash_token(std::string_view token) {
  sodium_ready();
  unsigned char digest[crypto_generichash_BYTES];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  return to_hex(digest, sizeof digest);
}

std::string csrf_token_for(std::string_view session_token) {
  sodium_ready();
  static const unsigned char kContext[] = "guichet csrf v1 ";  // a key of 16 bytes
  unsigned char digest[16];
  crypto_generichash(digest, sizeof digest,
                     reinterpret_cast<const unsigned char*>(session_token.data()),
                     session_token.size(), kContext, 16);
  return to_hex(digest, sizeof digest);
}

bool same_secret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool LoginLimiter::allowed(const std::string& key, Time now) {
  std::lock_guard lock(mutex_);
  auto found = attempts_.find(key);
  if (found == attempts_.end()) return true;
  if (now - found->second.first >= window_) {
    attempts_.erase(found);
    return true;
  }
  return found->second.failures < max_failures_;
}

void LoginLimiter::failed(const std::string& key, Time now) {
  std::lock_guard lock(mutex_);
  Attempts& attempts = attempts_[key];
  if (attempts.failures == 0 || now - attempts.first >= window_) attempts = {0, now};
  ++attempts.failures;
  // Bound memory under a flood of distinct keys: forget the oldest windows.
  if (attempts_.size() > 100'000) {
    std::erase_if(attempts_,
                  [&](const auto& entry) { return now - entry.second.first >= window_; });
  }
}

void LoginLimiter::succeeded(const std::string& key) {
  std::lock_guard lock(mutex_);
  attempts_.erase(key);
}

}  // namespace guichet::server
