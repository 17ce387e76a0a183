// The knowledge base's search index (index.h): an in-memory FTS5 table
// with the "fr_stem" tokenizer, its vocabulary kept beside it for typos and
// for leaving out words nearly every article has.
#include "knowledge/index.h"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "knowledge/french_search.h"

namespace guichet::knowledge {

namespace {

// bm25's weights for the columns title, tags, body (index.h says why).
constexpr const char* kRank = "bm25(articles, 4.0, 3.0, 1.0)";
constexpr float kTitleWeight = 4.0f;
constexpr float kTagsWeight = 3.0f;
constexpr float kBodyWeight = 1.0f;
// A search's candidates come from FTS5, which scores every row its terms
// match (about a microsecond each): from the question's rarest terms, as
// many as fit in this many rows (at least the rarest). All its terms then
// rank the candidates.
constexpr std::size_t kRowBudget = 1200;
constexpr std::size_t kCandidates = 30;
// A typo is forgiven in terms of at least kTypoFrom letters (stems), two
// in terms of at least kTwoTyposFrom.
constexpr std::size_t kTypoFrom = 4;
constexpr std::size_t kTwoTyposFrom = 7;

struct Statement {
  sqlite3_stmt* handle = nullptr;
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(handle); }
};

std::string column_text(sqlite3_stmt* statement, int column) {
  const unsigned char* text = sqlite3_column_text(statement, column);
  return text ? reinterpret_cast<const char*>(text) : "";
}

// Optimal string alignment distance, at most 1? (one letter added,
// removed, replaced, or two swapped).
bool one_edit_apart(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return false;
  std::size_t i = 0;
  while (i < a.size() && a[i] == b[i])
    ++i;
  if (i == a.size()) return true;  // equal, or b has one more at the end
  if (a.size() == b.size()) {
    if (a.substr(i + 1) == b.substr(i + 1)) return true;  // replaced
    return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] &&
           a.substr(i + 2) == b.substr(i + 2);  // swapped
  }
  return a.substr(i) == b.substr(i + 1);  // one added
}

// The body's first paragraph, cut at a word near 240 bytes: what a search
// shows under the title. (FTS5's snippet() stems the whole body again:
// half of a search's time.)
std::string lead(std::string_view body) {
  constexpr std::size_t kAbout = 240;
  std::string_view first = body.substr(0, body.find("\n\n"));
  if (first.size() <= kAbout) return std::string(first);
  std::size_t cut = first.rfind(' ', kAbout);
  if (cut == std::string_view::npos || cut < kAbout / 2) {
    cut = kAbout;
    while (cut > 0 && (static_cast<unsigned char>(first[cut]) & 0xC0) == 0x80)
      --cut;
  }
  return std::string(first.substr(0, cut)) + "…";
}

// Optimal string alignment distance between two short words (bytes).
std::size_t edits(std::string_view a, std::string_view b) {
  std::vector<std::size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        current[j] = std::min(current[j], before[j - 2] + 1);
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& word : words) {
    if (!out.empty()) out += ' ';
    out += word;
  }
  return out;
}

}  // namespace

struct Index::Impl {
  std::mutex mutex;
  sqlite3* db = nullptr;
  std::unique_ptr<FrenchTerms> terms;
  std::map<std::uint64_t, Article> articles;
  // Each article's terms with their frequency (weighted by column, as
  // bm25() weighs them) and its length in tokens: candidates are ranked
  // here, by the same bm25 FTS5 computes, over all the question's terms
  // (FTS5 re-reading every term's rows for 30 rowids cost 10 to 25 ms).
  struct Forward {
    std::vector<std::pair<std::uint32_t, float>> frequencies;  // by term id
    std::uint32_t tokens = 0;
  };
  std::unordered_map<std::string, std::uint32_t> term_ids;  // grows; never reused
  std::unordered_map<std::uint64_t, Forward> forward;
  // Term id → the articles that hold it: when a question's terms match few
  // rows (kRowBudget), its candidates come from here, without FTS5.
  std::unordered_map<std::uint32_t, std::vector<std::uint64_t>> postings;
  Statement ranked_select;  // prepared once (the large base's candidates)
  double all_tokens = 0;

  // Term → how many articles hold it, and each term under itself and its
  // one-letter deletions (typos: two terms one edit apart share a key).
  bool vocabulary_stale = true;
  std::unordered_map<std::string, int> documents_with;
  std::unordered_map<std::string, std::vector<std::string>> near;

  ~Impl() {
    sqlite3_finalize(std::exchange(ranked_select.handle, nullptr));  // before its database
    sqlite3_close(db);
  }

  Status exec(const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error ? error : "unknown";
      sqlite3_free(error);
      return internal_error("knowledge index: " + message);
    }
    return Status::ok();
  }

  Status prepare(Statement& statement, const std::string& sql) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement.handle, nullptr) != SQLITE_OK)
      return internal_error(std::string("knowledge index: ") + sqlite3_errmsg(db));
    return Status::ok();
  }

  Status put_locked(const Article& article) {
    if (Status s = remove_locked(article.id); !s) return s;
    Statement insert;
    if (Status s =
            prepare(insert, "INSERT INTO articles(rowid, title, tags, body) VALUES (?,?,?,?)");
        !s) {
      return s;
    }
    const std::string tags = joined(article.tags);
    sqlite3_bind_int64(insert.handle, 1, static_cast<sqlite3_int64>(article.id));
    sqlite3_bind_text(insert.handle, 2, article.title.data(),
                      static_cast<int>(article.title.size()), SQLITE_STATIC);
    sqlite3_bind_text(insert.handle, 3, tags.data(), static_cast<int>(tags.size()), SQLITE_STATIC);
    sqlite3_bind_text(insert.handle, 4, article.body.data(), static_cast<int>(article.body.size()),
                      SQLITE_STATIC);
    if (sqlite3_step(insert.handle) != SQLITE_DONE)
      return internal_error(std::string("knowledge index: ") + sqlite3_errmsg(db));
    articles[article.id] = article;
    Forward& counted = forward[article.id];
    std::unordered_map<std::uint32_t, float> frequencies;
    const std::pair<std::string_view, float> columns[] = {
        {article.title, kTitleWeight}, {tags, kTagsWeight}, {article.body, kBodyWeight}};
    for (const auto& [text, weight] : columns) {
      terms->each(text, [&, weight = weight](std::string_view term) {
        auto [id, added] =
            term_ids.try_emplace(std::string(term), static_cast<std::uint32_t>(term_ids.size()));
        frequencies[id->second] += weight;
        ++counted.tokens;
      });
    }
    counted.frequencies.assign(frequencies.begin(), frequencies.end());
    std::sort(counted.frequencies.begin(), counted.frequencies.end());
    for (const auto& [term, frequency] : counted.frequencies)
      postings[term].push_back(article.id);
    all_tokens += counted.tokens;
    vocabulary_stale = true;
    return Status::ok();
  }

  // The in-memory part of an article gone: its copy, its terms, its postings.
  void forget(std::uint64_t id) {
    articles.erase(id);
    auto counted = forward.find(id);
    if (counted == forward.end()) return;
    all_tokens -= counted->second.tokens;
    for (const auto& [term, frequency] : counted->second.frequencies) {
      auto holders = postings.find(term);
      if (holders == postings.end()) continue;
      std::erase(holders->second, id);
      if (holders->second.empty()) postings.erase(holders);
    }
    forward.erase(counted);
    vocabulary_stale = true;
  }

  Status remove_locked(std::uint64_t id) {
    if (!articles.contains(id)) return Status::ok();
    forget(id);
    Statement remove;
    if (Status s = prepare(remove, "DELETE FROM articles WHERE rowid = ?"); !s) return s;
    sqlite3_bind_int64(remove.handle, 1, static_cast<sqlite3_int64>(id));
    if (sqlite3_step(remove.handle) != SQLITE_DONE)
      return internal_error(std::string("knowledge index: ") + sqlite3_errmsg(db));
    vocabulary_stale = true;
    return Status::ok();
  }

  Status refresh_vocabulary() {
    if (!vocabulary_stale) return Status::ok();
    documents_with.clear();
    near.clear();
    Statement read;
    if (Status s = prepare(read, "SELECT term, doc FROM terms"); !s) return s;
    while (sqlite3_step(read.handle) == SQLITE_ROW) {
      std::string term = column_text(read.handle, 0);
      documents_with[term] = sqlite3_column_int(read.handle, 1);
      if (term.size() < kTypoFrom) continue;
      near[term].push_back(term);
      for (std::size_t i = 0; i < term.size(); ++i) {
        std::string deleted = term;
        deleted.erase(i, 1);
        near[deleted].push_back(term);
      }
    }
    vocabulary_stale = false;
    return Status::ok();
  }

  // The term of the base one edit from `term` that most articles hold;
  // empty when none.
  std::string nearest(const std::string& term) {
    if (term.size() < kTypoFrom) return {};
    std::string best;
    int best_count = 0;
    auto consider = [&](const std::string& key) {
      auto found = near.find(key);
      if (found == near.end()) return;
      for (const std::string& candidate : found->second) {
        const int count = documents_with[candidate];
        if (count > best_count && one_edit_apart(term, candidate)) {
          best = candidate;
          best_count = count;
        }
      }
    };
    consider(term);
    for (std::size_t i = 0; i < term.size(); ++i) {
      std::string deleted = term;
      deleted.erase(i, 1);
      consider(deleted);
    }
    if (!best.empty()) return best;
    // A typo the stemmer did not see through ("recensment" keeps its
    // ending): the longest term of the base it starts with, of at least
    // five letters and three fifths of it.
    for (std::size_t length = term.size() - 1;
         length >= std::max<std::size_t>(5, term.size() * 3 / 5); --length) {
      if (documents_with.contains(term.substr(0, length))) return term.substr(0, length);
    }
    if (term.size() < kTwoTyposFrom) return best;
    // Two edits in a long word ("pasport" for passeport): the terms of about
    // its length that start with its letter, compared one by one (a
    // fraction of a millisecond over 10,000 articles' vocabulary; only for
    // a word the base does not have).
    // The fewest edits first, then the longest start in common (a typo
    // seldom touches the first letters), then the term most articles hold.
    auto common_start = [&term](const std::string& other) {
      std::size_t n = 0;
      while (n < term.size() && n < other.size() && term[n] == other[n])
        ++n;
      return n;
    };
    std::tuple<std::size_t, std::size_t, int> best_rank{3, 0, 0};  // edits, -start, -count
    for (const auto& [candidate, count] : documents_with) {
      if (candidate.front() != term.front() || candidate.size() + 2 < term.size() ||
          candidate.size() > term.size() + 2) {
        continue;
      }
      const std::size_t distance = edits(term, candidate);
      if (distance > 2) continue;
      const std::tuple<std::size_t, std::size_t, int> rank{
          distance, term.size() - common_start(candidate), -count};
      if (rank < best_rank) {
        best = candidate;
        best_rank = rank;
      }
    }
    return best;
  }

  static std::string query_of(const std::vector<std::string>& terms) {
    std::string query;
    for (const std::string& term : terms) {
      if (!query.empty()) query += " OR ";
      query += '"';
      query += kTermMark;
      query += term;  // a term has no quote: the tokenizer splits at punctuation
      query += '"';
    }
    return query;
  }

  // Ids and scores of the best `limit` articles for `query` by FTS5's bm25.
  Result<std::vector<std::pair<std::uint64_t, double>>> ranked(const std::string& query,
                                                               std::size_t limit) {
    if (!ranked_select.handle) {
      std::string sql =
          std::string("SELECT rowid, ") + kRank + " FROM articles WHERE articles MATCH ?1";
      sql += std::string(" ORDER BY ") + kRank + " LIMIT ?2";
      if (Status s = prepare(ranked_select, sql); !s) return s;
    }
    Statement& select = ranked_select;
    sqlite3_reset(select.handle);
    sqlite3_clear_bindings(select.handle);
    sqlite3_bind_text(select.handle, 1, query.data(), static_cast<int>(query.size()),
                      SQLITE_STATIC);
    sqlite3_bind_int64(select.handle, 2, static_cast<sqlite3_int64>(limit));
    std::vector<std::pair<std::uint64_t, double>> out;
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(select.handle)) == SQLITE_ROW) {
      out.emplace_back(static_cast<std::uint64_t>(sqlite3_column_int64(select.handle, 0)),
                       -sqlite3_column_double(select.handle, 1));
    }
    sqlite3_reset(select.handle);  // its query string is the caller's
    if (rc != SQLITE_DONE)
      return internal_error(std::string("knowledge index: ") + sqlite3_errmsg(db));
    return out;
  }

  Result<std::vector<Hit>> search(std::string_view question, std::size_t limit) {
    std::vector<Hit> hits;
    if (limit == 0) return hits;
    if (Status s = refresh_vocabulary(); !s) return s;
    // The question's terms as the base has them: a typo replaced by the
    // base's nearest term, a word it does not have at all left out of the
    // query. Each weighs what it tells apart (its idf; a word the base does
    // not have, as much as its rarest): an article holding the words the
    // base knows answers only part of a question with words it does not.
    std::vector<std::string> wanted;
    std::vector<double> weights;
    double asked = 0;
    const double total = static_cast<double>(std::max<std::size_t>(articles.size(), 1));
    for (std::string term : terms->of(question)) {
      if (!documents_with.contains(term)) term = nearest(term);
      const int with = term.empty() ? 1 : std::max(documents_with[term], 1);
      const double weight = std::log(1.0 + total / with);
      if (term.empty() || std::find(wanted.begin(), wanted.end(), term) != wanted.end()) {
        asked += term.empty() ? weight : 0.0;
        continue;
      }
      asked += weight;
      wanted.push_back(std::move(term));
      weights.push_back(weight);
    }
    if (wanted.empty()) return hits;

    // Scoring costs a row per article a term matches: when the question's
    // terms match more than kRowBudget rows in all, candidates come from its
    // rarest terms up to that budget (at least the rarest one), and all its
    // terms rank them.
    std::vector<std::size_t> by_rarity(wanted.size());
    for (std::size_t i = 0; i < wanted.size(); ++i)
      by_rarity[i] = i;
    std::sort(by_rarity.begin(), by_rarity.end(), [&](std::size_t a, std::size_t b) {
      return documents_with[wanted[a]] < documents_with[wanted[b]];
    });
    std::vector<std::string> rare;
    std::size_t rows = 0;
    for (std::size_t i : by_rarity) {
      const auto with = static_cast<std::size_t>(documents_with[wanted[i]]);
      if (!rare.empty() && rows + with > kRowBudget) break;
      rows += with;
      rare.push_back(wanted[i]);
    }
    // Within the budget, every article holding a term is a candidate, read
    // from the postings (the same ranking: FTS5's top 30 by this bm25 held
    // the top 3); over it, FTS5 picks them from the rarest terms.
    std::vector<std::uint64_t> candidates;
    if (rare.size() == wanted.size()) {
      for (const std::string& term : wanted) {
        auto id = term_ids.find(term);
        if (id == term_ids.end()) continue;
        auto holders = postings.find(id->second);
        if (holders == postings.end()) continue;
        for (std::uint64_t article : holders->second)
          if (articles.contains(article)) candidates.push_back(article);
      }
      std::sort(candidates.begin(), candidates.end());
      candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    } else {
      auto picked = ranked(query_of(rare), std::max(limit, kCandidates));
      if (!picked) return picked.status();
      for (const auto& [id, fts_score] : *picked)
        candidates.push_back(id);
    }

    // bm25 as FTS5 computes it (fts5_aux.c): idf per term, the weighted
    // frequency, the article's length against the average.
    constexpr double k1 = 1.2;
    constexpr double b = 0.75;
    const double average = all_tokens / total;
    std::vector<std::pair<std::uint32_t, double>> idf;  // by term id, as `wanted`
    for (const std::string& term : wanted) {
      const double with = documents_with[term];
      const double value = std::log((0.5 + total - with) / (0.5 + with));
      auto id = term_ids.find(term);
      idf.emplace_back(id == term_ids.end() ? UINT32_MAX : id->second, value > 0 ? value : 1e-6);
    }
    struct Scored {
      double score = 0;
      double coverage = 0;
      std::uint64_t id = 0;
    };
    std::vector<Scored> scored;
    scored.reserve(candidates.size());
    for (std::uint64_t id : candidates) {
      auto counted = forward.find(id);
      if (counted == forward.end()) continue;
      const auto& frequencies = counted->second.frequencies;
      const double length = 1 - b + b * counted->second.tokens / average;
      Scored s{0, 0, id};
      double found = 0;
      for (std::size_t i = 0; i < idf.size(); ++i) {
        auto at = std::lower_bound(frequencies.begin(), frequencies.end(),
                                   std::pair<std::uint32_t, float>{idf[i].first, 0.0f});
        if (at == frequencies.end() || at->first != idf[i].first) continue;
        s.score += idf[i].second * (at->second * (k1 + 1)) / (at->second + k1 * length);
        found += weights[i];
      }
      s.coverage = found / asked;
      scored.push_back(s);
    }
    // The best `limit` only are copied out (an article's text may be long).
    const std::size_t kept = std::min(limit, scored.size());
    std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(kept),
                      scored.end(), [](const Scored& x, const Scored& y) {
                        return x.score != y.score ? x.score > y.score : x.id < y.id;
                      });
    for (std::size_t i = 0; i < kept; ++i) {
      auto article = articles.find(scored[i].id);
      if (article == articles.end()) continue;
      Hit& hit = hits.emplace_back();
      hit.score = scored[i].score;
      hit.coverage = scored[i].coverage;
      hit.article = article->second;
      hit.excerpt = lead(article->second.body);
    }
    return hits;
  }
};

Index::Index(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Index::~Index() = default;

Result<std::unique_ptr<Index>> Index::open() {
  auto impl = std::make_unique<Impl>();
  if (sqlite3_open_v2(":memory:", &impl->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    return io_error("knowledge index: cannot open an in-memory database");
  }
  if (Status s = register_french_tokenizer(impl->db); !s) return s;
  if (Status s = impl->exec(
          "CREATE VIRTUAL TABLE articles USING fts5(title, tags, body, tokenize = 'fr_stem');"
          "CREATE VIRTUAL TABLE terms USING fts5vocab(articles, 'row');");
      !s) {
    return s;
  }
  auto terms = FrenchTerms::on(impl->db);
  if (!terms) return terms.status();
  impl->terms = std::make_unique<FrenchTerms>(std::move(*terms));
  return std::unique_ptr<Index>(new Index(std::move(impl)));
}

Status Index::put(const Article& article) {
  std::lock_guard lock(impl_->mutex);
  return impl_->put_locked(article);
}

Status Index::remove(std::uint64_t id) {
  std::lock_guard lock(impl_->mutex);
  return impl_->remove_locked(id);
}

Status Index::put_all(const std::vector<Article>& articles) {
  std::lock_guard lock(impl_->mutex);
  if (Status s = impl_->exec("BEGIN"); !s) return s;
  for (const Article& article : articles) {
    if (Status s = impl_->put_locked(article); !s) {
      // Nothing of it stays: neither the rows nor their copies.
      (void)impl_->exec("ROLLBACK");
      for (const Article& added : articles)
        impl_->forget(added.id);
      return s;
    }
  }
  return impl_->exec("COMMIT");
}

Result<std::vector<Hit>> Index::search(std::string_view question, std::size_t limit) {
  std::lock_guard lock(impl_->mutex);
  return impl_->search(question, limit);
}

std::size_t Index::size() {
  std::lock_guard lock(impl_->mutex);
  return impl_->articles.size();
}

}  // namespace guichet::knowledge
