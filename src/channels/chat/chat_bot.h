// The chat's front line: a bot that says it is one, answers a citizen's
// question with the knowledge base's best articles and their links, asks
// whether that answered, and hands over to a person when asked ("parler à
// un conseiller"), when it is not confident (knowledge::kAnswerCoverage),
// or after two unhelpful answers. Pure: it is given the search's hits and
// gives what to say; the chat channel searches, records and routes.
// Texts in French first, English second (the widget's language).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "knowledge/index.h"

namespace guichet::chat {

enum class Language { kFrench, kEnglish };

struct BotTurn {
  enum class Kind {
    kAnswer,    // articles given; the citizen says whether that answered
    kHandOver,  // to a person now
    kClosing,   // it answered: the citizen may ask something else or end
    kRephrase,  // not this one: the citizen may say it another way
  };
  Kind kind = Kind::kAnswer;
  std::string text;
  std::vector<knowledge::Hit> articles;  // kAnswer: best first, at most three
};

class ChatBot {
 public:
  explicit ChatBot(Language language, std::string service_name);

  // Its first words: it is a bot, what it does, how to reach a person.
  std::string greeting() const;
  // Whether the citizen asks for a person, however they write it
  // ("conseiller", "un humain svp", "parler a quelqu'un").
  static bool asks_for_a_person(std::string_view text);
  // The answer to a question, given the search's hits for it (best first).
  BotTurn on_question(std::string_view question, const std::vector<knowledge::Hit>& hits);
  // "Did that answer?": yes, or no (the second no hands over).
  BotTurn on_feedback(bool answered);

  int unhelpful() const { return unhelpful_; }

 private:
  std::string say(const char* french, const char* english) const;
  const Language language_;
  const std::string service_;
  int unhelpful_ = 0;
};

}  // namespace guichet::chat
