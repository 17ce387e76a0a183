// The "fr_stem" FTS5 tokenizer and French queries (french_search.h).
#include "knowledge/french_search.h"

#include <libstemmer.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <iterator>
#include <memory>
#include <string>

namespace guichet::knowledge {

namespace {

// One per table instance on a connection: its own stemmer (Snowball's
// keeps state between calls) and the unicode61 instance it wraps.
struct FrenchTokenizer {
  fts5_tokenizer parent{};
  Fts5Tokenizer* parent_instance = nullptr;
  sb_stemmer* stemmer = nullptr;
  std::string word;  // the token being stemmed: unicode61's is valid only in its callback

  ~FrenchTokenizer() {
    if (parent_instance) parent.xDelete(parent_instance);
    if (stemmer) sb_stemmer_delete(stemmer);
  }
};

// œ and æ as oe and ae: unicode61 folds accents, not ligatures ("sœur"
// would not meet "soeur").
void fold_ligatures(std::string& word) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kLigatures{{
      {"\xC5\x93", "oe"},  // œ
      {"\xC5\x92", "oe"},  // Œ (unicode61 lowercases it already; kept for safety)
      {"\xC3\xA6", "ae"},  // æ
      {"\xC3\x86", "ae"},  // Æ
  }};
  for (const auto& [ligature, letters] : kLigatures) {
    for (std::size_t at = word.find(ligature); at != std::string::npos;
         at = word.find(ligature, at + letters.size())) {
      word.replace(at, ligature.size(), letters);
    }
  }
}

int create(void* context, const char** /*args*/, int /*count*/, Fts5Tokenizer** out) {
  auto* api = static_cast<fts5_api*>(context);
  auto tokenizer = std::make_unique<FrenchTokenizer>();
  void* parent_context = nullptr;
  if (int rc = api->xFindTokenizer(api, "unicode61", &parent_context, &tokenizer->parent);
      rc != SQLITE_OK) {
    return rc;
  }
  // Accents removed before stemming: stemming first gave "identité" →
  // ident but "identite" → identit.
  const char* options[] = {"remove_diacritics", "2"};
  if (int rc = tokenizer->parent.xCreate(parent_context, options, 2, &tokenizer->parent_instance);
      rc != SQLITE_OK) {
    return rc;
  }
  tokenizer->stemmer = sb_stemmer_new("french", "UTF_8");
  if (!tokenizer->stemmer) return SQLITE_NOMEM;
  *out = reinterpret_cast<Fts5Tokenizer*>(tokenizer.release());
  return SQLITE_OK;
}

void destroy(Fts5Tokenizer* instance) {
  delete reinterpret_cast<FrenchTokenizer*>(instance);
}

using TokenCallback = int (*)(void*, int, const char*, int, int, int);

// What the parent's callback needs to hand each stem on.
struct Pass {
  FrenchTokenizer* tokenizer;
  void* context;
  TokenCallback token;
  bool skip_stop_words = false;  // FrenchTerms: a question's words that count
};

bool is_stop_word(std::string word);

// A word from unicode61 (lower case, no accents): ligatures folded,
// stemmed, passed on with its place in the text (snippet() marks the word
// as written).
int on_word(void* pass_pointer, int flags, const char* text, int bytes, int start, int end) {
  auto* pass = static_cast<Pass*>(pass_pointer);
  FrenchTokenizer& tokenizer = *pass->tokenizer;
  tokenizer.word.assign(text, static_cast<std::size_t>(bytes));
  if (pass->skip_stop_words && is_stop_word(tokenizer.word)) return SQLITE_OK;
  fold_ligatures(tokenizer.word);
  const sb_symbol* stem =
      sb_stemmer_stem(tokenizer.stemmer, reinterpret_cast<const sb_symbol*>(tokenizer.word.data()),
                      static_cast<int>(tokenizer.word.size()));
  if (!stem) return SQLITE_NOMEM;
  return pass->token(pass->context, flags, reinterpret_cast<const char*>(stem),
                     sb_stemmer_length(tokenizer.stemmer), start, end);
}

int tokenize(Fts5Tokenizer* instance, void* context, int flags, const char* text, int bytes,
             TokenCallback token) {
  if ((flags & FTS5_TOKENIZE_QUERY) && bytes > 1 && text[0] == kTermMark) {
    return token(context, 0, text + 1, bytes - 1, 0, bytes);  // a term as stored
  }
  auto* tokenizer = reinterpret_cast<FrenchTokenizer*>(instance);
  Pass pass{tokenizer, context, token};
  return tokenizer->parent.xTokenize(tokenizer->parent_instance, &pass, flags, text, bytes,
                                     on_word);
}

// Words that match nearly every French article: left out of queries (a
// query of them alone is empty).
constexpr std::string_view kStopWords[] = {
    "a",   "à",    "au",   "aux",  "avec", "c",   "ce",    "ces",  "comment", "d",    "dans", "de",
    "des", "du",   "elle", "en",   "est",  "et",  "il",    "j",    "je",      "l",    "la",   "le",
    "les", "leur", "m",    "ma",   "me",   "mes", "mon",   "n",    "ne",      "nous", "on",   "ou",
    "où",  "par",  "pas",  "pour", "qu",   "que", "qui",   "s",    "sa",      "se",   "ses",  "son",
    "sur", "t",    "te",   "un",   "une",  "vos", "votre", "vous", "y",       "quoi"};

bool is_stop_word(std::string word) {
  std::transform(word.begin(), word.end(), word.begin(),
                 [](unsigned char c) { return c < 0x80 ? static_cast<char>(std::tolower(c)) : c; });
  return std::find(std::begin(kStopWords), std::end(kStopWords), word) != std::end(kStopWords);
}

fts5_api* fts5_of(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &statement, nullptr) != SQLITE_OK) {
    return nullptr;
  }
  sqlite3_bind_pointer(statement, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
  sqlite3_step(statement);
  sqlite3_finalize(statement);
  return api && api->iVersion >= 2 ? api : nullptr;
}

}  // namespace

Status register_french_tokenizer(sqlite3* db) {
  fts5_api* api = fts5_of(db);
  if (!api) return io_error(std::string("FTS5 is not available: ") + sqlite3_errmsg(db));
  fts5_tokenizer tokenizer{create, destroy, tokenize};
  if (api->xCreateTokenizer(api, "fr_stem", api, &tokenizer, nullptr) != SQLITE_OK) {
    return io_error(std::string("cannot register fr_stem: ") + sqlite3_errmsg(db));
  }
  return Status::ok();
}

std::string french_query(std::string_view question) {
  // Words: runs of letters and digits (any byte of a UTF-8 letter counts),
  // broken at spaces, punctuation and apostrophes, typographic (’) too.
  std::string query;
  std::string word;
  auto flush = [&] {
    if (!word.empty() && !is_stop_word(word)) {
      if (!query.empty()) query += " OR ";
      query += '"' + word + '"';  // no quote can be in a word
    }
    word.clear();
  };
  for (std::size_t i = 0; i < question.size(); ++i) {
    const auto c = static_cast<unsigned char>(question[i]);
    if (question.substr(i, 3) == "\xE2\x80\x99") {  // ’
      flush();
      i += 2;
    } else if (c >= 0x80 || std::isalnum(c)) {
      word += static_cast<char>(c);
    } else {
      flush();
    }
  }
  flush();
  return query;
}

struct FrenchTerms::Tokenizer {
  FrenchTokenizer* instance = nullptr;
  ~Tokenizer() { destroy(reinterpret_cast<Fts5Tokenizer*>(instance)); }
};

FrenchTerms::FrenchTerms(std::unique_ptr<Tokenizer> tokenizer) : tokenizer_(std::move(tokenizer)) {}
FrenchTerms::FrenchTerms(FrenchTerms&&) noexcept = default;
FrenchTerms& FrenchTerms::operator=(FrenchTerms&&) noexcept = default;
FrenchTerms::~FrenchTerms() = default;

Result<FrenchTerms> FrenchTerms::on(sqlite3* db) {
  fts5_api* api = fts5_of(db);
  if (!api) return io_error("FTS5 is not available");
  Fts5Tokenizer* instance = nullptr;
  if (create(api, nullptr, 0, &instance) != SQLITE_OK) return io_error("no French tokenizer");
  auto tokenizer = std::make_unique<Tokenizer>();
  tokenizer->instance = reinterpret_cast<FrenchTokenizer*>(instance);
  return FrenchTerms(std::move(tokenizer));
}

std::vector<std::string> FrenchTerms::of(std::string_view text) {
  struct Collect {
    std::vector<std::string> terms;
  } collect;
  auto on_term = [](void* context, int, const char* term, int bytes, int, int) {
    auto& terms = static_cast<Collect*>(context)->terms;
    std::string word(term, static_cast<std::size_t>(bytes));
    if (std::find(terms.begin(), terms.end(), word) == terms.end())
      terms.push_back(std::move(word));
    return SQLITE_OK;
  };
  FrenchTokenizer* tokenizer = tokenizer_->instance;
  Pass pass{tokenizer, &collect, on_term, true};
  tokenizer->parent.xTokenize(tokenizer->parent_instance, &pass, FTS5_TOKENIZE_DOCUMENT,
                              text.data(), static_cast<int>(text.size()), on_word);
  return std::move(collect.terms);
}

void FrenchTerms::each(std::string_view text,
                       const std::function<void(std::string_view term)>& term) {
  auto on_term = [](void* context, int, const char* stem, int bytes, int, int) {
    (*static_cast<const std::function<void(std::string_view)>*>(context))(
        std::string_view(stem, static_cast<std::size_t>(bytes)));
    return SQLITE_OK;
  };
  FrenchTokenizer* tokenizer = tokenizer_->instance;
  Pass pass{tokenizer, const_cast<void*>(static_cast<const void*>(&term)), on_term, false};
  tokenizer->parent.xTokenize(tokenizer->parent_instance, &pass, FTS5_TOKENIZE_DOCUMENT,
                              text.data(), static_cast<int>(text.size()), on_word);
}

}  // namespace guichet::knowledge
