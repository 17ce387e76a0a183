// knowledge_bench: how fast the knowledge base answers a citizen's
// question over 10,000 articles, against a reference in the same run.
//
// The base: the demo town hall's 32 articles (src/server/demo/articles.json)
// among 9,968 made from their sentences, shuffled (about 120 words each,
// every one full of the words a town hall's pages share: the dense case).
// The questions: tests/knowledge/questions.json (84, as citizens write).
//
// Searched two ways, interleaved question by question, three runs:
//   guichet   — knowledge::Index::search (typos, pruning, coverage), top 3;
//   reference — plain FTS5: unicode61 with accents removed, no stemming,
//               the question's words quoted and joined by OR, top 3 by bm25
//               (what one writes first with SQLite alone).
// Prints one JSON line per run and engine: {"run","engine","articles",
// "searches","p50_us","p99_us","max_us"}, then the build time; the five
// slowest questions on stderr. (Quality is tests/knowledge/recall_test.cpp's:
// here the made-up articles repeat the demo's sentences, so which one is
// "the" answer means little.)
//
// Flags: --quick (1,000 articles, one run: a smoke test in make test),
// --articles N, --source DIR (the repository, for the two JSON files).
#include <sqlite3.h>

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "knowledge/french_search.h"
#include "knowledge/index.h"

namespace json = boost::json;
using guichet::knowledge::Article;
using guichet::knowledge::Index;
using Clock = std::chrono::steady_clock;

namespace {

json::value read_json(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  json::value value = json::parse(text.str(), ec);
  if (ec) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(2);
  }
  return value;
}

std::vector<std::string> sentences_of(const std::string& body) {
  std::vector<std::string> out;
  std::string current;
  for (char c : body) {
    current += c;
    if (c == '.' || c == '?' || c == '!') {
      const auto start = current.find_first_not_of(" \n");
      if (start != std::string::npos) out.push_back(current.substr(start));
      current.clear();
    }
  }
  return out;
}

// The reference: FTS5 as it comes, accents folded, no stemming.
class PlainFts {
 public:
  PlainFts() {
    sqlite3_open(":memory:", &db_);
    sqlite3_exec(db_,
                 "CREATE VIRTUAL TABLE a USING fts5(title, tags, body, "
                 "tokenize = 'unicode61 remove_diacritics 2')",
                 nullptr, nullptr, nullptr);
  }
  ~PlainFts() {
    sqlite3_finalize(select_);
    sqlite3_close(db_);
  }
  void put_all(const std::vector<Article>& articles) {
    sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr);
    sqlite3_stmt* insert = nullptr;
    sqlite3_prepare_v2(db_, "INSERT INTO a(rowid, title, tags, body) VALUES (?,?,?,?)", -1, &insert,
                       nullptr);
    for (const Article& article : articles) {
      std::string tags;
      for (const std::string& tag : article.tags)
        tags += tag + " ";
      sqlite3_bind_int64(insert, 1, static_cast<sqlite3_int64>(article.id));
      sqlite3_bind_text(insert, 2, article.title.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, 3, tags.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, 4, article.body.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_step(insert);
      sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
    sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
    sqlite3_prepare_v2(db_, "SELECT rowid FROM a WHERE a MATCH ?1 ORDER BY bm25(a) LIMIT 3", -1,
                       &select_, nullptr);
  }
  // Every word quoted, joined by OR (stop words kept: it knows none).
  std::vector<std::uint64_t> search(const std::string& question) {
    std::string query;
    std::string word;
    auto flush = [&] {
      if (!word.empty()) query += (query.empty() ? "\"" : " OR \"") + word + "\"";
      word.clear();
    };
    for (unsigned char c : question) {
      if (c >= 0x80 || std::isalnum(c)) {
        word += static_cast<char>(c);
      } else {
        flush();
      }
    }
    flush();
    std::vector<std::uint64_t> ids;
    if (query.empty()) return ids;
    sqlite3_bind_text(select_, 1, query.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(select_) == SQLITE_ROW)
      ids.push_back(static_cast<std::uint64_t>(sqlite3_column_int64(select_, 0)));
    sqlite3_reset(select_);
    return ids;
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* select_ = nullptr;
};

struct Figures {
  std::vector<double> micros;
  void print(int run, const char* engine, std::size_t articles) {
    std::sort(micros.begin(), micros.end());
    const auto at = [this](double share) {
      return micros[std::min(micros.size() - 1,
                             static_cast<std::size_t>(share * static_cast<double>(micros.size())))];
    };
    std::printf(
        "{\"run\":%d,\"engine\":\"%s\",\"articles\":%zu,\"searches\":%zu,\"p50_us\":%.0f,"
        "\"p99_us\":%.0f,\"max_us\":%.0f}\n",
        run, engine, articles, micros.size(), at(0.5), at(0.99), micros.back());
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::size_t total = 10'000;
  int runs = 3;
  int rounds = 12;  // each question this many times per run
  std::string source = GUICHET_SOURCE_DIR;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--quick")) {
      total = 1'000;
      runs = 1;
      rounds = 2;
    } else if (!std::strcmp(argv[i], "--articles") && i + 1 < argc) {
      total = std::stoul(argv[++i]);
    } else if (!std::strcmp(argv[i], "--source") && i + 1 < argc) {
      source = argv[++i];
    }
  }

  const json::value demo = read_json(source + "/src/server/demo/articles.json");
  const json::value questions = read_json(source + "/tests/knowledge/questions.json");
  std::vector<Article> articles;
  std::vector<std::string> sentences;
  std::vector<std::string> words;
  for (const json::value& item : demo.as_array()) {
    const json::object& o = item.as_object();
    Article article;
    article.id = articles.size() + 1;
    article.title = json::value_to<std::string>(o.at("title"));
    article.body = json::value_to<std::string>(o.at("body"));
    article.tags = json::value_to<std::vector<std::string>>(o.at("tags"));
    for (std::string& s : sentences_of(article.body))
      sentences.push_back(std::move(s));
    std::istringstream title(article.title);
    for (std::string w; title >> w;) {
      if (w.size() > 3) words.push_back(w);
    }
    articles.push_back(std::move(article));
  }
  std::mt19937 random(42);
  auto pick = [&random](const auto& from) {
    return from[std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(random)];
  };
  while (articles.size() < total) {
    Article article;
    article.id = articles.size() + 1;
    article.title =
        pick(words) + " " + pick(words) + " " + pick(words) + " n° " + std::to_string(article.id);
    for (int s = 0; s < 8; ++s)
      article.body += pick(sentences) + " ";
    article.tags = {pick(words), pick(words)};
    articles.push_back(std::move(article));
  }
  // The demo's articles spread among the others, not first.
  std::vector<std::size_t> order(articles.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::shuffle(order.begin(), order.end(), random);
  std::vector<Article> shuffled;
  for (std::size_t i = 0; i < order.size(); ++i) {
    Article article = articles[order[i]];
    article.id = i + 1;
    shuffled.push_back(std::move(article));
  }
  auto opened = Index::open();
  if (!opened) return 1;
  Index& index = **opened;
  const auto built = Clock::now();
  if (!index.put_all(shuffled)) return 1;
  const double guichet_build_s = std::chrono::duration<double>(Clock::now() - built).count();
  PlainFts plain;
  const auto plain_built = Clock::now();
  plain.put_all(shuffled);
  const double plain_build_s = std::chrono::duration<double>(Clock::now() - plain_built).count();
  (void)index.search("mairie", 3);  // the vocabulary, read once after a change

  std::vector<std::pair<double, std::string>> slowest;  // ours, per question, all runs
  for (int run = 1; run <= runs; ++run) {
    Figures ours;
    Figures reference;
    for (int round = 0; round < rounds; ++round) {
      for (const json::value& item : questions.as_array()) {
        const json::object& o = item.as_object();
        const std::string question = json::value_to<std::string>(o.at("question"));
        auto start = Clock::now();
        auto hits = index.search(question, 3);
        ours.micros.push_back(
            std::chrono::duration<double, std::micro>(Clock::now() - start).count());
        slowest.emplace_back(ours.micros.back(), question);
        start = Clock::now();
        (void)plain.search(question);
        reference.micros.push_back(
            std::chrono::duration<double, std::micro>(Clock::now() - start).count());
        if (!hits) return 1;
      }
    }
    ours.print(run, "guichet", shuffled.size());
    reference.print(run, "reference", shuffled.size());
  }
  // What bounds p99: the questions that took longest (stderr).
  std::sort(slowest.rbegin(), slowest.rend());
  std::set<std::string> shown;
  for (std::size_t i = 0; i < slowest.size() && shown.size() < 5; ++i) {
    if (!shown.insert(slowest[i].second).second) continue;
    std::fprintf(stderr, "slowest: %.0f us « %s »\n", slowest[i].first, slowest[i].second.c_str());
  }
  std::printf("{\"build_s\":{\"guichet\":%.2f,\"reference\":%.2f}}\n", guichet_build_s,
              plain_build_s);
  return 0;
}
