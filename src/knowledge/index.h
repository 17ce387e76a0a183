// The knowledge base's published articles, searched as citizens write:
// French words folded and stemmed (french_search.h), typos forgiven (one
// letter, two in a long word, an ending the stemmer did not recognise), ranked by bm25 with the
// title and tags weighing more than the body. The index lives in memory (an SQLite FTS5 table of
// its own), rebuilt from the store at start: the store may be SQLite or PostgreSQL, and a search
// never waits for the store's writer.
//
// Ranking: bm25 (FTS5's), the question's words joined by OR, columns
// weighted title 4, tags 3, body 1 — a title says which question an
// article answers, tags carry the words citizens use for it (synonyms:
// « carte grise » for « certificat d'immatriculation »). Words found in more
// than a tenth of a large base are first left out to find candidates, then
// count again to rank them (a search stays within a few milliseconds over
// 10,000 articles). Each hit says what share of the question's words it
// holds: the chatbot's confidence.
//
// Thread-safe (one connection behind a mutex).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace guichet::knowledge {

struct Link {
  std::string title;
  std::string url;
  bool operator==(const Link&) const = default;
};

// A published article, as searched and shown.
struct Article {
  std::uint64_t id = 0;
  std::string title;
  std::string body;
  std::vector<std::string> tags;
  std::vector<Link> links;
};

struct Hit {
  Article article;
  double score = 0;  // bm25, higher is better: compares hits of one search only
  // The share of the question's words (stop words aside) it holds, each
  // weighed by its idf (a word the base lacks, as its rarest): 0 to 1.
  double coverage = 0;
  std::string excerpt;  // the body's first paragraph, "…" where cut near 240 bytes
};

// The chatbot answers with a hit holding at least this share of the
// question's words (weighed by idf); below, it hands over to a person at
// once. Set low on purpose: a wrong answer costs the citizen a « non » (the
// bot asks), a wrong handover costs an agent's time. Measured on
// tests/knowledge/questions.json against the demo's 32 articles: 1 of 72
// answerable questions falls below it, 2 of the 12 the base cannot answer
// do (the others get an answer the citizen can refuse).
inline constexpr double kAnswerCoverage = 0.2;

class Index {
 public:
  static Result<std::unique_ptr<Index>> open();
  ~Index();

  // Adds or replaces an article (by id).
  Status put(const Article& article);
  Status remove(std::uint64_t id);
  // Many at once, in one transaction (at start).
  Status put_all(const std::vector<Article>& articles);

  // The best `limit` articles for a citizen's question, best first; none
  // when no word of it is in the base.
  Result<std::vector<Hit>> search(std::string_view question, std::size_t limit);

  std::size_t size();

 private:
  struct Impl;
  explicit Index(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace guichet::knowledge
