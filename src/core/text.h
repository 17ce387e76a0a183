// Text as people type it, made into what the service keeps: lengths in
// characters (not bytes), user names that cannot pass for another, and
// phone numbers in one form (E.164) whatever way they were written.
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace guichet {

// The number of characters (code points) of UTF-8 text. Bytes that are not
// UTF-8 each count as one.
std::size_t utf8_length(std::string_view text);

// A user name: 1 to 64 of a-z, 0-9, '.', '_', '-', starting with a letter
// or a digit. Lower case only, so that "Admin", "admin " or a name with an
// invisible or right-to-left character cannot pass for "admin".
bool valid_username(std::string_view name);

// A phone number as a French person types it, in E.164: "06 12 34 56 78",
// "0612345678", "+33 6 12 34 56 78", "+33 (0)6…", "0033 6…" and
// "33612345678" all give "+33612345678". National numbers of the overseas
// departments get their own country code (0690… → +590690…). Short numbers
// (2 to 6 digits: 3939, 112) stay as they are. Spaces, dots, dashes, slashes
// and parentheses are dropped. nullopt: not a phone number.
std::optional<std::string> e164(std::string_view text);

// `text` without the spaces, tabs and line ends around it.
std::string trimmed(std::string_view text);

// ASCII letters in lower case, the rest as it is (addresses, header words).
std::string lower_ascii(std::string text);

// `bytes` random bytes (getrandom), in lower-case hex: tokens and file names
// nobody can guess.
std::string random_hex(std::size_t bytes);

// A digest of a text that stays the same across versions and restarts
// (what an Idempotency-Key was first used for): FNV-1a, 16 hex digits. Not
// for secrets.
std::string fnv1a(std::string_view text);

}  // namespace guichet
