// Credentials: Argon2id password hashes, session tokens and their hashes,
// CSRF tokens, and a limit on login attempts. libsodium does the
// cryptography. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/time.h"

namespace guichet::server {

// Argon2id (libsodium's "interactive" limits), in its self-describing string form.
Result<std::string> hash_password(std::string_view password);
// A password a user chooses (kInvalidArgument, field "password", saying
// why): at least 12 characters, not spaces alone, at least 5 different
// characters, at least 8 besides the user name; then hashed.
Result<std::string> hash_new_password(std::string_view password, std::string_view username);
bool verify_password(const std::string& hash, std::string_view password);

// 32 random bytes, hex: what a client holds. Only its hash is stored, so a
// copy of the database gives no usable session.
std::string new_session_token();
std::string hash_token(std::string_view token);
// Derived from the session token (keyed hash): a cookie session must echo it
// in X-CSRF-Token on every state-changing request.
std::string csrf_token_for(std::string_view session_token);
// Compares in constant time.
bool same_secret(std::string_view a, std::string_view b);

// Password hashing is costly by design (Argon2id: 64 MiB and tens of
// milliseconds each): at most `concurrent` at a time and `waiting` in line,
// so that a login flood takes neither the cores nor the memory from the
// other requests. enter() false: too many already, refuse at once.
class HashGate {
 public:
  HashGate(int concurrent, int waiting) : concurrent_(concurrent), waiting_(waiting) {}
  bool enter();
  void leave();

 private:
  const int concurrent_;
  const int waiting_;
  std::mutex mutex_;
  std::condition_variable free_;
  int inside_ = 0;  // guarded by mutex_
  int queued_ = 0;  // guarded by mutex_
};

// Login attempts per key (user name and address): after `max_failures`
// failures within `window`, further attempts are refused until the window
// has passed since the first of them.
class LoginLimiter {
 public:
  LoginLimiter(int max_failures, Duration window) : max_failures_(max_failures), window_(window) {}
  bool allowed(const std::string& key, Time now);
  void failed(const std::string& key, Time now);
  void succeeded(const std::string& key);

 private:
  struct Attempts {
    int failures = 0;
    Time first{};
  };
  const int max_failures_;
  const Duration window_;
  std::mutex mutex_;
  std::map<std::string, Attempts> attempts_;  // guarded by mutex_
};

}  // namespace guichet::server
