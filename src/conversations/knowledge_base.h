// The knowledge base: articles kept by supervisors and admins, each a
// draft that is published as a numbered version; the published ones are
// what the chatbot answers with and agents search (knowledge/index.h).
//
// An article is a configuration document of kind "article" (store.h): each
// change is written with who made it and the article before and after, in
// the audit log. Its draft is what the editor saves; publishing copies the
// draft into the published version (version n + 1), withdrawing takes the
// published version off the search. Who changed or published it, and when,
// are the server's, never the client's.
//
// Thread-safe: changes are made one at a time; searches run beside them.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "knowledge/index.h"
#include "store/store.h"

namespace guichet::conversations {

// What an editor writes: a title (1 to 150 letters), a body (1 to 20,000,
// plain text, paragraphs separated by a blank line), up to 20 tags (the
// words citizens use for it: synonyms, abbreviations; 1 to 50 letters each)
// and up to 10 links (a title and an http(s) address).
struct ArticleContent {
  std::string title;
  std::string body;
  std::vector<std::string> tags;
  std::vector<knowledge::Link> links;
  bool operator==(const ArticleContent&) const = default;
};

struct PublishedArticle {
  ArticleContent content;
  int version = 0;  // 1 for the first publication
  Time at{};
  std::uint64_t by = 0;
};

struct ArticleRecord {
  std::uint64_t id = 0;
  ArticleContent draft;
  std::optional<PublishedArticle> published;
  Time updated_at{};
  std::uint64_t updated_by = 0;
  // "draft": never published or withdrawn; "published": the draft is what
  // is published; "changed": published, with changes not yet published.
  std::string state() const;
};

// A search's answer: the hits, best first, each a published article.
using KnowledgeHits = std::vector<knowledge::Hit>;

class KnowledgeBase {
 public:
  using Clock = std::function<Time()>;

  static Result<std::unique_ptr<KnowledgeBase>> open(store::Store& store, Clock clock);
  ~KnowledgeBase();

  // Indexes what is published (at start).
  Status load();

  Result<ArticleRecord> create(ArticleContent content, std::uint64_t user);
  // Saves the draft; the published version stays until published again.
  Result<ArticleRecord> update(std::uint64_t id, ArticleContent content, std::uint64_t user);
  Result<ArticleRecord> publish(std::uint64_t id, std::uint64_t user);
  Result<ArticleRecord> withdraw(std::uint64_t id, std::uint64_t user);
  Status remove(std::uint64_t id, std::uint64_t user);

  Result<ArticleRecord> article(std::uint64_t id);
  Result<std::vector<ArticleRecord>> articles();  // by id

  // The published articles that best answer a question (1 to 500
  // characters), at most `limit` (1 to 10).
  Result<KnowledgeHits> search(std::string_view question, std::size_t limit);

 private:
  struct Impl;
  explicit KnowledgeBase(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace guichet::conversations
