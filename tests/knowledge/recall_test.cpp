// Search quality, measured: the demo town hall's 32 articles
// (src/server/demo/articles.json) against 84 questions written as citizens
// write them (tests/knowledge/questions.json: missing accents, other forms
// of a word, one-letter typos, synonyms, long stories, 12 the base cannot
// answer), each with the article that answers it. Prints recall@3, the
// share of answerable questions the chatbot would hand over at once
// (kAnswerCoverage), the share of unanswerable ones it would try to
// answer, and search times.
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "knowledge/index.h"

namespace guichet::knowledge {
namespace {

namespace json = boost::json;

json::array read_array(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  json::value value = json::parse(text.str(), ec);
  EXPECT_FALSE(ec) << path;
  return value.is_array() ? value.as_array() : json::array{};
}

TEST(SearchQuality, CitizensQuestionsFindTheirArticle) {
  auto opened = Index::open();
  ASSERT_TRUE(opened);
  Index& index = **opened;
  std::vector<Article> articles;
  for (const json::value& item : read_array(GUICHET_SOURCE_DIR "/src/server/demo/articles.json")) {
    const json::object& o = item.as_object();
    Article article;
    article.id = articles.size() + 1;
    article.title = json::value_to<std::string>(o.at("title"));
    article.body = json::value_to<std::string>(o.at("body"));
    article.tags = json::value_to<std::vector<std::string>>(o.at("tags"));
    articles.push_back(std::move(article));
  }
  ASSERT_GE(articles.size(), 30u);
  ASSERT_TRUE(index.put_all(articles));

  int answerable = 0, found = 0, handed_over_wrongly = 0, unanswerable = 0, tried = 0;
  std::vector<double> micros;
  for (const json::value& item : read_array(GUICHET_SOURCE_DIR "/tests/knowledge/questions.json")) {
    const json::object& o = item.as_object();
    const std::string question = json::value_to<std::string>(o.at("question"));
    const std::string wanted =
        o.at("article").is_null() ? "" : json::value_to<std::string>(o.at("article"));
    const auto start = std::chrono::steady_clock::now();
    auto hits = index.search(question, 3);
    micros.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
            .count());
    ASSERT_TRUE(hits) << question;
    const bool answers = !hits->empty() && hits->front().coverage >= kAnswerCoverage;
    if (wanted.empty()) {
      ++unanswerable;
      tried += answers ? 1 : 0;
      continue;
    }
    ++answerable;
    const bool in_three = std::any_of(hits->begin(), hits->end(),
                                      [&](const Hit& hit) { return hit.article.title == wanted; });
    found += in_three ? 1 : 0;
    handed_over_wrongly += in_three && !answers ? 1 : 0;
    if (!in_three) std::printf("  not in the first three: « %s »\n", question.c_str());
  }
  ASSERT_GE(answerable, 60);
  std::sort(micros.begin(), micros.end());
  const double recall = static_cast<double>(found) / answerable;
  std::printf(
      "{\"articles\":%zu,\"questions\":%d,\"recall_at_3\":%.3f,"
      "\"answerable_handed_over\":%.3f,\"unanswerable\":%d,\"unanswerable_answered\":%.3f,"
      "\"search_p50_us\":%.0f,\"search_max_us\":%.0f}\n",
      articles.size(), answerable, recall, static_cast<double>(handed_over_wrongly) / answerable,
      unanswerable, unanswerable ? static_cast<double>(tried) / unanswerable : 0.0,
      micros[micros.size() / 2], micros.back());
  EXPECT_GE(recall, 0.9);
  EXPECT_LE(static_cast<double>(handed_over_wrongly) / answerable, 0.1);
}

}  // namespace
}  // namespace guichet::knowledge
