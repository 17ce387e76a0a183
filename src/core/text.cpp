#include "core/text.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <random>

namespace guichet {

std::size_t utf8_length(std::string_view text) {
  // Continuation bytes (10xxxxxx) do not start a character.
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

bool valid_username(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  };
  const char first = name.front();
  return std::all_of(name.begin(), name.end(), allowed) &&
         ((first >= 'a' && first <= 'z') || (first >= '0' && first <= '9'));
}

namespace {

// French national prefixes that are not +33: the overseas departments and
// collectivities share the 0 trunk prefix with their own country code.
struct Overseas {
  std::string_view national;  // after the leading 0
  std::string_view country;
};
constexpr std::array<Overseas, 12> kOverseas = {{
    {"590", "590"},
    {"690", "590"},
    {"691", "590"},  // Guadeloupe, Saint-Martin, Saint-Barthélemy
    {"594", "594"},
    {"694", "594"},  // Guyane
    {"596", "596"},
    {"696", "596"},
    {"697", "596"},  // Martinique
    {"262", "262"},
    {"692", "262"},
    {"693", "262"},  // La Réunion
    {"639", "262"},  // Mayotte
}};

}  // namespace

std::optional<std::string> e164(std::string_view text) {
  std::string kept;
  bool plus = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && kept.empty() && !plus) {
      plus = true;
    } else if (c >= '0' && c <= '9') {
      kept += c;
    } else if (c == '(' && text.substr(i, 3) == "(0)" && (plus || kept.size() >= 2)) {
      i += 2;  // "+33 (0)6…": the national 0 written beside the country code
    } else if (c != ' ' && c != '.' && c != '-' && c != '/' && c != '(' && c != ')' && c != '\t') {
      return std::nullopt;
    }
  }
  if (kept.empty()) return std::nullopt;
  if (!plus && kept.size() >= 2 && kept.size() <= 6) return kept;  // short numbers
  if (!plus && kept.rfind("00", 0) == 0) {                         // 0033…: international
    kept.erase(0, 2);
    plus = true;
  } else if (!plus && kept.size() == 10 && kept[0] == '0') {  // 06 12 34 56 78
    const std::string_view national = std::string_view(kept).substr(1);
    std::string country = "33";
    for (const Overseas& o : kOverseas) {
      if (national.substr(0, 3) == o.national) country = std::string(o.country);
    }
    kept = country + std::string(national);
    plus = true;
  } else if (!plus && kept.size() == 11 && kept.rfind("33", 0) == 0) {  // 33612345678
    plus = true;
  }
  if (!plus || kept[0] == '0' || kept.size() < 8 || kept.size() > 15) return std::nullopt;
  return "+" + kept;
}

std::string fnv1a(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ull;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(hash));
  return out;
}

std::string random_hex(std::size_t bytes) {
  static thread_local std::random_device device;  // getrandom(2) on Linux
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (std::size_t i = 0; i < bytes; i += 4) {
    std::uint32_t word = device();
    for (std::size_t j = 0; j < 4 && i + j < bytes; ++j, word >>= 8) {
      out += kHex[(word >> 4) & 0xF];
      out += kHex[word & 0xF];
    }
  }
  return out;
}

std::string trimmed(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!text.empty() && space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && space(text.back()))
    text.remove_suffix(1);
  return std::string(text);
}

std::string lower_ascii(std::string text) {
  for (char& c : text)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return text;
}

}  // namespace guichet
