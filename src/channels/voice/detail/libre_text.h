// Reading what libre parsed (its `pl`: a pointer and a length, not
// terminated) as string views. libre's headers need these definitions
// (libre's own build passes them; its .pc file does not), and are C with
// warnings of their own: taken as system headers.
#pragma once

#ifndef HAVE_INTTYPES_H
#define HAVE_INTTYPES_H 1
#endif
#ifndef HAVE_STDBOOL_H
#define HAVE_STDBOOL_H 1
#endif
#ifndef HAVE_INET6
#define HAVE_INET6 1
#endif

#include <string_view>

extern "C" {
#include <re.h>
}

namespace guichet::voice::detail {

inline std::string_view view(const pl& text) {
  return text.p ? std::string_view(text.p, text.l) : std::string_view();
}

// Without the spaces and tabs around it.
inline std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

}  // namespace guichet::voice::detail
