#pragma once
// French full-text search for the knowledge base, inside SQLite (FTS5): a
// tokenizer named "fr_stem" that folds case, accents and the ligatures œ
// and æ (unicode61 with remove_diacritics 2, then œ→oe), then stems each
// word with Snowball's French stemmer, so that "impôts", "IMPOTS" and
// "impot" meet, and "naissances" finds "naissance".
//
// A table uses it with `tokenize = 'fr_stem'`. Registration is per
// connection: call register_french_tokenizer on every connection that
// reads or writes such a table (others fail with "no such tokenizer").
// Changing what the tokenizer gives (a libstemmer upgrade) needs the
// table's 'rebuild'.
#include <sqlite3.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace guichet::knowledge {

// Registers "fr_stem" on `db`. Each table instance gets its own stemmer
// (Snowball's is not thread-safe); the connection's rules for threads hold.
Status register_french_tokenizer(sqlite3* db);

// A citizen's question as an FTS5 query: its words, each quoted (so that
// "rendez-vous", "c'est", AND or NOT are words, not syntax), joined by OR
// for ranking by bm25; empty when the question has no word. French stop
// words are left out: they match nearly every article and slow the query.
std::string french_query(std::string_view question);

// In a query, a quoted phrase starting with this character is one term as
// the table stores it (a stem), taken as is: stemming is not idempotent
// (stem(stem(w)) differs from stem(w) for one word in eight), so a query
// built from stored terms cannot go through the stemmer again.
inline constexpr char kTermMark = '\x01';

// A text's words as "fr_stem" stores them (folded, stemmed), French stop
// words left out, each once, in order. One per thread (it holds a stemmer).
class FrenchTerms {
 public:
  // `db` has the tokenizer registered.
  static Result<FrenchTerms> on(sqlite3* db);
  FrenchTerms(FrenchTerms&&) noexcept;
  FrenchTerms& operator=(FrenchTerms&&) noexcept;
  ~FrenchTerms();

  std::vector<std::string> of(std::string_view text);
  // Every term of the text in order, stop words and repeats included (as
  // the table counts them), each handed to `term` until the next.
  void each(std::string_view text, const std::function<void(std::string_view term)>& term);

 private:
  struct Tokenizer;
  explicit FrenchTerms(std::unique_ptr<Tokenizer> tokenizer);
  std::unique_ptr<Tokenizer> tokenizer_;
};

}  // namespace guichet::knowledge
