// Errors as values: Status for operations that return nothing, Result<T> for
// operations that return a value. Used at every boundary (parsers, storage,
// commands given to the routing engine). Never throws.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace guichet {

// What went wrong, coarse enough for an API to map it to a status code.
enum class ErrorCode {
  kInvalidArgument,     // the caller's input is malformed or out of range
  kNotFound,            // an id that names nothing
  kAlreadyExists,       // an id already taken
  kFailedPrecondition,  // valid input, wrong state (e.g. accepting an expired offer)
  kIo,                  // the operating system refused (file, socket)
  kInternal,            // a bug: an invariant did not hold
};

const char* to_string(ErrorCode code);

// An error: a code, a message for humans and, when one input field is at
// fault, its name (so an API can point at it).
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::string field;
};

// Success, or an Error. Cheap to return when ok (no allocation).
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  static Status ok() { return {}; }
  bool is_ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }
  // "invalid_argument: message (field)" — for logs and command-line output.
  std::string to_string() const;

 private:
  Error error_;
  bool ok_ = true;
};

// A value of type T, or an Error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : data_(std::move(error)) {}  // NOLINT: implicit by design
  Result(Status status) : data_(status.error()) {}  // NOLINT: only from a failed Status

  bool is_ok() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return is_ok(); }

  T& value() & {
    assert(is_ok());
    return std::get<T>(data_);
  }
  const T& value() const& {
    assert(is_ok());
    return std::get<T>(data_);
  }
  T&& value() && {
    assert(is_ok());
    return std::get<T>(std::move(data_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!is_ok());
    return std::get<Error>(data_);
  }
  Status status() const { return is_ok() ? Status::ok() : Status(error()); }

 private:
  std::variant<T, Error> data_;
};

inline Error invalid_argument(std::string message, std::string field = {}) {
  return {ErrorCode::kInvalidArgument, std::move(message), std::move(field)};
}
inline Error not_found(std::string message, std::string field = {}) {
  return {ErrorCode::kNotFound, std::move(message), std::move(field)};
}
inline Error already_exists(std::string message, std::string field = {}) {
  return {ErrorCode::kAlreadyExists, std::move(message), std::move(field)};
}
inline Error failed_precondition(std::string message, std::string field = {}) {
  return {ErrorCode::kFailedPrecondition, std::move(message), std::move(field)};
}
inline Error io_error(std::string message) {
  return {ErrorCode::kIo, std::move(message), {}};
}
inline Error internal_error(std::string message) {
  return {ErrorCode::kInternal, std::move(message), {}};
}

}  // namespace guichet
