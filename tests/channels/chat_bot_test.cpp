// The chat's bot alone: it says it is a bot, hears a citizen asking for a
// person however written, answers only when sure, and hands over after two
// unhelpful answers.
#include "channels/chat/chat_bot.h"

#include <gtest/gtest.h>

namespace guichet::chat {
namespace {

knowledge::Hit hit(std::uint64_t id, double coverage) {
  knowledge::Hit h;
  h.article.id = id;
  h.article.title = "Article " + std::to_string(id);
  h.coverage = coverage;
  return h;
}

TEST(ChatBot, SaysItIsABotAndHowToReachAPerson) {
  ChatBot bot(Language::kFrench, "Mairie de Saint-Exemple");
  EXPECT_NE(bot.greeting().find("assistant automatique du service « Mairie de Saint-Exemple »"),
            std::string::npos);
  EXPECT_NE(bot.greeting().find("pas une personne"), std::string::npos);
  EXPECT_NE(bot.greeting().find("conseiller"), std::string::npos);
  EXPECT_NE(ChatBot(Language::kEnglish, "X").greeting().find("not a person"), std::string::npos);
}

TEST(ChatBot, HearsACitizenAskingForAPerson) {
  for (const char* asked : {"conseiller", "Conseiller !", "conseiller svp", "agent",
                            "Je veux parler à un CONSEILLER svp", "un humain", "parler a quelqu'un",
                            "Parler à quelqu’un", "passez moi un agent", "une vraie personne",
                            "talk to a human please"}) {
    EXPECT_TRUE(ChatBot::asks_for_a_person(asked)) << asked;
  }
  for (const char* question :
       {"acte de naissance", "agenda des conseils municipaux", "inscription à l'école",
        "personnel de la cantine", "quand passe l'agent recenseur",
        "écrire au conseiller municipal", "la personne qui m'a reçu hier"}) {
    EXPECT_FALSE(ChatBot::asks_for_a_person(question)) << question;
  }
}

TEST(ChatBot, AnswersOnlyWhenSureAndHandsOverAfterTwoNos) {
  ChatBot bot(Language::kFrench, "Mairie");
  auto answer = bot.on_question("acte", {hit(1, 0.9), hit(2, 0.5), hit(3, 0.1)});
  EXPECT_EQ(answer.kind, BotTurn::Kind::kAnswer);
  ASSERT_EQ(answer.articles.size(), 2u) << "never a weak guess after the first";
  EXPECT_EQ(bot.on_question("box internet", {hit(4, 0.1)}).kind, BotTurn::Kind::kHandOver)
      << "not sure";
  EXPECT_EQ(bot.on_question("bonjour", {}).kind, BotTurn::Kind::kHandOver) << "nothing found";
  EXPECT_EQ(bot.on_feedback(true).kind, BotTurn::Kind::kClosing);
  EXPECT_EQ(bot.on_feedback(false).kind, BotTurn::Kind::kRephrase);
  EXPECT_EQ(bot.on_feedback(false).kind, BotTurn::Kind::kHandOver) << "the second no";
  EXPECT_EQ(bot.on_question("conseiller", {hit(1, 1.0)}).kind, BotTurn::Kind::kHandOver);
}

}  // namespace
}  // namespace guichet::chat
