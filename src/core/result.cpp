#include "core/result.h"

namespace guichet {

const char* to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kAlreadyExists:
      return "already_exists";
    case ErrorCode::kFailedPrecondition:
      return "failed_precondition";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

std::string Status::to_string() const {
  if (ok_) return "ok";
  std::string text = guichet::to_string(error_.code);
  text += ": ";
  text += error_.message;
  if (!error_.field.empty()) text += " (" + error_.field + ")";
  return text;
}

}  // namespace guichet
