// Configuration documents a channel owns (the voice channel's IVR flows):
// the domain keeps them, versions them and refuses one with problems; the
// channel that owns the kind says what the problems are. It may look up the
// other documents (the queues, calendars and recordings a flow names, the
// numbers other flows answer) through DocumentLookup, never the store.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace guichet::conversations {

// One problem: the part of the document it is about (an IVR step; empty:
// the document), the field, a message the editor shows.
struct DocumentProblem {
  std::string part;
  std::string field;
  std::string message;
};

class DocumentLookup {
 public:
  virtual ~DocumentLookup() = default;
  virtual bool exists(const std::string& kind, std::uint64_t id) = 0;
  struct Named {
    std::uint64_t id = 0;
    std::string name;
    std::string body_json;
  };
  virtual std::vector<Named> all(const std::string& kind) = 0;
};

// `body_json`: the document as the client sent it (with "name"); `id`: the
// stored one it would replace (0: a new one). Empty: it may be saved.
using DocumentCheck = std::function<std::vector<DocumentProblem>(
    const std::string& body_json, std::uint64_t id, DocumentLookup& lookup)>;

}  // namespace guichet::conversations
