// French search as citizens type: accents or not, capitals, plurals,
// ligatures, elisions, and questions full of FTS5's syntax characters.
#include "knowledge/french_search.h"

#include <sqlite3.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace guichet::knowledge {
namespace {

class FrenchSearch : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    ASSERT_TRUE(register_french_tokenizer(db_));
    exec("CREATE VIRTUAL TABLE articles USING fts5(title, body, tokenize = 'fr_stem')");
    for (const auto& [title, body] : std::vector<std::pair<std::string, std::string>>{
             {"Payer ses impôts locaux", "La taxe foncière se paie en ligne ou au guichet."},
             {"Acte de naissance", "Demandez une copie intégrale de l'acte de naissance."},
             {"Carte d'identité", "Prenez rendez-vous pour une carte nationale d'identité."},
             {"Livret de famille", "Le livret mentionne le mariage, les enfants, la sœur."},
         }) {
      exec("INSERT INTO articles VALUES ('" + quoted(title) + "', '" + quoted(body) + "')");
    }
  }
  void TearDown() override { sqlite3_close(db_); }

  static std::string quoted(std::string text) {
    for (std::size_t at = text.find('\''); at != std::string::npos; at = text.find('\'', at + 2))
      text.insert(at, "'");
    return text;
  }

  void exec(const std::string& sql) {
    char* error = nullptr;
    ASSERT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
        << (error ? error : "") << "\n"
        << sql;
  }

  // The titles found for a citizen's question, best first (bm25).
  std::vector<std::string> search(const std::string& question) {
    std::vector<std::string> titles;
    const std::string query = french_query(question);
    if (query.empty()) return titles;
    sqlite3_stmt* statement = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_,
                                 "SELECT title FROM articles WHERE articles MATCH ?1 "
                                 "ORDER BY bm25(articles) LIMIT 3",
                                 -1, &statement, nullptr),
              SQLITE_OK);
    sqlite3_bind_text(statement, 1, query.c_str(), -1, SQLITE_TRANSIENT);
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(statement)) == SQLITE_ROW)
      titles.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
    EXPECT_EQ(rc, SQLITE_DONE) << sqlite3_errmsg(db_) << " for " << query;
    sqlite3_finalize(statement);
    return titles;
  }

  sqlite3* db_ = nullptr;
};

TEST_F(FrenchSearch, AccentsCapitalsAndPluralsMeet) {
  for (const char* question : {"impots", "IMPÔTS", "impôt", "les impots locaux"}) {
    auto found = search(question);
    ASSERT_FALSE(found.empty()) << question;
    EXPECT_EQ(found.front(), "Payer ses impôts locaux") << question;
  }
  auto births = search("naissances");
  ASSERT_FALSE(births.empty());
  EXPECT_EQ(births.front(), "Acte de naissance");
  auto identity = search("carte d identite");
  ASSERT_FALSE(identity.empty());
  EXPECT_EQ(identity.front(), "Carte d'identité");
}

TEST_F(FrenchSearch, LigaturesAndElisionsAreWords) {
  auto sister = search("ma soeur");
  ASSERT_FALSE(sister.empty());
  EXPECT_EQ(sister.front(), "Livret de famille");
  auto act = search("l’acte");  // a typographic apostrophe
  ASSERT_FALSE(act.empty());
  EXPECT_EQ(act.front(), "Acte de naissance");
}

TEST_F(FrenchSearch, AQuestionIsNeverSyntax) {
  // "rendez-vous" was a column, "c'est" a syntax error, AND/NOT operators.
  for (const char* question : {"rendez-vous", "c'est pour un rendez-vous", "NOT AND OR \"*",
                               "(carte) : identité ?", "^naissance", "impôts NEAR(taxe)"}) {
    EXPECT_NO_FATAL_FAILURE(search(question)) << question;
  }
  EXPECT_EQ(search("rendez-vous").front(), "Carte d'identité");
  EXPECT_EQ(french_query("le la les de"), "") << "stop words alone: no query";
  EXPECT_EQ(french_query(""), "");
  EXPECT_EQ(french_query("L'acte, de naissance"), "\"acte\" OR \"naissance\"");
}

TEST_F(FrenchSearch, ASnippetMarksTheWordAsWritten) {
  sqlite3_stmt* statement = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db_,
                               "SELECT snippet(articles, 0, '[', ']', '…', 8) FROM articles "
                               "WHERE articles MATCH ?1",
                               -1, &statement, nullptr),
            SQLITE_OK);
  const std::string query = french_query("impots");
  sqlite3_bind_text(statement, 1, query.c_str(), -1, SQLITE_TRANSIENT);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0))),
            "Payer ses [impôts] locaux");
  sqlite3_finalize(statement);
}

TEST(FrenchSearchConnection, ATableNeedsTheTokenizerOnEveryConnection) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_NE(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'fr_stem')", nullptr,
                         nullptr, &error),
            SQLITE_OK)
      << "not registered here";
  sqlite3_free(error);
  ASSERT_TRUE(register_french_tokenizer(db));
  ASSERT_TRUE(register_french_tokenizer(db)) << "twice is harmless";
  EXPECT_EQ(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'fr_stem')", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
}

}  // namespace
}  // namespace guichet::knowledge
